/**
 * The values of an expression's sub-expressions in a state, for explaining why it is false:
 * `msgs = {}` and `Len(log) = 3` say more than the expression alone. Shared by the checker's
 * diagnostics and the trace replayer's reports.
 */
import type { Expr } from '../syntax/ast.ts';
import type { Compiler } from '../eval/compile.ts';
import type { Ctx, Env } from '../eval/runtime.ts';
import type { Scope } from '../eval/scope.ts';
import { printValue } from '../values/print.ts';
import { SetValue, type Value } from '../values/value.ts';
import { sourceText } from './source.ts';

/** The value of a sub-expression of a false conjunct. */
export interface ValueShown {
  readonly expr: string;
  readonly value: string;
}

/** At most this many values are shown per conjunct, each at most this long. */
const MAX_VALUES = 8;
const MAX_VALUE_TEXT = 240;

/**
 * The values of the sub-expressions of `e` that can be evaluated where `e` is: parameters,
 * variables, operator calls, record fields and function applications, but none that mention a
 * name bound inside `e` (a quantified `Q`, a LET name).
 */
export function valuesShown(
  compiler: Compiler,
  e: Expr,
  scope: Scope,
  env: Env,
  ctx: Ctx,
): ValueShown[] {
  const shown: ValueShown[] = [];
  const seen = new Set<string>();
  for (const sub of subExpressions(e)) {
    if (shown.length >= MAX_VALUES) break;
    const text = sourceText(sub.loc);
    if (seen.has(text)) continue;
    seen.add(text);
    let value: Value;
    try {
      value = compiler.expr(sub, scope)(env, ctx);
    } catch {
      continue; // primed or otherwise not evaluable here: nothing to show
    }
    if (typeof value === 'boolean') continue; // the conjunct's own verdict says enough
    shown.push({ expr: text, value: describeValue(value) });
  }
  return shown;
}

/** A value for a report: printed, or summarised when too long to read. */
export function describeValue(v: Value): string {
  const text = printValue(v);
  if (text.length <= MAX_VALUE_TEXT) return text;
  if (v instanceof SetValue && v.isFinite()) return `a set of ${v.size()} elements`;
  return text.slice(0, MAX_VALUE_TEXT) + ' ...';
}

const SHOWN_KINDS = new Set(['apply', 'fcnApp', 'dot', 'ident']);

/** Sub-expressions worth showing, outermost first, skipping those under a binder's names. */
function subExpressions(root: Expr): Expr[] {
  const out: Expr[] = [];
  const visit = (e: Expr, bound: ReadonlySet<string>, isRoot: boolean): void => {
    const names = boundNames(e);
    const inner = names.length > 0 ? new Set([...bound, ...names]) : bound;
    const showable =
      !isRoot &&
      SHOWN_KINDS.has(e.k) &&
      !(e.k === 'apply' && e.name.startsWith('$')) &&
      !mentionsAny(e, inner);
    if (showable) out.push(e);
    for (const child of childExpressions(e)) visit(child, inner, false);
  };
  visit(root, new Set(), true);
  return out;
}

/** Names a node binds for its sub-expressions (quantifiers, set forms, CHOOSE, LET). */
function boundNames(e: Expr): string[] {
  switch (e.k) {
    case 'quant':
    case 'setMap':
    case 'fcn':
      return e.bounds.flatMap((b) => b.names);
    case 'setFilter':
    case 'choose':
      return e.bound.names;
    case 'uquant':
      return e.names;
    case 'let':
      return e.defs.flatMap((d) => ('name' in d && d.name ? [d.name] : []));
    default:
      return [];
  }
}

function mentionsAny(e: Expr, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  if ((e.k === 'ident' || e.k === 'apply') && names.has(e.name)) return true;
  return childExpressions(e).some((c) => mentionsAny(c, names));
}

/** The expressions directly inside `e` (found generically: any nested object with a kind). */
function childExpressions(e: Expr): Expr[] {
  const out: Expr[] = [];
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x !== null && typeof x === 'object') {
      if ('k' in x && 'loc' in x && typeof (x as { k: unknown }).k === 'string')
        out.push(x as Expr);
      else Object.values(x).forEach(collect);
    }
  };
  for (const [key, value] of Object.entries(e)) if (key !== 'loc') collect(value);
  return out;
}
