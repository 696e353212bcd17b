/**
 * The explorer's distinct states, numbered in the order found: the BFS queue is the tail of this
 * sequence (from the next state to explore onwards), and the parent and action of each state
 * give error traces. Three ways to keep them:
 * - {@link FrontierStateStore}, the default, keeps as values only the states still to explore,
 *   and of every state its fingerprint, parent, action and level in typed arrays, as TLC does:
 *   an error trace is rebuilt by running the recorded actions again from an initial state and
 *   picking at each step the successor with the recorded fingerprint;
 * - {@link MemoryStateStore} keeps every state, for liveness, which walks the whole graph;
 * - `disk-state-store.ts` moves them to disk under a memory limit (`-fpmem`).
 */
import type { Value } from '../../values/value.ts';
import { Int32Columns } from '../int-columns.ts';

interface StoreBase {
  /** States stored so far; the next one added gets this number. */
  readonly count: number;
  /** Adds a state whose fingerprint (as the explorer decides it was seen) is (h1, h2). */
  add(state: Value[], parent: number, action: number, level: number, h1: number, h2: number): void;
  /** The BFS is done with state `i`: a store may forget its value. */
  explored(i: number): void;
  /** State `i`: always for one not yet explored, for any with {@link keepsExplored}. */
  state(i: number): Value[];
  /** The state `i` was found from, or -1 for an initial state. */
  parent(i: number): number;
  /** The sub-action of Next that found state `i`, or -1 for an initial state. */
  action(i: number): number;
  /** BFS level of state `i` (initial states are level 1). */
  level(i: number): number;
}

/** A store from which every state can be read back. */
export interface KeepingStore extends StoreBase {
  readonly keepsExplored: true;
}

/** A store that forgets explored states, but not the fingerprints they were added with. */
export interface ForgettingStore extends StoreBase {
  readonly keepsExplored: false;
  /** The fingerprint state `i` was added with, as [h1, h2]. */
  fingerprint(i: number): [number, number];
}

export type StateStore = KeepingStore | ForgettingStore;

/** Every state in memory: the default, and what liveness checking needs. */
export class MemoryStateStore implements KeepingStore {
  readonly keepsExplored = true;
  readonly states: Value[][] = [];
  private readonly parents: number[] = [];
  private readonly actions: number[] = [];
  private readonly levels: number[] = [];

  get count(): number {
    return this.states.length;
  }

  add(state: Value[], parent: number, action: number, level: number): void {
    this.states.push(state);
    this.parents.push(parent);
    this.actions.push(action);
    this.levels.push(level);
  }

  explored(): void {}

  state(i: number): Value[] {
    return this.states[i];
  }
  parent(i: number): number {
    return this.parents[i];
  }
  action(i: number): number {
    return this.actions[i];
  }
  level(i: number): number {
    return this.levels[i];
  }
}

const PARENT = 0,
  ACTION = 1,
  LEVEL = 2,
  H1 = 3,
  H2 = 4;

/**
 * The states still to explore as values, and 20 bytes for every state found (see the module
 * comment). A BFS frontier is a small part of all states on most specs, so the heap the garbage
 * collector walks stays small too.
 */
export class FrontierStateStore implements ForgettingStore {
  readonly keepsExplored = false;
  private readonly records = new Int32Columns(5);
  /** States firstKept.. in order; an explored one is cleared, and cleared slots cut now and then. */
  private frontier: Array<Value[] | undefined> = [];
  private firstKept = 0;
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(state: Value[], parent: number, action: number, level: number, h1: number, h2: number): void {
    const i = this.n++;
    const r = this.records;
    r.set(i, H2, h2); // the last column first: it grows the columns at most once
    r.set(i, PARENT, parent);
    r.set(i, ACTION, action);
    r.set(i, LEVEL, level);
    r.set(i, H1, h1);
    this.frontier.push(state);
  }

  explored(i: number): void {
    this.frontier[i - this.firstKept] = undefined;
    // States are explored in order: cutting the cleared prefix when it is most of the array
    // costs a constant per state.
    const drop = i + 1 - this.firstKept;
    if (drop >= 4096 && drop * 2 >= this.frontier.length) {
      this.frontier = this.frontier.slice(drop);
      this.firstKept = i + 1;
    }
  }

  state(i: number): Value[] {
    const s = i >= this.firstKept ? this.frontier[i - this.firstKept] : undefined;
    if (s === undefined) throw new Error(`state ${i} was explored and is no longer kept`);
    return s;
  }
  parent(i: number): number {
    return this.records.get(i, PARENT);
  }
  action(i: number): number {
    return this.records.get(i, ACTION);
  }
  level(i: number): number {
    return this.records.get(i, LEVEL);
  }
  fingerprint(i: number): [number, number] {
    return [this.records.get(i, H1), this.records.get(i, H2)];
  }
}
