/**
 * The particle tableau of an LTL formula without actions (Manna and Pnueli, "Temporal
 * Verification of Reactive Systems: Safety", ch. 5; TLC's TBGraph and TBPar).
 *
 * A particle is a set of formulas closed under expansion: with `F /\ G` it holds both, with
 * `F \/ G` one of them, with `[]F` both F and the obligation `[]F` for the next position, with
 * `<>F` either F or the obligation `<>F` for the next position. Its atoms say what the state at
 * its position must satisfy; its obligations are the formulas the next particle starts from.
 * The tableau's nodes are the particles reachable from those of the formula itself; a behaviour
 * satisfies the formula iff it has a path of particles whose atoms its states satisfy and that
 * fulfils every promise `<>F` infinitely often (never holds it, or holds F too).
 */
import type { Ltl } from './formula.ts';
import { subformulas } from './formula.ts';

export interface TableauNode {
  /** State predicates, possibly negated, that this node's state satisfies. */
  literals: Array<Ltl & { k: 'atom' }>;
  /** Ids of the formulas in the particle. */
  members: ReadonlySet<number>;
  /** Successor nodes (indices). */
  succ: number[];
}

export interface Tableau {
  nodes: TableauNode[];
  /** The nodes a behaviour may start in. */
  initial: number[];
  /** Every `<>F` of the formula: an accepting loop fulfils each one. */
  promises: Array<Ltl & { k: 'eventually' }>;
}

interface Particle {
  members: Set<number>;
  literals: Map<string, Ltl & { k: 'atom' }>;
  /** Obligations for the next position, by id. */
  next: Map<number, Ltl>;
}

/** The tableau of `f`, whose atoms must all be state predicates. */
export function buildTableau(f: Ltl): Tableau {
  const nodes: TableauNode[] = [];
  const byKey = new Map<string, number>();
  const obligations: Ltl[][] = [];
  const successorsOf = new Map<string, number[]>();

  const nodesOf = (start: Ltl[]): number[] => {
    const out: number[] = [];
    for (const p of particles(start)) {
      const key = particleKey(p);
      let i = byKey.get(key);
      if (i === undefined) {
        i = nodes.length;
        byKey.set(key, i);
        nodes.push({ literals: [...p.literals.values()], members: p.members, succ: [] });
        obligations.push([...p.next.values()]);
      }
      if (!out.includes(i)) out.push(i);
    }
    return out;
  };

  const initial = nodesOf(f.k === 'bool' && f.v ? [] : [f]);
  for (let i = 0; i < nodes.length; i++) {
    const next = obligations[i];
    const key = next
      .map((x) => x.id)
      .sort((a, b) => a - b)
      .join(',');
    let succ = successorsOf.get(key);
    if (!succ) successorsOf.set(key, (succ = nodesOf(next)));
    nodes[i].succ = succ;
  }
  const promises = subformulas(f).filter(
    (x): x is Ltl & { k: 'eventually' } => x.k === 'eventually',
  );
  return { nodes, initial, promises };
}

/** Whether a node fulfils the promise `<>F`: it does not hold it, or it holds F too. */
export function fulfils(node: TableauNode, promise: Ltl & { k: 'eventually' }): boolean {
  return !node.members.has(promise.id) || node.members.has(promise.x.id);
}

function particleKey(p: Particle): string {
  const ids = (s: Iterable<number>) => [...s].sort((a, b) => a - b).join(',');
  return `${ids(p.members)}|${ids(p.next.keys())}`;
}

/** The particles of a set of formulas (each consistent: no atom both holds and fails). */
function particles(start: Ltl[]): Particle[] {
  const out: Particle[] = [];
  const expand = (todo: Ltl[], p: Particle): void => {
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (p.members.has(x.id)) continue;
      p.members.add(x.id);
      switch (x.k) {
        case 'bool':
          if (!x.v) return;
          break;
        case 'atom': {
          const other = p.literals.get(x.atom.key);
          if (other && other.neg !== x.neg) return;
          p.literals.set(x.atom.key, x);
          break;
        }
        case 'and':
          todo.push(...x.xs);
          break;
        case 'always':
          todo.push(x.x);
          p.next.set(x.id, x);
          break;
        case 'or':
          for (const alt of x.xs) expand([...todo, alt], copy(p));
          return;
        case 'eventually': {
          // Either F holds here, or the promise is carried to the next position.
          expand([...todo, x.x], copy(p));
          const later = copy(p);
          later.next.set(x.id, x);
          expand(todo, later);
          return;
        }
      }
    }
    out.push(p);
  };
  expand([...start], { members: new Set(), literals: new Map(), next: new Map() });
  return out;
}

function copy(p: Particle): Particle {
  return { members: new Set(p.members), literals: new Map(p.literals), next: new Map(p.next) };
}
