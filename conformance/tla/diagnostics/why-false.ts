/**
 * Why a state predicate is false: the innermost part of it that is. A conjunction is false
 * because of its first false conjunct; a definition because of its body; `\A x \in S : P`
 * because of a witness x for which P is false; `P => Q` because Q is; IF and LET because of the
 * branch and body taken. The search stops at anything else (a comparison, a disjunction, an
 * `\E`), which is then shown with the values of its parts.
 */
import type { Expr } from '../syntax/ast.ts';
import type { Compiler } from '../eval/compile.ts';
import { bind, lookup, type Ctx, type Env } from '../eval/runtime.ts';
import type { Scope } from '../eval/scope.ts';
import { printValue } from '../values/print.ts';
import type { Value } from '../values/value.ts';
import type { ChainLink } from './eval-diagnostic.ts';
import { locationOf } from './location.ts';
import { type ValueShown, describeValue, valuesShown } from './expr-values.ts';

export interface FalseReason {
  /** The innermost false part. */
  expr: Expr;
  /** The definitions entered to reach it, outermost first, each with where it was used. */
  within: ChainLink[];
  /** The values of the bound names that made a `\A` false, outermost first. */
  witnesses: ValueShown[];
  /** Values of the false part's sub-expressions. */
  values: ValueShown[];
}

/** Explains why `e` (false in `ctx`) is false. */
export function whyFalse(c: Compiler, e: Expr, scope: Scope, env: Env, ctx: Ctx): FalseReason {
  return explain(c, e, scope, env, ctx, [], []);
}

function explain(
  c: Compiler,
  e: Expr,
  scope: Scope,
  env: Env,
  ctx: Ctx,
  within: ChainLink[],
  witnesses: ValueShown[],
): FalseReason {
  const isFalse = (x: Expr, s: Scope, en: Env): boolean => {
    try {
      return c.expr(x, s)(en, ctx) === false;
    } catch {
      return false; // an error is not an explanation of falsity: stop at the enclosing part
    }
  };
  const deeper = (x: Expr, s = scope, en = env, w = within, wit = witnesses): FalseReason =>
    explain(c, x, s, en, ctx, w, wit);
  switch (e.k) {
    case 'and': {
      const item = e.items.find((x) => isFalse(x, scope, env));
      if (item) return deeper(item);
      break;
    }
    case 'ident':
    case 'apply': {
      const entered = enter(c, e, scope, env, ctx);
      if (entered && isFalse(entered.def.body, entered.scope, entered.env)) {
        const link = { name: entered.label, location: locationOf(e.loc) };
        return deeper(entered.def.body, entered.scope, entered.env, [...within, link]);
      }
      if (e.k === 'apply' && e.name === '$implies' && isFalse(e.args[1], scope, env))
        return deeper(e.args[1]);
      break;
    }
    case 'quant': {
      if (e.q !== 'A') break;
      const b = c.bounds(e.bounds, scope);
      let failing: Env | undefined;
      try {
        b.each(env, ctx, (en) => {
          if (isFalse(e.body, b.scope, en)) failing = en;
          return failing !== undefined;
        });
      } catch {
        break;
      }
      if (failing === undefined) break;
      const found = failing;
      const names = e.bounds.flatMap((bd) => bd.names);
      const slots = b.slots.flat();
      const values = names.map((name, i) => ({
        expr: name,
        value: describeValue(lookup(found, slots[i]) as Value),
      }));
      return deeper(e.body, b.scope, found, within, [...witnesses, ...values]);
    }
    case 'if': {
      let cond: Value;
      try {
        cond = c.expr(e.cond, scope)(env, ctx);
      } catch {
        break;
      }
      return deeper(cond === true ? e.then : e.else);
    }
    case 'let': {
      const { scope: inner, enter: bindLet } = c.letBindings(e.defs, scope);
      return deeper(e.body, inner, bindLet(env));
    }
  }
  return { expr: e, within, witnesses, values: valuesShown(c, e, scope, env, ctx) };
}

/** A call of a user operator with ordinary parameters: its body's scope and environment. */
function enter(c: Compiler, e: Expr & { k: 'ident' | 'apply' }, scope: Scope, env: Env, ctx: Ctx) {
  if (scope.findLocal(e.name)) return undefined;
  const def = scope.inst.defs.get(e.name);
  if (!def || def.kind !== 'op' || def.params.some((p) => p.arity > 0)) return undefined;
  const args = e.k === 'apply' ? e.args : [];
  if (args.length !== def.params.length) return undefined;
  let values: Value[];
  try {
    values = args.map((a) => c.expr(a, scope)(env, ctx));
  } catch {
    return undefined;
  }
  let bodyEnv: Env = def.scope.inst.parameterized ? env : null;
  values.forEach((v, i) => (bodyEnv = bind(bodyEnv, def.paramSlots[i], v)));
  const label = values.length > 0 ? `${def.name}(${values.map(printValue).join(', ')})` : def.name;
  return { def, scope: c.bodyScope(def), env: bodyEnv, label };
}
