/**
 * The set of spec states consistent with a trace so far, deduplicated by fingerprint and
 * bounded. The spec leaves things the trace does not log open (which quorum's promises
 * decided an accept's value, say), so one trace can be explained by several states; later
 * events decide between them.
 */
import { fingerprint, type Value } from '../tla/index.ts';

/** A bounded set of distinct states, in insertion order. */
export class CandidateSet {
  private readonly seen = new Set<string>();
  readonly states: Value[][] = [];
  /** For each state, the index of the state it was reached from in the previous set. */
  readonly parents: number[] = [];
  /** Whether a new state was refused because the set was full. */
  cut = false;
  private readonly fp = new Int32Array(2);

  constructor(readonly bound: number) {}

  /** Adds `state` (reached from the previous set's state `parent`) unless it is already in; returns whether it was new and fit. */
  add(state: Value[], parent = -1): boolean {
    fingerprint(state, this.fp);
    const key = `${this.fp[0]}:${this.fp[1]}`;
    if (this.seen.has(key)) return false;
    if (this.states.length >= this.bound) {
      this.cut = true;
      return false;
    }
    this.seen.add(key);
    this.states.push(state);
    this.parents.push(parent);
    return true;
  }

  get size(): number {
    return this.states.length;
  }
}
