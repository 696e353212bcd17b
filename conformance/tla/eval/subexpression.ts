/**
 * Subexpression names (`Inv!2`, `Thm!:`, `Spec!2!<<`): the part of a definition's body they
 * select. Models use them to check one conjunct of an invariant or the statement of a theorem.
 * The selected part keeps the definition's parameters and scope, so it is compiled as a
 * definition of its own (see {@link selectedDefinition}).
 */
import type { Expr, Loc, Selector } from '../syntax/ast.ts';
import { TlaSemanticError } from '../modules/loader.ts';
import type { OpDef } from './scope.ts';

/** The operands `!1`, `!2`, ... of an expression, in the order TLA+ numbers them. */
function operands(e: Expr): Expr[] | undefined {
  switch (e.k) {
    case 'and':
    case 'or':
      return e.items;
    case 'apply':
      return e.args;
    case 'if':
      return [e.cond, e.then, e.else];
    case 'fcnApp':
      return [e.fn, ...e.args];
    case 'tuple':
    case 'setEnum':
      return e.elems;
    case 'prime':
    case 'unchanged':
    case 'enabled':
    case 'always':
    case 'eventually':
      return [e.expr];
    case 'leadsTo':
      return [e.lhs, e.rhs];
    case 'actionBox':
      return [e.action, e.sub];
    case 'fair':
      return [e.sub, e.action];
    case 'quant':
      // `\A x \in S, y \in T : P`: !1 is S, !2 is T (the body needs values for x and y).
      return e.bounds.flatMap((b) => (b.set ? [b.set] : []));
    default:
      return undefined;
  }
}

/** Applies `select` to `body`, or explains at `loc` why it selects nothing. */
export function selectSubexpression(
  body: Expr,
  select: readonly Selector[],
  name: string,
  loc: Loc,
): Expr {
  let e = body;
  for (const step of select) {
    if (step === ':') continue; // the body itself
    if (step === '<<' || step === '>>') {
      if (e.k !== 'actionBox')
        throw new TlaSemanticError(loc, `${name}: !${step} selects from [A]_v or <<A>>_v only`);
      e = step === '<<' ? e.action : e.sub;
      continue;
    }
    const parts = operands(e);
    if (!parts)
      throw new TlaSemanticError(
        loc,
        `${name}: !${step} selects an operand, and this part of the definition (at line ${e.loc.line}, column ${e.loc.col}) has none that can be named`,
      );
    if (step < 1 || step > parts.length)
      throw new TlaSemanticError(
        loc,
        `${name}: !${step} selects operand ${step}, but the expression at line ${e.loc.line}, column ${e.loc.col} has ${parts.length}`,
      );
    e = parts[step - 1];
  }
  return e;
}

const selected = new WeakMap<OpDef, Map<string, OpDef>>();

/**
 * The selected part of `def` as a definition with the same parameters and scope, one object per
 * (definition, selectors), so that what is cached per definition is shared between uses.
 */
export function selectedDefinition(def: OpDef, select: readonly Selector[], loc: Loc): OpDef {
  const key = select.join('!');
  let byKey = selected.get(def);
  if (!byKey) selected.set(def, (byKey = new Map()));
  let out = byKey.get(key);
  if (!out) {
    const name = `${def.name}!${key}`;
    const body = selectSubexpression(def.body, select, name, loc);
    // Compiled forms belong to the whole definition: the selected part starts with none.
    const { kind, params, paramSlots, scope, local } = def;
    out = { kind, name, params, paramSlots, body, scope, loc: body.loc, local };
    byKey.set(key, out);
  }
  return out;
}
