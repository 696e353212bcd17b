/**
 * A small LTL over TLA+ predicates, in negation normal form: atoms (a state or action
 * predicate, possibly negated), TRUE/FALSE, /\, \/, [] and <>. TLA+ has no next or until
 * operator, so these are all a property can be made of once definitions, quantifiers over
 * constant sets, IF/THEN/ELSE, ~>, => and WF/SF are expanded (`normalise.ts`).
 *
 * Formulas are hash-consed by a {@link LtlFactory}: structurally equal formulas are the same
 * object with the same `id`, so the tableau can key particles by sets of ids and recognise a
 * promise and its body by identity. Constructors simplify as they build (flattening, units,
 * `<><>F = <>F`, `<>[]<>F = []<>F`), as TLC's simplification does, so that `[]<>A` and `<>[]A`
 * with A an action are found where TLC finds them.
 */
import type { Loc } from '../../syntax/ast.ts';
import type { Pred } from '../temporal-types.ts';

/** A predicate of the property: its compiled form, and whether it reads the next state. */
export interface LtlAtom {
  /** Equal for the same expression in the same environment, so `P` and `~P` are recognised. */
  key: string;
  pred: Pred;
  loc: Loc;
}

export type Ltl =
  | { k: 'bool'; v: boolean; id: number; temporal: false; action: false }
  | { k: 'atom'; atom: LtlAtom; neg: boolean; id: number; temporal: false; action: boolean }
  | { k: 'and' | 'or'; xs: Ltl[]; id: number; temporal: boolean; action: boolean }
  | { k: 'always' | 'eventually'; x: Ltl; id: number; temporal: true; action: boolean };

/** Builds hash-consed formulas. One factory per property: ids are only comparable within it. */
export class LtlFactory {
  private readonly table = new Map<string, Ltl>();
  private next = 0;

  private intern<T extends Ltl>(key: string, make: (id: number) => T): T {
    const hit = this.table.get(key);
    if (hit) return hit as T;
    const f = make(this.next++);
    this.table.set(key, f);
    return f;
  }

  bool(v: boolean): Ltl {
    return this.intern(`b${v}`, (id) => ({ k: 'bool', v, id, temporal: false, action: false }));
  }

  atom(atom: LtlAtom, neg = false): Ltl {
    return this.intern(`a${neg ? '-' : '+'}${atom.key}`, (id) => ({
      k: 'atom',
      atom,
      neg,
      id,
      temporal: false,
      action: atom.pred.onStep,
    }));
  }

  and(xs: Ltl[]): Ltl {
    return this.junction('and', xs);
  }

  or(xs: Ltl[]): Ltl {
    return this.junction('or', xs);
  }

  private junction(k: 'and' | 'or', xs: Ltl[]): Ltl {
    const unit = k === 'and'; // TRUE is the unit of /\, FALSE its zero (and the other way round)
    const items = new Map<number, Ltl>();
    const add = (x: Ltl): boolean => {
      if (x.k === k) return x.xs.every(add);
      if (x.k === 'bool') return x.v === unit;
      items.set(x.id, x);
      return true;
    };
    if (!xs.every(add)) return this.bool(!unit);
    if (items.size === 0) return this.bool(unit);
    if (items.size === 1) return [...items.values()][0];
    const sorted = [...items.values()].sort((a, b) => a.id - b.id);
    return this.intern(`${k}(${sorted.map((x) => x.id).join(',')})`, (id) => ({
      k,
      xs: sorted,
      id,
      temporal: sorted.some((x) => x.temporal),
      action: sorted.some((x) => x.action),
    }));
  }

  always(x: Ltl): Ltl {
    if (x.k === 'bool' || x.k === 'always') return x;
    // []<>[]F = <>[]F
    if (x.k === 'eventually' && x.x.k === 'always') return x;
    return this.intern(`G${x.id}`, (id) => ({
      k: 'always',
      x,
      id,
      temporal: true,
      action: x.action,
    }));
  }

  eventually(x: Ltl): Ltl {
    if (x.k === 'bool' || x.k === 'eventually') return x;
    // <>[]<>F = []<>F
    if (x.k === 'always' && x.x.k === 'eventually') return x;
    return this.intern(`F${x.id}`, (id) => ({
      k: 'eventually',
      x,
      id,
      temporal: true,
      action: x.action,
    }));
  }

  /** The negation, pushed down to the atoms. */
  not(f: Ltl): Ltl {
    switch (f.k) {
      case 'bool':
        return this.bool(!f.v);
      case 'atom':
        return this.atom(f.atom, !f.neg);
      case 'and':
        return this.or(f.xs.map((x) => this.not(x)));
      case 'or':
        return this.and(f.xs.map((x) => this.not(x)));
      case 'always':
        return this.eventually(this.not(f.x));
      case 'eventually':
        return this.always(this.not(f.x));
    }
  }
}

/**
 * Disjunctive normal form above the temporal operators: a list of branches, each a list of
 * conjuncts that are atoms or formulas under [] or <>. TLC checks each branch on its own.
 */
export function dnf(f: Ltl): Ltl[][] {
  if (f.k === 'or') return f.xs.flatMap(dnf);
  if (f.k === 'and') {
    let acc: Ltl[][] = [[]];
    for (const x of f.xs) {
      const parts = dnf(x);
      acc = acc.flatMap((a) => parts.map((p) => [...a, ...p]));
    }
    return acc;
  }
  if (f.k === 'bool') return f.v ? [[]] : [];
  return [[f]];
}

/** Every subformula, each once. */
export function subformulas(f: Ltl): Ltl[] {
  const seen = new Map<number, Ltl>();
  const visit = (x: Ltl): void => {
    if (seen.has(x.id)) return;
    seen.set(x.id, x);
    if (x.k === 'and' || x.k === 'or') x.xs.forEach(visit);
    else if (x.k === 'always' || x.k === 'eventually') visit(x.x);
  };
  visit(f);
  return [...seen.values()];
}
