/**
 * Why an action is not enabled in a state: its first conjunct that no way of satisfying the
 * earlier ones makes true, found by evaluating the conjuncts one by one with a partial next
 * state (as the engine enumerates successors). A conjunct that calls an operator whose body is
 * itself a conjunction (`SendPrepare(...)` inside `ProposeLeadership`) is entered, so that the
 * report names the innermost condition that failed, with the values of its sub-expressions.
 */
import {
  Ctx,
  EvalError,
  SetValue,
  compileAction,
  printValue,
  type ActFn,
  type Env,
  type Expr,
  type OpDef,
  type Scope,
  type Value,
} from '../tla/index.ts';
import type { SpecActions } from './spec-actions.ts';
import { sourcePlace, sourceText } from './source-text.ts';

/** The value of a sub-expression of a false conjunct. */
export interface ValueShown {
  readonly expr: string;
  readonly value: string;
}

/** The innermost conjunct that was false, and where it is. */
export interface FalseConjunct {
  /** The operators entered to reach it, outermost first, e.g. `["ProposeLeadership", "SendPrepare"]`. */
  readonly within: readonly string[];
  /** Its 1-based position among the conjuncts of the innermost operator. */
  readonly position: number;
  /** How many conjuncts that operator has. */
  readonly of: number;
  /** Its source text, e.g. `PrepareMsg(L, q, b) \notin msgs`. */
  readonly text: string;
  /** `Paxos.tla:62`. */
  readonly place: string;
  /** Values of its sub-expressions in the state it was evaluated in. */
  readonly values: readonly ValueShown[];
}

/** At most this many values are shown per conjunct, each at most this long. */
const MAX_VALUES = 8;
const MAX_VALUE_TEXT = 240;

/** Finds the false conjunct of `def` (parameters bound in `env`), or null if the action is enabled. */
export function findFalseConjunct(
  actions: SpecActions,
  def: OpDef,
  env: Env,
  state: readonly Value[],
): FalseConjunct | null {
  const n = actions.model.varNames.length;
  const ctx = new Ctx(
    state as Value[],
    new Array<Value | undefined>(n).fill(undefined),
    actions.model.runtime,
  );
  return search(actions, def, env, ctx, []);
}

function search(
  actions: SpecActions,
  def: OpDef,
  env: Env,
  ctx: Ctx,
  outer: readonly string[],
): FalseConjunct | null {
  const compiler = actions.model.compiler;
  const scope = compiler.bodyScope(def);
  const conjuncts = def.body.k === 'and' ? def.body.items : [def.body];
  const compiled = conjunctActions(actions, def, conjuncts, scope);
  // Depth-first over the ways earlier conjuncts can be satisfied; remember the deepest reached.
  let deepest = -1;
  let deepestCtx = ctx;
  const step = (i: number, cx: Ctx): boolean => {
    if (i > deepest) {
      deepest = i;
      deepestCtx = cx;
    }
    if (i === compiled.length) return true;
    return compiled[i](env, cx, (next) => step(i + 1, next));
  };
  try {
    if (step(0, ctx)) return null;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    // An evaluation error is itself the reason: report the conjunct it happened in.
  }
  const within = [...outer, def.name];
  const failing = conjuncts[deepest];
  const inner = enteredOperator(actions, failing, scope, env, deepestCtx);
  if (inner) {
    const found = search(actions, inner.def, inner.env, deepestCtx, within);
    if (found) return found;
  }
  return {
    within,
    position: deepest + 1,
    of: conjuncts.length,
    text: sourceText(failing.loc),
    place: sourcePlace(failing.loc),
    values: valuesShown(actions, failing, scope, env, deepestCtx),
  };
}

const conjunctCache = new WeakMap<OpDef, ActFn[]>();

function conjunctActions(
  actions: SpecActions,
  def: OpDef,
  conjuncts: Expr[],
  scope: Scope,
): ActFn[] {
  let compiled = conjunctCache.get(def);
  if (!compiled) {
    compiled = conjuncts.map((c) => compileAction(actions.model.compiler, c, scope, 'next'));
    conjunctCache.set(def, compiled);
  }
  return compiled;
}

/** When `e` calls a user operator with ordinary parameters, that operator and its arguments. */
function enteredOperator(
  actions: SpecActions,
  e: Expr,
  scope: Scope,
  env: Env,
  ctx: Ctx,
): { def: OpDef; env: Env } | null {
  if ((e.k !== 'apply' && e.k !== 'ident') || scope.findLocal(e.name)) return null;
  const def = actions.model.root.defs.get(e.name);
  if (!def || def.kind !== 'op' || def.params.some((p) => p.arity > 0)) return null;
  const args = e.k === 'apply' ? e.args : [];
  try {
    const values = args.map((a) => actions.model.compiler.expr(a, scope)(env, ctx));
    return { def, env: actions.bindParameters(def, values) };
  } catch {
    return null;
  }
}

/**
 * The values of the conjunct's sub-expressions that can be evaluated where the conjunct is:
 * parameters, variables, operator calls, record fields and function applications, but none
 * that mention a name bound inside the conjunct (a quantified `Q`, a LET name).
 */
function valuesShown(
  actions: SpecActions,
  conjunct: Expr,
  scope: Scope,
  env: Env,
  ctx: Ctx,
): ValueShown[] {
  const shown: ValueShown[] = [];
  const seen = new Set<string>();
  for (const sub of subExpressions(conjunct)) {
    if (shown.length >= MAX_VALUES) break;
    const text = sourceText(sub.loc);
    if (seen.has(text)) continue;
    seen.add(text);
    let value: Value;
    try {
      value = actions.model.compiler.expr(sub, scope)(env, ctx);
    } catch {
      continue; // primed or otherwise not evaluable before the step: nothing to show
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
