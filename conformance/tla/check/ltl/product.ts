/**
 * The search for a counterexample to one branch of a negated property (TLC's LiveWorker): the
 * product of the state graph with the branch's tableau, its strongly connected components that
 * a fair behaviour can stay in, and one that fulfils every promise of the tableau and every
 * `[]<>A` and `<>[]A` condition of the branch.
 *
 * A product node is a state with a tableau node whose literals the state satisfies. Its
 * successors pair each successor state, and the state itself (stuttering is always allowed),
 * with the tableau node's successors. Nodes are numbered in breadth-first order from the
 * initial ones, so the path to a node through its recorded parent is a shortest one.
 */
import type { Runtime } from '../../eval/runtime.ts';
import type { Value } from '../../values/value.ts';
import type { Fairness, Lasso, StateGraph } from '../temporal-types.ts';
import {
  type EdgeOk,
  type Target,
  fairComponent,
  fairnessTargets,
  fairnessVerdict,
  holdsState,
  holdsStep,
  someStep,
  walkLoop,
} from '../fair-cycles.ts';
import type { Ltl } from './formula.ts';
import { type Tableau, fulfils } from './tableau.ts';

/** One branch of the negated property's disjunctive normal form, ready to be searched for. */
export interface Branch {
  tableau: Tableau;
  /** `<>[]X`: X holds of every state (or step) of the loop. */
  always: Ltl[];
  /** `[]<>X`: X holds of some state (or step) of the loop. */
  infinitelyOften: Ltl[];
}

/** The product graph: per node its state and tableau node, its successors and BFS parent. */
interface Product {
  state: number[];
  tnode: number[];
  succ: number[][];
  parent: number[];
}

/** A violating lasso of the branch, or undefined when every fair behaviour satisfies it. */
export function searchBranch(
  graph: StateGraph,
  branch: Branch,
  fairness: Fairness[],
  rt: Runtime,
): Lasso | undefined {
  const { states } = graph;
  const lit = literalCache(states, rt);
  const p = buildProduct(graph, branch.tableau, lit);
  const stateAt = (i: number) => states[p.state[i]];
  const holds = (x: Ltl, i: number, j: number) => evaluate(x, stateAt(i), stateAt(j), rt);

  const stateAlways = branch.always.filter((x) => !x.action);
  const stepAlways = branch.always.filter((x) => x.action);
  const nodes: number[] = [];
  const candidate = new Uint8Array(p.state.length);
  for (let i = 0; i < p.state.length; i++) {
    if (stateAlways.every((x) => holds(x, i, i))) {
      candidate[i] = 1;
      nodes.push(i);
    }
  }
  const edgeOk: EdgeOk = (i, j) => candidate[j] === 1 && stepAlways.every((x) => holds(x, i, j));
  const { promises } = branch.tableau;
  const tnodes = branch.tableau.nodes;

  const found = fairComponent(
    nodes,
    p.succ,
    edgeOk,
    () => false, // stuttering steps are edges of the product
    (comp) => {
      const inComp = new Set(comp);
      for (const x of branch.infinitelyOften) {
        const seen = x.action
          ? someStep(comp, inComp, p.succ, edgeOk, (i, j) => holds(x, i, j))
          : comp.some((i) => holds(x, i, i));
        if (!seen) return undefined;
      }
      for (const pr of promises)
        if (!comp.some((i) => fulfils(tnodes[p.tnode[i]], pr))) return undefined;
      return fairnessVerdict(comp, fairness, p.succ, edgeOk, stateAt, rt);
    },
  );
  if (!found) return undefined;

  // Enter the loop at its node reached first breadth-first (as the fast checker does). TLC
  // enters at the root of its depth-first search, so its lasso may be as long or longer.
  const entry = found.reduce((a, b) => Math.min(a, b));
  const targets: Target[] = [
    ...fairnessTargets(found, fairness, p.succ, edgeOk, stateAt, rt),
    ...branch.infinitelyOften.map((x) => ({
      onStep: x.action,
      hit: (a: number, b: number) => holds(x, a, x.action ? b : a),
    })),
    ...promises.map((pr) => ({
      onStep: false,
      hit: (a: number) => fulfils(tnodes[p.tnode[a]], pr),
    })),
  ];
  const loop = walkLoop(entry, new Set(found), p.succ, edgeOk, targets, true);
  const prefix: number[] = [];
  for (let k = entry; k !== -1; k = p.parent[k]) prefix.push(k);
  prefix.reverse();
  return toStateLasso(
    prefix.map((i) => p.state[i]),
    loop.slice(0, -1).map((i) => p.state[i]),
  );
}

/**
 * The states of a product lasso as TLC prints them: a state repeated by consecutive nodes
 * (the same state with another tableau node) once; when the loop comes back to the state it
 * started from, the behaviour ends by stuttering there.
 */
export function toStateLasso(prefix: number[], loop: number[]): Lasso {
  const path: number[] = [];
  for (const s of prefix) if (path[path.length - 1] !== s) path.push(s);
  const loopStart = path.length - 1;
  for (const s of loop) if (path[path.length - 1] !== s) path.push(s);
  if (path[path.length - 1] === path[loopStart]) return { path, loopStart: -1 };
  return { path, loopStart };
}

/** Builds the reachable product breadth-first. */
function buildProduct(
  graph: StateGraph,
  tableau: Tableau,
  lit: (x: Ltl & { k: 'atom' }, s: number) => boolean,
): Product {
  const p: Product = { state: [], tnode: [], succ: [], parent: [] };
  const width = tableau.nodes.length;
  const index = new Map<number, number>();
  const fits = (s: number, t: number) => tableau.nodes[t].literals.every((x) => lit(x, s));
  const node = (s: number, t: number, from: number): number => {
    const key = s * width + t;
    let i = index.get(key);
    if (i === undefined) {
      i = p.state.length;
      index.set(key, i);
      p.state.push(s);
      p.tnode.push(t);
      p.succ.push([]);
      p.parent.push(from);
    }
    return i;
  };
  for (const s of graph.initial) for (const t of tableau.initial) if (fits(s, t)) node(s, t, -1);
  for (let i = 0; i < p.state.length; i++) {
    const s = p.state[i];
    const next = graph.succ[s].includes(s) ? graph.succ[s] : [...graph.succ[s], s];
    const out = new Set<number>();
    for (const s2 of next)
      for (const t2 of tableau.nodes[p.tnode[i]].succ) if (fits(s2, t2)) out.add(node(s2, t2, i));
    p.succ[i] = [...out];
  }
  return p;
}

/** State literals evaluated once per state. */
function literalCache(
  states: Value[][],
  rt: Runtime,
): (x: Ltl & { k: 'atom' }, s: number) => boolean {
  const cache = new Map<string, Int8Array>();
  return (x, s) => {
    let row = cache.get(x.atom.key);
    if (!row) cache.set(x.atom.key, (row = new Int8Array(states.length)));
    if (row[s] === 0) row[s] = holdsState(x.atom.pred, states[s], rt) ? 1 : -1;
    return (row[s] === 1) !== x.neg;
  };
}

/** A formula without temporal operators on a step (a state formula reads only `s`). */
export function evaluate(x: Ltl, s: Value[], t: Value[], rt: Runtime): boolean {
  switch (x.k) {
    case 'bool':
      return x.v;
    case 'atom': {
      const p = x.atom.pred;
      return (p.onStep ? holdsStep(p, s, t, rt) : holdsState(p, s, rt)) !== x.neg;
    }
    case 'and':
      return x.xs.every((y) => evaluate(y, s, t, rt));
    case 'or':
      return x.xs.some((y) => evaluate(y, s, t, rt));
    default:
      throw new Error('internal error: a temporal formula evaluated on a step');
  }
}
