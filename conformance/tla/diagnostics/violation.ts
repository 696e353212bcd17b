/**
 * The diagnostic of a checking result that is not a success: for an invariant, the innermost
 * false part with its values and the witnesses of a failing `\A`; for an evaluation error, the
 * failing expression and the definitions that led to it; for a deadlock or a false assumption,
 * the place and the usual fix. Computed once, after the run stopped, from the violating state.
 */
import type { Expr } from '../syntax/ast.ts';
import { actionLabel } from '../eval/actions.ts';
import { Ctx, type Runtime } from '../eval/runtime.ts';
import { Scope } from '../eval/scope.ts';
import type { EvalError, EvalErrorDetails, SourceRange } from '../values/errors.ts';
import type { Value } from '../values/value.ts';
import type { Model } from '../check/model.ts';
import type { Diagnostic } from './diagnostic.ts';
import { type ChainLink, evalErrorDiagnostic } from './eval-diagnostic.ts';
import { locationOf } from './location.ts';
import { sourceText } from './source.ts';
import { whyFalse } from './why-false.ts';

/** What the explorer knows when it stops. */
export interface Outcome {
  kind: 'invariant' | 'temporal' | 'deadlock' | 'eval-error';
  property?: string;
  cause?: EvalError;
  /** The last state of the trace: the one that violates, or is deadlocked. */
  state?: Value[];
  /** The sub-action that produced that state; -1 for the initial predicate. */
  actionIdx: number;
}

/** The diagnostic for `outcome`; never throws (explaining must not hide the result). */
export function outcomeDiagnostic(model: Model, outcome: Outcome): Diagnostic | undefined {
  try {
    switch (outcome.kind) {
      case 'eval-error':
        return outcome.cause
          ? evalErrorDiagnostic(outcome.cause, evalContext(model, outcome))
          : undefined;
      case 'invariant':
        return invariantDiagnostic(model, outcome.property!, outcome.state);
      case 'deadlock':
        return deadlockDiagnostic(model);
      case 'temporal':
        return propertyDiagnostic(model, outcome.property!);
    }
  } catch {
    return undefined;
  }
}

/** An ASSUME that evaluated to FALSE. */
export function assumptionDiagnostic(loc: SourceRange): Diagnostic {
  return {
    code: 'TLA504',
    severity: 'error',
    summary: `the assumption ${sourceText(loc).replace(/^ASSUME(PTION)?\s+/, '')} is false`,
    location: locationOf(loc),
    hint: 'an ASSUME states what the constants must satisfy: check the values the cfg gives them',
  };
}

/** What was being evaluated: the action (or Init), or the invariant or constraint, by where the trail starts. */
function evalContext(model: Model, o: Outcome): ChainLink[] {
  const outermost = o.cause?.trail[o.cause.trail.length - 1];
  const predicates = [...model.invariants, ...model.constraints, ...model.actionConstraints];
  const predicate = outermost && predicates.find((p) => contains(p.loc, outermost));
  if (predicate) return [{ name: predicate.name, location: locationOf(predicate.loc) }];
  if (o.actionIdx < 0) return [initLink(model)];
  const action = model.actions[o.actionIdx];
  return [{ name: actionLabel(action), location: locationOf(action.loc) }];
}

/** The initial predicate: its definition's body when the cfg names one (like a sub-action's place). */
function initLink(model: Model): ChainLink {
  const name = model.cfg.init?.name ?? 'Init';
  const d = model.root.defs.get(name);
  const loc = d?.kind === 'op' ? d.body.loc : model.initLoc;
  return { name, location: locationOf(loc) };
}

function contains(outer: SourceRange, inner: SourceRange): boolean {
  if (outer.file !== inner.file) return false;
  const afterStart =
    inner.line > outer.line || (inner.line === outer.line && inner.col >= outer.col);
  const beforeEnd =
    inner.endLine < outer.endLine ||
    (inner.endLine === outer.endLine && inner.endCol <= outer.endCol);
  return afterStart && beforeEnd;
}

function invariantDiagnostic(model: Model, name: string, state?: Value[]): Diagnostic {
  const inv = model.invariants.find((p) => p.name === name);
  const head: ChainLink = { name, ...(inv ? { location: locationOf(inv.loc) } : {}) };
  const base: Diagnostic = {
    code: 'TLA501',
    severity: 'error',
    summary: `invariant ${name} is violated`,
    ...(head.location ? { location: head.location } : {}),
    hint: 'the last state of the trace is the one that violates it',
  };
  const body = definitionBody(model, name);
  if (!body || !state) return base;
  const ctx = new Ctx(state, null, quiet(model.runtime));
  const why = whyFalse(model.compiler, body, new Scope(model.root), null, ctx);
  const witnessed = new Set(why.witnesses.map((w) => w.expr));
  const values = [...why.witnesses, ...why.values.filter((v) => !witnessed.has(v.expr))].map(
    (v) => ({ name: v.expr, value: v.value }),
  );
  const culprit = sourceText(why.expr.loc);
  const witness = why.witnesses.map((w) => `${w.expr} = ${w.value}`).join(', ');
  return {
    ...base,
    summary: `invariant ${name} is violated: ${culprit} is FALSE${witness ? ` for ${witness}` : ''}`,
    location: locationOf(why.expr.loc),
    ...(values.length > 0 ? { values } : {}),
    chain: [head, ...why.within],
  };
}

/** The formula an invariant names: its definition's body (the P of a PROPERTY []P). */
function definitionBody(model: Model, name: string): Expr | undefined {
  const d = model.root.defs.get(name);
  if (!d || d.kind !== 'op' || d.params.length > 0) return undefined;
  return d.body.k === 'always' ? d.body.expr : d.body;
}

function deadlockDiagnostic(model: Model): Diagnostic {
  const next = model.cfg.next ?? model.cfg.specification;
  return {
    code: 'TLA503',
    severity: 'error',
    summary:
      'deadlock: no action of the next-state relation is enabled in the last state of the trace',
    ...(next ? { location: { file: model.cfg.file, ...next.pos } } : {}),
    hint: 'if the system is meant to stop there, add CHECK_DEADLOCK FALSE to the cfg (or run with --deadlock); otherwise some action should be enabled in that state',
  };
}

function propertyDiagnostic(model: Model, name: string): Diagnostic {
  const prop = model.cfg.properties.find((p) => p.name === name);
  return {
    code: 'TLA502',
    severity: 'error',
    summary: `property ${name} is violated`,
    ...(prop ? { location: { file: model.cfg.file, ...prop.pos } } : {}),
  };
}

/** The runtime without side effects: explaining evaluates the spec again, Print must stay quiet. */
function quiet(rt: Runtime): Runtime {
  return Object.assign(Object.create(rt) as Runtime, { print: () => {} });
}

/** For "successor not completely specified": every variable left without a value, not just the first. */
export function unassignedDetails(
  where: string,
  varNames: readonly string[],
  state: ReadonlyArray<Value | undefined>,
): EvalErrorDetails {
  const missing = varNames.filter((_, i) => state[i] === undefined);
  const assigned = varNames.filter((_, i) => state[i] !== undefined);
  return {
    summary: `${where} does not give ${missing.join(', ')} a value`,
    values: [
      { name: 'unassigned', value: missing.join(', ') },
      ...(assigned.length > 0 ? [{ name: 'assigned', value: assigned.join(', ') }] : []),
    ],
    hint: `every variable needs a value in every step: add ${missing.map((v) => (where.startsWith('action') ? `${v}' = ...` : `${v} = ...`)).join(' and ')}${where.startsWith('action') ? ` or UNCHANGED ${missing.length > 1 ? `<<${missing.join(', ')}>>` : missing[0]}` : ''}`,
  };
}
