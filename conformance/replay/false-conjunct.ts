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
  compileAction,
  type ActFn,
  type Env,
  type Expr,
  type OpDef,
  type Scope,
  type Value,
} from '../tla/index.ts';
import type { SpecActions } from './spec-actions.ts';
import { sourcePlace, sourceText } from './source-text.ts';
import { type ValueShown, valuesShown } from '../tla/diagnostics/expr-values.ts';

export { describeValue, type ValueShown } from '../tla/diagnostics/expr-values.ts';

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

/** Finds the false conjunct of `def` (parameters bound in `env`), or null if the action is enabled. */
export function findFalseConjunct(
  actions: SpecActions,
  def: OpDef,
  env: Env,
  state: readonly Value[],
): FalseConjunct | null {
  const n = actions.model.varNames.length;
  const ctx = new Ctx(
    actions.seen(state),
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
    values: valuesShown(actions.model.compiler, failing, scope, env, deepestCtx),
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
