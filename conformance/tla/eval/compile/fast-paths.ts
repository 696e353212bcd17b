/**
 * The fast paths of comprehensions and quantifiers over one bound name, tried before the
 * ordinary evaluation (which runs whenever they give no answer): results maintained on
 * persistent sets (`maintained.ts`), indexes on equalities (`values/pset-index.ts`), lookups
 * keyed by the element (`keyed.ts`) and slices of function entries (`slices.ts`).
 */
import type { Bound, Expr } from '../../syntax/ast.ts';
import { EvalError } from '../../values/errors.ts';
import { PersistentSet } from '../../values/pset.ts';
import { IndexKey, indexedBucket, indexedSubset } from '../../values/pset-index.ts';
import { SetValue, type Value } from '../../values/value.ts';
import { VisibleSubset } from '../../values/visible.ts';
import { KeyedSite } from '../keyed.ts';
import { type MaintainedKind, MaintainedSite } from '../maintained.ts';
import {
  SLICE_ENTRY,
  equalityPrefix,
  mentionsName,
  setLookups,
  slicePattern,
} from '../patterns.ts';
import { type Ctx, type Env, type Fn, bind } from '../runtime.ts';
import { type Scope, newSlot } from '../scope.ts';
import { type SliceKind, SliceSite } from '../slices.ts';
import type { ExprCompiler } from './api.ts';

/**
 * The fast path of a quantifier over a growing set whose body reads the set only through
 * lookups keyed by the element (see `keyed.ts`): the value, or undefined when the ordinary
 * evaluation must run.
 */
export function keyedFastPath(
  c: ExprCompiler,
  q: 'A' | 'E',
  bounds: Bound[],
  body: Expr,
  sc: Scope,
): ((env: Env, ctx: Ctx) => Value | undefined) | undefined {
  if (c.probe || bounds.length !== 1 || sc.inst.parameterized) return undefined;
  const bound = bounds[0];
  if (bound.tuple || bound.names.length !== 1 || !bound.set) return undefined;
  const pattern = setLookups(body, bound.names[0], bound.set);
  if (pattern === undefined) return undefined;
  for (let l = sc.locals; l !== null; l = l.up) {
    if (mentionsName(body, l.name) || mentionsName(bound.set, l.name)) return undefined;
  }
  if (!c.mentions(bound.set, sc, 'state') || c.mentions(bound.set, sc, 'prime')) {
    return undefined;
  }
  const b = c.bounds(bounds, sc);
  if (c.mentions(pattern.rest, b.scope, 'state') || c.mentions(pattern.rest, b.scope, 'prime'))
    return undefined;
  const f = c.expr(body, b.scope);
  const lookups = pattern.lookups.map((l) => {
    const keys = l.values.map((v) => c.expr(v, b.scope));
    return {
      paths: l.paths,
      keys: (t: Value, ctx: Ctx) => keys.map((k) => k(b.bindArg(null, t), ctx)),
    };
  });
  const site = new KeyedSite(
    q === 'E' ? 'exists' : 'all',
    (t, env, ctx) => f(b.bindArg(env, t), ctx),
    lookups,
  );
  const set = b.sets[0];
  return (env, ctx) => {
    const s = set(env, ctx);
    return s instanceof PersistentSet ? site.valueOn(s, env, ctx) : undefined;
  };
}

/**
 * The fast paths of a comprehension over one bound name (see `maintained.ts` and
 * `values/pset-index.ts`): a result maintained on persistent sets when `body` reads only the
 * bound name and constants, else an index when `cond` opens with equalities on paths of the
 * bound name (`onBucket` then evaluates the comprehension on the matching elements, in
 * canonical order). The returned function gives the result for a set, or undefined when the
 * ordinary evaluation must run.
 */
export function fastPaths(
  c: ExprCompiler,
  kind: MaintainedKind,
  bound: Bound,
  body: Expr,
  cond: Expr | undefined,
  sc: Scope,
  b: { scope: Scope; bindArg: (env: Env, arg: Value) => Env },
  f: Fn,
  onBucket: ((env: Env, ctx: Ctx, bucket: readonly Value[]) => Value) | undefined,
): ((env: Env, ctx: Ctx, s: SetValue) => Value | undefined) | undefined {
  if (bound.tuple || bound.names.length !== 1) return undefined;
  const site = readsOnlyBound(c, body, b.scope, sc)
    ? new MaintainedSite(kind, (x, ctx) => f(b.bindArg(null, x), ctx))
    : undefined;
  const prefix = cond && onBucket ? equalityPrefix(cond, bound.names[0]) : undefined;
  const indexed =
    prefix && !prefix.values.some((v) => c.mentions(v, sc, 'impure'))
      ? { key: IndexKey.of(prefix.paths), values: prefix.values.map((v) => c.expr(v, sc)) }
      : undefined;
  if (site === undefined && indexed === undefined) return undefined;
  // A filter by equalities alone is the bucket itself, kept as a persistent set.
  const wholeBucket = kind === 'filter' && prefix?.whole === true;
  return (env, ctx, s) => {
    if (site !== undefined && s instanceof PersistentSet) {
      const r = site.valueOn(s, ctx.rt);
      if (r !== undefined) return r;
    }
    if (indexed === undefined) return undefined;
    const valueAt = (i: number) => indexed.values[i](env, ctx);
    if (wholeBucket && s instanceof PersistentSet) return indexedSubset(s, indexed.key, valueAt);
    if (s instanceof PersistentSet || s instanceof VisibleSubset) {
      const bucket = indexedBucket(s, indexed.key, valueAt);
      if (bucket !== undefined) return onBucket!(env, ctx, bucket);
    }
    return undefined;
  };
}

/**
 * Whether `body` (in `bodyScope`, one bound name added to `outer`) reads nothing that may
 * differ between two evaluations over the same set: no state, no prime, no effect, no name
 * bound outside (conservatively: no mention of such a name), no instance parameter.
 */
function readsOnlyBound(c: ExprCompiler, body: Expr, bodyScope: Scope, outer: Scope): boolean {
  if (outer.inst.parameterized) return false;
  for (let l = outer.locals; l !== null; l = l.up) if (mentionsName(body, l.name)) return false;
  return !c.mentions(body, bodyScope, 'state') && !c.mentions(body, bodyScope, 'prime');
}

/**
 * The fast path of a comprehension whose last bound name reads a function only at that name
 * (see `slices.ts`): the result, or undefined when the ordinary evaluation must run. With
 * several bounds (a quantifier), the outer names are enumerated and the answer is given only
 * when every slice is known, so that no order of evaluation could have raised instead.
 */
export function sliceFastPath(
  c: ExprCompiler,
  kind: SliceKind,
  bounds: Bound[],
  body: Expr,
  sc: Scope,
): ((env: Env, ctx: Ctx) => Value | undefined) | undefined {
  const last = bounds[bounds.length - 1];
  if (c.probe || last.tuple || last.names.length !== 1 || !last.set) return undefined;
  const pattern = slicePattern(body, last.names[0]);
  if (pattern === undefined) return undefined;
  const outer = bounds.length > 1 ? c.bounds(bounds.slice(0, -1), sc) : undefined;
  const outerScope = outer ? outer.scope : sc;
  const element = c.bounds([last], outerScope);
  const entrySlot = newSlot();
  const bodyScope = element.scope.with(SLICE_ENTRY, entrySlot);
  if (!readsOnlyBound(c, pattern.body, bodyScope, outerScope)) return undefined;
  const f = c.expr(pattern.body, bodyScope);
  const site = new SliceSite(kind, (key, entry, ctx) =>
    f(bind(element.bindArg(null, key), entrySlot, entry), ctx),
  );
  const target = c.expr(pattern.target, outerScope);
  const set = c.expr(last.set, sc);
  const one = (env: Env, ctx: Ctx): Value | undefined => {
    const s = set(env, ctx);
    return s instanceof SetValue ? site.valueOn(target(env, ctx), s, ctx.rt) : undefined;
  };
  const guarded = (run: (env: Env, ctx: Ctx) => Value | undefined) => (env: Env, ctx: Ctx) => {
    try {
      return run(env, ctx);
    } catch (e) {
      if (e instanceof EvalError) return undefined; // the ordinary evaluation raises it
      throw e;
    }
  };
  if (outer === undefined) return guarded(one);
  return guarded((env, ctx) => {
    let known = true;
    let decided = false; // \A: some slice is FALSE; \E: some slice is TRUE
    outer.each(env, ctx, (e) => {
      const r = one(e, ctx);
      if (r === undefined) known = false;
      else if (r === (kind === 'exists')) decided = true;
      return !known;
    });
    if (!known) return undefined;
    return kind === 'exists' ? decided : !decided;
  });
}
