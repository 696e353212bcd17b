/**
 * What compiled expressions run on: the evaluation context (current and next state), the
 * environment of bound names, and the lazily evaluated operator arguments.
 */
import type { NativeRuntime, OpValue } from '../modules/stdlib/native.ts';
import type { CallRecorder } from './call-recorder.ts';
import { EvalError } from '../values/errors.ts';
import type { Value } from '../values/value.ts';

/** A state: one value per variable, in declaration order. `undefined` = not assigned yet. */
export type PartialState = Array<Value | undefined>;

/** Services the evaluator needs from whoever runs it (the checker, the replayer, a test). */
export interface Runtime extends NativeRuntime {
  /** Variable names by index, for messages. */
  readonly varNames: readonly string[];
  /** What TLCGet("level"), TLCGet("distinct") etc. report; the explorer keeps it current. */
  readonly stats: SearchStats;
  /**
   * The tag unions give the elements they insert into persistent sets (metadata invisible to
   * TLA+; see `values/pset.ts`). Trace replay sets it before evaluating each event so that
   * visible subsets (`values/visible.ts`) can tell when a message was sent; undefined in model
   * checking.
   */
  insertTag?: number;
  /**
   * From how many elements a union goes through persistent sets, when not the engine's default
   * (`persistentSetOptions.threshold`). Trace replay sets 0: its states are one long behaviour
   * whose history sets only grow, and what is kept on persistent sets (indexes, maintained
   * results) then follows them from their first element.
   */
  persistentFrom?: number;
  /**
   * Set only while one step of an error trace is run again to name it (./call-recorder.ts);
   * undefined in model checking, where nothing is recorded.
   */
  calls?: CallRecorder;
}

/** The search statistics TLC's TLCGet exposes during model checking. */
export interface SearchStats {
  /** BFS level of the state being expanded (1 for initial states). */
  level: number;
  distinct: number;
  generated: number;
  queue: number;
  /** The deepest level reached so far. */
  diameter: number;
  startedMs: number;
}

/**
 * The states an expression is evaluated in. `cur` is null at constant level; `nxt` is null
 * outside actions. Successor enumeration makes a new context for each assignment, so a context
 * never changes after creation and lazily evaluated arguments may cache per context.
 */
export class Ctx {
  constructor(
    readonly cur: PartialState | null,
    readonly nxt: PartialState | null,
    readonly rt: Runtime,
  ) {}
}

/** A compiled expression. */
export type Fn = (env: Env, ctx: Ctx) => Value;

/**
 * A compiled action: calls `k` with the context of every successor it allows (the next state
 * in `ctx.nxt`, or for Init the initial state in `ctx.cur`). Returns true when `k` asked to stop.
 */
export type ActFn = (env: Env, ctx: Ctx, k: (ctx: Ctx) => boolean) => boolean;

/** The environment: a chain of bindings, each under a slot number unique to its binder. */
export interface EnvFrame {
  readonly slot: number;
  readonly v: Binding;
  readonly up: Env;
}
export type Env = EnvFrame | null;

/** What a name can be bound to at run time. */
export type Binding = Value | Thunk | OpClosure;

/** Extends an environment by one binding. */
export function bind(env: Env, slot: number, v: Binding): Env {
  return { slot, v, up: env };
}

/** Extends an environment by `args`, bound to `slots` in order. */
export function bindAll(env: Env, slots: readonly number[], args: readonly Binding[]): Env {
  let e = env;
  for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], args[i]);
  return e;
}

/** Looks a slot up; the compiler guarantees it is present. */
export function lookup(env: Env, slot: number): Binding {
  let e = env;
  while (e !== null) {
    if (e.slot === slot) return e.v;
    e = e.up;
  }
  throw new Error(`internal error: unbound slot ${slot}`);
}

/** The compiled forms of an expression, built on demand. */
export interface Compiled {
  value(): Fn;
  action(mode: ActionMode): ActFn;
  /** True when the expression mentions no primed variable (so a value can be cached). */
  readonly unprimed: boolean;
  /**
   * What the expression denotes as the left side of an assignment (TLC's getVar when `primed`
   * is false, getPrimedVar when true), or null; see `Target`.
   */
  target?(primed: boolean): Target | null;
  /** `UNCHANGED e` for this expression, enumerated as an action (TLC's processUnchanged). */
  unchanged?(): ActFn;
}

/**
 * An assignment target found at compile time: a variable, or a parameter (or LET name) whose
 * binding decides at run time, since TLC follows the argument passed by name (`primed`: the
 * argument is to be a primed variable).
 */
export type Target = { var: number } | { slot: number; primed: boolean };

/** The variable a target denotes in `env`, following arguments passed by name, or -1. */
export function resolveTarget(t: Target, env: Env): number {
  for (let depth = 0; depth < 100; depth++) {
    if ('var' in t) return t.var;
    const b = lookup(env, t.slot);
    if (!(b instanceof Thunk) || !b.code.target) return -1;
    const next = b.code.target(t.primed);
    if (next === null) return -1;
    env = b.env;
    t = next;
  }
  return -1;
}

/**
 * Init enumerates unprimed variables; Next enumerates primed ones; `enabled` is Next as TLC
 * evaluates it inside ENABLED (see {@link enabledBindings}).
 */
export type ActionMode = 'init' | 'next' | 'enabled';

/**
 * Inside ENABLED, TLC takes `x' = e` for x a VARIABLE of an instantiated module that the
 * instance replaces by an expression as binding the instance's own variable x': it does not test
 * the replacing expression (which may read a primed variable the action assigns only later), and
 * later reads of x' in the action see the bound value. These bindings ride with the partial next
 * state they were made in, keyed by the substitution.
 */
export const enabledBindings = new WeakMap<PartialState, ReadonlyMap<object, Value>>();

/**
 * An operator argument passed by name (TLA+ substitutes arguments into operator bodies): it is
 * evaluated when used, in the caller's environment, and remembered for the context it was
 * evaluated in. An argument such as `x' = x + 1` can also be enumerated as an action.
 */
export class Thunk {
  private cachedCtx: Ctx | null = null;
  private cached: Value | undefined;
  constructor(
    readonly code: Compiled,
    readonly env: Env,
  ) {}
  force(ctx: Ctx): Value {
    if (this.cachedCtx === ctx && this.cached !== undefined) return this.cached;
    // Contexts are immutable (enumeration makes a new one per assignment), so a value computed
    // for this context stays right for it.
    const v = this.code.value()(this.env, ctx);
    this.cachedCtx = ctx;
    this.cached = v;
    return v;
  }
}

/** An operator value bound to a higher-order parameter `F(_)`: a LAMBDA, a definition, a symbol. */
export class OpClosure implements OpValue {
  readonly isOpValue = true;
  constructor(
    readonly name: string,
    readonly arity: number,
    /** Calls the operator with arguments passed by name. */
    readonly apply: (args: Binding[], ctx: Ctx) => Value,
    /** Enumerates the operator's body as an action, when it is one. */
    readonly enumerate:
      ((args: Binding[], ctx: Ctx, k: (ctx: Ctx) => boolean, mode: ActionMode) => boolean) | null,
    /** The context natives call it in (set when it is handed to a native). */
    public ctx: Ctx | null = null,
  ) {}
  call(args: Value[]): Value {
    if (!this.ctx) throw new Error('internal error: operator argument called without a context');
    return this.apply(args, this.ctx);
  }
}

/** The value of a binding in a context (forcing a thunk). */
export function valueOf(b: Binding, ctx: Ctx): Value {
  if (b instanceof Thunk) return b.force(ctx);
  return b as Value;
}

const stateless = new WeakMap<Runtime, Ctx>();

/**
 * `run` in a context with no state (for bodies that read none: results kept on values and
 * updated as the values change), or undefined when it raises an evaluation error or overflows
 * the stack: the caller then runs the ordinary evaluation, which raises where it should.
 */
export function evaluateApart(rt: Runtime, run: (ctx: Ctx) => Value): Value | undefined {
  let ctx = stateless.get(rt);
  if (ctx === undefined) {
    ctx = new Ctx(null, null, rt);
    stateless.set(rt, ctx);
  }
  try {
    return run(ctx);
  } catch (e) {
    if (e instanceof EvalError || e instanceof RangeError) return undefined;
    throw e;
  }
}
