/**
 * The expression compiler: resolves every name once and turns each expression into a closure
 * `(env, ctx) => Value`, so that checking a state never walks the syntax tree.
 *
 * Operator arguments are passed by name, as TLA+ defines them (a {@link Thunk} evaluated on
 * use); arguments that cannot fail or differ (literals, bound names, variables) are passed
 * evaluated. Errors carry the source ranges of the expressions they passed through.
 *
 * This class is the facade and the composition root: each construct is compiled by a module of
 * `compile/` (see `compile/expressions.ts` for the dispatch), and actions by `actions.ts`. Those
 * modules see the compiler only through the {@link ExprCompiler} interface (`compile/api.ts`),
 * which this class implements by delegating to them; none of them imports this file, so the
 * imports go one way: `compile.ts` -> `actions.ts`, `compile/*` -> `compile/api.ts`.
 */
import type { Bound, Expr, Loc, Unit } from '../syntax/ast.ts';
import type { SetValue, Value } from '../values/value.ts';
import { compileAction, compileUnchanged, staticTarget } from './actions.ts';
import type { BranchProbe } from './branches.ts';
import { setValue } from './builtins.ts';
import type { ApplicationMemo } from './memo.ts';
import type { ActFn, ActionMode, Compiled, Ctx, Env, Fn, OpClosure, Target } from './runtime.ts';
import {
  type Def,
  type FcnDef,
  type NamespaceBuilder,
  type OpDef,
  type Scope,
  newSlot,
} from './scope.ts';
import type {
  ArgumentBinder,
  CompiledBounds,
  ExprCompiler,
  PrefixedTarget,
  Resolved,
} from './compile/api.ts';
import { binder, opArgument } from './compile/arguments.ts';
import { compileBounds } from './compile/binders.ts';
import { bodyOf, bodyScope, callDef, defValue } from './compile/definitions.ts';
import { compileExpr } from './compile/expressions.ts';
import { fcnDefValue } from './compile/functions.ts';
import { resolvePrefixed } from './compile/instances.ts';
import { letBindings } from './compile/let.ts';
import { LevelAnalysis } from './compile/levels.ts';
import { apply, ident, resolve } from './compile/names.ts';

export type { Resolved } from './compile/api.ts';

/** Compiles expressions of one specification (all its modules share one compiler). */
export class Compiler implements ExprCompiler {
  /** Slot of `@` inside EXCEPT updates. */
  readonly atSlot = newSlot();

  /**
   * Set before compiling to record the arms of branch points taken (see `branches.ts`); it also
   * turns off memoising operator applications, which would skip the branches inside them.
   */
  probe: BranchProbe | undefined;

  /** Level and purity analysis of the specification's definitions (`compile/levels.ts`). */
  readonly levels = new LevelAnalysis();

  /** The memo of each definition's applications (`compile/definitions.ts`, `memo.ts`). */
  readonly applicationMemos = new WeakMap<OpDef, ApplicationMemo | null>();

  constructor(
    readonly ns: NamespaceBuilder,
    readonly varNames: readonly string[],
  ) {}

  /** Where `name` points in `sc`; a semantic error for an unknown name. */
  resolve(name: string, sc: Scope, loc: Loc, text = name): Resolved {
    return resolve(name, sc, loc, text);
  }

  /** Lazily compiled forms of `e` in `sc`, for passing by name. */
  compiled(e: Expr, sc: Scope): Compiled {
    let value: Fn | undefined;
    const actions: Partial<Record<ActionMode, ActFn>> = {};
    const targets: Array<Target | null | undefined> = [undefined, undefined];
    let unchanged: ActFn | undefined;
    return {
      value: () => (value ??= this.expr(e, sc)),
      action: (mode) => (actions[mode] ??= compileAction(this, e, sc, mode)),
      unprimed: !this.mentions(e, sc, 'prime'),
      target: (primed) => {
        const i = primed ? 1 : 0;
        if (targets[i] === undefined) targets[i] = staticTarget(this, e, sc, primed);
        return targets[i];
      },
      unchanged: () => (unchanged ??= compileUnchanged(this, e, sc, e.loc)),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Level analysis (compile/levels.ts).

  /**
   * Whether `e` mentions variables (`what = 'state'`), primed expressions (`'prime'`), or
   * operators with effects or hidden inputs such as Print and TLCGet (`'impure'`).
   */
  mentions(e: Expr, sc: Scope, what: 'state' | 'prime' | 'impure'): boolean {
    return this.levels.mentions(e, sc, what);
  }

  /**
   * The state variables a state-level definition's value depends on, through every definition
   * it uses; undefined when that cannot be known for sure.
   */
  variablesRead(d: Def): ReadonlySet<number> | undefined {
    return this.levels.variablesRead(d);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions (compile/*.ts).

  /** Compiles `e` in `sc` to a closure computing its value. */
  expr(e: Expr, sc: Scope): Fn {
    return compileExpr(this, e, sc);
  }

  /** The value `v` as a set, or TLC's type error naming `what`. */
  setValue(v: Value, what: string): SetValue {
    return setValue(v, what);
  }

  /** A name (bound, defined or built in) used as a value. */
  ident(name: string, sc: Scope, loc: Loc): Fn {
    return ident(this, name, sc, loc);
  }

  /** A reference to definition `d` applied to `args` (already arity-checked for locals). */
  defValue(d: Def, args: Expr[], sc: Scope, loc: Loc): Fn {
    return defValue(this, d, args, sc, loc);
  }

  /** Applies the operator `name` (user, local, native or builtin) to `args`. */
  apply(name: string, text: string, args: Expr[], sc: Scope, loc: Loc): Fn {
    return apply(this, name, text, args, sc, loc);
  }

  /**
   * How to pass one argument: by value when evaluating it cannot fail or depend on when it is
   * evaluated, else by name.
   */
  binder(a: Expr, sc: Scope, arity: number): ArgumentBinder {
    return binder(this, a, sc, arity);
  }

  /** An argument for an operator parameter of arity `arity`: a name, a LAMBDA or a symbol. */
  opArgument(a: Expr, sc: Scope, arity: number): (env: Env, ctx: Ctx) => OpClosure {
    return opArgument(this, a, sc, arity);
  }

  /** Calls a user-defined operator. */
  callDef(d: OpDef, args: Expr[], sc: Scope, loc: Loc): Fn {
    return callDef(this, d, args, sc, loc);
  }

  /** The compiled body of a definition (compiled on first use). */
  bodyOf(d: OpDef): Fn {
    return bodyOf(this, d);
  }

  /** The scope of a definition's body: its own scope plus its parameters. */
  bodyScope(d: OpDef): Scope {
    return bodyScope(d);
  }

  /** The value of a function definition: a lazily computed, memoised function. */
  fcnDefValue(d: FcnDef): Fn {
    return fcnDefValue(this, d);
  }

  /**
   * Resolves the instance steps of a prefixed name. Returns the final definition, the
   * environment extensions that bind parameterised instances' parameters, and a scope in which
   * the final step's arguments are compiled.
   */
  resolvePrefixed(e: Expr & { k: 'prefixed' }, sc: Scope): PrefixedTarget {
    return resolvePrefixed(this, e, sc);
  }

  /**
   * Compiles a list of bounds. `each` calls `visit` with the environment of every combination
   * (in TLC's order) until `visit` returns true; it returns whether it was stopped.
   */
  bounds(bounds: Bound[], sc: Scope): CompiledBounds {
    return compileBounds(this, bounds, sc);
  }

  /** Compiles LET definitions: the scope they create and how to enter it at run time. */
  letBindings(units: Unit[], sc: Scope): { scope: Scope; enter: (env: Env) => Env } {
    return letBindings(this, units, sc);
  }

  // -------------------------------------------------------------------------------------------
  // Actions (actions.ts), for the construct modules.

  /** Compiles `e` as an action in `mode`. */
  compileAction(e: Expr, sc: Scope, mode: ActionMode): ActFn {
    return compileAction(this, e, sc, mode);
  }

  /** What `e` denotes as the left side of an assignment (see `actions.ts`), or null. */
  staticTarget(e: Expr, sc: Scope, primed: boolean): Target | null {
    return staticTarget(this, e, sc, primed);
  }

  /** `UNCHANGED e`, enumerated as an action. */
  compileUnchanged(e: Expr, sc: Scope, loc: Loc): ActFn {
    return compileUnchanged(this, e, sc, loc);
  }
}
