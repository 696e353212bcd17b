/**
 * What breadth-first exploration does to each state, whoever stores the states: computing the
 * initial states, expanding a state sub-action by sub-action, and checking every generated state
 * (constraints, fingerprint, invariants, action properties, deadlock) as TLC does. The
 * one-thread explorer (`explorer.ts`) and the workers of the parallel one (`parallel/worker.ts`)
 * both drive a {@link StateChecker}; they differ only in where seen fingerprints and states live,
 * which they say through an {@link AdmitState} callback. So the two cannot drift apart on the
 * rules that decide TLC's counts.
 *
 * States are named by ids the caller chooses (the one-thread explorer uses indexes into its
 * arrays, the workers global ids); a {@link Violation} carries the id of the last stored state of
 * its trace, from which the caller rebuilds the trace.
 */
import { EvalError, describeRange } from '../values/errors.ts';
import type { Loc } from '../syntax/ast.ts';
import { type Value, fingerprint } from '../values/value.ts';
import { permuteValue } from '../values/permute.ts';
import { Ctx, type PartialState } from '../eval/runtime.ts';
import { nameSteps } from './step-names.ts';
import { actionLabel } from '../eval/actions.ts';
import { expectBool } from '../eval/builtins.ts';
import type { Model, NamedPredicate } from './model.ts';
import { ActionCounters } from './stats.ts';
import { CanonicalFingerprints } from './canonical-fingerprints.ts';
import { evalErrorDiagnostic } from '../diagnostics/eval-diagnostic.ts';
import {
  type Outcome,
  assumptionDiagnostic,
  outcomeDiagnostic,
  unassignedDetails,
} from '../diagnostics/violation.ts';
import type { CheckResult, ResultKind, TraceStep } from './result.ts';

/** Why exploration stopped early: the trace ends at state `at`, then `extra` if given. */
export class Violation extends Error {
  constructor(
    readonly kind: ResultKind,
    readonly property: string | undefined,
    readonly at: number, // id of the last stored state of the trace, -1 for none
    readonly extra: PartialState | undefined, // a final state that was not stored
    readonly extraAction: number,
    override readonly cause?: EvalError,
    readonly phase?: CheckResult['errorPhase'],
  ) {
    super(kind);
  }
}

/**
 * Stores `s` (reached from `from` by sub-action `actionIdx`, -1 for an initial state) unless a
 * state with fingerprint (h1, h2) was seen: returns the new state's id, or -1 when it was seen.
 */
export type AdmitState = (
  s: Value[],
  from: number,
  actionIdx: number,
  h1: number,
  h2: number,
) => number;

/** Checks and expands states for a breadth-first search; see the module comment. */
export class StateChecker {
  /** States generated so far: initial states and successors, duplicates included. */
  generated = 0;
  readonly counters: ActionCounters;
  private readonly n: number;
  private readonly fp = new Int32Array(2);
  private readonly candidate = new Int32Array(2);
  /**
   * Under SYMMETRY, the variable values of the state whose successors are being fingerprinted,
   * permuted by each permutation as they are first needed.
   */
  private permutedParent: { of: readonly Value[]; images: Value[][] } | undefined;
  /** Under SYMMETRY, the least fingerprints of states met before. */
  private readonly canonical = new CanonicalFingerprints();
  private readonly raw = new Int32Array(2);

  constructor(
    private readonly model: Model,
    private readonly admit: AdmitState,
  ) {
    this.n = model.varNames.length;
    this.counters = new ActionCounters(model.actions.length);
  }

  /** The initial states, in the order Init produces them (duplicates included). */
  initialStates(): PartialState[] {
    const model = this.model;
    const inits: PartialState[] = [];
    try {
      model.init(null, new Ctx(new Array(this.n).fill(undefined), null, model.runtime), (ctx) => {
        inits.push(ctx.cur!);
        return false;
      });
    } catch (e) {
      if (e instanceof EvalError)
        throw new Violation('eval-error', undefined, -1, undefined, -1, e);
      throw e;
    }
    return inits;
  }

  /** Counts and checks one initial state (from {@link initialStates}). */
  considerInitial(s: PartialState): void {
    this.generated++;
    this.counters.initialGenerated++;
    this.consider(this.complete(s, -1, -1), -1, -1, null);
  }

  /**
   * Generates the successors of state `cur` (id `id`), checking each as soon as it is produced,
   * as TLC's Worker.addElement does: a violation stops the action's enumeration there, so
   * successors it would have produced afterwards are not counted as generated.
   */
  expand(cur: Value[], id: number): void {
    const model = this.model;
    const rt = model.runtime;
    const n = this.n;
    const generatedBy = this.counters.generated;
    let anySuccessor = false;
    for (let a = 0; a < model.actions.length; a++) {
      const action = model.actions[a];
      try {
        action.act(action.env, new Ctx(cur, new Array(n).fill(undefined), rt), (ctx) => {
          this.generated++;
          generatedBy[a]++;
          anySuccessor = true;
          this.consider(this.complete(ctx.nxt!, id, a), id, a, cur);
          return false;
        });
      } catch (e) {
        if (e instanceof EvalError)
          throw new Violation('eval-error', undefined, id, undefined, a, e);
        throw e;
      }
    }
    if (!anySuccessor && model.checkDeadlock)
      throw new Violation('deadlock', undefined, id, undefined, -1);
  }

  /**
   * The states of a path recorded by fingerprints: the first step an initial state, each later
   * one reached by `action` from the step before. As TLC rebuilds an error trace, each step is
   * found by running its action again from the state before and taking the first successor
   * inside the constraints with the recorded fingerprint. Exploration admitted the first such
   * successor, produced in this same order, so these are the very states it stored.
   */
  rebuildPath(path: ReadonlyArray<{ fp: readonly [number, number]; action: number }>): Value[][] {
    const { model, n } = this;
    const rt = model.runtime;
    const states: Value[][] = [];
    for (const [k, step] of path.entries()) {
      const prev = k === 0 ? null : states[k - 1];
      let found: Value[] | undefined;
      const take = (s: PartialState): boolean => {
        if (this.isRecorded(s, prev, step.fp)) found = s as Value[];
        return found !== undefined;
      };
      if (prev === null) {
        this.initialStates().some(take);
      } else {
        rt.stats.level = k; // TLCGet("level") as when the state before was expanded
        const action = model.actions[step.action];
        action.act(action.env, new Ctx(prev, new Array(n).fill(undefined), rt), (ctx) =>
          take(ctx.nxt!),
        );
      }
      if (found === undefined) {
        const by =
          prev === null ? 'the initial predicate' : actionLabel(model.actions[step.action]);
        throw new Error(
          `Rebuilding the error trace failed at state ${k + 1}: no state from ${by} has the fingerprint exploration recorded (an action that depends on more than the state, such as TLCSet or RandomElement, can cause this).`,
        );
      }
      states.push(found);
    }
    return states;
  }

  /** Whether exploration would have admitted `s` (reached from `prev`) with fingerprint `fp`. */
  private isRecorded(
    s: PartialState,
    prev: Value[] | null,
    fp: readonly [number, number],
  ): boolean {
    if (s.includes(undefined)) return false;
    const state = s as Value[];
    if (!this.satisfies(this.model.constraints, state, null)) return false;
    if (prev !== null && !this.satisfies(this.model.actionConstraints, prev, state)) return false;
    this.stateFingerprint(state, prev);
    return this.fp[0] === fp[0] && this.fp[1] === fp[1];
  }

  private complete(s: PartialState, from: number, actionIdx: number): Value[] {
    for (let i = 0; i < this.n; i++) {
      if (s[i] === undefined) {
        const model = this.model;
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
  }

  private satisfies(preds: NamedPredicate[], cur: Value[], nxt: Value[] | null): boolean {
    if (preds.length === 0) return true;
    const rt = this.model.runtime;
    const ctx = nxt ? new Ctx(cur, nxt, rt) : new Ctx(cur, null, rt);
    for (const p of preds)
      if (!expectBool(p.fn(null, ctx), () => `The constraint ${p.name}`)) return false;
    return true;
  }

  private violated(s: Value[]): string | undefined {
    const ctx = new Ctx(s, null, this.model.runtime);
    for (const inv of this.model.invariants) {
      if (!expectBool(inv.fn(null, ctx), () => `The invariant ${inv.name}`)) return inv.name;
    }
    return undefined;
  }

  /**
   * The fingerprint that decides whether a state was seen, into `this.fp`: of the state, of its
   * VIEW, and under SYMMETRY the least over all its permutations (so symmetric states count once).
   */
  private stateFingerprint(s: Value[], parent: Value[] | null): void {
    const { view, runtime: rt, symmetry } = this.model;
    const { fp, candidate } = this;
    const print = (c: Value[], out: Int32Array) =>
      fingerprint(view ? [view.fn(null, new Ctx(c, null, rt))] : c, out);
    print(s, fp);
    if (symmetry === undefined || symmetry.length === 0) return;
    // The state's own fingerprint names it (a VIEW's may not: images depend on all of it).
    const raw = this.raw;
    if (view) fingerprint(s, raw);
    else raw.set(fp);
    if (this.canonical.get(raw[0], raw[1], fp)) return;
    // A step changes a few variables: the others are the parent's very values, whose permuted
    // images (and their cached fingerprints) are made once for all the parent's successors.
    let memo = this.permutedParent;
    if (parent !== null && memo?.of !== parent)
      memo = this.permutedParent = { of: parent, images: symmetry.map(() => []) };
    const image = new Array<Value>(s.length);
    for (let k = 0; k < symmetry.length; k++) {
      const p = symmetry[k];
      const images = parent !== null ? memo!.images[k] : undefined;
      let moved = false;
      for (let i = 0; i < s.length; i++) {
        const v = s[i];
        const w =
          images !== undefined && v === parent![i]
            ? (images[i] ??= permuteValue(v, p))
            : permuteValue(v, p);
        if (w !== v) moved = true;
        image[i] = w;
      }
      if (!moved) continue; // the state is its own image under p
      print(image, candidate);
      const a = candidate[0] >>> 0,
        b = fp[0] >>> 0;
      if (a < b || (a === b && candidate[1] >>> 0 < fp[1] >>> 0)) fp.set(candidate);
    }
    this.canonical.set(raw[0], raw[1], fp);
  }

  /** Handles one generated state: constraint, dedupe, invariants, action properties. */
  private consider(s: Value[], from: number, actionIdx: number, prev: Value[] | null): void {
    const model = this.model;
    const rt = model.runtime;
    let inModel: boolean;
    try {
      inModel =
        this.satisfies(model.constraints, s, null) &&
        (prev === null || this.satisfies(model.actionConstraints, prev, s));
    } catch (e) {
      if (e instanceof EvalError)
        throw new Violation('eval-error', undefined, from, s, actionIdx, e);
      throw e;
    }
    // A state outside the constraints is not stored, but its invariants are checked (as TLC
    // does); the trace then ends with it explicitly.
    let id = -1;
    if (inModel) {
      try {
        this.stateFingerprint(s, prev);
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
      id = this.admit(s, from, actionIdx, this.fp[0], this.fp[1]);
      if (id >= 0) {
        if (actionIdx >= 0) this.counters.distinct[actionIdx]++;
        else this.counters.initialDistinct++;
      }
    }
    const isNew = !inModel || id >= 0;
    const at = id >= 0 ? id : from;
    const extra = id >= 0 ? undefined : s;
    try {
      const bad = isNew ? this.violated(s) : undefined;
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
      } else {
        // Action properties hold of every step, also one that reaches a state seen before.
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
  }
}

/** The parts of a result that do not depend on how the run ended. */
export type ResultBase = Omit<CheckResult, 'kind'>;

/** An evaluation error outside any state's exploration (no trace to show). */
export function evalErrorResult(base: ResultBase, e: EvalError, assumption?: Loc): CheckResult {
  return {
    ...base,
    kind: 'eval-error',
    message: assumption
      ? `Evaluating assumption ${describeRange(assumption)} failed.\n${e.message}`
      : e.message,
    errorTrail: e.trail.map(describeRange).reverse(),
    errorKind: e.kind,
    ...(assumption ? { errorPhase: 'assume' as const } : {}),
    diagnostic: evalErrorDiagnostic(e),
  };
}

/** Checks the ASSUME statements (before any state is computed): a result when one fails. */
export function checkAssumptions(model: Model, base: () => ResultBase): CheckResult | undefined {
  for (const a of model.assumptions) {
    let ok: boolean;
    try {
      ok = expectBool(a.fn(null, new Ctx(null, null, model.runtime)), () => 'An ASSUME');
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return evalErrorResult(base(), e, a.range);
    }
    if (!ok)
      return {
        ...base(),
        kind: 'assume',
        message: `Assumption ${describeRange(a.range)} is false.`,
        diagnostic: assumptionDiagnostic(a.loc),
      };
  }
  return undefined;
}

/** The result of a cfg that names INIT but no NEXT, once the initial states are checked. */
export function noNextResult(model: Model, base: ResultBase): CheckResult {
  const message = 'No next state actions defined to generate successor states from.';
  return {
    ...base,
    kind: 'eval-error',
    message,
    diagnostic: {
      code: 'TLA309',
      severity: 'error',
      summary: message,
      location: { file: model.cfg.file, ...model.cfg.init!.pos },
      hint: 'the cfg names INIT but no NEXT: add NEXT (or a SPECIFICATION) to explore beyond the initial states',
    },
  };
}

/** One step of an error trace: state `s`, reached by sub-action `actionIdx` (-1: initial). */
export function traceStep(model: Model, s: Value[], actionIdx: number): TraceStep {
  if (actionIdx < 0) return { state: s, action: 'Initial predicate' };
  const a = model.actions[actionIdx];
  return { state: s, action: actionLabel(a), loc: a.loc, actionIndex: actionIdx };
}

/**
 * The result of a run stopped by `v`, whose trace up to state `v.at` is `trace` (the final
 * unstored state, if any, is added here).
 */
export function violationResult(
  model: Model,
  v: Violation,
  trace: TraceStep[],
  base: ResultBase,
): CheckResult {
  if (v.extra) trace.push(traceStep(model, v.extra as Value[], v.extraAction));
  nameSteps(model, trace);
  const initialState = v.kind === 'invariant' && trace.length === 1;
  return {
    ...base,
    kind: v.kind,
    property: v.property,
    message:
      v.cause?.message ??
      (v.kind === 'deadlock'
        ? 'Deadlock reached.'
        : v.kind === 'temporal'
          ? trace.length === 1
            ? `Temporal property ${v.property} is violated by the initial state.`
            : `Action property ${v.property} is violated.`
          : undefined),
    errorTrail: v.cause?.trail.map(describeRange).reverse(),
    errorKind: v.cause?.kind,
    ...(v.phase ? { errorPhase: v.phase } : {}),
    trace,
    initialState,
    diagnostic: outcomeDiagnostic(model, {
      kind: v.kind as Outcome['kind'],
      property: v.property,
      cause: v.cause,
      state: trace[trace.length - 1]?.state,
      actionIdx: v.extraAction,
    }),
  };
}
