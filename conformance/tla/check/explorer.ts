/**
 * Breadth-first exploration of a model's state graph, counting as TLC counts:
 * - "generated" is every initial state and every successor any sub-action produced
 *   (duplicates, stuttering steps and states later cut by a constraint included);
 * - successors are produced sub-action by sub-action, in TLC's split order, and each new
 *   state is checked against the invariants as soon as it is produced;
 * - a state is deadlocked when no sub-action produces any successor for it;
 * - depth is the BFS level of the deepest state found, initial states being level 1.
 */
import { EvalError, describeRange } from '../values/errors.ts';
import type { Loc } from '../syntax/ast.ts';
import { type Value, fingerprint } from '../values/value.ts';
import { permuteValue } from '../values/permute.ts';
import { Ctx, type PartialState } from '../eval/runtime.ts';
import { actionLabel } from '../eval/actions.ts';
import { expectBool } from '../eval/builtins.ts';
import { FingerprintSet } from './fpset.ts';
import { type Lasso, findViolation } from './liveness.ts';
import type { Model, NamedPredicate } from './model.ts';
import { ActionCounters, type ActionStats, ProgressMeter, summariseActions } from './stats.ts';
import { neverEnabledWarnings, reductionWarnings, vacuityWarnings } from './warnings.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { evalErrorDiagnostic } from '../diagnostics/eval-diagnostic.ts';
import {
  type Outcome,
  assumptionDiagnostic,
  outcomeDiagnostic,
  unassignedDetails,
} from '../diagnostics/violation.ts';

/** How a run ended. */
export type ResultKind = 'ok' | 'invariant' | 'temporal' | 'deadlock' | 'assume' | 'eval-error';

/** One state of an error trace and the step that led to it. */
export interface TraceStep {
  state: Value[];
  /** `<Initial predicate>` for the first state; else the action's label, e.g. `Press(0)`. */
  action: string;
  /** Where the action is, as TLC prints it; absent for the initial state. */
  loc?: Loc;
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
}

/** Periodic progress report. */
export interface Progress {
  depth: number;
  generated: number;
  distinct: number;
  queue: number;
  elapsedMs: number;
  /** States generated per second since the previous report. */
  statesPerSecond: number;
}

export interface ExploreOptions {
  /** Called every `progressIntervalMs` while exploring. */
  onProgress?: (p: Progress) => void;
  progressIntervalMs?: number;
  /** Stop after this BFS level (TLC's -depth applies to simulation; here it bounds BFS). */
  maxDepth?: number;
}

class Violation extends Error {
  constructor(
    readonly kind: ResultKind,
    readonly property: string | undefined,
    readonly at: number, // index of the last stored state of the trace
    readonly extra: PartialState | undefined, // a final state that was not stored
    readonly extraAction: number,
    override readonly cause?: EvalError,
    readonly phase?: CheckResult['errorPhase'],
  ) {
    super(kind);
  }
}

/** Explores `model` breadth-first and reports the first violation, or success. */
export function explore(model: Model, opts: ExploreOptions = {}): CheckResult {
  const started = Date.now();
  const n = model.varNames.length;
  const rt = model.runtime;
  const states: Value[][] = [];
  const parent: number[] = [];
  const viaAction: number[] = [];
  const level: number[] = [];
  const seen = new FingerprintSet();
  // The state graph's edges, kept only when liveness needs the complete graph.
  const keepEdges = model.liveness.length > 0;
  const succ: number[][] = [];
  const succAction: number[][] = [];
  const initial: number[] = [];
  const fp = new Int32Array(2);
  let generated = 0;
  let head = 0;
  let maxLevel = 0;
  const counters = new ActionCounters(model.actions.length);
  const generatedBy = counters.generated;
  const foundBy = counters.distinct;
  // Warnings about actions never taken or premises never true need the complete graph.
  let cutByDepth = false;

  const result = (kind: ResultKind, extra: Partial<CheckResult> = {}): CheckResult => ({
    kind,
    generated,
    distinct: seen.size,
    queueLeft: states.length - head,
    depth: maxLevel,
    varNames: model.varNames,
    elapsedMs: Date.now() - started,
    actionStats: summariseActions(model.actions, counters),
    warnings: reductionWarnings(model),
    ...extra,
  });

  /** An evaluation error outside any state's exploration (no trace to show). */
  const evalErrorResult = (e: EvalError, assumption?: Loc): CheckResult =>
    result('eval-error', {
      message: assumption
        ? `Evaluating assumption ${describeRange(assumption)} failed.\n${e.message}`
        : e.message,
      errorTrail: e.trail.map(describeRange).reverse(),
      errorKind: e.kind,
      ...(assumption ? { errorPhase: 'assume' as const } : {}),
      diagnostic: evalErrorDiagnostic(e),
    });

  // ASSUME statements are checked before any state is computed.
  for (const a of model.assumptions) {
    let ok: boolean;
    try {
      ok = expectBool(a.fn(null, new Ctx(null, null, rt)), () => 'An ASSUME');
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return evalErrorResult(e, a.range);
    }
    if (!ok)
      return result('assume', {
        message: `Assumption ${describeRange(a.range)} is false.`,
        diagnostic: assumptionDiagnostic(a.loc),
      });
  }

  const complete = (s: PartialState, from: number, actionIdx: number): Value[] => {
    for (let i = 0; i < n; i++) {
      if (s[i] === undefined) {
        const where =
          actionIdx < 0
            ? 'the initial predicate'
            : `action ${actionLabel(model.actions[actionIdx])}`;
        const e = new EvalError(
          `Successor state is not completely specified by ${where}: variable ${model.varNames[i]} is not assigned a value.`,
          'unspecified',
        ).explain(unassignedDetails(where, model.varNames, s));
        throw new Violation('eval-error', undefined, from, undefined, actionIdx, e);
      }
    }
    return s as Value[];
  };

  const satisfies = (preds: NamedPredicate[], cur: Value[], nxt: Value[] | null): boolean => {
    if (preds.length === 0) return true;
    const ctx = nxt ? new Ctx(cur, nxt, rt) : new Ctx(cur, null, rt);
    for (const p of preds)
      if (!expectBool(p.fn(null, ctx), () => `The constraint ${p.name}`)) return false;
    return true;
  };

  const violated = (s: Value[]): string | undefined => {
    const ctx = new Ctx(s, null, rt);
    for (const inv of model.invariants) {
      if (!expectBool(inv.fn(null, ctx), () => `The invariant ${inv.name}`)) return inv.name;
    }
    return undefined;
  };

  const store = (s: Value[], from: number, actionIdx: number, lvl: number): void => {
    if (keepEdges) {
      succ.push([]);
      succAction.push([]);
    }
    states.push(s);
    parent.push(from);
    viaAction.push(actionIdx);
    level.push(lvl);
    if (lvl > maxLevel) maxLevel = lvl;
  };

  /**
   * The fingerprint that decides whether a state was seen: of the state, of its VIEW, and under
   * SYMMETRY the least over all its permutations (so symmetric states count once).
   */
  const candidate = new Int32Array(2);
  const stateFingerprint = (s: Value[]): void => {
    const view = model.view;
    const print = (c: Value[], out: Int32Array) =>
      fingerprint(view ? [view.fn(null, new Ctx(c, null, rt))] : c, out);
    print(s, fp);
    for (const p of model.symmetry ?? []) {
      print(
        s.map((v) => permuteValue(v, p)),
        candidate,
      );
      const a = candidate[0] >>> 0,
        b = fp[0] >>> 0;
      if (a < b || (a === b && candidate[1] >>> 0 < fp[1] >>> 0)) fp.set(candidate);
    }
  };

  /** Handles one generated state: constraint, dedupe, invariants, action properties. */
  const consider = (
    s: Value[],
    from: number,
    actionIdx: number,
    lvl: number,
    prev: Value[] | null,
  ): void => {
    let isNew = true;
    let inModel: boolean;
    try {
      inModel =
        satisfies(model.constraints, s, null) &&
        (prev === null || satisfies(model.actionConstraints, prev, s));
    } catch (e) {
      if (e instanceof EvalError)
        throw new Violation('eval-error', undefined, from, s, actionIdx, e);
      throw e;
    }
    if (inModel) {
      try {
        stateFingerprint(s);
      } catch (e) {
        // TLC shows the behaviour up to the state before, and no evaluation context.
        if (e instanceof EvalError)
          throw new Violation(
            'eval-error',
            undefined,
            from,
            undefined,
            actionIdx,
            e,
            'fingerprint',
          );
        throw e;
      }
    }
    if (inModel) {
      const existing = seen.putIfAbsent(fp[0], fp[1], states.length);
      isNew = existing === -1;
      if (isNew) {
        store(s, from, actionIdx, lvl);
        if (actionIdx >= 0) foundBy[actionIdx]++;
        else counters.initialDistinct++;
      }
      if (keepEdges) {
        const target = isNew ? states.length - 1 : existing;
        if (from >= 0) {
          succ[from].push(target);
          succAction[from].push(actionIdx);
        } else if (!initial.includes(target)) initial.push(target);
      }
    }
    // A state outside the constraints is not stored: the trace then ends with it explicitly.
    const at = inModel && isNew ? states.length - 1 : from;
    const extra = inModel && isNew ? undefined : s;
    try {
      const bad = isNew ? violated(s) : undefined;
      if (bad !== undefined) throw new Violation('invariant', bad, at, extra, actionIdx);
      // A temporal property's initial-state part (a refinement's Init) holds of each initial state.
      if (prev === null) {
        const ctx = new Ctx(s, null, rt);
        for (const prop of model.liveness) {
          for (const p of prop.initial) {
            if (!expectBool(p.fn(p.env, ctx), () => `The initial condition of ${prop.name}`)) {
              throw new Violation('temporal', prop.name, at, extra, actionIdx);
            }
          }
        }
      }
      // Action properties hold of every step, also one that reaches a state seen before.
      if (prev !== null) {
        const ctx = new Ctx(prev, s, rt);
        for (const p of model.actionProperties) {
          if (!expectBool(p.fn(null, ctx), () => `The action property ${p.name}`)) {
            throw new Violation('temporal', p.name, from, s, actionIdx);
          }
        }
      }
    } catch (e) {
      if (e instanceof EvalError)
        throw new Violation('eval-error', undefined, at, extra, actionIdx, e);
      throw e;
    }
  };

  const meter = new ProgressMeter(started, opts.progressIntervalMs ?? 5000);
  try {
    // Initial states.
    const inits: PartialState[] = [];
    try {
      model.init(null, new Ctx(new Array(n).fill(undefined), null, rt), (ctx) => {
        inits.push(ctx.cur!);
        return false;
      });
    } catch (e) {
      if (e instanceof EvalError)
        throw new Violation('eval-error', undefined, -1, undefined, -1, e);
      throw e;
    }
    for (const s of inits) {
      generated++;
      counters.initialGenerated++;
      consider(complete(s, -1, -1), -1, -1, 1, null);
    }
    if (model.noNext) {
      const message = 'No next state actions defined to generate successor states from.';
      return result('eval-error', {
        message,
        diagnostic: {
          code: 'TLA309',
          severity: 'error',
          summary: message,
          location: { file: model.cfg.file, ...model.cfg.init!.pos },
          hint: 'the cfg names INIT but no NEXT: add NEXT (or a SPECIFICATION) to explore beyond the initial states',
        },
      });
    }

    // Breadth-first search; the queue is the tail of `states`.
    while (head < states.length) {
      const idx = head++;
      const cur = states[idx];
      const stats = rt.stats;
      stats.level = level[idx];
      stats.distinct = seen.size;
      stats.generated = generated;
      stats.queue = states.length - head;
      stats.diameter = maxLevel;
      if (opts.maxDepth !== undefined && level[idx] >= opts.maxDepth) {
        cutByDepth = true;
        continue;
      }
      let anySuccessor = false;
      for (let a = 0; a < model.actions.length; a++) {
        const action = model.actions[a];
        // Each successor is counted and checked as soon as the action produces it, as TLC's
        // Worker.addElement does: a violation stops the action's enumeration there, so
        // successors it would have produced afterwards are not counted as generated.
        try {
          action.act(action.env, new Ctx(cur, new Array(n).fill(undefined), rt), (ctx) => {
            generated++;
            generatedBy[a]++;
            anySuccessor = true;
            consider(complete(ctx.nxt!, idx, a), idx, a, level[idx] + 1, cur);
            return false;
          });
        } catch (e) {
          if (e instanceof EvalError)
            throw new Violation('eval-error', undefined, idx, undefined, a, e);
          throw e;
        }
      }
      if (!anySuccessor && model.checkDeadlock)
        throw new Violation('deadlock', undefined, idx, undefined, -1);
      if (opts.onProgress && (idx & 1023) === 0) {
        const now = Date.now();
        if (meter.due(now)) {
          opts.onProgress({
            depth: maxLevel,
            generated,
            distinct: seen.size,
            queue: states.length - head,
            elapsedMs: now - started,
            statesPerSecond: meter.perSecond(generated, now),
          });
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Violation)) throw e;
    const trace = buildTrace(e.at);
    if (e.extra) trace.push(step(e.extra as Value[], e.extraAction));
    const initialState = e.kind === 'invariant' && trace.length === 1;
    return result(e.kind, {
      property: e.property,
      message:
        e.cause?.message ??
        (e.kind === 'deadlock'
          ? 'Deadlock reached.'
          : e.kind === 'temporal'
            ? trace.length === 1
              ? `Temporal property ${e.property} is violated by the initial state.`
              : `Action property ${e.property} is violated.`
            : undefined),
      errorTrail: e.cause?.trail.map(describeRange).reverse(),
      errorKind: e.cause?.kind,
      ...(e.phase ? { errorPhase: e.phase } : {}),
      trace,
      initialState,
      diagnostic: outcomeDiagnostic(model, {
        kind: e.kind as Outcome['kind'],
        property: e.property,
        cause: e.cause,
        state: trace[trace.length - 1]?.state,
        actionIdx: e.extraAction,
      }),
    });
  }
  for (const prop of model.liveness) {
    let lasso: Lasso | undefined;
    try {
      lasso = findViolation({ states, succ, initial }, prop, model.fairness, rt);
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return evalErrorResult(e);
    }
    if (lasso) {
      const trace = lasso.path.map((idx, k) => {
        if (k === 0) return step(states[idx], -1);
        const from = lasso!.path[k - 1];
        const edge = succ[from].indexOf(idx);
        return step(states[idx], edge >= 0 ? succAction[from][edge] : -1);
      });
      return result('temporal', {
        property: prop.name,
        message: `Temporal property ${prop.name} was violated.`,
        diagnostic: outcomeDiagnostic(model, {
          kind: 'temporal',
          property: prop.name,
          actionIdx: -1,
        }),
        trace,
        lasso: lasso.loopStart < 0 ? { stuttering: true } : { backTo: lasso.loopStart + 1 },
      });
    }
  }
  const ok = result('ok');
  if (!cutByDepth) {
    ok.warnings!.push(
      ...neverEnabledWarnings(ok.actionStats!, ok.distinct),
      ...vacuityWarnings(model, states),
    );
  }
  return ok;

  function step(s: Value[], actionIdx: number): TraceStep {
    if (actionIdx < 0) return { state: s, action: 'Initial predicate' };
    const a = model.actions[actionIdx];
    return { state: s, action: actionLabel(a), loc: a.loc };
  }

  function buildTrace(at: number): TraceStep[] {
    const out: TraceStep[] = [];
    for (let i = at; i >= 0; i = parent[i]) out.push(step(states[i], viaAction[i]));
    return out.reverse();
  }
}
