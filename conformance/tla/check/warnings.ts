/**
 * Warnings that save a user from trusting a vacuous "no error found": an action that never
 * happened, a liveness verdict under a state-space reduction that can make it unsound, and a
 * property that held only because its premise never did. Codes TLA6xx (docs/output.md).
 *
 * They are computed from the run's statistics, and for vacuity from each distinct state as it is
 * found ({@link VacuityWatch}).
 */
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import type { Diagnostic, DiagnosticLocation } from '../diagnostics/diagnostic.ts';
import { locationOf } from '../diagnostics/location.ts';
import { place } from '../diagnostics/render.ts';
import type { Expr, Loc } from '../syntax/ast.ts';
import { Ctx, type Env, type Fn } from '../eval/runtime.ts';
import { Scope } from '../eval/scope.ts';
import { EvalError } from '../values/errors.ts';
import type { Value } from '../values/value.ts';
import type { CfgPos } from './cfg.ts';
import type { Model } from './model.ts';
import type { ActionStats } from './stats.ts';

export const WARNING_CODES = {
  neverEnabled: 'TLA601',
  livenessUnderReduction: 'TLA602',
  vacuousInvariant: 'TLA603',
  vacuousLeadsTo: 'TLA604',
  constantInvariant: 'TLA605',
} as const satisfies Record<string, DiagnosticCode>;

/** A warning as one line of text: `Warning: file:line:col: summary [TLA6xx]`. */
export function formatWarning(d: Diagnostic): string {
  const where = d.location ? `${place(d.location)}: ` : '';
  return `Warning: ${where}${d.summary} [${d.code}]`;
}

function cfgLocation(file: string, pos: CfgPos | undefined): DiagnosticLocation | undefined {
  return pos ? { file, line: pos.line, col: pos.col } : undefined;
}

/** TLA601: a sub-action of Next that produced no successor in any reachable state. */
export function neverEnabledWarnings(stats: ActionStats, distinctStates: number): Diagnostic[] {
  return stats.actions
    .filter((a) => a.generated === 0)
    .map((a) => ({
      code: WARNING_CODES.neverEnabled,
      severity: 'warning',
      summary: `Action ${a.label} was never enabled in ${distinctStates} distinct states.`,
      location: locationOf(a.loc),
      hint: 'A guard that can never be true, or a constant too small for the action to matter, makes every property hold without this action.',
    }));
}

/** TLA602: liveness checked on a state graph that CONSTRAINT, SYMMETRY or VIEW changed. */
export function reductionWarnings(model: Model): Diagnostic[] {
  if (model.liveness.length === 0) return [];
  const cfg = model.cfg;
  const reductions: Array<{ what: string; pos?: CfgPos }> = [
    ...cfg.constraints.map((c) => ({ what: `CONSTRAINT ${c.name}`, pos: c.pos })),
    ...cfg.actionConstraints.map((c) => ({ what: `ACTION_CONSTRAINT ${c.name}`, pos: c.pos })),
    ...(cfg.symmetry ? [{ what: `SYMMETRY ${cfg.symmetry.name}`, pos: cfg.symmetry.pos }] : []),
    ...(cfg.view ? [{ what: `VIEW ${cfg.view.name}`, pos: cfg.view.pos }] : []),
  ];
  if (reductions.length === 0) return [];
  const properties = model.liveness.map((p) => p.name).join(', ');
  return [
    {
      code: WARNING_CODES.livenessUnderReduction,
      severity: 'warning',
      summary: `Liveness (${properties}) was checked under ${reductions.map((r) => r.what).join(', ')}: the result may be unsound or incomplete.`,
      location: cfgLocation(cfg.file, reductions[0].pos),
      hint: 'A constraint cuts behaviours short and creates loops or dead ends the spec does not have; SYMMETRY and VIEW merge states that liveness may need apart. Confirm the result without them.',
    },
  ];
}

/** A premise that must be true in some reachable state for its property to mean anything. */
interface Premise {
  holds: Fn;
  env: Env;
  diagnostic: () => Diagnostic;
}

/**
 * TLA603 and TLA604: properties whose premise is false in every reachable state. The explorer
 * shows it each distinct state as it is found (states are not kept to look at later); a premise
 * leaves the watch the first time it holds, so a spec pays for a premise per state only while
 * it has never held.
 */
export class VacuityWatch {
  private pending: Premise[];

  constructor(private readonly model: Model) {
    this.pending = [...invariantPremises(model), ...leadsToPremises(model)];
  }

  /** A reachable state: premises true in it are off the watch. */
  observe(s: Value[]): void {
    if (this.pending.length === 0) return;
    const ctx = new Ctx(s, null, this.model.runtime);
    let held = false;
    for (const p of this.pending) if (mayHold(p, ctx)) held = true;
    if (held) this.pending = this.pending.filter((p) => !mayHold(p, ctx));
  }

  /** The warnings for the premises that never held. */
  warnings(): Diagnostic[] {
    return this.pending.map((p) => p.diagnostic());
  }
}

/** The warnings for premises false in all of `states`. */
export function vacuityWarnings(model: Model, states: Iterable<Value[]>): Diagnostic[] {
  const watch = new VacuityWatch(model);
  for (const s of states) watch.observe(s);
  return watch.warnings();
}

/** Whether the premise holds in the state (an evaluation error counts as holding). */
function mayHold(p: Premise, ctx: Ctx): boolean {
  try {
    return p.holds(p.env, ctx) !== false;
  } catch (e) {
    if (e instanceof EvalError) return true;
    throw e;
  }
}

/** How deep definitions are unfolded looking for `A => B`; real specs nest far less. */
const MAX_UNFOLDING = 20;

/** `Inv == A => B` (also inside `/\` and, for a PROPERTY `[]P`, under `[]`), unfolded. */
function invariantPremises(model: Model): Premise[] {
  const out: Premise[] = [];
  const rootScope = new Scope(model.root);
  for (const inv of model.invariants) {
    const visit = (e: Expr, scope: Scope, depth: number): void => {
      if (depth > MAX_UNFOLDING) return;
      if (e.k === 'ident' && !scope.findLocal(e.name)) {
        const d = scope.inst.defs.get(e.name);
        if (d && d.kind === 'op' && d.params.length === 0) visit(d.body, d.scope, depth + 1);
      } else if (e.k === 'always' || e.k === 'and') {
        for (const x of e.k === 'always' ? [e.expr] : e.items) visit(x, scope, depth + 1);
      } else if (e.k === 'apply' && e.name === '$implies' && e.args.length === 2) {
        const premise = e.args[0];
        out.push({
          holds: model.compiler.expr(premise, scope),
          env: null,
          diagnostic: () => ({
            code: WARNING_CODES.vacuousInvariant,
            severity: 'warning',
            summary: `Invariant ${inv.name} holds trivially: the left side of its implication is false in every reachable state.`,
            location: locationOf(premise.loc),
            hint: 'Check that the premise can become true (a typo, a wrong constant, or an action that never runs).',
          }),
        });
      }
    };
    visit({ k: 'ident', name: inv.name, loc: inv.loc }, rootScope, 0);
  }
  return out;
}

/** `P ~> Q` clauses of liveness properties, with P a state predicate. */
function leadsToPremises(model: Model): Premise[] {
  const out: Premise[] = [];
  for (const prop of model.liveness) {
    const def = model.root.defs.get(prop.name);
    const loc = def && 'loc' in def ? (def.loc as Loc) : undefined;
    for (const clause of prop.clauses) {
      for (const atom of clause) {
        if (atom.k !== 'leadsTo' || atom.p.onStep) continue;
        out.push({
          holds: atom.p.fn,
          env: atom.p.env,
          diagnostic: () => ({
            code: WARNING_CODES.vacuousLeadsTo,
            severity: 'warning',
            summary: `Property ${prop.name} holds trivially: the left side of a leads-to (~>) is false in every reachable state.`,
            location: loc ? locationOf(loc) : undefined,
            hint: 'P ~> Q says nothing when P never holds; check that P can become true.',
          }),
        });
      }
    }
  }
  return out;
}
