/**
 * The explorer's distinct states, numbered in the order found: the BFS queue is the tail of this
 * sequence (from the next state to explore onwards), and the parent and action of each state
 * give error traces. {@link MemoryStateStore} keeps them in arrays, as the explorer always did;
 * `disk-state-store.ts` moves them to disk under a memory limit.
 */
import type { Value } from '../../values/value.ts';

export interface StateStore {
  /** States stored so far; the next one added gets this number. */
  readonly count: number;
  add(state: Value[], parent: number, action: number, level: number): void;
  state(i: number): Value[];
  /** The state `i` was found from, or -1 for an initial state. */
  parent(i: number): number;
  /** The sub-action of Next that found state `i`, or -1 for an initial state. */
  action(i: number): number;
  /** BFS level of state `i` (initial states are level 1). */
  level(i: number): number;
  /** Every state, in order (read back from disk when spilled); can be iterated again. */
  all(): Iterable<Value[]>;
}

/** Every state in memory: the default, and what liveness checking needs. */
export class MemoryStateStore implements StateStore {
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
  all(): Value[][] {
    return this.states;
  }
}
