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
 */
import type { Expr, Loc } from '../syntax/ast.ts';
import { Ctx, type Env, type Fn, type Runtime } from '../eval/runtime.ts';
import type { Compiler } from '../eval/compile.ts';
import { childExprs } from '../syntax/ast.ts';
import type { Scope } from '../eval/scope.ts';
import { expectBool } from '../eval/builtins.ts';
import type { Value } from '../values/value.ts';
import { TlaSemanticError } from '../modules/loader.ts';

/** A predicate on a state, or on a step (for `<<A>>_v`). */
export interface Pred {
  /** True for an action: evaluated on (state, next state). */
  onStep: boolean;
  fn: Fn;
  env: Env;
}

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

/**
 * Compiles a PROPERTY's definition body into clauses, or explains what is not supported.
 * `[]P` clauses with P a state predicate are safety and come back as `invariants`.
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
  const pred = (e: Expr, s: Scope, env: Env): Pred => ({
    onStep: e.k === 'actionBox' || c.mentions(e, s, 'prime'),
    fn: c.expr(e, s),
    env,
  });
  const unsupported = (e: Expr): never => {
    throw new TlaSemanticError(
      e.loc,
      `PROPERTY ${name}: this engine checks <>P, []<>P, <>[]P, P ~> Q, [](P => <>Q), and conjunctions and disjunctions of them; not this formula`,
    );
  };
  const atom = (e: Expr, s: Scope, env: Env): Atom => {
    if (e.k === 'eventually') {
      if (e.expr.k === 'always') return { k: 'eventuallyAlways', p: pred(e.expr.expr, s, env) };
      return { k: 'eventually', p: pred(e.expr, s, env) };
    }
    if (e.k === 'always') {
      const x = e.expr;
      if (x.k === 'eventually') return { k: 'infinitelyOften', p: pred(x.expr, s, env) };
      if (x.k === 'apply' && x.name === '$implies' && x.args[1].k === 'eventually') {
        return { k: 'leadsTo', p: pred(x.args[0], s, env), q: pred(x.args[1].expr, s, env) };
      }
    }
    if (e.k === 'leadsTo') return { k: 'leadsTo', p: pred(e.lhs, s, env), q: pred(e.rhs, s, env) };
    return unsupported(e);
  };
  const initial: Pred[] = [];
  const steps: Pred[] = [];
  const clause = (e: Expr, s: Scope, env: Env): void => {
    const d = e.k === 'ident' && !s.findLocal(e.name) ? s.inst.defs.get(e.name) : undefined;
    if (d && d.kind === 'op' && d.params.length === 0) return clause(d.body, d.scope, env);
    if (e.k === 'prefixed') {
      const r = c.resolvePrefixed(e, s);
      if (r.binders.length === 0 && r.def.kind === 'op' && r.def.params.length === 0)
        return clause(r.def.body, r.def.scope, env);
      return unsupported(e);
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
    if (!containsTemporal(e)) return void initial.push(pred(e, s, env));
    clauses.push(e.k === 'or' ? e.items.map((x) => atom(x, s, env)) : [atom(e, s, env)]);
  };
  clause(body, sc, null);
  if (clauses.length === 0 && steps.length === 0)
    throw new TlaSemanticError(loc, `PROPERTY ${name} has no temporal formula to check`);
  return { name, clauses, initial, steps };
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
  return undefined;
}

function holdsState(p: Pred, s: Value[], rt: Runtime): boolean {
  return expectBool(p.fn(p.env, new Ctx(s, null, rt)), () => 'A temporal formula');
}
function holdsStep(p: Pred, s: Value[], t: Value[], rt: Runtime): boolean {
  return expectBool(p.fn(p.env, new Ctx(s, t, rt)), () => 'A temporal formula');
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
    else {
      if (d.phase) return undefined; // two leads-to in one disjunction: not supported, treated as holding
      d.phase = { p: a.p, q: a.q };
    }
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

/** Breadth-first from `starts` through states that pass `ok`, recording each one's parent (-1 for a start). */
function reachable(
  starts: number[],
  succ: number[][],
  ok: (j: number) => boolean,
  parent: Int32Array,
): number[] {
  const order: number[] = [];
  const visit = (j: number, from: number) => {
    if (parent[j] !== -2 || !ok(j)) return;
    parent[j] = from;
    order.push(j);
  };
  for (const i of starts) visit(i, -1);
  for (let h = 0; h < order.length; h++) for (const j of succ[order[h]]) visit(j, order[h]);
  return order;
}

/**
 * Strongly connected components of the candidate subgraph, refined until one is acceptable.
 * `check` returns the component (possibly shrunk) that works, undefined to reject it, or a
 * smaller set of states to split again (strong fairness).
 */
function fairComponent(
  nodes: number[],
  succ: number[][],
  edgeOk: (i: number, j: number) => boolean,
  stutterOk: (i: number) => boolean,
  check: (comp: number[], hasEdge: boolean) => number[] | { retry: number[] } | undefined,
): number[] | undefined {
  const work: number[][] = [nodes];
  while (work.length > 0) {
    const set = work.pop()!;
    for (const comp of sccs(set, succ, edgeOk)) {
      const hasEdge =
        comp.length > 1 ||
        succ[comp[0]].some((j) => j === comp[0] && edgeOk(comp[0], j)) ||
        stutterOk(comp[0]);
      if (!hasEdge) continue;
      const r = check(comp, hasEdge);
      if (Array.isArray(r)) return r;
      if (r && 'retry' in r && r.retry.length > 0) work.push(r.retry);
    }
  }
  return undefined;
}

/** Tarjan's algorithm over `set`, iteratively (deep graphs must not overflow the stack). */
function sccs(
  set: number[],
  succ: number[][],
  edgeOk: (i: number, j: number) => boolean,
): number[][] {
  const inSet = new Set(set);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of set) {
    if (index.has(root)) continue;
    const frames: Array<{ v: number; it: number }> = [{ v: root, it: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      const next = succ[f.v];
      if (f.it < next.length) {
        const w = next[f.it++];
        if (!inSet.has(w) || !edgeOk(f.v, w)) continue;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          frames.push({ v: w, it: 0 });
        } else if (onStack.has(w)) {
          low.set(f.v, Math.min(low.get(f.v)!, index.get(w)!));
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const p = frames[frames.length - 1].v;
        low.set(p, Math.min(low.get(p)!, low.get(f.v)!));
      }
      if (low.get(f.v) === index.get(f.v)) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== f.v);
        out.push(comp);
      }
    }
  }
  return out;
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
  for (const f of fairness) {
    if (steps((i, j) => holdsStep(f.step, states[i], states[j], rt))) continue;
    const enabled = comp.filter((i) =>
      expectBool(f.enabled(f.env, new Ctx(states[i], null, rt)), () => 'ENABLED'),
    );
    if (enabled.length < comp.length && !f.strong) continue; // WF: a disabled state is visited
    if (enabled.length === 0) continue; // SF: never enabled in the loop
    if (!f.strong) return undefined; // WF: enabled everywhere, never taken
    return { retry: comp.filter((i) => !enabled.includes(i)) }; // SF: stay where disabled
  }
  return comp;
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
  type Target = { onStep: boolean; hit: (a: number, b: number) => boolean };
  const targets: Target[] = [];
  for (const f of fairness) {
    const stepIn = (a: number, b: number) => holdsStep(f.step, states[a], states[b], rt);
    if (comp.some((a) => succ[a].some((b) => inComp.has(b) && edgeOk(a, b) && stepIn(a, b)))) {
      targets.push({ onStep: true, hit: stepIn });
    } else {
      targets.push({
        onStep: false,
        hit: (a) => !expectBool(f.enabled(f.env, new Ctx(states[a], null, rt)), () => 'ENABLED'),
      });
    }
  }
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
  const loop: number[] = [];
  let at = entry;
  const walkTo = (goal: (a: number, b: number) => boolean): void => {
    const prev = new Map<number, number>([[at, -1]]);
    const q = [at];
    for (let h = 0; h < q.length; h++) {
      const a = q[h];
      for (const b of succ[a]) {
        if (!inComp.has(b) || !edgeOk(a, b)) continue;
        if (goal(a, b)) {
          const seg: number[] = [b];
          for (let k = a; k !== at; k = prev.get(k)!) seg.push(k);
          loop.push(...seg.reverse());
          at = b;
          return;
        }
        if (!prev.has(b)) {
          prev.set(b, a);
          q.push(b);
        }
      }
    }
  };
  for (const t of targets) {
    if (!t.onStep && t.hit(at, at)) continue; // already there
    walkTo(t.onStep ? t.hit : (_a, b) => t.hit(b, b));
  }
  walkTo((_a, b) => b === entry);
  // The loop ends back at the entry, which the prefix already ends with.
  return { path: [...prefix, ...loop.slice(0, -1)], loopStart: prefix.length - 1 };
}
