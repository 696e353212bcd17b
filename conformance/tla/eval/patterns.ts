/**
 * Syntactic patterns the compiler gives a fast path on persistent sets: a condition on a bound
 * element `x` that starts with equalities `path(x) = e` (`x.type = "promise"`, `t[1] = c`),
 * where `e` does not mention `x`. See `values/pset-index.ts` for how they are answered.
 */
import type { Expr } from '../syntax/ast.ts';
import type { Path, PathStep } from '../values/pset-index.ts';
import { str } from '../values/value.ts';
import { childExprs } from './compile.ts';

/** The leading equalities of a condition: the path on `x` and the other side of each. */
export interface EqualityPrefix {
  readonly paths: Path[];
  readonly values: Expr[];
}

/**
 * The equalities `path(x) = e` (or `e = path(x)`) that open the conjunction `cond`, in order;
 * undefined when it opens with none. Only the top-level conjuncts count: evaluation order and
 * short-circuiting of `A /\ B /\ C` are then exactly those of the index's levels.
 */
export function equalityPrefix(cond: Expr, x: string): EqualityPrefix | undefined {
  const items = cond.k === 'and' ? cond.items : [cond];
  const paths: Path[] = [];
  const values: Expr[] = [];
  for (const item of items) {
    if (item.k !== 'apply' || item.name !== '$eq' || item.args.length !== 2) break;
    const [l, r] = item.args;
    const pl = pathOn(l, x);
    if (pl !== undefined && pl.length > 0 && !mentionsName(r, x)) {
      paths.push(pl);
      values.push(r);
      continue;
    }
    const pr = pathOn(r, x);
    if (pr !== undefined && pr.length > 0 && !mentionsName(l, x)) {
      paths.push(pr);
      values.push(l);
      continue;
    }
    break;
  }
  return paths.length > 0 ? { paths, values } : undefined;
}

/** `e` as a path from `x` (`x.f[1].g`), or undefined. */
function pathOn(e: Expr, x: string): PathStep[] | undefined {
  if (e.k === 'ident') return e.name === x ? [] : undefined;
  if (e.k === 'dot') {
    const p = pathOn(e.rec, x);
    return p && [...p, { field: str(e.field) }];
  }
  if (e.k === 'fcnApp' && e.args.length === 1) {
    const a = e.args[0];
    if (a.k !== 'num' && a.k !== 'str') return undefined;
    const p = pathOn(e.fn, x);
    return p && [...p, { arg: a.k === 'str' ? str(a.value) : a.value }];
  }
  return undefined;
}

/** Whether the name `x` occurs anywhere in `e` (conservative: shadowing counts as a mention). */
export function mentionsName(e: Expr, x: string): boolean {
  if ((e.k === 'ident' || e.k === 'apply') && e.name === x) return true;
  if (e.k === 'let' && e.defs.some((d) => 'name' in d && d.name === x)) return true;
  return childExprs(e).some((c) => mentionsName(c, x));
}
