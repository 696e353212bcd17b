/**
 * The set of spec states consistent with a trace so far, deduplicated by fingerprint and
 * bounded. The spec leaves things the trace does not log open (which quorum's promises
 * decided an accept's value, say), so one trace can be explained by several states; later
 * events decide between them.
 */
import { fingerprint, type Value } from '../tla/index.ts';

/** A bounded set of distinct states, in insertion order. */
export class CandidateSet {
  /**
   * Fingerprints of the states, taken only once a second state arrives: most events leave one
   * candidate, and fingerprinting a state costs time linear in its message set.
   */
  private seen: Set<string> | undefined;
  readonly states: Value[][] = [];
  /** For each state, the index of the state it was reached from in the previous set. */
  readonly parents: number[] = [];
  /** Whether a new state was refused because the set was full. */
  cut = false;
  private readonly fp = new Int32Array(2);

  constructor(readonly bound: number) {}

  /**
   * Adds `state` (reached from the previous set's state `parent`) unless it is already in;
   * returns whether it was new and fit.
   */
  add(state: Value[], parent = -1): boolean {
    if (this.states.length > 0) {
      if (this.seen === undefined) this.seen = new Set([this.key(this.states[0])]);
      const key = this.key(state);
      if (this.seen.has(key)) return false;
      if (this.states.length >= this.bound) {
        this.cut = true;
        return false;
      }
      this.seen.add(key);
    } else if (this.bound < 1) {
      this.cut = true;
      return false;
    }
    this.states.push(state);
    this.parents.push(parent);
    return true;
  }

  get size(): number {
    return this.states.length;
  }

  private key(state: Value[]): string {
    fingerprint(state, this.fp);
    return `${this.fp[0]}:${this.fp[1]}`;
  }
}
