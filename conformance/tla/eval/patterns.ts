/**
 * Syntactic patterns the compiler gives a fast path on persistent sets: a condition on a bound
 * element `x` that starts with equalities `path(x) = e` (`x.type = "promise"`, `t[1] = c`),
 * where `e` does not mention `x`. See `values/pset-index.ts` for how they are answered.
 */
import type { Bound, Expr, Param } from '../syntax/ast.ts';
import type { Path, PathStep } from '../values/pset-index.ts';
import { str } from '../values/value.ts';
import { childExprs } from '../syntax/ast.ts';

/** The leading equalities of a condition: the path on `x` and the other side of each. */
export interface EqualityPrefix {
  readonly paths: Path[];
  readonly values: Expr[];
  /** Whether the equalities are the whole condition (nothing follows them). */
  readonly whole: boolean;
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
  return paths.length > 0 ? { paths, values, whole: paths.length === items.length } : undefined;
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
  if (e.k === 'at' && x === '@') return true; // EXCEPT binds @ as a local of that name
  if (e.k === 'let' && e.defs.some((d) => 'name' in d && d.name === x)) return true;
  return childExprs(e).some((c) => mentionsName(c, x));
}

/** The name the rewritten body of a slice pattern reads the entry by (not a TLA+ identifier). */
export const SLICE_ENTRY = '$entry';

/**
 * A body over a bound name `x` that reads a function only at `x`: every occurrence of the
 * function expression `target` (which does not mention `x`) is applied to `x`, as in
 * `learned[s][L][x] # None` (target `learned[s][L]`). Returns the target and the body with each
 * `target[x]` replaced by {@link SLICE_ENTRY}; undefined when the body has no such application,
 * applies two different functions to `x`, or binds `x` (or the entry name) again inside.
 */
export function slicePattern(body: Expr, x: string): { target: Expr; body: Expr } | undefined {
  if (bindsName(body, x) || bindsName(body, SLICE_ENTRY)) return undefined;
  let target: Expr | undefined;
  let key: string | undefined;
  let mixed = false;
  const find = (e: Expr): void => {
    if (isApplicationTo(e, x) && !mentionsName(e.fn, x)) {
      const k = exprKey(e.fn);
      if (key === undefined) {
        target = e.fn;
        key = k;
      } else if (k !== key) mixed = true;
      return;
    }
    childExprs(e).forEach(find);
  };
  find(body);
  if (target === undefined || mixed) return undefined;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const e = node as Expr;
    if (isApplicationTo(e, x) && exprKey(e.fn) === key)
      return { k: 'ident', name: SLICE_ENTRY, loc: e.loc };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'loc' ? v : rewrite(v);
    return out;
  };
  return { target, body: rewrite(body) as Expr };
}

function isApplicationTo(e: Expr, x: string): e is Expr & { k: 'fcnApp' } {
  return e.k === 'fcnApp' && e.args.length === 1 && e.args[0].k === 'ident' && e.args[0].name === x;
}

/** An expression's structure without source positions: equal keys, same expression. */
function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === 'loc' ? undefined : v));
}

/** Whether some binder inside `e` (a bound, a parameter, a LET definition) introduces `x`. */
function bindsName(node: unknown, x: string): boolean {
  if (Array.isArray(node)) return node.some((n) => bindsName(n, x));
  if (node === null || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o.names) && o.names.includes(x)) return true;
  if (Array.isArray(o.params) && o.params.some((p) => p === x || (p as Param)?.name === x))
    return true;
  if ((o.k === 'opdef' || o.k === 'fcndef') && o.name === x) return true;
  return Object.entries(o).some(([k, v]) => k !== 'loc' && bindsName(v, x));
}

/**
 * `CHOOSE x \in S : \A y \in S : y <= x` (or `x >= y`): the greatest element, 'max'; with the
 * comparison the other way round, 'min'. Undefined for any other condition, or when S mentions
 * x or y (S inside the condition would then mean something else). The caller checks that `<=`
 * and `>=` are the standard modules' operators.
 */
export function extremumPattern(bound: Bound, body: Expr): 'max' | 'min' | undefined {
  if (bound.tuple || bound.names.length !== 1 || !bound.set) return undefined;
  const x = bound.names[0];
  if (body.k !== 'quant' || body.q !== 'A' || body.bounds.length !== 1) return undefined;
  const inner = body.bounds[0];
  if (inner.tuple || inner.names.length !== 1 || !inner.set) return undefined;
  const y = inner.names[0];
  if (x === y || mentionsName(bound.set, x) || mentionsName(bound.set, y)) return undefined;
  if (exprKey(inner.set) !== exprKey(bound.set)) return undefined;
  const cmp = body.body;
  if (cmp.k !== 'apply' || cmp.args.length !== 2) return undefined;
  const [l, r] = cmp.args.map((a) => (a.k === 'ident' ? a.name : undefined));
  const greaterOnLeft = cmp.name === '$geq' ? true : cmp.name === '$leq' ? false : undefined;
  if (greaterOnLeft === undefined) return undefined;
  if (l === x && r === y) return greaterOnLeft ? 'max' : 'min';
  if (l === y && r === x) return greaterOnLeft ? 'min' : 'max';
  return undefined;
}

/**
 * For `\A x \in S : ~C` and `\A x \in S : C => D`: the condition C under which the body can be
 * FALSE (so elements where C is FALSE need no evaluation), or undefined.
 */
export function negatedCondition(body: Expr): Expr | undefined {
  if (body.k !== 'apply') return undefined;
  if (body.name === '$lnot' && body.args.length === 1) return body.args[0];
  if (body.name === '$implies' && body.args.length === 2) return body.args[0];
  return undefined;
}

/** A lookup of a set inside a body: an inner comprehension over it opening with equalities. */
export type SetLookup = EqualityPrefix;

/**
 * The body `body` of a quantifier over `set` (bound name `t`) reads `set` only through inner
 * quantifiers and filters over the same expression that open with equalities on their element
 * (`\A u \in set : u[1] = t[1] /\ ... => P`): their equality prefixes, and the body with each
 * occurrence of `set` replaced by `{}` (what is left must read no state for the lookups to be
 * all the body reads of it). Undefined when `set` occurs anywhere else, or `t` is bound again.
 */
export function setLookups(
  body: Expr,
  t: string,
  set: Expr,
): { lookups: SetLookup[]; rest: Expr } | undefined {
  if (bindsName(body, t)) return undefined;
  const setKey = exprKey(set);
  const lookups: SetLookup[] = [];
  let other = false;
  const innerCondition = (e: Expr): { u: string; cond: Expr | undefined } | undefined => {
    const bound = e.k === 'quant' ? e.bounds : e.k === 'setFilter' ? [e.bound] : undefined;
    if (bound === undefined || bound.length !== 1) return undefined;
    const b = bound[0];
    if (b.tuple || b.names.length !== 1 || !b.set || exprKey(b.set) !== setKey) return undefined;
    const u = b.names[0];
    if (e.k === 'setFilter') return { u, cond: e.pred };
    if (e.k !== 'quant') return undefined;
    return { u, cond: e.q === 'E' ? e.body : negatedCondition(e.body) };
  };
  const find = (e: Expr): void => {
    const inner = innerCondition(e);
    if (inner !== undefined) {
      const prefix = inner.cond && equalityPrefix(inner.cond, inner.u);
      // The keys must be computable from t alone: no name bound inside the body.
      const fromT = (v: Expr) => !namesIn(v).some((n) => n !== t && bindsName(body, n));
      if (prefix === undefined || inner.u === t || !prefix.values.every(fromT)) other = true;
      else lookups.push(prefix);
      find(e.k === 'setFilter' ? e.pred : (e as Expr & { k: 'quant' }).body);
      return;
    }
    if (exprKey(e) === setKey) {
      other = true;
      return;
    }
    childExprs(e).forEach(find);
  };
  find(body);
  if (other || lookups.length === 0) return undefined;
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node === null || typeof node !== 'object') return node;
    const e = node as Expr;
    if ('k' in e && 'loc' in e && exprKey(e) === setKey)
      return { k: 'setEnum', elems: [], loc: e.loc };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'loc' ? v : replace(v);
    return out;
  };
  return { lookups, rest: replace(body) as Expr };
}

/** The names an expression mentions (identifiers and operator applications). */
function namesIn(e: Expr): string[] {
  const out: string[] = [];
  const visit = (x: Expr): void => {
    if (x.k === 'ident' || x.k === 'apply') out.push(x.name);
    childExprs(x).forEach(visit);
  };
  visit(e);
  return out;
}
