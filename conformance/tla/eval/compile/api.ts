/**
 * What the construct compilers (this folder) and the action compiler (`../actions.ts`) see of
 * the compiler: an interface, implemented by the `Compiler` class in `../compile.ts`, which
 * wires them together. Programming against it keeps the imports one-way: no module here, nor
 * `actions.ts`, imports `compile.ts`, and expression constructs reach action compilation
 * (ENABLED, arguments passed by name) only through the hooks below.
 *
 * Every call through this interface happens while compiling; the closures it returns call
 * only each other and the runtime, so the split costs nothing when evaluating.
 */
import type { Bound, Expr, Loc, Unit } from '../../syntax/ast.ts';
import type { SetValue, Value } from '../../values/value.ts';
import type { BranchProbe } from '../branches.ts';
import type { ApplicationMemo } from '../memo.ts';
import type {
  ActFn,
  ActionMode,
  Binding,
  Compiled,
  Ctx,
  Env,
  Fn,
  OpClosure,
  Target,
} from '../runtime.ts';
import type { Def, Local, NamespaceBuilder, OpDef, Scope } from '../scope.ts';
import type { LevelAnalysis } from './levels.ts';

/** Where an identifier points after resolution. */
export type Resolved =
  { k: 'local'; local: Local } | { k: 'def'; def: Def } | { k: 'builtin'; name: string };

/** A list of bounds (`x \in S, <<a, b>> \in T`), compiled by `binders.ts`. */
export interface CompiledBounds {
  /** The scope with the bound names added. */
  scope: Scope;
  /**
   * Calls `visit` with the environment of every combination (in TLC's order) until `visit`
   * returns true; returns whether it was stopped.
   */
  each: (env: Env, ctx: Ctx, visit: (env: Env) => boolean) => boolean;
  /** Like `each`, with the bounds' sets already evaluated (to `values`, in bound order). */
  eachIn: (env: Env, values: Value[], visit: (env: Env) => boolean) => boolean;
  /** Binds a function argument (a tuple when there are several names) to the bound names. */
  bindArg: (env: Env, arg: Value) => Env;
  slots: number[][];
  /** The bounds' sets, compiled. */
  sets: Fn[];
}

/** A prefixed name `M(p)!N!Op` resolved by `instances.ts`. */
export interface PrefixedTarget {
  /** The final definition. */
  def: Def;
  /** The environment extensions that bind parameterised instances' parameters. */
  binders: Array<(acc: Env, env: Env, ctx: Ctx) => Env>;
  /** The scope in which the final step's arguments are compiled. */
  scope: Scope;
}

/** How one argument of an operator is passed (see `arguments.ts`). */
export type ArgumentBinder = (env: Env, ctx: Ctx) => Binding;

/** The compiler, as its parts see it. */
export interface ExprCompiler {
  readonly ns: NamespaceBuilder;
  readonly varNames: readonly string[];
  /** Slot of `@` inside EXCEPT updates. */
  readonly atSlot: number;
  /** Set while branches are counted (see `branches.ts`); turns caching and memos off. */
  readonly probe: BranchProbe | undefined;
  /** Level and purity analysis of expressions and definitions. */
  readonly levels: LevelAnalysis;
  /** The memo of each definition's applications, or null where there is none (`memo.ts`). */
  readonly applicationMemos: WeakMap<OpDef, ApplicationMemo | null>;

  // Expressions (compile/*.ts).
  expr(e: Expr, sc: Scope): Fn;
  compiled(e: Expr, sc: Scope): Compiled;
  mentions(e: Expr, sc: Scope, what: 'state' | 'prime' | 'impure'): boolean;
  resolve(name: string, sc: Scope, loc: Loc, text?: string): Resolved;
  defValue(d: Def, args: Expr[], sc: Scope, loc: Loc): Fn;
  callDef(d: OpDef, args: Expr[], sc: Scope, loc: Loc): Fn;
  bodyOf(d: OpDef): Fn;
  bodyScope(d: OpDef): Scope;
  binder(a: Expr, sc: Scope, arity: number): ArgumentBinder;
  opArgument(a: Expr, sc: Scope, arity: number): (env: Env, ctx: Ctx) => OpClosure;
  bounds(bounds: Bound[], sc: Scope): CompiledBounds;
  letBindings(units: Unit[], sc: Scope): { scope: Scope; enter: (env: Env) => Env };
  resolvePrefixed(e: Expr & { k: 'prefixed' }, sc: Scope): PrefixedTarget;
  setValue(v: Value, what: string): SetValue;

  // Actions (`../actions.ts`), injected by the Compiler.
  compileAction(e: Expr, sc: Scope, mode: ActionMode): ActFn;
  staticTarget(e: Expr, sc: Scope, primed: boolean): Target | null;
  compileUnchanged(e: Expr, sc: Scope, loc: Loc): ActFn;
}
