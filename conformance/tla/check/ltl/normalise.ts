/**
 * From a PROPERTY's TLA+ expression to the small LTL of `formula.ts`: definitions (with or
 * without arguments, through INSTANCE prefixes and LET), `\A`/`\E` over constant sets,
 * IF/THEN/ELSE and CASE around temporal formulas, `=>`, `<=>`, `~`, `~>` and WF/SF are expanded
 * until only [], <>, /\, \/ and predicates are left. A predicate is compiled where it stands
 * (with the environment its quantifiers and arguments bound), so it is evaluated exactly as the
 * rest of the engine evaluates it; a constant one is evaluated once, here.
 *
 * What SANY or TLC refuse is refused here too, at the place of the culprit: `[]A` with A an
 * action not of the form `[B]_v`, `<>A` not of the form `<<B>>_v`, temporal quantifiers.
 */
import type { Expr, Loc } from '../../syntax/ast.ts';
import { childExprs } from '../../syntax/ast.ts';
import type { Compiler } from '../../eval/compile.ts';
import type { Def, OpDef, Scope } from '../../eval/scope.ts';
import { bind, type Ctx, type Env } from '../../eval/runtime.ts';
import { EvalError } from '../../values/errors.ts';
import { ModelError } from '../model-error.ts';
import { type Ltl, LtlFactory } from './formula.ts';

/** How far up TLA+'s levels an expression goes. */
export const Level = { Constant: 0, State: 1, Action: 2, Temporal: 3 } as const;
export type Level = (typeof Level)[keyof typeof Level];

/** An operator argument, remembered while the operator's body is expanded. */
interface Arg {
  e: Expr;
  sc: Scope;
  env: Env;
}

/** A formula refused as TLC refuses it: the message names the place of the culprit. */
export function refuse(loc: Loc, detail: string): never {
  throw new ModelError(loc.file, { line: loc.line, col: loc.col }, detail, {
    code: 'TLA305',
    location: loc,
  });
}

/** Turns the temporal expressions of one property into LTL formulas over its predicates. */
export class LtlBuilder {
  readonly f = new LtlFactory();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  private readonly args = new Map<number, Arg>();
  private readonly levels = new WeakMap<object, Level>();

  constructor(
    private readonly c: Compiler,
    private readonly constCtx: Ctx,
    /** The property's name, for messages. */
    private readonly name: string,
  ) {}

  /** Whether `e` is a temporal formula (it uses [], <>, ~>, WF or SF, maybe through definitions). */
  isTemporal(e: Expr, sc: Scope): boolean {
    return this.level(e, sc) === Level.Temporal;
  }

  /** The LTL formula `e` stands for. */
  formula(e: Expr, sc: Scope, env: Env): Ltl {
    const f = this.f;
    const lv = this.level(e, sc);
    if (lv < Level.Temporal) return this.predicate(e, sc, env, lv);
    switch (e.k) {
      case 'and':
        return f.and(e.items.map((x) => this.formula(x, sc, env)));
      case 'or':
        return f.or(e.items.map((x) => this.formula(x, sc, env)));
      case 'always': {
        if (
          this.level(e.expr, sc) === Level.Action &&
          !(e.expr.k === 'actionBox' && e.expr.stutter)
        )
          refuse(e.loc, `PROPERTY ${this.name}: [] followed by action not of form [A]_v.`);
        return f.always(this.formula(e.expr, sc, env));
      }
      case 'eventually': {
        if (
          this.level(e.expr, sc) === Level.Action &&
          !(e.expr.k === 'actionBox' && !e.expr.stutter)
        )
          refuse(e.loc, `PROPERTY ${this.name}: <> followed by action not of form <<A>>_v.`);
        return f.eventually(this.formula(e.expr, sc, env));
      }
      case 'leadsTo': {
        // P ~> Q == [](P => <>Q)
        const p = this.formula(e.lhs, sc, env);
        const q = this.formula(e.rhs, sc, env);
        return f.always(f.or([f.not(p), f.eventually(q)]));
      }
      case 'fair':
        return this.fairness(e, sc, env);
      case 'if': {
        const c = this.constant(e.cond, sc, env);
        if (c !== undefined) return this.formula(c ? e.then : e.else, sc, env);
        const cond = this.formula(e.cond, sc, env);
        return f.or([
          f.and([cond, this.formula(e.then, sc, env)]),
          f.and([f.not(cond), this.formula(e.else, sc, env)]),
        ]);
      }
      case 'case': {
        const guards = e.arms.map((a) => this.formula(a.guard, sc, env));
        const arms = e.arms.map((a, i) => f.and([guards[i], this.formula(a.body, sc, env)]));
        if (e.other)
          arms.push(f.and([...guards.map((g) => f.not(g)), this.formula(e.other, sc, env)]));
        return f.or(arms);
      }
      case 'let': {
        const { scope, enter } = this.c.letBindings(e.defs, sc);
        return this.formula(e.body, scope, enter(env));
      }
      case 'quant': {
        const b = this.c.bounds(e.bounds, sc);
        const items: Ltl[] = [];
        b.each(env, this.constCtx, (env2) => {
          items.push(this.formula(e.body, b.scope, env2));
          return false;
        });
        return e.q === 'A' ? f.and(items) : f.or(items);
      }
      case 'apply':
        if (e.name === '$lnot' && e.args.length === 1)
          return f.not(this.formula(e.args[0], sc, env));
        if (e.name === '$implies' && e.args.length === 2)
          return f.or([f.not(this.formula(e.args[0], sc, env)), this.formula(e.args[1], sc, env)]);
        if (e.name === '$equiv' && e.args.length === 2) {
          const a = this.formula(e.args[0], sc, env);
          const b = this.formula(e.args[1], sc, env);
          return f.or([f.and([a, b]), f.and([f.not(a), f.not(b)])]);
        }
        return this.definition(e, e.args, sc, env);
      case 'ident':
        return this.definition(e, [], sc, env);
      case 'prefixed': {
        const r = this.c.resolvePrefixed(e, sc);
        let env2 = env;
        for (const b of r.binders) env2 = b(env2, env, this.constCtx);
        const last = e.steps[e.steps.length - 1];
        if (r.def.kind !== 'op') return this.unsupported(e);
        return this.expand(r.def, last.args, r.scope, env2, env);
      }
      case 'uquant':
        return refuse(
          e.loc,
          `PROPERTY ${this.name}: TLC does not check temporal quantification (\\AA, \\EE, or \\A, \\E over no set)`,
        );
      default:
        return this.unsupported(e);
    }
  }

  /** A form the tableau does not take yet (the parity runner counts it as unsupported). */
  private unsupported(e: Expr): never {
    return refuse(
      e.loc,
      `PROPERTY ${this.name}: this engine does not check this temporal formula yet`,
    );
  }

  /** `Op` or `Op(args)` whose body is temporal: its body, with the arguments bound. */
  private definition(e: Expr & { loc: Loc }, args: Expr[], sc: Scope, env: Env): Ltl {
    const name = (e as { name: string }).name;
    const local = sc.findLocal(name);
    if (local) {
      const arg = this.args.get(local.slot);
      if (arg && args.length === 0) return this.formula(arg.e, arg.sc, arg.env);
      if (local.def) return this.expand(local.def, args, sc, env, env);
      return this.unsupported(e);
    }
    const d = sc.inst.defs.get(name);
    if (d && d.kind === 'op') return this.expand(d, args, sc, env, env);
    if (d && d.kind === 'subst') return this.formula(d.expr, d.scope, env);
    return this.unsupported(e);
  }

  /**
   * The body of `d` applied to `args` (written in `sc`, evaluated in `argEnv`), in `env`.
   * Arguments are bound as the compiler binds them, by name, so predicates in the body
   * evaluate them where they are used; a parameter used as a temporal formula is expanded
   * from the argument itself.
   */
  private expand(d: OpDef, args: Expr[], sc: Scope, env: Env, argEnv: Env): Ltl {
    if (d.params.length !== args.length)
      return refuse(
        d.loc,
        `PROPERTY ${this.name}: ${d.name} takes ${d.params.length} arguments, not ${args.length}`,
      );
    let env2 = env;
    const saved: Array<[number, Arg | undefined]> = [];
    d.params.forEach((p, i) => {
      const slot = d.paramSlots[i];
      env2 = bind(env2, slot, this.c.binder(args[i], sc, p.arity)(argEnv, this.constCtx));
      saved.push([slot, this.args.get(slot)]);
      this.args.set(slot, { e: args[i], sc, env: argEnv });
    });
    try {
      return this.formula(d.body, this.c.bodyScope(d), env2);
    } finally {
      for (const [slot, arg] of saved.reverse()) {
        if (arg) this.args.set(slot, arg);
        else this.args.delete(slot);
      }
    }
  }

  /** WF_v(A) == []<>(~ENABLED <<A>>_v \/ <<A>>_v);  SF_v(A) == <>[]~ENABLED <<A>>_v \/ []<><<A>>_v. */
  private fairness(e: Expr & { k: 'fair' }, sc: Scope, env: Env): Ltl {
    const f = this.f;
    const step: Expr = { k: 'actionBox', action: e.action, sub: e.sub, stutter: false, loc: e.loc };
    const taken = this.predicate(step, sc, env, Level.Action);
    const enabled = this.predicate({ k: 'enabled', expr: step, loc: e.loc }, sc, env, Level.State);
    if (!e.strong) return f.always(f.eventually(f.or([f.not(enabled), taken])));
    return f.or([f.eventually(f.always(f.not(enabled))), f.always(f.eventually(taken))]);
  }

  /** A state or action predicate; a constant one is evaluated now. */
  private predicate(e: Expr, sc: Scope, env: Env, lv: Level): Ltl {
    if (lv === Level.Constant) {
      const v = this.constant(e, sc, env);
      if (v !== undefined) return this.f.bool(v);
    }
    return this.f.atom({
      key: `${this.id(e)}@${this.id(env ?? this)}`,
      pred: { onStep: lv === Level.Action, fn: this.c.expr(e, sc), env },
      loc: e.loc,
    });
  }

  /** The value of a constant boolean expression, or undefined when it is not one. */
  private constant(e: Expr, sc: Scope, env: Env): boolean | undefined {
    if (this.level(e, sc) !== Level.Constant) return undefined;
    try {
      const v = this.c.expr(e, sc)(env, this.constCtx);
      return typeof v === 'boolean' ? v : undefined;
    } catch (err) {
      if (err instanceof EvalError) return undefined; // evaluated with the states, where it fails as TLC fails
      throw err;
    }
  }

  private id(o: object): number {
    let n = this.ids.get(o);
    if (n === undefined) this.ids.set(o, (n = this.nextId++));
    return n;
  }

  /** TLA+'s level of `e`, following definitions, instance substitutions and arguments. */
  level(e: Expr, sc: Scope): Level {
    switch (e.k) {
      case 'always':
      case 'eventually':
      case 'leadsTo':
      case 'fair':
      case 'uquant':
        return Level.Temporal;
      case 'prime':
      case 'unchanged':
      case 'actionBox':
        return Math.max(Level.Action, this.childLevel(e, sc)) as Level;
      case 'enabled':
        return Level.State;
      case 'ident':
      case 'apply': {
        const own = this.nameLevel(e.name, sc);
        return e.k === 'apply' ? (Math.max(own, this.childLevel(e, sc)) as Level) : own;
      }
      case 'prefixed': {
        const r = this.c.resolvePrefixed(e, sc);
        const args = e.steps.flatMap((s) => s.args).map((a) => this.level(a, sc));
        return Math.max(this.defLevel(r.def), ...args) as Level;
      }
      case 'let': {
        const { scope } = this.c.letBindings(e.defs, sc);
        return this.level(e.body, scope);
      }
      case 'quant':
      case 'setFilter':
      case 'setMap':
      case 'choose':
      case 'fcn': {
        // Bound names are constants as far as levels go (slot -1: no argument is bound there).
        const bounds = e.k === 'setFilter' || e.k === 'choose' ? [e.bound] : e.bounds;
        let inner = sc;
        for (const b of bounds) for (const n of b.names) inner = inner.with(n, -1);
        const body = e.k === 'setFilter' ? e.pred : e.k === 'setMap' ? e.expr : e.body;
        const sets = bounds.map((x) => (x.set ? this.level(x.set, sc) : Level.Constant));
        return Math.max(this.level(body, inner), ...sets) as Level;
      }
      default:
        return this.childLevel(e, sc);
    }
  }

  private childLevel(e: Expr, sc: Scope): Level {
    let lv: Level = Level.Constant;
    for (const x of childExprs(e)) lv = Math.max(lv, this.level(x, sc)) as Level;
    return lv;
  }

  private nameLevel(name: string, sc: Scope): Level {
    const local = sc.findLocal(name);
    if (local) {
      const arg = this.args.get(local.slot);
      if (arg) return this.level(arg.e, arg.sc);
      return local.def ? this.defLevel(local.def) : Level.Constant;
    }
    const d = sc.inst.defs.get(name);
    return d ? this.defLevel(d) : Level.Constant;
  }

  private defLevel(d: Def): Level {
    switch (d.kind) {
      case 'var':
        return Level.State;
      case 'native': // an impure one (TLCGet("level")) is read at run time, never folded
        return d.op.impure === true ? Level.State : Level.Constant;
      case 'const':
      case 'instance':
        return Level.Constant;
      case 'subst':
      case 'op':
      case 'fcn': {
        const hit = this.levels.get(d);
        if (hit !== undefined) return hit;
        this.levels.set(d, Level.Constant); // recursion: decided by the rest of the body
        // A definition's own level, whatever arguments an expansion in progress has bound.
        const args = new Map(this.args);
        this.args.clear();
        let lv: Level;
        try {
          lv =
            d.kind === 'subst'
              ? this.level(d.expr, d.scope)
              : d.kind === 'op'
                ? this.level(d.body, this.c.bodyScope(d))
                : this.level(d.body, d.scope);
        } finally {
          for (const [k, v] of args) this.args.set(k, v);
        }
        this.levels.set(d, lv);
        return lv;
      }
    }
  }
}
