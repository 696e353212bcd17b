/**
 * Liveness checking over the complete state graph, for the temporal formulas specs use:
 * `<>P`, `[]<>P`, `<>[]P`, `P ~> Q` (also written `[](P => <>Q)`), disjunctions of these, and
 * conjunctions (also `\A x \in S : ...`) of such clauses; P may be a state predicate or an
 * action `<<A>>_v`. A counterexample is a lasso: a path from an initial state into a
 * strongly connected set of states that a fair behaviour can stay in forever while violating
 * the clause. Every state may stutter (TLA+ behaviours may), unless fairness forbids it.
 *
 * Fairness `WF_v(A)` holds on a cycle that takes an `<<A>>_v` step or visits a state where
 * `<<A>>_v` is disabled; `SF_v(A)` on one that takes an `<<A>>_v` step or never visits a state
 * where it is enabled (so a strongly connected set is shrunk to its disabled states and split
 * again, as in the Emerson-Lei algorithm).
 *
 * Any other temporal formula TLC accepts (nested [] and <>, => between temporal formulas, \E,
 * IF/THEN/ELSE, ...) is checked by the tableau method of `ltl/`, which shares this module's
 * graph algorithms (`fair-cycles.ts`); the forms above stay here because they need no tableau.
 */
import type { Expr, Loc } from '../syntax/ast.ts';
import { type Ctx, type Env, type Runtime } from '../eval/runtime.ts';
import type { Compiler } from '../eval/compile.ts';
import { childExprs } from '../syntax/ast.ts';
import type { Scope } from '../eval/scope.ts';
import type { Value } from '../values/value.ts';
import { TlaSemanticError } from '../modules/loader.ts';
import {
  type Target,
  fairComponent,
  fairnessTargets,
  fairnessVerdict,
  holdsState,
  holdsStep,
  reachable,
  walkLoop,
} from './fair-cycles.ts';
import { Level, LtlBuilder } from './ltl/normalise.ts';
import { type TableauProperty, compileTableau, findTableauViolation } from './ltl/check.ts';
import type { Fairness, Lasso, Pred, StateGraph } from './temporal-types.ts';

export type { Fairness, Lasso, Pred, StateGraph } from './temporal-types.ts';

/** One way a clause can hold; a clause is violated when a behaviour violates all of them. */
export type Atom =
  | { k: 'eventually'; p: Pred } // <>P
  | { k: 'infinitelyOften'; p: Pred } // []<>P
  | { k: 'eventuallyAlways'; p: Pred } // <>[]P
  | { k: 'leadsTo'; p: Pred; q: Pred }; // P ~> Q

/**
 * A temporal property to check: its liveness clauses (all must hold), and the parts a
 * refinement property brings that are not liveness: a predicate on initial states (`HInit`) and
 * an action every step must satisfy (`[][HNext]_v`).
 */
export interface LivenessProperty {
  name: string;
  clauses: Atom[][];
  initial: Pred[];
  steps: Pred[];
  /** Temporal conjuncts outside the forms of `clauses`, checked by the tableau method. */
  general: TableauProperty[];
}

/**
 * Compiles a PROPERTY's definition body into clauses, or explains what is not supported.
 * Conjuncts of the fast forms become `clauses`; other temporal conjuncts go to the tableau
 * checker (`general`); a formula TLC refuses is refused with its place.
 */
export function compileLiveness(
  c: Compiler,
  name: string,
  body: Expr,
  sc: Scope,
  constCtx: Ctx,
  loc: Loc,
): LivenessProperty {
  const clauses: Atom[][] = [];
  const general: TableauProperty[] = [];
  const ltl = new LtlBuilder(c, constCtx, name);
  const pred = (e: Expr, s: Scope, env: Env): Pred => ({
    onStep: e.k === 'actionBox' || c.mentions(e, s, 'prime'),
    fn: c.expr(e, s),
    env,
  });
  // A fast form whose parts are predicates (a temporal part needs the tableau); where TLC
  // allows only a state predicate (<>P, P ~> Q), an action goes to the tableau, which refuses it.
  const plain = (e: Expr, s: Scope) => !ltl.isTemporal(e, s);
  const statePred = (e: Expr, s: Scope) => ltl.level(e, s) < Level.Action;
  const atom = (e: Expr, s: Scope, env: Env): Atom | undefined => {
    if (e.k === 'eventually') {
      if (e.expr.k === 'always' && plain(e.expr.expr, s))
        return { k: 'eventuallyAlways', p: pred(e.expr.expr, s, env) };
      if (statePred(e.expr, s)) return { k: 'eventually', p: pred(e.expr, s, env) };
    }
    if (e.k === 'always') {
      const x = e.expr;
      if (x.k === 'eventually' && plain(x.expr, s))
        return { k: 'infinitelyOften', p: pred(x.expr, s, env) };
      if (
        x.k === 'apply' &&
        x.name === '$implies' &&
        x.args[1].k === 'eventually' &&
        statePred(x.args[0], s) &&
        statePred(x.args[1].expr, s)
      ) {
        return { k: 'leadsTo', p: pred(x.args[0], s, env), q: pred(x.args[1].expr, s, env) };
      }
    }
    if (e.k === 'leadsTo' && statePred(e.lhs, s) && statePred(e.rhs, s))
      return { k: 'leadsTo', p: pred(e.lhs, s, env), q: pred(e.rhs, s, env) };
    return undefined;
  };
  const tableau = (e: Expr, s: Scope, env: Env): void => {
    general.push(compileTableau(ltl.f, ltl.formula(e, s, env), name, e.loc));
  };
  const initial: Pred[] = [];
  const steps: Pred[] = [];
  const clause = (e: Expr, s: Scope, env: Env): void => {
    const d = e.k === 'ident' && !s.findLocal(e.name) ? s.inst.defs.get(e.name) : undefined;
    if (d && d.kind === 'op' && d.params.length === 0) return clause(d.body, d.scope, env);
    if (e.k === 'prefixed') {
      const r = c.resolvePrefixed(e, s);
      if (r.binders.length === 0 && r.def.kind === 'op' && r.def.params.length === 0 && !e.select)
        return clause(r.def.body, r.def.scope, env);
      return tableau(e, s, env);
    }
    if (e.k === 'and') return e.items.forEach((x) => clause(x, s, env));
    if (e.k === 'quant' && e.q === 'A') {
      const b = c.bounds(e.bounds, s);
      b.each(env, constCtx, (env2) => {
        clause(e.body, b.scope, env2);
        return false;
      });
      return;
    }
    if (e.k === 'always' && e.expr.k === 'actionBox') return void steps.push(pred(e.expr, s, env));
    if (e.k === 'fair') {
      // WF_v(A) == []<>~ENABLED <<A>>_v \/ []<><<A>>_v;  SF_v(A) == <>[]~ENABLED <<A>>_v \/ []<><<A>>_v
      const step: Expr = {
        k: 'actionBox',
        action: e.action,
        sub: e.sub,
        stutter: false,
        loc: e.loc,
      };
      const disabled: Expr = {
        k: 'apply',
        name: '$lnot',
        text: '~',
        args: [{ k: 'enabled', expr: step, loc: e.loc }],
        loc: e.loc,
      };
      const taken: Atom = { k: 'infinitelyOften', p: pred(step, s, env) };
      clauses.push([
        e.strong
          ? { k: 'eventuallyAlways', p: pred(disabled, s, env) }
          : { k: 'infinitelyOften', p: pred(disabled, s, env) },
        taken,
      ]);
      return;
    }
    if (!ltl.isTemporal(e, s)) return void initial.push(pred(e, s, env));
    const atoms = (e.k === 'or' ? e.items : [e]).map((x) => atom(x, s, env));
    // The fast check handles one leads-to per disjunction; more need the tableau.
    if (atoms.every((a) => a !== undefined) && atoms.filter((a) => a.k === 'leadsTo').length < 2)
      return void clauses.push(atoms as Atom[]);
    tableau(e, s, env);
  };
  // The caller passes the definition's body: it is read in the definition's own scope, which
  // differs from the root's when an INSTANCE without a name brought the definition in.
  const def = sc.inst.defs.get(name);
  clause(body, def?.kind === 'op' && def.body === body ? def.scope : sc, null);
  if (clauses.length === 0 && steps.length === 0 && general.length === 0)
    throw new TlaSemanticError(loc, `PROPERTY ${name} has no temporal formula to check`);
  return { name, clauses, initial, steps, general };
}

function isTemporalOp(e: Expr): boolean {
  return e.k === 'always' || e.k === 'eventually' || e.k === 'leadsTo' || e.k === 'fair';
}

/** Whether a temporal operator occurs anywhere in `e` (so it is no state or action predicate). */
export function containsTemporal(e: Expr): boolean {
  return isTemporalOp(e) || childExprs(e).some(containsTemporal);
}

/** Finds a fair behaviour violating one of the property's clauses, or undefined. */
export function findViolation(
  graph: StateGraph,
  prop: LivenessProperty,
  fairness: Fairness[],
  rt: Runtime,
): Lasso | undefined {
  for (const clause of prop.clauses) {
    const lasso = violateClause(graph, clause, fairness, rt);
    if (lasso) return lasso;
  }
  for (const g of prop.general) {
    const lasso = findTableauViolation(graph, g, fairness, rt);
    if (lasso) return lasso;
  }
  return undefined;
}

/**
 * Constraints a violating behaviour must meet (the negation of every atom of the clause):
 * every state avoids `never`; the loop avoids `notInLoop` (states or steps); the loop visits
 * each of `mustVisit`; and with `phase`, some state satisfies phase.p and ~phase.q and every
 * state from there on satisfies ~phase.q.
 */
interface Demands {
  never: Pred[];
  notInLoop: Pred[];
  mustVisit: Pred[];
  phase?: { p: Pred; q: Pred };
}

function violateClause(
  graph: StateGraph,
  clause: Atom[],
  fairness: Fairness[],
  rt: Runtime,
): Lasso | undefined {
  const d: Demands = { never: [], notInLoop: [], mustVisit: [] };
  for (const a of clause) {
    if (a.k === 'eventually') d.never.push(a.p);
    else if (a.k === 'infinitelyOften') d.notInLoop.push(a.p);
    else if (a.k === 'eventuallyAlways') d.mustVisit.push(a.p);
    else d.phase = { p: a.p, q: a.q }; // one per clause: compileLiveness sends more to the tableau
  }
  const { states, succ } = graph;
  const n = states.length;
  const stateOk = (preds: Pred[], i: number) =>
    preds.every((p) => p.onStep || !holdsState(p, states[i], rt));
  const stepOk = (preds: Pred[], i: number, j: number) =>
    preds.every((p) => (p.onStep ? !holdsStep(p, states[i], states[j], rt) : true));

  // Region 1: reachable from an initial state through states avoiding `never`.
  const allowed = new Uint8Array(n);
  for (let i = 0; i < n; i++) allowed[i] = stateOk(d.never, i) ? 1 : 0;
  const parent = new Int32Array(n).fill(-2);
  let region = reachable(graph.initial, succ, (j) => allowed[j] === 1, parent);

  // With a leads-to, the loop must lie after a state with P and not Q, in not-Q states.
  const parent2 = new Int32Array(n).fill(-2);
  if (d.phase) {
    const { p, q } = d.phase;
    const notQ = (i: number) => !holdsState(q, states[i], rt);
    const starts = region.filter((i) => holdsState(p, states[i], rt) && notQ(i));
    region = reachable(starts, succ, (j) => allowed[j] === 1 && notQ(j), parent2);
  }

  // Candidate loop states and steps.
  const inLoop = new Uint8Array(n);
  for (const i of region) if (stateOk(d.notInLoop, i)) inLoop[i] = 1;
  const edgeOk = (i: number, j: number) => inLoop[j] === 1 && stepOk(d.notInLoop, i, j);
  const stutterOk = (i: number) => stepOk(d.notInLoop, i, i);

  const found = fairComponent(
    region.filter((i) => inLoop[i]),
    succ,
    edgeOk,
    stutterOk,
    (comp, hasEdge) => acceptable(comp, hasEdge, d, fairness, states, succ, edgeOk, stutterOk, rt),
  );
  if (!found) return undefined;
  // Enter the loop at its state closest to the start, for a short counterexample.
  const order = new Map(region.map((i, k) => [i, k]));
  found.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return buildLasso(
    found,
    graph,
    parent,
    d.phase ? parent2 : undefined,
    succ,
    edgeOk,
    stutterOk,
    fairness,
    d,
    states,
    rt,
  );
}

function acceptable(
  comp: number[],
  _hasEdge: boolean,
  d: Demands,
  fairness: Fairness[],
  states: Value[][],
  succ: number[][],
  edgeOk: (i: number, j: number) => boolean,
  stutterOk: (i: number) => boolean,
  rt: Runtime,
): number[] | { retry: number[] } | undefined {
  const inComp = new Set(comp);
  const steps = (f: (i: number, j: number) => boolean) =>
    comp.some((i) => succ[i].some((j) => inComp.has(j) && edgeOk(i, j) && f(i, j)));
  for (const p of d.mustVisit) {
    const visits = p.onStep
      ? steps((i, j) => !holdsStep(p, states[i], states[j], rt)) ||
        comp.some((i) => stutterOk(i) && !holdsStep(p, states[i], states[i], rt))
      : comp.some((i) => !holdsState(p, states[i], rt));
    if (!visits) return undefined;
  }
  return fairnessVerdict(comp, fairness, succ, edgeOk, (i) => states[i], rt);
}

/** A path into the component and a loop through it that meets every demand and fairness. */
function buildLasso(
  comp: number[],
  graph: StateGraph,
  parent: Int32Array,
  parent2: Int32Array | undefined,
  succ: number[][],
  edgeOk: (i: number, j: number) => boolean,
  stutterOk: (i: number) => boolean,
  fairness: Fairness[],
  d: Demands,
  states: Value[][],
  rt: Runtime,
): Lasso {
  const inComp = new Set(comp);
  // The entry: the component state closest to an initial state (through the phase start).
  const entry = comp[0];
  const prefix: number[] = [];
  let i = entry;
  if (parent2) {
    while (i !== -1) {
      prefix.push(i);
      const p = parent2[i];
      if (p === -1) break;
      i = p;
    }
    i = parent[prefix[prefix.length - 1]];
    if (i >= 0) {
      const head: number[] = [];
      for (let k = i; k !== -1; k = parent[k]) head.push(k);
      prefix.push(...head);
    }
  } else {
    for (let k = entry; k !== -1; k = parent[k]) prefix.push(k);
  }
  prefix.reverse();

  // Targets the loop must pass: a step or a state for each fairness condition and demand.
  const targets: Target[] = fairnessTargets(comp, fairness, succ, edgeOk, (a) => states[a], rt);
  for (const p of d.mustVisit) {
    targets.push(
      p.onStep
        ? { onStep: true, hit: (a, b) => !holdsStep(p, states[a], states[b], rt) }
        : { onStep: false, hit: (a) => !holdsState(p, states[a], rt) },
    );
  }
  if (comp.length === 1 && !succ[entry].some((j) => j === entry && edgeOk(entry, j))) {
    // The behaviour ends by stuttering in the entry state forever.
    return { path: prefix, loopStart: -1 };
  }
  // Walk from the entry through each target in turn (BFS inside the component), then back.
  const loop = walkLoop(entry, inComp, succ, edgeOk, targets);
  // The loop ends back at the entry, which the prefix already ends with.
  return { path: [...prefix, ...loop.slice(0, -1)], loopStart: prefix.length - 1 };
}
