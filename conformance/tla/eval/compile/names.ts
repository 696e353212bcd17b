/**
 * Names and operator application: resolving an identifier (a bound name, a definition, a
 * built-in operator), and compiling `Op(args)` for local operators, built-ins (set algebra,
 * logic) and native operators of the standard modules. Definitions themselves are compiled by
 * `definitions.ts`.
 */
import type { Expr, Loc } from '../../syntax/ast.ts';
import type { NativeOp } from '../../modules/stdlib/native.ts';
import { STRING } from '../../values/sets.ts';
import { BOOLEAN_SET, type Value } from '../../values/value.ts';
import {
  BINARY_BUILTINS,
  UNARY_BUILTINS,
  expectBool,
  expectSet,
  union as setUnion,
} from '../builtins.ts';
import { type Fn, type OpClosure, lookup, valueOf } from '../runtime.ts';
import type { Scope } from '../scope.ts';
import type { ExprCompiler, Resolved } from './api.ts';
import { arityMessage, builtAt, hintFor, semantic, unknownNameHint } from './errors.ts';

const BUILTIN_CONSTANTS = new Set(['BOOLEAN', 'STRING']);

export function resolve(name: string, sc: Scope, loc: Loc, text = name): Resolved {
  const local = sc.findLocal(name);
  if (local) return { k: 'local', local };
  const def = sc.inst.defs.get(name);
  if (def) return { k: 'def', def };
  if (
    BUILTIN_CONSTANTS.has(name) ||
    name === '$implies' ||
    name in BINARY_BUILTINS ||
    name in UNARY_BUILTINS
  ) {
    return { k: 'builtin', name };
  }
  if (name.startsWith('$'))
    return semantic(loc, `unknown operator '${text}'${hintFor(name)}`, 'TLA201');
  return semantic(
    loc,
    `unknown identifier '${name}'${hintFor(name)}`,
    'TLA201',
    unknownNameHint(name, sc),
  );
}

export function ident(c: ExprCompiler, name: string, sc: Scope, loc: Loc): Fn {
  const r = resolve(name, sc, loc);
  if (r.k === 'builtin') {
    if (name === 'BOOLEAN') return () => BOOLEAN_SET;
    if (name === 'STRING') return () => STRING;
    return semantic(loc, `the operator ${name} needs arguments`, 'TLA202');
  }
  if (r.k === 'local') {
    if (r.local.arity > 0)
      return semantic(
        loc,
        `the operator ${name} takes ${r.local.arity} argument(s) but is used without any`,
        'TLA202',
      );
    const slot = r.local.slot;
    return (env, ctx) => valueOf(lookup(env, slot), ctx);
  }
  return c.defValue(r.def, [], sc, loc);
}

/** Applies the operator `name` (user, local, native or builtin) to `args`. */
export function apply(
  c: ExprCompiler,
  name: string,
  text: string,
  args: Expr[],
  sc: Scope,
  loc: Loc,
): Fn {
  const r = resolve(name, sc, loc, text);
  if (r.k === 'local') {
    if (r.local.arity !== args.length)
      return semantic(loc, arityMessage(text, r.local.arity, args.length), 'TLA202');
    const slot = r.local.slot;
    const binders = args.map((a) => c.binder(a, sc, 0));
    return (env, ctx) => {
      const op = lookup(env, slot) as OpClosure;
      return op.apply(
        binders.map((b) => b(env, ctx)),
        ctx,
      );
    };
  }
  if (r.k === 'def') return c.defValue(r.def, args, sc, loc);
  return builtin(c, name, text, args, sc, loc);
}

function builtin(
  c: ExprCompiler,
  name: string,
  text: string,
  args: Expr[],
  sc: Scope,
  loc: Loc,
): Fn {
  const fns = args.map((a) => c.expr(a, sc));
  if (name === '$implies') {
    if (args.length !== 2) return semantic(loc, arityMessage(text, 2, args.length), 'TLA202');
    const [a, b] = fns;
    return (env, ctx) =>
      !expectBool(a(env, ctx), () => 'The left side of =>') ||
      expectBool(b(env, ctx), () => 'The right side of =>');
  }
  if (name === '$cup' && args.length === 2) {
    // Union needs the runtime: the elements it inserts carry the runtime's insert tag.
    const [a, b] = fns;
    return (env, ctx) => {
      const x = a(env, ctx),
        y = b(env, ctx);
      const rt = ctx.rt;
      return setUnion(
        expectSet(x, text, 0),
        expectSet(y, text, 1),
        rt.insertTag,
        rt.persistentFrom,
      );
    };
  }
  const bin = BINARY_BUILTINS[name];
  if (bin) {
    if (args.length !== 2) return semantic(loc, arityMessage(text, 2, args.length), 'TLA202');
    const [a, b] = fns;
    return (env, ctx) => builtAt(bin(a(env, ctx), b(env, ctx), text), loc);
  }
  const un = UNARY_BUILTINS[name];
  if (un) {
    if (args.length !== 1) return semantic(loc, arityMessage(text, 1, args.length), 'TLA202');
    const [a] = fns;
    return (env, ctx) => builtAt(un(a(env, ctx), text), loc);
  }
  return semantic(loc, `unknown operator '${text}'${hintFor(name)}`, 'TLA201');
}

export function native(c: ExprCompiler, op: NativeOp, args: Expr[], sc: Scope, loc: Loc): Fn {
  const text = op.text ?? op.name;
  if (op.arity !== args.length)
    return semantic(loc, arityMessage(text, op.arity, args.length), 'TLA202');
  const impl = op.impl;
  if (args.length === 0) {
    if (op.impure) return (_env, ctx) => impl([], ctx.rt);
    let cached: Value | undefined;
    return (_env, ctx) => (cached ??= impl([], ctx.rt));
  }
  const opArgs = op.opArgs ?? {};
  const parts = args.map((a, i) => {
    const arity = opArgs[i];
    if (arity === undefined) return { value: c.expr(a, sc) };
    return { op: c.opArgument(a, sc, arity) };
  });
  if (parts.every((p) => p.value)) {
    const fns = parts.map((p) => p.value!);
    if (fns.length === 1) {
      const [a] = fns;
      return (env, ctx) => impl([a(env, ctx)], ctx.rt);
    }
    if (fns.length === 2) {
      const [a, b] = fns;
      return (env, ctx) => impl([a(env, ctx), b(env, ctx)], ctx.rt);
    }
    return (env, ctx) =>
      impl(
        fns.map((f) => f(env, ctx)),
        ctx.rt,
      );
  }
  return (env, ctx) =>
    impl(
      parts.map((p) => {
        if (p.value) return p.value(env, ctx);
        const closure = p.op!(env, ctx);
        closure.ctx = ctx;
        return closure;
      }),
      ctx.rt,
    );
}
