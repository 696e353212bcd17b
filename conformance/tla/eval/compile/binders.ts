/**
 * Binders: bound lists (`x \\in S, <<a, b>> \\in T`, enumerated in TLC's order), the quantifiers
 * `\\A` and `\\E`, and CHOOSE. Their fast paths over persistent sets are in `fast-paths.ts`.
 */
import type { Bound, Expr, Loc } from '../../syntax/ast.ts';
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { PersistentSet, persistentExtremum } from '../../values/pset.ts';
import { FcnLike, SetValue, TupleValue, type Value } from '../../values/value.ts';
import { expectBool, finiteElements } from '../builtins.ts';
import { negatedCondition, extremumPattern } from '../patterns.ts';
import { type Ctx, type Env, type Fn, bind, lookup } from '../runtime.ts';
import { type Scope, newSlot } from '../scope.ts';
import type { CompiledBounds, ExprCompiler } from './api.ts';
import { semantic, traced } from './errors.ts';
import { fastPaths, keyedFastPath, sliceFastPath } from './fast-paths.ts';

/**
 * Compiles a list of bounds. `each` calls `visit` with the environment of every combination
 * (in TLC's order) until `visit` returns true; it returns whether it was stopped.
 */
export function compileBounds(c: ExprCompiler, bounds: Bound[], sc: Scope): CompiledBounds {
  let scope = sc;
  const slots: number[][] = [];
  const sets: Fn[] = [];
  const tuple: boolean[] = [];
  for (const b of bounds) {
    if (!b.set) return semantic(b.loc, 'this bound needs a set: write x \\in S');
    sets.push(c.expr(b.set, sc));
    const s = b.names.map(() => newSlot());
    slots.push(s);
    tuple.push(b.tuple);
    b.names.forEach((n, i) => (scope = scope.with(n, s[i])));
  }
  const locs = bounds.map((b) => b.loc);
  const bindOne = (env: Env, k: number, j: number, v: Value): Env => {
    if (!tuple[k]) return bind(env, slots[k][j], v);
    return destructure(env, slots[k], v, locs[k]);
  };
  // Flatten to a list of (bound index, name index) positions to iterate.
  const positions: Array<[number, number]> = [];
  slots.forEach((s, k) => {
    if (tuple[k]) positions.push([k, 0]);
    else s.forEach((_, j) => positions.push([k, j]));
  });
  const each = (env: Env, ctx: Ctx, visit: (env: Env) => boolean): boolean =>
    eachIn(
      env,
      sets.map((f) => f(env, ctx)),
      visit,
    );
  const eachIn = (env: Env, values: Value[], visit: (env: Env) => boolean): boolean => {
    const lists = values.map((v, k) =>
      finiteElements(v, () => `The set in the bound at line ${locs[k].line}, col ${locs[k].col}`),
    );
    // TLC's enumerator varies the first bound name fastest: \E a \in S, b \in T visits
    // (s1, t1), (s2, t1), ... This order decides the counts printed when a run stops early.
    const rec = (p: number, e: Env): boolean => {
      if (p < 0) return visit(e);
      const [k, j] = positions[p];
      for (const v of lists[k]) if (rec(p - 1, bindOne(e, k, j, v))) return true;
      return false;
    };
    return rec(positions.length - 1, env);
  };
  // Binds a function argument (a tuple when there are several names) to the bound names.
  const names = positions.length;
  const bindArg = (env: Env, arg: Value): Env => {
    if (names === 1) {
      const [k, j] = positions[0];
      return bindOne(env, k, j, arg);
    }
    const t = arg instanceof FcnLike ? arg.explicit() : undefined;
    if (!(t instanceof TupleValue) || t.elems.length !== names) {
      throw new EvalError(
        `A function of ${names} arguments was applied to ${printValue(arg)}.`,
        'domain',
      );
    }
    let e = env;
    positions.forEach(([k, j], i) => (e = bindOne(e, k, j, t.elems[i])));
    return e;
  };
  return { scope, each, eachIn, bindArg, slots, sets };
}

/** `\\A` or `\\E` over `bounds`, trying the keyed and slice fast paths first. */
export function quantifier(
  c: ExprCompiler,
  q: 'A' | 'E',
  bounds: Bound[],
  body: Expr,
  sc: Scope,
): Fn {
  const ordinary = ordinaryQuantifier(c, q, bounds, body, sc);
  const keyed = keyedFastPath(c, q, bounds, body, sc);
  if (keyed !== undefined) return (env, ctx) => keyed(env, ctx) ?? ordinary(env, ctx);
  const slice = sliceFastPath(c, q === 'E' ? 'exists' : 'all', bounds, body, sc);
  if (slice === undefined) return ordinary;
  return (env, ctx) => slice(env, ctx) ?? ordinary(env, ctx);
}

function ordinaryQuantifier(
  c: ExprCompiler,
  q: 'A' | 'E',
  bounds: Bound[],
  body: Expr,
  sc: Scope,
): Fn {
  const b = compileBounds(c, bounds, sc);
  const f = c.expr(body, b.scope);
  const what = () => `The body of \\${q}`;
  const fast =
    bounds.length === 1
      ? fastPaths(
          c,
          q === 'E' ? 'exists' : 'all',
          bounds[0],
          body,
          q === 'E' ? body : negatedCondition(body),
          sc,
          b,
          f,
          (env, ctx, bucket) => {
            for (const v of bucket)
              if (expectBool(f(b.bindArg(env, v), ctx), what) === (q === 'E')) return q === 'E';
            return q !== 'E';
          },
        )
      : undefined;
  if (fast !== undefined) {
    const set = b.sets[0];
    return (env, ctx) => {
      const s = set(env, ctx);
      const r = s instanceof SetValue ? fast(env, ctx, s) : undefined;
      if (r !== undefined) return r;
      const found = b.eachIn(env, [s], (e) => expectBool(f(e, ctx), what) === (q === 'E'));
      return q === 'E' ? found : !found;
    };
  }
  if (q === 'E') return (env, ctx) => b.each(env, ctx, (e) => expectBool(f(e, ctx), what));
  return (env, ctx) => !b.each(env, ctx, (e) => !expectBool(f(e, ctx), what));
}

/** `CHOOSE x \\in S : P`; the extremum of a set of integers in one pass when P says so. */
export function choose(c: ExprCompiler, bound: Bound, body: Expr, sc: Scope, loc: Loc): Fn {
  if (!bound.set) {
    return () => {
      throw new EvalError(
        'TLC cannot evaluate an unbounded CHOOSE x : P; write CHOOSE x \\in S : P',
      )
        .explain({
          code: 'TLA406',
          summary: `CHOOSE ${bound.names.join(', ')} has no set to choose from`,
          hint: 'write CHOOSE x \\in S : P with S a finite set of candidates',
        })
        .addFrame(loc);
    };
  }
  const b = compileBounds(c, [bound], sc);
  const f = c.expr(body, b.scope);
  const slot = b.slots[0][0];
  const set = c.expr(bound.set, sc); // evaluated again only to show it when nothing fits
  const extremum = standardExtremum(bound, body, sc);
  return traced((env, ctx) => {
    if (extremum !== undefined) {
      const found = extremumOf(set(env, ctx), extremum);
      if (found !== undefined) return found;
    }
    let found: Env | undefined;
    b.each(env, ctx, (e) => {
      if (expectBool(f(e, ctx), () => 'The body of CHOOSE')) {
        found = e;
        return true;
      }
      return false;
    });
    if (found === undefined) {
      throw new EvalError(
        'Attempted to compute the value of an expression of form\nCHOOSE x \\in S: P, but no element of S satisfied P.',
        'choose',
      ).explain({
        summary: `no element of the set satisfies the condition of CHOOSE ${bound.names.join(', ')}`,
        values: [{ name: 'set', value: printValue(set(env, ctx)) }],
        hint: 'CHOOSE needs at least one element satisfying its condition; check the condition, or the set it chooses from',
      });
    }
    if (bound.tuple) return new TupleValue(b.slots[0].map((s) => lookup(found!, s) as Value));
    return lookup(found, slot) as Value;
  }, loc);
}

/**
 * 'max' or 'min' for `CHOOSE x \\in S : \\A y \\in S : y <= x` (and its variants) when `<=` and
 * `>=` are those of Naturals or Integers: on a set of integers the only element satisfying the
 * condition is the extremum, found in one pass instead of comparing every pair.
 */
function standardExtremum(bound: Bound, body: Expr, sc: Scope): 'max' | 'min' | undefined {
  const kind = extremumPattern(bound, body);
  if (kind === undefined || body.k !== 'quant' || body.body.k !== 'apply') return undefined;
  const op = sc.inst.defs.get(body.body.name);
  const standard = op?.kind === 'native' && (op.module === 'Naturals' || op.module === 'Integers');
  return standard ? kind : undefined;
}

function destructure(env: Env, slots: number[], v: Value, loc: Loc): Env {
  const t = v instanceof FcnLike ? v.explicit() : undefined;
  if (!(t instanceof TupleValue) || t.elems.length !== slots.length) {
    throw new EvalError(
      `Cannot match ${printValue(v)} against a tuple of ${slots.length} names.`,
      'type',
    ).addFrame(loc);
  }
  let e = env;
  for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], t.elems[i]);
  return e;
}

/**
 * The greatest (or least) element of a finite, non-empty set of integers; undefined for any
 * other set, whose CHOOSE runs the ordinary way (and raises where TLC does).
 */
function extremumOf(s: Value, kind: 'max' | 'min'): Value | undefined {
  if (s instanceof PersistentSet) return persistentExtremum(s, kind);
  if (!(s instanceof SetValue) || !s.isFinite()) return undefined;
  const elems = s.elements();
  if (elems.length === 0) return undefined;
  for (const v of elems) if (typeof v !== 'number') return undefined;
  // Integers sort numerically in the canonical order.
  return kind === 'max' ? elems[elems.length - 1] : elems[0];
}
