/**
 * The CommunityModules' UndirectedGraphs: graphs as records [node |-> N, edge |-> E] whose
 * edges are sets {a, b} of nodes. TLC evaluates its TLA+ definitions (there is no Java
 * override); these compute the same values directly: components by merging along edges,
 * simple paths by walking the graph rather than filtering every sequence of nodes.
 */
import { FilterSet, SeqSet } from '../../values/sets.ts';
import {
  FcnLike,
  SetValue,
  TupleValue,
  type Value,
  compare,
  equals,
  recordOf,
  setOf,
  str,
} from '../../values/value.ts';
import { type Arg, checkSize, expectFiniteSet, expectSet, mismatch } from './args.ts';
import { chooseFailure } from './folding.ts';
import type { NativeOp, StdModule } from './native.ts';

interface Graph {
  readonly g: FcnLike;
  readonly node: SetValue;
  readonly edge: SetValue;
}

/** G.node and G.edge, as `G.node` reads them (a missing field is TLC's error). */
function graph(op: string, G: Arg): Graph {
  if (!(G instanceof FcnLike)) throw mismatch(op, 0, 'a record', G);
  return {
    g: G,
    node: expectSet(op, 0, G.apply(str('node'))),
    edge: expectSet(op, 0, G.apply(str('edge'))),
  };
}

/** Whether `e` is {a, b} for nodes a, b (distinct ones when `loopFree`). */
function isEdge(e: Value, node: SetValue, loopFree: boolean): boolean {
  if (!(e instanceof SetValue)) {
    // `e = {a, b}` compares e with a set: TLC's error for a non-set, once there is a node.
    const any = node.elements()[0];
    return any !== undefined && equals(e, setOf([any]));
  }
  const ends = e.elements();
  if (ends.length < 1 || ends.length > 2 || (loopFree && ends.length !== 2)) return false;
  return ends.every((x) => node.contains(x));
}

/** G = [node |-> G.node, edge |-> G.edge] and every edge joins nodes. */
function isGraph(op: string, G: Arg, loopFree: boolean): boolean {
  const { g, node, edge } = graph(op, G);
  const same = equals(
    g,
    recordOf([
      ['node', node],
      ['edge', edge],
    ]),
  );
  return same && edge.elements().every((e) => isEdge(e, node, loopFree));
}

/** The connected components: each node alone, then merged along every edge. */
function components(op: string, G: Arg): SetValue {
  const { node, edge } = graph(op, G);
  const nodes = expectFiniteSet(op, 0, node);
  const parent = nodes.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const indexOf = (x: Value): number => nodes.findIndex((n) => compare(n, x) === 0);
  for (const e of expectFiniteSet(op, 0, edge)) {
    // The definition names an edge's ends by CHOOSE among the nodes: it fails otherwise.
    if (!(e instanceof SetValue) || !isEdge(e, node, false)) throw chooseFailure(op);
    const [a, b = a] = e.elements().map(indexOf);
    parent[find(a)] = find(b);
  }
  const groups = new Map<number, Value[]>();
  nodes.forEach((n, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), n]);
  });
  return setOf([...groups.values()].map((members) => setOf(members)));
}

/** Whether consecutive nodes of `p` are joined by edges of `edge`. */
function follows(p: readonly Value[], edge: SetValue): boolean {
  for (let i = 0; i + 1 < p.length; i++) if (!edge.contains(setOf([p[i], p[i + 1]]))) return false;
  return true;
}

/** The simple paths: every non-empty walk along edges that visits no node twice. */
function simplePaths(op: string, G: Arg): SetValue {
  const { node, edge } = graph(op, G);
  const nodes = expectFiniteSet(op, 0, node);
  const out: Value[] = [];
  const walk = (path: Value[]): void => {
    checkSize('the simple paths', out.length + 1);
    out.push(new TupleValue([...path]));
    for (const n of nodes) {
      if (path.some((p) => equals(p, n))) continue;
      if (!edge.contains(setOf([path[path.length - 1], n]))) continue;
      path.push(n);
      walk(path);
      path.pop();
    }
  };
  for (const n of nodes) walk([n]);
  return setOf(out);
}

/** The subgraphs: node sets and edge sets (of edges between those nodes) of G. */
function subgraphs(op: string, G: Arg): SetValue {
  const { node, edge } = graph(op, G);
  const out: Value[] = [];
  expectFiniteSet(op, 0, node);
  for (const ns of subsetsOf(node).elements()) {
    const within = ns as SetValue;
    for (const es of subsetsOf(edge).elements()) {
      const edges = (es as SetValue).elements();
      if (!edges.every((e) => isEdge(e, within, false))) continue;
      checkSize('the subgraphs', out.length + 1);
      out.push(
        recordOf([
          ['node', within],
          ['edge', es],
        ]),
      );
    }
  }
  return setOf(out);
}

function subsetsOf(s: SetValue): SetValue {
  const elems = s.elements();
  checkSize('SUBSET', 2 ** elems.length);
  const all: Value[] = [];
  for (let mask = 0; mask < 2 ** elems.length; mask++)
    all.push(setOf(elems.filter((_, i) => (mask & (1 << i)) !== 0)));
  return setOf(all);
}

function graphOp(name: string, arity: number, impl: (args: Arg[]) => Value): NativeOp {
  return { name, arity, impl };
}

/** The CommunityModules' UndirectedGraphs module. */
export const UNDIRECTED_GRAPHS: StdModule = {
  name: 'UndirectedGraphs',
  extends: [],
  ops: [
    graphOp('IsUndirectedGraph', 1, ([G]) => isGraph('IsUndirectedGraph', G, false)),
    graphOp('IsLoopFreeUndirectedGraph', 1, ([G]) => isGraph('IsLoopFreeUndirectedGraph', G, true)),
    graphOp('UndirectedSubgraph', 1, ([G]) => subgraphs('UndirectedSubgraph', G)),
    graphOp('Path', 1, ([G]) => {
      const { node, edge } = graph('Path', G);
      // Infinite: TLC keeps {p \in Seq(G.node) : ...} as a predicate, for membership only.
      return new FilterSet(new SeqSet(node), (p) => {
        const elems = (p as FcnLike).explicit() as TupleValue;
        return elems.elems.length > 0 && follows(elems.elems, edge);
      });
    }),
    graphOp('SimplePath', 1, ([G]) => simplePaths('SimplePath', G)),
    graphOp('ConnectedComponents', 1, ([G]) => components('ConnectedComponents', G)),
    graphOp('AreConnectedIn', 3, ([m, n, G]) =>
      components('AreConnectedIn', G)
        .elements()
        .some((c) => (c as SetValue).contains(m as Value) && (c as SetValue).contains(n as Value)),
    ),
    graphOp('IsStronglyConnected', 1, ([G]) => components('IsStronglyConnected', G).size() === 1),
  ],
};
