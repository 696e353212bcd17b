/**
 * Successor enumeration the way TLC does it (Specifying Systems 14.2.6): an action is walked
 * with a partial next state; conjuncts run left to right, each seeing what earlier ones
 * assigned; `x' = e` assigns x' when it has no value yet and compares otherwise; `x' \in S`
 * branches over S; disjunctions and `\E` branch; IF, CASE and LET choose or bind and go on;
 * operator calls are entered. Any other conjunct is evaluated and must be TRUE.
 *
 * Init is enumerated by the same code in mode 'init', with unprimed variables as the targets.
 */
import type { Expr, Loc } from '../syntax/ast.ts';
import { TlaSemanticError } from '../modules/loader.ts';
import { EvalError } from '../values/errors.ts';
import { printValue } from '../values/print.ts';
import { type Value, equals, TupleValue } from '../values/value.ts';
import { expectBool, finiteElements, setValue } from './builtins.ts';
import { touching } from './call-recorder.ts';
import type { ExprCompiler } from './compile/api.ts';
import {
  type ActFn,
  type ActionMode,
  Ctx,
  type Env,
  type Fn,
  OpClosure,
  type Target,
  Thunk,
  bind,
  enabledBindings,
  lookup,
  resolveTarget,
} from './runtime.ts';
import { type Def, type OpDef, type Scope, type SubstDef, definedAs } from './scope.ts';

/** Compiles `e` as an action in `mode`. */
export function compileAction(c: ExprCompiler, e: Expr, sc: Scope, mode: ActionMode): ActFn {
  return tracedAction(compile(c, e, sc, mode), e.loc);
}

function tracedAction(fn: ActFn, loc: Loc): ActFn {
  return (env, ctx, k) => {
    try {
      return fn(env, ctx, k);
    } catch (err) {
      if (err instanceof EvalError) err.addFrame(loc);
      throw err;
    }
  };
}

/** The state an action assigns: the next state, or the initial state for Init. */
function target(ctx: Ctx, mode: ActionMode): Array<Value | undefined> {
  return (mode === 'init' ? ctx.cur : ctx.nxt)!;
}

function withTarget(ctx: Ctx, mode: ActionMode, t: Array<Value | undefined>): Ctx {
  return mode === 'init' ? new Ctx(t, null, ctx.rt) : new Ctx(ctx.cur, t, ctx.rt);
}

/**
 * Assigns variable i (or, when assigned, compares) and continues. TLC compares `x' = e` as
 * `x'.equals(e)` but UNCHANGED x as `x.equals(x')` (`kept`): the receiver words the error when
 * the two are of different kinds.
 */
function assign(
  ctx: Ctx,
  mode: ActionMode,
  i: number,
  v: Value,
  k: (ctx: Ctx) => boolean,
  kept = false,
): boolean {
  const t = target(ctx, mode);
  const old = t[i];
  if (old === undefined) {
    const copy = t.slice();
    copy[i] = v;
    const bound = enabledBindings.get(t);
    if (bound) enabledBindings.set(copy, bound);
    return k(withTarget(ctx, mode, copy));
  }
  if (!(kept ? equals(v, old) : equals(old, v))) return false;
  const rec = ctx.rt.calls;
  return rec === undefined ? k(ctx) : touching(rec, i, () => k(ctx));
}

/** The variable index an expression denotes as an assignment target in `mode`, or -1. */
export function targetVar(c: ExprCompiler, e: Expr, sc: Scope, mode: ActionMode): number {
  const t = staticTarget(c, e, sc, mode !== 'init');
  return t !== null && 'var' in t ? t.var : -1;
}

/** The index of the variable `e` names (through instance substitutions), or -1. */
export function varIndex(c: ExprCompiler, e: Expr, sc: Scope): number {
  const t = staticTarget(c, e, sc, false);
  return t !== null && 'var' in t ? t.var : -1;
}

/**
 * What `e` denotes as the left side of `_ = e` or `_ \in S`, as TLC's getVar (`primed` false)
 * and getPrimedVar (`primed` true) find it: a variable (primed, for getPrimedVar), followed
 * through zero-arity definitions, instance substitutions and, at run time, operator parameters
 * and LET names bound to an argument passed by name. Null when it can be no variable.
 */
export function staticTarget(
  c: ExprCompiler,
  e: Expr,
  sc: Scope,
  primed: boolean,
  depth = 0,
): Target | null {
  if (depth > 64) return null;
  if (primed && e.k === 'prime') return staticTarget(c, e.expr, sc, false, depth + 1);
  if (e.k === 'prefixed') {
    // M!Def of a zero-arity definition of an unparameterized instance: followed to its body.
    if (e.steps[e.steps.length - 1].args.length > 0) return null;
    const { def, binders } = c.resolvePrefixed(e, sc);
    if (binders.length > 0 || def.kind !== 'op' || def.params.length > 0) return null;
    const t = staticTarget(c, def.body, c.bodyScope(def), primed, depth + 1);
    return t !== null && 'var' in t ? t : null;
  }
  if (e.k !== 'ident') return null;
  const local = sc.findLocal(e.name);
  if (local) return local.arity === 0 ? { slot: local.slot, primed } : null;
  const d: Def | undefined = sc.inst.defs.get(e.name);
  if (!d) return null;
  switch (d.kind) {
    case 'var':
      return primed ? null : { var: d.index };
    case 'subst':
      return d.arity === 0 ? staticTarget(c, d.expr, d.scope, primed, depth + 1) : null;
    case 'op':
      return d.params.length === 0
        ? staticTarget(c, d.body, c.bodyScope(d), primed, depth + 1)
        : null;
    default:
      return null;
  }
}

function compile(c: ExprCompiler, e: Expr, sc: Scope, mode: ActionMode): ActFn {
  switch (e.k) {
    case 'and': {
      const items = e.items.map((x) => compileAction(c, x, sc, mode));
      const probe = c.probe;
      if (probe) {
        // A conjunct may allow several next states: branches taken after one of them must not
        // stay on the trail when the next one is tried.
        return (env, ctx, k) => {
          const step = (i: number, cx: Ctx): boolean => {
            if (i === items.length) return k(cx);
            return items[i](env, cx, (next) => {
              const mark = probe.mark();
              const stop = step(i + 1, next);
              probe.cut(mark);
              return stop;
            });
          };
          return step(0, ctx);
        };
      }
      return (env, ctx, k) => {
        const step = (i: number, cx: Ctx): boolean =>
          i === items.length ? k(cx) : items[i](env, cx, (next) => step(i + 1, next));
        return step(0, ctx);
      };
    }
    case 'or': {
      const items = e.items.map((x) => compileAction(c, x, sc, mode));
      const probe = c.probe;
      if (probe) {
        const site = probe.site(e);
        return (env, ctx, k) => {
          const mark = probe.mark();
          for (let i = 0; i < items.length; i++) {
            probe.take(site, i);
            const stop = items[i](env, ctx, k);
            probe.cut(mark);
            if (stop) return true;
          }
          return false;
        };
      }
      return (env, ctx, k) => {
        for (const item of items) if (item(env, ctx, k)) return true;
        return false;
      };
    }
    case 'quant': {
      if (e.q !== 'E') break;
      const b = c.bounds(e.bounds, sc);
      const body = compileAction(c, e.body, b.scope, mode);
      const probe = c.probe;
      if (probe)
        return (env, ctx, k) =>
          b.each(env, ctx, (env2) => {
            const mark = probe.mark();
            const stop = body(env2, ctx, k);
            probe.cut(mark);
            return stop;
          });
      return (env, ctx, k) => b.each(env, ctx, (env2) => body(env2, ctx, k));
    }
    case 'if': {
      const cond = c.expr(e.cond, sc);
      const t = compileAction(c, e.then, sc, mode);
      const f = compileAction(c, e.else, sc, mode);
      const probe = c.probe;
      if (probe) {
        const site = probe.site(e);
        return (env, ctx, k) => {
          const taken = expectBool(cond(env, ctx), () => 'The condition of IF');
          const mark = probe.mark();
          probe.take(site, taken ? 0 : 1);
          const stop = taken ? t(env, ctx, k) : f(env, ctx, k);
          probe.cut(mark);
          return stop;
        };
      }
      return (env, ctx, k) =>
        expectBool(cond(env, ctx), () => 'The condition of IF') ? t(env, ctx, k) : f(env, ctx, k);
    }
    case 'case': {
      const arms = e.arms.map((a) => ({
        g: c.expr(a.guard, sc),
        b: compileAction(c, a.body, sc, mode),
      }));
      const other = e.other ? compileAction(c, e.other, sc, mode) : undefined;
      const probe = c.probe;
      const site = probe?.site(e);
      const taking = (arm: number, act: ActFn): ActFn =>
        probe
          ? (env, ctx, k) => {
              const mark = probe.mark();
              probe.take(site!, arm);
              const stop = act(env, ctx, k);
              probe.cut(mark);
              return stop;
            }
          : act;
      const bodies = arms.map((a, i) => taking(i, a.b));
      const otherwise = other && taking(arms.length, other);
      return (env, ctx, k) => {
        for (let i = 0; i < arms.length; i++)
          if (expectBool(arms[i].g(env, ctx), () => 'A CASE guard')) return bodies[i](env, ctx, k);
        if (otherwise) return otherwise(env, ctx, k);
        throw new EvalError('Attempted to evaluate a CASE with no conditions true.');
      };
    }
    case 'let': {
      const { scope, enter } = c.letBindings(e.defs, sc);
      const body = compileAction(c, e.body, scope, mode);
      return (env, ctx, k) => body(enter(env), ctx, k);
    }
    case 'ident':
    case 'apply': {
      const call = callAction(c, e, sc, mode);
      if (call) return call;
      if (e.k === 'apply' && e.name === '$implies' && e.args.length === 2) {
        // TLC takes the consequent of an implication as an action: a disjunction there is a
        // choice of steps, each of whose branches is evaluated (and may raise), as at the top.
        const premise = c.expr(e.args[0], sc);
        const consequent = compileAction(c, e.args[1], sc, mode);
        return (env, ctx, k) =>
          expectBool(premise(env, ctx), () => 'The premise of =>')
            ? consequent(env, ctx, k)
            : k(ctx);
      }
      if (e.k === 'apply' && (e.name === '$eq' || e.name === '$in') && e.args.length === 2) {
        const t = staticTarget(c, e.args[0], sc, mode !== 'init');
        if (t === null) {
          const sub = mode === 'enabled' ? primedInstanceVariable(e.args[0], sc) : undefined;
          if (sub) return bindInEnabled(c, sub, e.name === '$in', e.args[1], sc, e.loc);
          break;
        }
        const make = (i: number): ActFn =>
          e.name === '$eq'
            ? assignment(c, i, e.args[1], sc, mode)
            : membership(c, i, e.args[1], sc, mode, e.loc);
        if ('var' in t) return make(t.var);
        // A parameter: an assignment when its argument is the (primed) variable, as TLC decides
        // when it evaluates the call; each variable's form is compiled once, on first use.
        const forms: ActFn[] = [];
        const otherwise = condition(c, e, sc);
        return (env, ctx, k) => {
          const i = resolveTarget(t, env);
          return i < 0 ? otherwise(env, ctx, k) : (forms[i] ??= make(i))(env, ctx, k);
        };
      }
      break;
    }
    case 'prefixed': {
      const { def, binders } = c.resolvePrefixed(e, sc);
      const last = e.steps[e.steps.length - 1];
      if (def.kind === 'op') {
        const call = enterDef(c, def, last.args, sc, mode, e.loc);
        return (env, ctx, k) =>
          call(
            binders.reduce((acc, b) => b(acc, env, ctx), env),
            ctx,
            k,
            env,
          );
      }
      break;
    }
    case 'unchanged':
      return unchanged(c, e.expr, sc, mode, e.loc);
    case 'actionBox': {
      // <<A>>_v: the A steps that change v; [A]_v: the A steps, or a step leaving v unchanged.
      const act = compileAction(c, e.action, sc, mode);
      const sub = c.expr(e.sub, sc);
      const changed = (ctx: Ctx, env: Env) =>
        !equals(sub(env, new Ctx(ctx.nxt, null, ctx.rt)), sub(env, ctx));
      if (!e.stutter)
        return (env, ctx, k) => act(env, ctx, (next) => (changed(next, env) ? k(next) : false));
      const keep = unchanged(c, e.sub, sc, mode, e.loc);
      return (env, ctx, k) => act(env, ctx, k) || keep(env, ctx, k);
    }
  }
  return condition(c, e, sc);
}

/** Anything else is a condition on the states built so far. */
function condition(c: ExprCompiler, e: Expr, sc: Scope): ActFn {
  const f = c.expr(e, sc);
  return (env, ctx, k) => {
    ctx.rt.calls?.guarded();
    return expectBool(f(env, ctx), () => 'An action conjunct') ? k(ctx) : false;
  };
}

/** An action that is a call of a user operator (or a LET or parameter operator), entered. */
function callAction(
  c: ExprCompiler,
  e: Expr & { k: 'ident' | 'apply' },
  sc: Scope,
  mode: ActionMode,
): ActFn | undefined {
  const args = e.k === 'apply' ? e.args : [];
  const local = sc.findLocal(e.name);
  if (local) {
    const slot = local.slot;
    if (local.arity === 0) {
      // A parameter bound to an argument passed by name (possibly an action like x' = 1).
      return (env, ctx, k) => {
        const b = lookup(env, slot);
        if (b instanceof Thunk) return b.code.action(mode)(b.env, ctx, k);
        return expectBool(b as Value, () => `The action ${e.name}`) ? k(ctx) : false;
      };
    }
    if (local.arity !== args.length) return undefined; // let the value compiler report it
    const binders = args.map((a) => c.binder(a, sc, 0));
    return (env, ctx, k) => {
      const op = lookup(env, slot) as OpClosure;
      const bound = binders.map((b) => b(env, ctx));
      if (op.enumerate) return op.enumerate(bound, ctx, k, mode);
      return expectBool(op.apply(bound, ctx), () => `The action ${e.name}`) ? k(ctx) : false;
    };
  }
  const d = sc.inst.defs.get(e.name);
  if (d && d.kind === 'op') {
    const call = enterDef(c, d, args, sc, mode, e.loc);
    return (env, ctx, k) => call(env, ctx, k, env);
  }
  if (d && d.kind === 'subst' && args.length === 0 && varIndex(c, d.expr, d.scope) < 0) {
    let act: ActFn | undefined;
    return (env, ctx, k) => (act ??= compileAction(c, d.expr, d.scope, mode))(env, ctx, k);
  }
  if (d && d.kind === 'subst' && args.length > 0 && d.arity === args.length) {
    // An operator constant replaced by an operator (INSTANCE ... WITH Op <- Def): TLC enters
    // the replacement's body, as for a definition.
    const op = c.opArgument(d.expr, d.scope, args.length);
    const binders = args.map((a) => c.binder(a, sc, 0));
    return (env, ctx, k) => {
      const o = op(env, ctx);
      const bound = binders.map((b) => b(env, ctx));
      if (o.enumerate) return o.enumerate(bound, ctx, k, mode);
      return expectBool(o.apply(bound, ctx), () => `The action ${e.name}`) ? k(ctx) : false;
    };
  }
  return undefined;
}

/**
 * Enters operator `d` as an action. The returned function takes the environment the instance
 * parameters live in (`instEnv`) and the caller's environment (for the arguments).
 */
export function enterDef(
  c: ExprCompiler,
  d: OpDef,
  args: Expr[],
  sc: Scope,
  mode: ActionMode,
  loc: Loc,
): (instEnv: Env, ctx: Ctx, k: (ctx: Ctx) => boolean, callerEnv: Env) => boolean {
  if (d.params.length !== args.length) {
    throw new TlaSemanticError(
      loc,
      `the operator ${d.name} takes ${d.params.length} argument(s), but is given ${args.length}`,
      'TLA202',
      definedAs(d),
    );
  }
  const binders = args.map((a, i) => c.binder(a, sc, d.params[i].arity));
  const slots = d.paramSlots;
  const passEnv = d.scope.inst.parameterized;
  const body = (): ActFn => {
    d.actions ??= {};
    return (d.actions[mode] ??= compileAction(c, d.body, c.bodyScope(d), mode));
  };
  return (instEnv, ctx, k, callerEnv) => {
    let e: Env = passEnv ? instEnv : null;
    const rec = ctx.rt.calls;
    if (rec === undefined) {
      for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], binders[i](callerEnv, ctx));
      return body()(e, ctx, k);
    }
    const args = binders.map((b) => b(callerEnv, ctx));
    for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], args[i]!);
    const frame = rec.enter(d.name, args, d.loc);
    try {
      return body()(e, ctx, (next) => {
        rec.suspend();
        try {
          return k(next);
        } finally {
          rec.resume(frame);
        }
      });
    } finally {
      rec.exit();
    }
  };
}

/** The substitution behind `x'` when x is a VARIABLE of an instantiated module replaced by an expression. */
function primedInstanceVariable(e: Expr, sc: Scope): SubstDef | undefined {
  if (e.k !== 'prime' || e.expr.k !== 'ident' || sc.findLocal(e.expr.name)) return undefined;
  const d = sc.inst.defs.get(e.expr.name);
  return d?.kind === 'subst' && d.variable === true ? d : undefined;
}

/** `x' = e` or `x' \in S` for such an x inside ENABLED: binds x' (see `enabledBindings`). */
function bindInEnabled(
  c: ExprCompiler,
  sub: SubstDef,
  member: boolean,
  rhs: Expr,
  sc: Scope,
  loc: Loc,
): ActFn {
  const f = c.expr(rhs, sc);
  if (!member) return (env, ctx, k) => bindInstanceVariable(ctx, sub, f(env, ctx), k);
  return (env, ctx, k) => {
    for (const v of finiteElements(
      f(env, ctx),
      () => `The set ${sub.name}' ranges over (line ${loc.line}, col ${loc.col})`,
    ))
      if (bindInstanceVariable(ctx, sub, v, k)) return true;
    return false;
  };
}

/** Binds `sub'` to `v` in the partial next state (compares, when it is bound already). */
function bindInstanceVariable(ctx: Ctx, sub: SubstDef, v: Value, k: (ctx: Ctx) => boolean) {
  const t = ctx.nxt!;
  const before = enabledBindings.get(t)?.get(sub);
  if (before !== undefined) return equals(before, v) ? k(ctx) : false;
  const copy = t.slice();
  enabledBindings.set(copy, new Map(enabledBindings.get(t)).set(sub, v));
  return k(new Ctx(ctx.cur, copy, ctx.rt));
}

function assignment(c: ExprCompiler, i: number, rhs: Expr, sc: Scope, mode: ActionMode): ActFn {
  const f = c.expr(rhs, sc);
  return (env, ctx, k) => assign(ctx, mode, i, f(env, ctx), k);
}

function membership(
  c: ExprCompiler,
  i: number,
  rhs: Expr,
  sc: Scope,
  mode: ActionMode,
  loc: Loc,
): ActFn {
  const f = c.expr(rhs, sc);
  const name = c.varNames[i];
  return (env, ctx, k) => {
    const s = f(env, ctx);
    const old = target(ctx, mode)[i];
    if (old !== undefined) {
      const set = setValue(s, `The right side of ${name}${mode === 'init' ? '' : "'"} \\in S`);
      if (!set.contains(old)) return false;
      const rec = ctx.rt.calls;
      return rec === undefined ? k(ctx) : touching(rec, i, () => k(ctx));
    }
    for (const v of finiteElements(
      s,
      () =>
        `The set ${name}${mode === 'init' ? '' : "'"} ranges over (line ${loc.line}, col ${loc.col})`,
    )) {
      if (assign(ctx, mode, i, v, k)) return true;
    }
    return false;
  };
}

/** UNCHANGED e: `x' = x` for every variable in e (a variable, a tuple, or a definition of one). */
function unchanged(c: ExprCompiler, e: Expr, sc: Scope, mode: ActionMode, loc: Loc): ActFn {
  if (mode === 'init')
    throw new TlaSemanticError(loc, 'UNCHANGED cannot appear in an initial predicate');
  return compileUnchanged(c, e, sc, loc, mode === 'enabled');
}

/** Keeps variable i: `x' = x`, compared as TLC compares UNCHANGED. */
function keep(i: number): ActFn {
  return (_env, ctx, k) => assign(ctx, 'next', i, ctx.cur![i]!, k, true);
}

/**
 * UNCHANGED e enumerated as TLC's processUnchanged does: a variable is kept; a tuple keeps each
 * element in turn; a zero-arity definition, instance substitution, parameter or LET name is
 * followed to what it stands for; anything else is the condition e' = e.
 */
export function compileUnchanged(
  c: ExprCompiler,
  e: Expr,
  sc: Scope,
  loc: Loc,
  /** Inside ENABLED: an instance variable replaced by an expression is bound, as TLC does. */
  enabled = false,
): ActFn {
  const vars = unchangedVars(c, e, sc);
  if (vars !== null) {
    return (_env, ctx, k) => {
      const cur = ctx.cur!;
      const step = (j: number, cx: Ctx): boolean =>
        j === vars.length
          ? k(cx)
          : assign(cx, 'next', vars[j], cur[vars[j]]!, (n) => step(j + 1, n), true);
      return step(0, ctx);
    };
  }
  const t = staticTarget(c, e, sc, false);
  if (t !== null && 'var' in t) return keep(t.var);
  if (e.k === 'tuple') {
    const items = e.elems.map((x) => compileUnchanged(c, x, sc, x.loc, enabled));
    return (env, ctx, k) => {
      const step = (j: number, cx: Ctx): boolean =>
        j === items.length ? k(cx) : items[j](env, cx, (n) => step(j + 1, n));
      return step(0, ctx);
    };
  }
  if (e.k === 'ident' && !sc.findLocal(e.name)) {
    const d = sc.inst.defs.get(e.name);
    if (d && d.kind === 'op' && d.params.length === 0)
      return compileUnchanged(c, d.body, c.bodyScope(d), loc, enabled);
    if (d && d.kind === 'subst' && d.arity === 0) {
      if (enabled && d.variable) {
        const now = c.expr(e, sc);
        return (env, ctx, k) => bindInstanceVariable(ctx, d, now(env, ctx), k);
      }
      return compileUnchanged(c, d.expr, d.scope, loc, enabled);
    }
  }
  const f = c.expr({ k: 'unchanged', expr: e, loc }, sc);
  const compare: ActFn = (env, ctx, k) => (f(env, ctx) ? k(ctx) : false);
  const local = e.k === 'ident' ? sc.findLocal(e.name) : undefined;
  if (local && local.arity === 0) {
    // A parameter or LET name: UNCHANGED of the argument it is bound to.
    const slot = local.slot;
    return (env, ctx, k) => {
      const b = lookup(env, slot);
      if (b instanceof Thunk && b.code.unchanged) return b.code.unchanged()(b.env, ctx, k);
      return compare(env, ctx, k);
    };
  }
  return compare;
}

function unchangedVars(c: ExprCompiler, e: Expr, sc: Scope): number[] | null {
  if (e.k === 'tuple') {
    const out: number[] = [];
    for (const x of e.elems) {
      const vs = unchangedVars(c, x, sc);
      if (vs === null) return null;
      out.push(...vs);
    }
    return out;
  }
  if (e.k === 'ident' && !sc.findLocal(e.name)) {
    const i = varIndex(c, e, sc);
    if (i >= 0) return [i];
    const d = sc.inst.defs.get(e.name);
    if (d && d.kind === 'op' && d.params.length === 0) return unchangedVars(c, d.body, d.scope);
    if (d && d.kind === 'subst' && d.arity === 0) return unchangedVars(c, d.expr, d.scope);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Splitting Next into TLC's sub-actions.

/** One sub-action of the next-state relation, as TLC splits it. */
export interface SubAction {
  /** Operator name, or undefined for an anonymous part of Next. */
  name: string | undefined;
  /** Parameter names and values, for printing `Press(0)`. */
  params: Array<[string, Value]>;
  /** Where the action's body is (TLC prints this range). */
  loc: Loc;
  env: Env;
  act: ActFn;
}

/**
 * Splits Next the way TLC does: disjuncts separately, a `\E` over a constant set into one
 * action per value, and calls of user operators entered (named after the innermost operator).
 */
export function splitActions(
  c: ExprCompiler,
  e: Expr,
  sc: Scope,
  env: Env,
  constCtx: Ctx,
): SubAction[] {
  const out: SubAction[] = [];
  const walk = (
    x: Expr,
    s: Scope,
    en: Env,
    name: string | undefined,
    params: Array<[string, Value]>,
    loc: Loc,
  ): void => {
    switch (x.k) {
      case 'or':
        for (const item of x.items) walk(item, s, en, name, params, item.loc);
        return;
      case 'quant': {
        if (x.q !== 'E' || x.bounds.some((b) => !b.set || c.mentions(b.set, s, 'state'))) break;
        const b = c.bounds(x.bounds, s);
        const names = x.bounds.flatMap((bd) =>
          bd.tuple ? [`<<${bd.names.join(', ')}>>`] : bd.names,
        );
        let envs: Env[];
        try {
          envs = [];
          b.each(en, constCtx, (e2) => {
            envs.push(e2);
            return false;
          });
        } catch {
          break; // the set depends on the state after all: keep the \E as one action
        }
        const slots = b.slots;
        for (const e2 of envs) {
          const vals: Array<[string, Value]> = [];
          let n = 0;
          x.bounds.forEach((bd, k) => {
            if (bd.tuple)
              vals.push([
                names[n++],
                new TupleValue(slots[k].map((sl) => lookup(e2, sl) as Value)),
              ]);
            else slots[k].forEach((sl) => vals.push([names[n++], lookup(e2, sl) as Value]));
          });
          walk(x.body, b.scope, e2, name, [...params, ...vals], loc);
        }
        return;
      }
      case 'let': {
        const { scope, enter } = c.letBindings(x.defs, s);
        walk(x.body, scope, enter(en), name, params, x.body.loc);
        return;
      }
      case 'ident':
      case 'apply': {
        if (s.findLocal(x.name)) break;
        const d = s.inst.defs.get(x.name);
        if (!d || d.kind !== 'op') break;
        const args = x.k === 'apply' ? x.args : [];
        if (d.params.some((p) => p.arity > 0)) break;
        // Bind the parameters to the argument values when they are constant; else keep one action.
        let bodyEnv: Env = d.scope.inst.parameterized ? en : null;
        const vals: Array<[string, Value]> = [];
        try {
          for (let i = 0; i < args.length; i++) {
            if (c.mentions(args[i], s, 'state')) throw new Error('state-dependent argument');
            const v = c.expr(args[i], s)(en, constCtx);
            bodyEnv = bind(bodyEnv, d.paramSlots[i], v);
            vals.push([d.params[i].name, v]);
          }
        } catch {
          break;
        }
        walk(d.body, c.bodyScope(d), bodyEnv, d.name, vals, d.body.loc);
        return;
      }
    }
    out.push({ name, params, loc, env: en, act: compileAction(c, x, s, 'next') });
  };
  walk(e, sc, env, undefined, [], e.loc);
  return out;
}

/** `Press(0)` or `Spend("ops",3)` as TLC names an action in traces. */
export function actionLabel(a: {
  name: string | undefined;
  params: Array<[string, Value]>;
}): string {
  if (!a.name) return 'Action';
  if (a.params.length === 0) return a.name;
  return `${a.name}(${a.params.map(([, v]) => printValue(v)).join(',')})`;
}

/** Evaluates a state predicate; used for invariants and constraints. */
export function holds(f: Fn, env: Env, ctx: Ctx, what: () => string): boolean {
  return expectBool(f(env, ctx), what);
}
