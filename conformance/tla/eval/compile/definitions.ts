/**
 * References to definitions: variables, constants, user operators (zero-arity ones cached when
 * constant, memoised on what they read when state-level; applications memoised by `memo.ts`),
 * function definitions (`functions.ts`) and instance substitutions.
 */
import type { Expr, Loc } from '../../syntax/ast.ts';
import { EvalError } from '../../values/errors.ts';
import { type Value, memoKey } from '../../values/value.ts';
import { ApplicationMemo, applicationMemoOptions } from '../memo.ts';
import { type Binding, type Ctx, type Env, type Fn, bind, enabledBindings } from '../runtime.ts';
import { type Def, type OpDef, type Scope, type SubstDef, definedAs } from '../scope.ts';
import type { ExprCompiler } from './api.ts';
import { arityMessage, semantic, traced } from './errors.ts';
import { fcnDefValue } from './functions.ts';
import { native } from './names.ts';

/** A reference to definition `d` applied to `args` (already arity-checked for locals). */
export function defValue(c: ExprCompiler, d: Def, args: Expr[], sc: Scope, loc: Loc): Fn {
  switch (d.kind) {
    case 'var': {
      if (args.length > 0) return semantic(loc, `the variable ${d.name} is not an operator`);
      const i = d.index,
        name = d.name;
      return (_env, ctx) => {
        const cur = ctx.cur;
        if (cur === null)
          throw new EvalError(
            `The variable ${name} cannot be used in a constant expression.`,
          ).addFrame(loc);
        const v = cur[i];
        if (v === undefined) {
          throw new EvalError(
            `The variable ${name} has no value yet: it is read before it is assigned.`,
            'unspecified',
          ).addFrame(loc);
        }
        return v;
      };
    }
    case 'const': {
      if (d.arity !== args.length)
        return semantic(
          loc,
          `the constant ${d.name} takes ${d.arity} argument(s), but is given ${args.length}`,
          'TLA202',
        );
      if (d.arity > 0)
        return semantic(
          loc,
          `the operator constant ${d.name} has no definition: replace it in the cfg with ${d.name} <- SomeOperator`,
        );
      const name = d.name;
      return () => {
        if (d.value === undefined)
          throw new EvalError(
            `The constant ${name} has no value: give it one in the cfg (CONSTANT ${name} = ...).`,
          ).addFrame(loc);
        return d.value;
      };
    }
    case 'native':
      return native(c, d.op, args, sc, loc);
    case 'op':
      return callDef(c, d, args, sc, loc);
    case 'fcn': {
      if (args.length > 0)
        return semantic(loc, `${d.name} is a function: write ${d.name}[...], not ${d.name}(...)`);
      return fcnDefValue(c, d);
    }
    case 'subst':
      return substValue(c, d, args, sc, loc);
    case 'instance':
      return semantic(loc, `${d.name} is a module instance: use ${d.name}!Op`);
  }
}

function substValue(c: ExprCompiler, d: SubstDef, args: Expr[], sc: Scope, _loc: Loc): Fn {
  if (args.length === 0) {
    let fn: Fn | undefined;
    const replaced: Fn = (env, ctx) => (fn ??= c.expr(d.expr, d.scope))(env, ctx);
    if (!d.variable) return replaced;
    // Read in a next state that ENABLED bound it in: the bound value (runtime.ts).
    return (env, ctx) => {
      const bound = ctx.cur && enabledBindings.get(ctx.cur)?.get(d);
      return bound !== undefined && bound !== null ? bound : replaced(env, ctx);
    };
  }
  // An operator constant replaced by an operator: call the replacement.
  const op = c.opArgument(d.expr, d.scope, args.length);
  const binders = args.map((a) => c.binder(a, sc, 0));
  return (env, ctx) =>
    op(env, ctx).apply(
      binders.map((b) => b(env, ctx)),
      ctx,
    );
}

/** Calls a user-defined operator. */
export function callDef(c: ExprCompiler, d: OpDef, args: Expr[], sc: Scope, loc: Loc): Fn {
  if (d.params.length !== args.length)
    return semantic(
      loc,
      arityMessage(d.name, d.params.length, args.length),
      'TLA202',
      definedAs(d),
    );
  const body = () => bodyOf(c, d);
  if (args.length === 0) {
    if (!d.scope.inst.parameterized && c.levels.isConstantDef(d)) {
      return (env, ctx) => {
        if (!d.cached) d.cached = { value: body()(null, ctx) };
        return d.cached.value;
      };
    }
    const passEnv = d.scope.inst.parameterized;
    const reads = passEnv ? undefined : c.levels.variablesRead(d);
    if (reads !== undefined && !c.probe) {
      const operands = c.levels.directOperands(d);
      if (operands !== undefined && operands.defs.length > 0)
        return memoOnOperands(
          operands.vars,
          operands.defs.map((o) => callDef(c, o, [], o.scope, loc)),
          body,
        );
      return memoOnVariables(reads, body);
    }
    return (env, ctx) => body()(passEnv ? env : null, ctx);
  }
  const binders = args.map((a, i) => c.binder(a, sc, d.params[i].arity));
  const slots = d.paramSlots;
  const passEnv = d.scope.inst.parameterized;
  const memo = applicationMemo(c, d, args, sc);
  if (memo !== undefined) {
    const compute = (ctx: Ctx) => (bound: Binding[]) => {
      let e: Env = null;
      for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], bound[i]);
      return body()(e, ctx);
    };
    return (env, ctx) =>
      memo.apply(
        binders.map((b) => b(env, ctx)),
        ctx,
        compute(ctx),
      );
  }
  return (env, ctx) => {
    let e: Env = passEnv ? env : null;
    for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], binders[i](env, ctx));
    return body()(e, ctx);
  };
}

/**
 * The memo of `d`'s applications (see `memo.ts`), when remembering them cannot change
 * behaviour and may pay: the body loops over a set (directly or through what it calls), reads
 * the state only through unprimed variables and pure operators, takes no operator argument,
 * and this call's arguments have no effects.
 */
function applicationMemo(
  c: ExprCompiler,
  d: OpDef,
  args: Expr[],
  sc: Scope,
): ApplicationMemo | undefined {
  if (!applicationMemoOptions.enabled || c.probe) return undefined;
  if (d.scope.inst.parameterized || d.params.some((p) => p.arity > 0)) return undefined;
  if (args.some((a) => c.mentions(a, sc, 'impure'))) return undefined;
  let memo = c.applicationMemos.get(d);
  if (memo === undefined) {
    // A definition that reads no variable is a function of its arguments alone, which are
    // usually built afresh for each call (a message set, a set of promises): no hits, only cost.
    const reads = c.levels.loops(d) ? c.levels.variablesRead(d) : undefined;
    memo = reads === undefined || reads.size === 0 ? null : new ApplicationMemo([...reads]);
    c.applicationMemos.set(d, memo);
  }
  return memo ?? undefined;
}

/** The compiled body of a definition (compiled on first use). */
export function bodyOf(c: ExprCompiler, d: OpDef): Fn {
  return (d.fn ??= traced(c.expr(d.body, bodyScope(d)), d.loc));
}

/** The scope of a definition's body: its own scope plus its parameters. */
export function bodyScope(d: OpDef): Scope {
  let s = d.scope;
  d.params.forEach((p, i) => (s = s.with(p.name, d.paramSlots[i], p.arity)));
  return s;
}

/**
 * A zero-argument definition remembered on the values of the variables it reads: evaluating
 * it again in a state where those values are the very same objects gives the same value.
 * Invariants that share a definition (several use the chosen values of a Paxos spec) compute it
 * once per state, and a trace replay, whose consecutive states share every variable a step left
 * alone, recomputes it only when what it reads changed. Values are immutable, so identity
 * implies equality; a value equal but not identical only costs a recomputation.
 */
function memoOnVariables(reads: ReadonlySet<number>, body: () => Fn): Fn {
  const slots = [...reads];
  let key: unknown[] | undefined;
  let value: Value | undefined;
  return (env, ctx) => {
    const cur = ctx.cur;
    if (cur === null) return body()(null, ctx);
    if (key !== undefined) {
      let same = true;
      for (let i = 0; i < slots.length; i++)
        if (memoKey(cur[slots[i]]) !== key[i]) {
          same = false;
          break;
        }
      if (same) return value!;
    }
    const v = body()(null, ctx);
    key = slots.map((i) => memoKey(cur[i]));
    value = v;
    return v;
  };
}

/**
 * A zero-arity definition remembered on the values of its direct operands: variables, and
 * zero-arity definitions evaluated first (each remembered in turn). An operand that raises is
 * left to the body, which raises the same error if and where it evaluates it.
 */
function memoOnOperands(vars: number[], defs: Fn[], body: () => Fn): Fn {
  let key: unknown[] | undefined;
  let value: Value | undefined;
  return (env, ctx) => {
    const cur = ctx.cur;
    if (cur === null) return body()(null, ctx);
    const now: unknown[] = [];
    for (const i of vars) now.push(memoKey(cur[i]));
    try {
      for (const f of defs) now.push(memoKey(f(null, ctx)));
    } catch (e) {
      if (e instanceof EvalError) return body()(null, ctx);
      throw e;
    }
    if (key !== undefined && now.every((v, i) => v === key![i])) return value!;
    const v = body()(null, ctx);
    key = now;
    value = v;
    return v;
  };
}
