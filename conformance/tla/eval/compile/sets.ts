/**
 * Set constructors: `{a, b}`, `{e : x \\in S}`, `{x \\in S : P}` (with their fast paths, see
 * `fast-paths.ts`), `[f1 : S1, f2 : S2]`, `[S -> T]` and `S \\X T`.
 */
import type { Bound, Expr } from '../../syntax/ast.ts';
import { FcnSet, FilterSet, ProductSet, RecordSet, isDescribedSet } from '../../values/sets.ts';
import {
  EMPTY_SET,
  EnumSet,
  SetValue,
  TupleValue,
  type Value,
  compare,
  setFromList,
  str,
} from '../../values/value.ts';
import { expectBool, setValue } from '../builtins.ts';
import { type Fn, lookup } from '../runtime.ts';
import type { Scope } from '../scope.ts';
import type { ExprCompiler } from './api.ts';
import { builtAt, semantic } from './errors.ts';
import { fastPaths, sliceFastPath } from './fast-paths.ts';

/** `{a, b, c}`. */
export function setEnum(c: ExprCompiler, e: Expr & { k: 'setEnum' }, sc: Scope): Fn {
  const elems = e.elems.map((x) => c.expr(x, sc));
  if (elems.length === 0) return () => EMPTY_SET;
  return (env, ctx) => builtAt(setFromList(elems.map((f) => f(env, ctx))), e.loc);
}

/** `{e : x \\in S, y \\in T}`. */
export function setMap(c: ExprCompiler, e: Expr & { k: 'setMap' }, sc: Scope): Fn {
  const b = c.bounds(e.bounds, sc);
  const body = c.expr(e.expr, b.scope);
  const fast =
    e.bounds.length === 1
      ? fastPaths(c, 'map', e.bounds[0], e.expr, undefined, sc, b, body, undefined)
      : undefined;
  if (fast !== undefined) {
    const set = b.sets[0];
    return (env, ctx) => {
      const s = set(env, ctx);
      const r = s instanceof SetValue ? fast(env, ctx, s) : undefined;
      if (r !== undefined) return r;
      const out: Value[] = [];
      b.eachIn(env, [s], (env2) => {
        out.push(body(env2, ctx));
        return false;
      });
      return builtAt(setFromList(out), e.loc);
    };
  }
  return (env, ctx) => {
    const out: Value[] = [];
    b.each(env, ctx, (env2) => {
      out.push(body(env2, ctx));
      return false;
    });
    return builtAt(setFromList(out), e.loc);
  };
}

/** `{x \\in S : P}`, through the slice fast path when its condition reads a function at x. */
export function setFilter(c: ExprCompiler, bound: Bound, pred: Expr, sc: Scope): Fn {
  const ordinary = ordinarySetFilter(c, bound, pred, sc);
  const slice = bound.set ? sliceFastPath(c, 'filter', [bound], pred, sc) : undefined;
  if (slice === undefined) return ordinary;
  return (env, ctx) => slice(env, ctx) ?? ordinary(env, ctx);
}

function ordinarySetFilter(c: ExprCompiler, bound: Bound, pred: Expr, sc: Scope): Fn {
  const b = c.bounds([bound], sc);
  const p = c.expr(pred, b.scope);
  if (!bound.set) return semantic(bound.loc, 'a set filter needs a set: {x \\in S : P}');
  const set = c.expr(bound.set, sc);
  const what = () => 'The condition of a set filter';
  const fast = fastPaths(c, 'filter', bound, pred, pred, sc, b, p, (env, ctx, bucket) => {
    const out: Value[] = [];
    for (const v of bucket) if (expectBool(p(b.bindArg(env, v), ctx), what)) out.push(v);
    return new EnumSet(out);
  });
  return (env, ctx) => {
    const s = setValue(set(env, ctx), 'The set of {x \\in S : P}');
    if (fast !== undefined) {
      const r = fast(env, ctx, s);
      if (r !== undefined) return r;
    }
    if ((!s.isFinite() || isDescribedSet(s)) && !bound.tuple && bound.names.length === 1) {
      return new FilterSet(s, (v) => expectBool(p(b.bindArg(env, v), ctx), what));
    }
    if (bound.names.length === 1 || bound.tuple) {
      return new EnumSet(s.elements().filter((v) => expectBool(p(b.bindArg(env, v), ctx), what)));
    }
    // {x, y \in S : P} filters tuples of S \X S.
    const out: Value[] = [];
    b.each(env, ctx, (e) => {
      if (expectBool(p(e, ctx), what))
        out.push(new TupleValue(b.slots[0].map((sl) => lookup(e, sl) as Value)));
      return false;
    });
    return builtAt(setFromList(out), bound.loc);
  };
}

/** `[f1 : S1, f2 : S2]`. */
export function recordSet(c: ExprCompiler, e: Expr & { k: 'recordSet' }, sc: Scope): Fn {
  const fields = e.fields
    .map((f) => ({ name: str(f.name), set: c.expr(f.set, sc) }))
    .sort((a, b) => compare(a.name, b.name));
  return (env, ctx) =>
    new RecordSet(
      fields.map((f) => f.name),
      fields.map((f) => setValue(f.set(env, ctx), `The set of field ${f.name.text}`)),
    );
}

/** `[S -> T]`. */
export function fcnSet(c: ExprCompiler, e: Expr & { k: 'fcnSet' }, sc: Scope): Fn {
  const d = c.expr(e.dom, sc),
    r = c.expr(e.rng, sc);
  return (env, ctx) =>
    new FcnSet(
      setValue(d(env, ctx), 'The domain of [S -> T]'),
      setValue(r(env, ctx), 'The range of [S -> T]'),
    );
}

/** `S \\X T \\X ...`. */
export function product(c: ExprCompiler, e: Expr & { k: 'product' }, sc: Scope): Fn {
  const sets = e.sets.map((x) => c.expr(x, sc));
  return (env, ctx) => new ProductSet(sets.map((f) => setValue(f(env, ctx), 'An operand of \\X')));
}
