/**
 * Functions and records: function definitions (`f[x \\in S] == e`, lazily computed and
 * memoised; constant ones built once), constructors `[x \\in S |-> e]`, application `f[x]`,
 * records and field access, tuples, and `[f EXCEPT ![k] = e]`.
 */
import type { Bound, Expr } from '../../syntax/ast.ts';
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { LazyFcn, ProductSet } from '../../values/sets.ts';
import {
  FcnLike,
  FcnValue,
  type SetValue,
  TupleValue,
  type Value,
  carryDerived,
  compare,
  fcnFromSorted,
  kindName,
  str,
} from '../../values/value.ts';
import { setValue } from '../builtins.ts';
import { type Ctx, type Env, type Fn, bind } from '../runtime.ts';
import { type FcnDef, type Scope, newSlot } from '../scope.ts';
import type { ExprCompiler } from './api.ts';
import { semantic, traced } from './errors.ts';

/** The value of a function definition: a lazily computed, memoised function. */
export function fcnDefValue(c: ExprCompiler, d: FcnDef): Fn {
  const self = newSlot();
  const b = c.bounds(d.bounds, d.scope.with(d.name, self));
  const domain = domainOf(c, d.bounds, d.scope);
  let body: Fn | undefined;
  const build: Fn = (env, ctx) => {
    const base = d.scope.inst.parameterized ? env : null;
    body ??= traced(c.expr(d.body, b.scope), d.loc);
    const bodyFn = body;
    const dom = domain(base, ctx);
    const lf: LazyFcn = new LazyFcn(dom, (arg) =>
      bodyFn(b.bindArg(bind(base, self, lf), arg), ctx),
    );
    return lf;
  };
  const levels = c.levels;
  return (env, ctx) => {
    if (!d.scope.inst.parameterized && levels.isConstantDef(d)) {
      if (!d.cached) d.cached = { value: build(null, ctx) };
      return d.cached.value;
    }
    return build(env, ctx);
  };
}

/** Like {@link fcnDefValue} for a LET-level function: evaluated in the LET's environment. */
export function fcnDefValueIn(c: ExprCompiler, d: FcnDef): Fn {
  const self = newSlot();
  const b = c.bounds(d.bounds, d.scope.with(d.name, self));
  const domain = domainOf(c, d.bounds, d.scope);
  const body = traced(c.expr(d.body, b.scope), d.loc);
  return (env, ctx) => {
    const lf: LazyFcn = new LazyFcn(domain(env, ctx), (arg) =>
      body(b.bindArg(bind(env, self, lf), arg), ctx),
    );
    return lf;
  };
}

/** The domain of `[x \in S, y \in T |-> e]`: S, or the product for several names. */
function domainOf(c: ExprCompiler, bounds: Bound[], sc: Scope): (env: Env, ctx: Ctx) => SetValue {
  const parts: Array<{ set: Fn; count: number; tuple: boolean }> = bounds.map((b) => {
    if (!b.set) return semantic(b.loc, 'a function needs a bounded domain: write x \\in S');
    return { set: c.expr(b.set, sc), count: b.names.length, tuple: b.tuple };
  });
  return (env, ctx) => {
    const sets: SetValue[] = [];
    for (const p of parts) {
      const s = setValue(p.set(env, ctx), 'The domain of a function');
      for (let i = 0; i < (p.tuple ? 1 : p.count); i++) sets.push(s);
    }
    return sets.length === 1 ? sets[0] : new ProductSet(sets);
  };
}

export function fcnConstructor(c: ExprCompiler, bounds: Bound[], body: Expr, sc: Scope): Fn {
  const b = c.bounds(bounds, sc);
  const domain = domainOf(c, bounds, sc);
  const f = c.expr(body, b.scope);
  return (env, ctx) => {
    const dom = domain(env, ctx);
    if (!dom.isFinite()) return new LazyFcn(dom, (arg) => f(b.bindArg(env, arg), ctx));
    const keys = dom.elements();
    const vals = keys.map((k) => f(b.bindArg(env, k), ctx));
    return fcnFromSorted(keys, vals);
  };
}

export function exceptExpr(c: ExprCompiler, e: Expr & { k: 'except' }, sc: Scope): Fn {
  const base = c.expr(e.base, sc);
  const inner = sc.with('@', c.atSlot);
  const updates = e.updates.map((u) => ({
    path: u.path.map((step) =>
      step.k === 'field'
        ? { field: str(step.name) as Value, args: [] as Fn[] }
        : { field: undefined, args: step.args.map((a) => c.expr(a, sc)) },
    ),
    value: c.expr(u.value, inner),
  }));
  const atSlot = c.atSlot;
  return traced((env, ctx) => {
    let f = base(env, ctx);
    for (const u of updates) {
      const keys = u.path.map((p) =>
        p.field !== undefined
          ? p.field
          : p.args.length === 1
            ? p.args[0](env, ctx)
            : new TupleValue(p.args.map((a) => a(env, ctx))),
      );
      f = updateAt(f, keys, 0, (old) => u.value(bind(env, atSlot, old), ctx));
    }
    return f;
  }, e.loc);
}

/** `f[a]`, `f[a, b]`. */
export function fcnApp(c: ExprCompiler, e: Expr & { k: 'fcnApp' }, sc: Scope): Fn {
  const f = c.expr(e.fn, sc);
  const args = e.args.map((a) => c.expr(a, sc));
  const one = args.length === 1 ? args[0] : undefined;
  return traced((env, ctx) => {
    const fv = f(env, ctx);
    const arg = one ? one(env, ctx) : new TupleValue(args.map((a) => a(env, ctx)));
    if (fv instanceof FcnLike) return fv.apply(arg);
    throw new EvalError(
      `Attempted to apply a non-function:\n${printValue(fv)}\nto the argument ${printValue(arg)}.`,
      'type',
    ).explain({
      summary: `f[x] applied to ${kindName(fv)} ${printValue(fv)}, which is not a function`,
      values: [
        { name: 'applied value', value: printValue(fv) },
        { name: 'argument', value: printValue(arg) },
      ],
    });
  }, e.loc);
}

/** `r.field`. */
export function dot(c: ExprCompiler, e: Expr & { k: 'dot' }, sc: Scope): Fn {
  const r = c.expr(e.rec, sc);
  const field = str(e.field);
  return traced((env, ctx) => {
    const rv = r(env, ctx);
    if (rv instanceof FcnLike && rv.inDomain(field)) return rv.apply(field);
    throw new EvalError(
      `Attempted to access field ${e.field} of a value that has no such field:\n${printValue(rv)}`,
      'domain',
    ).explain({
      summary: `the value has no field ${e.field}`,
      values: [{ name: 'value', value: printValue(rv) }],
    });
  }, e.loc);
}

/** `[f1 |-> e1, f2 |-> e2]`. */
export function record(c: ExprCompiler, e: Expr & { k: 'record' }, sc: Scope): Fn {
  // Sort the fields once here, so that building a record is just evaluating its values.
  const fields = e.fields
    .map((f) => ({ name: str(f.name), value: c.expr(f.value, sc) }))
    .sort((a, b) => compare(a.name, b.name));
  const names = fields.map((f) => f.name);
  if (new Set(names).size !== names.length)
    return semantic(e.loc, 'a record lists the same field twice');
  const vals = fields.map((f) => f.value);
  return (env, ctx) =>
    new FcnValue(
      names,
      vals.map((f) => f(env, ctx)),
      true,
    );
}

/** `<<a, b, c>>`. */
export function tuple(c: ExprCompiler, e: Expr & { k: 'tuple' }, sc: Scope): Fn {
  const elems = e.elems.map((x) => c.expr(x, sc));
  return (env, ctx) => new TupleValue(elems.map((f) => f(env, ctx)));
}

/** `[f EXCEPT ![k1][k2]... = g(@)]`. A key outside the domain leaves the function unchanged, as in TLC. */
function updateAt(f: Value, keys: Value[], i: number, compute: (old: Value) => Value): Value {
  if (i === keys.length) return compute(f);
  if (!(f instanceof FcnLike)) {
    throw new EvalError(`Attempted to apply EXCEPT to a non-function:\n${printValue(f)}`, 'type');
  }
  const g = f.explicit();
  const key = keys[i];
  if (g instanceof TupleValue) {
    if (typeof key !== 'number' || key < 1 || key > g.elems.length) return g;
    const elems = g.elems.slice();
    elems[key - 1] = updateAt(elems[key - 1], keys, i + 1, compute);
    const t = new TupleValue(elems);
    carryDerived(g, t, key - 1);
    return t;
  }
  const idx = (g as FcnValue).indexOf(key);
  if (idx < 0) return g;
  const vals = g.vals.slice();
  vals[idx] = updateAt(vals[idx], keys, i + 1, compute);
  const h = new FcnValue(g.dom, vals, g.record);
  carryDerived(g, h, idx);
  return h;
}
