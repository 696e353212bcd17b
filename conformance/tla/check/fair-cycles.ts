/**
 * Graph algorithms shared by the two liveness checkers: the fast one (`liveness.ts`, on the
 * state graph itself) and the tableau one (`ltl/`, on the product of the state graph with a
 * tableau). Both look for a strongly connected set of nodes that a fair behaviour can stay in,
 * then for a loop through it that takes every step fairness and the property ask for.
 *
 * Nodes are numbers; `succ[i]` lists node i's successors; `stateAt(i)` is the state node i
 * stands for (the node itself on the state graph, the state part of a product node).
 */
import { Ctx, type Runtime } from '../eval/runtime.ts';
import { expectBool } from '../eval/builtins.ts';
import type { Value } from '../values/value.ts';
import type { Fairness, Pred } from './temporal-types.ts';

export type EdgeOk = (i: number, j: number) => boolean;
export type StateAt = (node: number) => Value[];

export function holdsState(p: Pred, s: Value[], rt: Runtime): boolean {
  return expectBool(p.fn(p.env, new Ctx(s, null, rt)), () => 'A temporal formula');
}
export function holdsStep(p: Pred, s: Value[], t: Value[], rt: Runtime): boolean {
  return expectBool(p.fn(p.env, new Ctx(s, t, rt)), () => 'A temporal formula');
}
export function isEnabled(f: Fairness, s: Value[], rt: Runtime): boolean {
  return expectBool(f.enabled(f.env, new Ctx(s, null, rt)), () => 'ENABLED');
}

/** Breadth-first from `starts` through nodes that pass `ok`, recording each one's parent (-1 for a start). */
export function reachable(
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

/** What a component check answers: the component that works, a smaller set to split again, or no. */
export type ComponentVerdict = number[] | { retry: number[] } | undefined;

/**
 * Strongly connected components of the candidate subgraph, refined until one is acceptable.
 * `check` returns the component (possibly shrunk) that works, undefined to reject it, or a
 * smaller set of nodes to split again (strong fairness).
 */
export function fairComponent(
  nodes: number[],
  succ: number[][],
  edgeOk: EdgeOk,
  stutterOk: (i: number) => boolean,
  check: (comp: number[], hasEdge: boolean) => ComponentVerdict,
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
export function sccs(set: number[], succ: number[][], edgeOk: EdgeOk): number[][] {
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

/** Whether some step inside the component (through `edgeOk`) satisfies `f`. */
export function someStep(
  comp: number[],
  inComp: Set<number>,
  succ: number[][],
  edgeOk: EdgeOk,
  f: EdgeOk,
): boolean {
  return comp.some((i) => succ[i].some((j) => inComp.has(j) && edgeOk(i, j) && f(i, j)));
}

/**
 * Whether a behaviour staying in `comp` forever can be fair. `WF_v(A)` needs an `<<A>>_v` step
 * in it or a state where that is disabled; `SF_v(A)` with no such step confines the behaviour
 * to the states where it is disabled: the caller splits that set again (Emerson-Lei).
 */
export function fairnessVerdict(
  comp: number[],
  fairness: Fairness[],
  succ: number[][],
  edgeOk: EdgeOk,
  stateAt: StateAt,
  rt: Runtime,
): ComponentVerdict {
  const inComp = new Set(comp);
  for (const f of fairness) {
    const taken = (i: number, j: number) => holdsStep(f.step, stateAt(i), stateAt(j), rt);
    if (someStep(comp, inComp, succ, edgeOk, taken)) continue;
    const enabled = comp.filter((i) => isEnabled(f, stateAt(i), rt));
    if (enabled.length < comp.length && !f.strong) continue; // WF: a disabled state is visited
    if (enabled.length === 0) continue; // SF: never enabled in the loop
    if (!f.strong) return undefined; // WF: enabled everywhere, never taken
    return { retry: comp.filter((i) => !enabled.includes(i)) }; // SF: stay where disabled
  }
  return comp;
}

/** A step (or, with `onStep` false, a node reached) the loop of a counterexample must pass. */
export interface Target {
  onStep: boolean;
  hit: (a: number, b: number) => boolean;
}

/** For each fairness condition: the `<<A>>_v` step the component has, else a disabled state. */
export function fairnessTargets(
  comp: number[],
  fairness: Fairness[],
  succ: number[][],
  edgeOk: EdgeOk,
  stateAt: StateAt,
  rt: Runtime,
): Target[] {
  const inComp = new Set(comp);
  return fairness.map((f) => {
    const stepIn = (a: number, b: number) => holdsStep(f.step, stateAt(a), stateAt(b), rt);
    if (someStep(comp, inComp, succ, edgeOk, stepIn)) return { onStep: true, hit: stepIn };
    return { onStep: false, hit: (a: number) => !isEnabled(f, stateAt(a), rt) };
  });
}

/**
 * A loop from `entry` through each target in turn (breadth-first inside the component), then
 * back to `entry`: the nodes after `entry`, the last one being `entry` again. With
 * `closedAtEntry`, a walk the targets already brought back to `entry` is the loop; without
 * it (the fast checker's historical choice, which its recorded counterexamples rely on) the
 * walk goes round once more.
 */
export function walkLoop(
  entry: number,
  inComp: Set<number>,
  succ: number[][],
  edgeOk: EdgeOk,
  targets: Target[],
  closedAtEntry = false,
): number[] {
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
  if (!(closedAtEntry && loop.length > 0 && at === entry)) walkTo((_a, b) => b === entry);
  return loop;
}
