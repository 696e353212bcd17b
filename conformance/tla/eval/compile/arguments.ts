/**
 * Operator arguments. TLA+ passes them by name: an argument is a {@link Thunk} evaluated on use
 * in the caller's environment, unless evaluating it cannot fail or depend on when it happens
 * (literals, bound names), when it is passed as a value. An argument for an operator parameter
 * (`Op(F(_))`) is a name, a LAMBDA or an operator symbol, passed as an {@link OpClosure}.
 */
import type { Expr, Loc } from '../../syntax/ast.ts';
import { str } from '../../values/value.ts';
import { type Ctx, type Env, OpClosure, Thunk, bindAll, lookup } from '../runtime.ts';
import { type Scope, newSlot } from '../scope.ts';
import type { ArgumentBinder, ExprCompiler } from './api.ts';
import { semantic } from './errors.ts';

/**
 * How to pass one argument: by value when evaluating it cannot fail or depend on when it is
 * evaluated, else by name.
 */
export function binder(c: ExprCompiler, a: Expr, sc: Scope, arity: number): ArgumentBinder {
  if (arity > 0) return opArgument(c, a, sc, arity);
  if (a.k === 'num' || a.k === 'bool' || a.k === 'str') {
    const v = a.k === 'str' ? str(a.value) : a.value;
    return () => v;
  }
  if (a.k === 'ident') {
    const local = sc.findLocal(a.name);
    if (local && local.arity === 0) {
      const slot = local.slot;
      return (env) => lookup(env, slot);
    }
  }
  const code = c.compiled(a, sc);
  return (env) => new Thunk(code, env);
}

/** An argument for an operator parameter of arity `arity`: a name, a LAMBDA or a symbol. */
export function opArgument(
  c: ExprCompiler,
  a: Expr,
  sc: Scope,
  arity: number,
): (env: Env, ctx: Ctx) => OpClosure {
  if (a.k === 'lambda') {
    if (a.params.length !== arity)
      return semantic(
        a.loc,
        `this LAMBDA takes ${a.params.length} argument(s) where ${arity} are expected`,
      );
    const slots = a.params.map(() => newSlot());
    let inner = sc;
    a.params.forEach((p, i) => (inner = inner.with(p, slots[i])));
    const body = c.compiled(a.body, inner);
    return (env) =>
      new OpClosure(
        'LAMBDA',
        arity,
        (args, ctx) => body.value()(bindAll(env, slots, args), ctx),
        (args, ctx, k, mode) => body.action(mode)(bindAll(env, slots, args), ctx, k),
      );
  }
  if (a.k === 'opsym') {
    return namedOperator(c, a.name, a.text, sc, a.loc, arity);
  }
  if (a.k === 'ident') return namedOperator(c, a.name, a.name, sc, a.loc, arity);
  return semantic(
    a.loc,
    `expected an operator taking ${arity} argument(s) here (a name, a LAMBDA or an operator symbol)`,
  );
}

function namedOperator(
  c: ExprCompiler,
  name: string,
  text: string,
  sc: Scope,
  loc: Loc,
  arity: number,
): (env: Env, ctx: Ctx) => OpClosure {
  const r = c.resolve(name, sc, loc);
  if (r.k === 'local') {
    if (r.local.arity !== arity)
      return semantic(
        loc,
        `${text} takes ${r.local.arity} argument(s) where an operator of ${arity} is expected`,
      );
    const slot = r.local.slot;
    return (env) => lookup(env, slot) as OpClosure;
  }
  // Build a call of the operator on fresh parameters, so every kind of operator works alike.
  const slots = Array.from({ length: arity }, () => newSlot());
  let inner = sc;
  const params = slots.map((s, i) => {
    const pname = `$arg${s}_${i}`;
    inner = inner.with(pname, s);
    return { k: 'ident', name: pname, loc } as Expr;
  });
  const call: Expr = { k: 'apply', name, text, args: params, loc };
  const code = c.compiled(call, inner);
  return (env) =>
    new OpClosure(
      text,
      arity,
      (args, ctx) => code.value()(bindAll(env, slots, args), ctx),
      (args, ctx, k, mode) => code.action(mode)(bindAll(env, slots, args), ctx, k),
    );
}
