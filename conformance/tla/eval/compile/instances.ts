/**
 * Names through module instances: `M!Op(args)`, `M(p)!Op`, `M!N!Op`, and subexpression names
 * (`Op!1`, see `subexpression.ts`). The instance steps are resolved while compiling; the
 * parameters of parameterised instances are bound at run time.
 */
import type { Expr } from '../../syntax/ast.ts';
import { type Ctx, type Env, type Fn, bind } from '../runtime.ts';
import type { InstanceDef, Scope } from '../scope.ts';
import { selectedDefinition } from '../subexpression.ts';
import type { ExprCompiler, PrefixedTarget } from './api.ts';
import { arityMessage, semantic } from './errors.ts';

/** `M!Op(args)`, `M(p)!Op`, `M!N!Op`. */
export function prefixed(c: ExprCompiler, e: Expr & { k: 'prefixed' }, sc: Scope): Fn {
  const { def, binders, scope } = resolvePrefixed(c, e, sc);
  const last = e.steps[e.steps.length - 1];
  const call = c.defValue(def, last.args, scope, e.loc);
  if (binders.length === 0) return call;
  return (env, ctx) =>
    call(
      binders.reduce((acc, b) => b(acc, env, ctx), env),
      ctx,
    );
}

/**
 * Resolves the instance steps of a prefixed name. Returns the final definition, the
 * environment extensions that bind parameterised instances' parameters, and a scope in which
 * the final step's arguments are compiled.
 */
export function resolvePrefixed(
  c: ExprCompiler,
  e: Expr & { k: 'prefixed' },
  sc: Scope,
): PrefixedTarget {
  let inst = sc.inst;
  const binders: Array<(acc: Env, env: Env, ctx: Ctx) => Env> = [];
  for (let i = 0; i < e.steps.length - 1; i++) {
    const step = e.steps[i];
    const d = (i === 0 ? sc.findLocal(step.name)?.instance : undefined) ?? inst.defs.get(step.name);
    if (!d || d.kind !== 'instance')
      return semantic(
        e.loc,
        `${step.name} is not a module instance (in ${e.steps.map((s) => s.name).join('!')})`,
      );
    if (d.params.length !== step.args.length)
      return semantic(e.loc, arityMessage(step.name, d.params.length, step.args.length), 'TLA202');
    if (d.params.length > 0) {
      const argBinders = step.args.map((a, j) => c.binder(a, sc, d.params[j].arity));
      const slots = d.paramSlots;
      binders.push((acc, env, ctx) => {
        let out = acc;
        for (let j = 0; j < slots.length; j++) out = bind(out, slots[j], argBinders[j](env, ctx));
        return out;
      });
    }
    inst = c.ns.instanceOf(d as InstanceDef);
  }
  const lastName = e.steps[e.steps.length - 1].name;
  // `Op!1` where Op is a LET definition.
  const letDef = e.steps.length === 1 ? sc.findLocal(lastName)?.def : undefined;
  const def = letDef ?? inst.defs.get(lastName);
  // A module's own LOCAL definitions are visible to its subexpression names (`LocalInv!2`).
  if (!def || (e.steps.length > 1 && inst.localNames.has(lastName)))
    return semantic(e.loc, `module ${inst.name} has no (non-LOCAL) definition ${lastName}`);
  if (e.select === undefined) return { def, binders, scope: sc };
  if (def.kind !== 'op')
    return semantic(e.loc, `${lastName} is not an operator definition: nothing to select from`);
  return { def: selectedDefinition(def, e.select, e.loc), binders, scope: sc };
}
