/**
 * The expression compiler's entry point and dispatch: `compileExpr` turns an expression into a
 * closure `(env, ctx) => Value`, choosing the module that compiles each construct (names,
 * instances, binders, sets, functions, LET), and compiles the rest itself: literals, the
 * Boolean connectives, IF and CASE, priming, UNCHANGED, ENABLED, `[A]_v` and the forms that
 * cannot be evaluated as values. Constant functions and sets are built once.
 */
import type { Expr, Loc } from '../../syntax/ast.ts';
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { type Value, equals, str } from '../../values/value.ts';
import { expectBool } from '../builtins.ts';
import { mentionsName } from '../patterns.ts';
import { type ActFn, Ctx, type Fn, type Runtime, lookup } from '../runtime.ts';
import type { Scope } from '../scope.ts';
import type { ExprCompiler } from './api.ts';
import { choose, quantifier } from './binders.ts';
import { PRIME_HINT, semantic, traced } from './errors.ts';
import { dot, exceptExpr, fcnApp, fcnConstructor, record, tuple } from './functions.ts';
import { prefixed } from './instances.ts';
import { letBindings } from './let.ts';
import { apply, ident } from './names.ts';
import { fcnSet, product, recordSet, setEnum, setFilter, setMap } from './sets.ts';

/** Compiles `e` in `sc` to a closure computing its value. */
export function compileExpr(c: ExprCompiler, e: Expr, sc: Scope): Fn {
  if (BUILT_ONCE.has(e.k) && constantHere(c, e, sc)) return evaluatedOnce(compound(c, e, sc));
  return compound(c, e, sc);
}

/**
 * The constructs whose value is built once where it is constant: functions, records, tuples,
 * sets of every form, and operator applications (`0..(N-1)`, `(SUBSET S) \ {{}}` in a
 * TypeOK that is checked in every state). Not names (a constant definition is already
 * evaluated once) nor literals, which cost nothing to evaluate.
 */
const BUILT_ONCE: ReadonlySet<Expr['k']> = new Set<Expr['k']>([
  'fcn',
  'setMap',
  'setFilter',
  'setEnum',
  'fcnSet',
  'recordSet',
  'product',
  'tuple',
  'record',
  'apply',
]);

/**
 * Whether `e` has the same value wherever it is evaluated: it reads no state, no name bound
 * around it (EXCEPT's `@` included) and nothing impure. Such a value (`[q \in Seqs |-> None]`
 * in an action) is built once, not on every evaluation; not while branches are counted, which
 * would then count one evaluation.
 */
function constantHere(c: ExprCompiler, e: Expr, sc: Scope): boolean {
  if (c.probe || sc.inst.parameterized) return false;
  for (let l = sc.locals; l !== null; l = l.up) if (mentionsName(e, l.name)) return false;
  return !c.mentions(e, sc, 'state') && !c.mentions(e, sc, 'impure');
}

function compound(c: ExprCompiler, e: Expr, sc: Scope): Fn {
  switch (e.k) {
    case 'num':
    case 'bool': {
      const v = e.value;
      return () => v;
    }
    case 'str': {
      const v = str(e.value);
      return () => v;
    }
    case 'ident':
      return ident(c, e.name, sc, e.loc);
    case 'apply':
      return traced(apply(c, e.name, e.text, e.args, sc, e.loc), e.loc);
    case 'prefixed':
      return traced(prefixed(c, e, sc), e.loc);
    case 'and':
      return junction(c, e.items, sc, true);
    case 'or':
      return junction(c, e.items, sc, false);
    case 'if': {
      const cond = c.expr(e.cond, sc),
        t = c.expr(e.then, sc),
        f = c.expr(e.else, sc);
      const probe = c.probe;
      if (probe) {
        const site = probe.site(e);
        return (env, ctx) => {
          const taken = expectBool(cond(env, ctx), () => 'The condition of IF');
          probe.take(site, taken ? 0 : 1);
          return taken ? t(env, ctx) : f(env, ctx);
        };
      }
      return (env, ctx) =>
        expectBool(cond(env, ctx), () => 'The condition of IF') ? t(env, ctx) : f(env, ctx);
    }
    case 'case': {
      const arms = e.arms.map((a) => ({ g: c.expr(a.guard, sc), b: c.expr(a.body, sc) }));
      const other = e.other ? c.expr(e.other, sc) : undefined;
      const loc = e.loc;
      const probe = c.probe;
      const site = probe?.site(e);
      return (env, ctx) => {
        for (let i = 0; i < arms.length; i++)
          if (expectBool(arms[i].g(env, ctx), () => 'A CASE guard')) {
            probe?.take(site!, i);
            return arms[i].b(env, ctx);
          }
        if (other) {
          probe?.take(site!, arms.length);
          return other(env, ctx);
        }
        throw new EvalError('Attempted to evaluate a CASE with no conditions true.').addFrame(loc);
      };
    }
    case 'let': {
      const { scope, enter } = letBindings(c, e.defs, sc);
      const body = c.expr(e.body, scope);
      return (env, ctx) => body(enter(env), ctx);
    }
    case 'quant':
      return quantifier(c, e.q, e.bounds, e.body, sc);
    case 'uquant':
      return () => {
        throw new EvalError(
          `TLC cannot evaluate the unbounded quantifier \\${e.q} ${e.names.join(', ')} : ...; write \\${e.q} ${e.names[0]} \\in S : ...`,
        )
          .explain({
            code: 'TLA406',
            summary: `the quantifier \\${e.q} ${e.names.join(', ')} has no set to range over`,
            hint: `a model checker can only try the elements of a finite set: write \\${e.q} ${e.names[0]} \\in S : ... with S the values ${e.names[0]} may take`,
          })
          .addFrame(e.loc);
      };
    case 'choose':
      return choose(c, e.bound, e.body, sc, e.loc);
    case 'setEnum':
      return setEnum(c, e, sc);
    case 'setFilter':
      return setFilter(c, e.bound, e.pred, sc);
    case 'setMap':
      return setMap(c, e, sc);
    case 'tuple':
      return tuple(c, e, sc);
    case 'record':
      return record(c, e, sc);
    case 'recordSet':
      return recordSet(c, e, sc);
    case 'fcnSet':
      return fcnSet(c, e, sc);
    case 'product':
      return product(c, e, sc);
    case 'fcn':
      return fcnConstructor(c, e.bounds, e.body, sc);
    case 'fcnApp':
      return fcnApp(c, e, sc);
    case 'dot':
      return dot(c, e, sc);
    case 'except':
      return exceptExpr(c, e, sc);
    case 'at': {
      const local = sc.findLocal('@');
      if (!local) return semantic(e.loc, '@ may only be used on the right of an EXCEPT update');
      const slot = local.slot;
      return (env) => lookup(env, slot) as Value;
    }
    case 'prime':
      return prime(c, e.expr, sc, e.loc);
    case 'unchanged': {
      const now = c.expr(e.expr, sc);
      return (env, ctx) => {
        if (!ctx.nxt) throw new EvalError('UNCHANGED used outside an action').addFrame(e.loc);
        return equals(now(env, ctx), now(env, new Ctx(ctx.nxt, null, ctx.rt)));
      };
    }
    case 'enabled': {
      const nvars = c.varNames.length;
      let act: ActFn | undefined;
      return (env, ctx) => {
        act ??= c.compileAction(e.expr, sc, 'enabled');
        if (!ctx.cur) throw new EvalError('ENABLED evaluated without a state').addFrame(e.loc);
        const probe = new Ctx(ctx.cur, new Array(nvars).fill(undefined), ctx.rt);
        return act(env, probe, () => true);
      };
    }
    case 'actionBox': {
      const a = c.expr(e.action, sc);
      const same = c.expr({ k: 'unchanged', expr: e.sub, loc: e.loc }, sc);
      return e.stutter
        ? (env, ctx) => expectBool(a(env, ctx), () => 'An action') || (same(env, ctx) as boolean)
        : (env, ctx) => expectBool(a(env, ctx), () => 'An action') && !(same(env, ctx) as boolean);
    }
    case 'always':
    case 'eventually':
    case 'leadsTo':
    case 'fair':
      return () => {
        throw new EvalError('A temporal formula cannot be evaluated as a value here.').addFrame(
          e.loc,
        );
      };
    case 'lambda':
      return semantic(e.loc, 'LAMBDA may only appear as an argument of an operator');
    case 'opsym':
      return semantic(
        e.loc,
        `the operator ${e.text} may only appear as an argument of an operator`,
      );
  }
}

/** A conjunction (`isAnd`) or disjunction, evaluated left to right until decided. */
function junction(c: ExprCompiler, items: Expr[], sc: Scope, isAnd: boolean): Fn {
  const fns = items.map((x) => c.expr(x, sc));
  const locs = items.map((x) => x.loc);
  const what = isAnd ? 'A conjunct' : 'A disjunct';
  return (env, ctx) => {
    for (let i = 0; i < fns.length; i++) {
      const v = fns[i](env, ctx);
      if (typeof v !== 'boolean') {
        throw new EvalError(
          `${what} should be a boolean, but instead it is:\n${printValue(v)}`,
          'type',
        ).addFrame(locs[i]);
      }
      if (v !== isAnd) return v;
    }
    return isAnd;
  };
}

/** `e'`: the expression evaluated in the next state (a primed variable read directly). */
function prime(c: ExprCompiler, inner: Expr, sc: Scope, loc: Loc): Fn {
  if (inner.k === 'ident') {
    const r = c.resolve(inner.name, sc, inner.loc);
    if (r.k === 'def' && r.def.kind === 'var') {
      const i = r.def.index,
        name = r.def.name;
      return (_env, ctx) => {
        const nxt = ctx.nxt;
        if (nxt === null)
          throw new EvalError(`${name}' cannot be evaluated here: there is no next state.`)
            .explain({ hint: PRIME_HINT })
            .addFrame(loc);
        const v = nxt[i];
        if (v === undefined) {
          throw new EvalError(
            `${name}' has no value yet: it is read before the action assigns it.`,
            'unspecified',
          ).addFrame(loc);
        }
        return v;
      };
    }
  }
  const f = c.expr(inner, sc);
  return (env, ctx) => {
    if (ctx.nxt === null)
      throw new EvalError('A primed expression cannot be evaluated here: there is no next state.')
        .explain({ hint: PRIME_HINT })
        .addFrame(loc);
    return f(env, new Ctx(ctx.nxt, null, ctx.rt));
  };
}

/**
 * `f` evaluated once per runtime and kept; an evaluation that raises is not kept (the next
 * raises again, where the ordinary evaluation would).
 */
function evaluatedOnce(f: Fn): Fn {
  let rt: Runtime | undefined;
  let value: Value | undefined;
  return (env, ctx) => {
    if (rt === ctx.rt && value !== undefined) return value;
    const v = f(env, ctx);
    rt = ctx.rt;
    value = v;
    return v;
  };
}
