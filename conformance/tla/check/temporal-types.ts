/**
 * The shapes liveness checking works on: predicates on states and steps, the specification's
 * fairness, the explored state graph and a lasso through it. Both checkers (the fast forms in
 * liveness.ts and the tableau in ltl/) use them.
 */
import type { Env, Fn } from '../eval/runtime.ts';
import type { Value } from '../values/value.ts';

/** A predicate on a state, or on a step (for `<<A>>_v`). */
export interface Pred {
  /** True for an action: evaluated on (state, next state). */
  onStep: boolean;
  fn: Fn;
  env: Env;
}

/** A fairness condition of the specification. */
export interface Fairness {
  strong: boolean;
  /** `<<A>>_v` on a step. */
  step: Pred;
  /** `ENABLED <<A>>_v` in a state. */
  enabled: Fn;
  env: Env;
}

/** The explored graph: states and, per state, the indices of its successors. */
export interface StateGraph {
  states: Value[][];
  succ: number[][];
  initial: number[];
}

/** A lasso: a path of state indices, and where its loop starts (or -1: stuttering at the end). */
export interface Lasso {
  path: number[];
  loopStart: number;
}
