/**
 * What a model-checking run reports: how it ended, its counts, and the error trace. Shared by the
 * explorers (one thread, `parallel/`), the per-state checks and the reports above them.
 */
import type { EvalError } from '../values/errors.ts';
import type { Loc } from '../syntax/ast.ts';
import type { Value } from '../values/value.ts';
import type { SpillStats } from './spill/storage.ts';
import type { ActionStats } from './stats.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** How a run ended. */
export type ResultKind = 'ok' | 'invariant' | 'temporal' | 'deadlock' | 'assume' | 'eval-error';

/** One state of an error trace and the step that led to it. */
export interface TraceStep {
  state: Value[];
  /** `<Initial predicate>` for the first state; else the action's label, e.g. `Press(0)`. */
  action: string;
  /** Where the action is, as TLC prints it; absent for the initial state. */
  loc?: Loc;
  /** The sub-action of Next that took the step (an index into the model's actions). */
  actionIndex?: number;
  /**
   * The innermost action that took the step, with its arguments, e.g.
   * `Promise(2, "leader", 1, <<1, 2>>)`, and where it is defined (./step-names.ts); absent
   * when no operator call explains the step.
   */
  name?: string;
  nameLoc?: Loc;
}

export interface CheckResult {
  kind: ResultKind;
  /** How the states were visited: breadth-first (complete) or random behaviours (-simulate). */
  mode?: 'bfs' | 'simulate';
  /** For simulation: how many behaviours were generated, with which seed. */
  behaviours?: number;
  seed?: number;
  /** The violated invariant's name. */
  property?: string;
  /** Error message for eval-error and assume. */
  message?: string;
  /** Expressions being evaluated when an eval-error happened, innermost last (TLC order). */
  errorTrail?: string[];
  /** The error's TLC category (assert, overflow, ...) for exit codes. */
  errorKind?: EvalError['kind'];
  /**
   * When an eval-error happened outside evaluating an action or a predicate: in an ASSUME (TLC
   * reports it as a failed assumption, exit 10) or while fingerprinting a state, which sorts
   * its sets (TLC reports an unexpected exception, exit 255).
   */
  errorPhase?: 'assume' | 'fingerprint';
  /** For a violation or an error: its cause, place and values, for people (docs/diagnostics.md). */
  diagnostic?: Diagnostic;
  /** An invariant violated by an initial state (TLC prints no counts then). */
  initialState?: boolean;
  generated: number;
  distinct: number;
  queueLeft: number;
  depth: number;
  trace?: TraceStep[];
  /** For a liveness counterexample: the trace loops back to state `backTo` (1-based), or stutters. */
  lasso?: { backTo?: number; stuttering?: boolean };
  varNames: string[];
  elapsedMs: number;
  /** Per sub-action of Next: successors produced and distinct states found first. */
  actionStats?: ActionStats;
  /** Reasons to doubt a success: actions never enabled, properties that hold trivially, ... */
  warnings?: Diagnostic[];
  /** Under a memory limit (-fpmem): what went to disk. */
  spilled?: SpillStats;
}
