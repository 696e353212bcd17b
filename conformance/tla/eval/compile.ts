/**
 * The expression compiler: resolves every name once and turns each expression into a closure
 * `(env, ctx) => Value`, so that checking a state never walks the syntax tree.
 *
 * Operator arguments are passed by name, as TLA+ defines them (a {@link Thunk} evaluated on
 * use); arguments that cannot fail or differ (literals, bound names, variables) are passed
 * evaluated. Errors carry the source ranges of the expressions they passed through.
 */
import { type Bound, type Expr, type Loc, childExprs } from '../syntax/ast.ts';
import { TlaSemanticError } from '../modules/loader.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { closestName } from '../diagnostics/suggest.ts';
import type { NativeOp } from '../modules/stdlib/native.ts';
import { EvalError } from '../values/errors.ts';
import { printValue } from '../values/print.ts';
import {
  FilterSet,
  LazyFcn,
  FcnSet,
  ProductSet,
  RecordSet,
  isDescribedSet,
} from '../values/sets.ts';
import {
  BOOLEAN_SET,
  EMPTY_SET,
  EnumSet,
  FcnLike,
  FcnValue,
  SetValue,
  carryDerived,
  memoKey,
  TupleValue,
  UnsortedSet,
  type Value,
  compare,
  equals,
  fcnFromSorted,
  kindName,
  setFromList,
  str,
} from '../values/value.ts';
import { STRING } from '../values/sets.ts';
import { PersistentSet, persistentExtremum } from '../values/pset.ts';
import { IndexKey, indexedBucket, indexedSubset } from '../values/pset-index.ts';
import { VisibleSubset } from '../values/visible.ts';
import { type MaintainedKind, MaintainedSite } from './maintained.ts';
import { ApplicationMemo, applicationMemoOptions } from './memo.ts';
import type { BranchProbe } from './branches.ts';
import {
  SLICE_ENTRY,
  equalityPrefix,
  extremumPattern,
  mentionsName,
  negatedCondition,
  setLookups,
  slicePattern,
} from './patterns.ts';
import { KeyedSite } from './keyed.ts';
import { type SliceKind, SliceSite } from './slices.ts';
import {
  BINARY_BUILTINS,
  UNARY_BUILTINS,
  expectBool,
  expectSet,
  finiteElements,
  union as setUnion,
} from './builtins.ts';
import { compileAction, compileUnchanged, staticTarget } from './actions.ts';
import { selectedDefinition } from './subexpression.ts';
import {
  type ActFn,
  type ActionMode,
  type Binding,
  type Compiled,
  Ctx,
  type Env,
  type Fn,
  OpClosure,
  type Runtime,
  type Target,
  Thunk,
  bind,
  lookup,
  valueOf,
} from './runtime.ts';
import {
  type Def,
  type FcnDef,
  type InstanceDef,
  type Local,
  type NamespaceBuilder,
  type OpDef,
  Scope,
  type SubstDef,
  definedAs,
  makeInstanceDef,
  makeOpDef,
  newSlot,
} from './scope.ts';

/**
 * Marks a set TLC will fail to sort with the expression that built it: the error surfaces later
 * (when a state holding the set is fingerprinted, say), and then names this place.
 */
function builtAt(v: Value, loc: Loc): Value {
  if (v instanceof UnsortedSet && v.origin === undefined) v.origin = loc;
  return v;
}

/** Adds `loc` to the trail of any evaluation error passing through `fn`. */
export function traced(fn: Fn, loc: Loc): Fn {
  return (env, ctx) => {
    try {
      return fn(env, ctx);
    } catch (e) {
      if (e instanceof EvalError) e.addFrame(loc);
      throw e;
    }
  };
}

function semantic(loc: Loc, detail: string, code?: DiagnosticCode, hint?: string): never {
  throw new TlaSemanticError(loc, detail, code, hint);
}

/** Where an identifier points after resolution. */
export type Resolved =
  { k: 'local'; local: Local } | { k: 'def'; def: Def } | { k: 'builtin'; name: string };

const BUILTIN_CONSTANTS = new Set(['BOOLEAN', 'STRING']);

/** Compiles expressions of one specification (all its modules share one compiler). */
export class Compiler {
  /** Slot of `@` inside EXCEPT updates. */
  readonly atSlot = newSlot();

  /**
   * Set before compiling to record the arms of branch points taken (see `branches.ts`); it also
   * turns off memoising operator applications, which would skip the branches inside them.
   */
  probe: BranchProbe | undefined;

  constructor(
    readonly ns: NamespaceBuilder,
    readonly varNames: readonly string[],
  ) {}

  resolve(name: string, sc: Scope, loc: Loc, text = name): Resolved {
    const local = sc.findLocal(name);
    if (local) return { k: 'local', local };
    const def = sc.inst.defs.get(name);
    if (def) return { k: 'def', def };
    if (
      BUILTIN_CONSTANTS.has(name) ||
      name === '$implies' ||
      name in BINARY_BUILTINS ||
      name in UNARY_BUILTINS
    ) {
      return { k: 'builtin', name };
    }
    if (name.startsWith('$'))
      return semantic(loc, `unknown operator '${text}'${hintFor(name)}`, 'TLA201');
    return semantic(
      loc,
      `unknown identifier '${name}'${hintFor(name)}`,
      'TLA201',
      unknownNameHint(name, sc),
    );
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
  // Level analysis: does an expression (through the definitions it uses) read the state?

  private readonly stateMemo = new WeakMap<object, boolean>();

  /**
   * Whether `e` mentions variables (`what = 'state'`), primed expressions (`'prime'`), or
   * operators with effects or hidden inputs such as Print and TLCGet (`'impure'`).
   */
  mentions(e: Expr, sc: Scope, what: 'state' | 'prime' | 'impure'): boolean {
    const visit = (x: Expr, s: Scope): boolean => {
      switch (x.k) {
        case 'prime':
          return what !== 'impure';
        case 'enabled':
        case 'unchanged':
          if (what === 'impure') break;
          return what === 'state' ? true : x.k === 'unchanged';
        case 'ident':
        case 'apply':
          if (s.findLocal(x.name) === undefined) {
            const d = s.inst.defs.get(x.name);
            if (d && this.defMentions(d, what)) return true;
          }
          break;
        case 'prefixed':
          return true; // instance operators: assume the worst (no caching through them)
      }
      return childExprs(x).some((c) => visit(c, s));
    };
    return visit(e, sc);
  }

  private defMentions(d: Def, what: 'state' | 'prime' | 'impure'): boolean {
    switch (d.kind) {
      case 'var':
        return what === 'state';
      case 'native':
        return d.op.impure === true && what !== 'prime';
      case 'const':
      case 'instance':
        return false;
      case 'subst':
      case 'op':
      case 'fcn': {
        const keys = d as { primeKey?: object; impureKey?: object };
        const memoKey =
          what === 'state'
            ? (d as object)
            : what === 'prime'
              ? (keys.primeKey ??= {})
              : (keys.impureKey ??= {});
        const hit = this.stateMemo.get(memoKey);
        if (hit !== undefined) return hit;
        this.stateMemo.set(memoKey, false); // recursion: assume constant while looking
        const body = d.kind === 'subst' ? d.expr : d.body;
        const r = this.mentions(body, d.scope, what);
        this.stateMemo.set(memoKey, r);
        return r;
      }
    }
  }

  private readonly readsMemo = new WeakMap<object, ReadonlySet<number> | null | 'visiting'>();

  /**
   * The state variables a state-level definition's value depends on, through every definition
   * it uses; undefined when that cannot be known for sure (primes, ENABLED, UNCHANGED,
   * instance operators, impure natives such as TLCGet, recursion).
   */
  variablesRead(d: Def): ReadonlySet<number> | undefined {
    const hit = this.readsMemo.get(d);
    if (hit === 'visiting') return undefined; // recursion: give up rather than under-count
    if (hit !== undefined) return hit ?? undefined;
    this.readsMemo.set(d, 'visiting');
    let reads: Set<number> | undefined;
    switch (d.kind) {
      case 'var':
        reads = new Set([d.index]);
        break;
      case 'const':
      case 'instance':
        reads = new Set();
        break;
      case 'native':
        reads = d.op.impure ? undefined : new Set();
        break;
      case 'op':
      case 'fcn':
        reads = this.exprReads(d.body, d.scope);
        if (d.kind === 'fcn')
          for (const b of d.bounds)
            if (reads && b.set !== undefined) reads = union(reads, this.exprReads(b.set, d.scope));
        break;
      case 'subst':
        reads = this.exprReads(d.expr, d.scope);
        break;
    }
    this.readsMemo.set(d, reads ?? null);
    return reads;
  }

  /**
   * What a zero-arity definition's body reads directly: the variables it names (and those that
   * definitions with arguments it calls read) and the zero-arity state-level definitions it
   * names. Its value is a function of their values, which change less often than the variables
   * beneath them: `Nontriviality == chosen \\subseteq Proposed` changes only when `chosen` or
   * `Proposed` does, not at every message. Undefined when that cannot be known for sure.
   */
  private directOperands(d: OpDef): { vars: number[]; defs: OpDef[] } | undefined {
    const vars = new Set<number>();
    const defs = new Set<OpDef>();
    const known = this.everyDefinitionNamed(d.body, d.scope, (def) => {
      if (def.kind === 'const') return true;
      if (def.kind === 'var') vars.add(def.index);
      else if (def.kind === 'op' && this.isConstantDef(def)) return true;
      else if (def.kind === 'op' && def.params.length === 0) defs.add(def);
      else {
        const inner = this.variablesRead(def);
        if (inner === undefined) return false;
        for (const i of inner) vars.add(i);
      }
      return true;
    });
    return known ? { vars: [...vars], defs: [...defs] } : undefined;
  }

  private exprReads(e: Expr, sc: Scope): Set<number> | undefined {
    const reads = new Set<number>();
    const known = this.everyDefinitionNamed(e, sc, (def) => {
      const inner = this.variablesRead(def);
      if (inner === undefined) return false;
      for (const i of inner) reads.add(i);
      return true;
    });
    return known ? reads : undefined;
  }

  /**
   * Calls `visit` on each definition `e` names (not bound names); false as soon as `visit` is,
   * or when `e` primes, uses ENABLED or UNCHANGED, or names an instance's operator (what those
   * read is not followed). A bound name may also name a definition; skipping only those names
   * that are bound where they occur would count more, which only over-counts.
   */
  private everyDefinitionNamed(e: Expr, sc: Scope, visit: (d: Def) => boolean): boolean {
    const walk = (x: Expr): boolean => {
      switch (x.k) {
        case 'prime':
        case 'enabled':
        case 'unchanged':
        case 'prefixed':
          return false;
        case 'ident':
        case 'apply':
          if (sc.findLocal(x.name) === undefined) {
            const d = sc.inst.defs.get(x.name);
            if (d && !visit(d)) return false;
          }
          break;
      }
      return childExprs(x).every(walk);
    };
    return walk(e);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions.

  expr(e: Expr, sc: Scope): Fn {
    if ((e.k === 'fcn' || e.k === 'setMap' || e.k === 'setFilter') && this.constantHere(e, sc)) {
      return evaluatedOnce(this.compound(e, sc));
    }
    return this.compound(e, sc);
  }

  /**
   * Whether `e` has the same value wherever it is evaluated: it reads no state, no name bound
   * around it and nothing impure. Such a function or set (`[q \in Seqs |-> None]` in an action)
   * is built once, not on every evaluation; not while branches are counted, which would then
   * count one evaluation.
   */
  private constantHere(e: Expr, sc: Scope): boolean {
    if (this.probe || sc.inst.parameterized) return false;
    for (let l = sc.locals; l !== null; l = l.up) if (mentionsName(e, l.name)) return false;
    return !this.mentions(e, sc, 'state') && !this.mentions(e, sc, 'impure');
  }

  private compound(e: Expr, sc: Scope): Fn {
    switch (e.k) {
      case 'num':
      case 'bool': {
        const v = e.value;
        return () => v;
      }
      case 'str': {
        const v = str(e.value);
        return () => v;
      }
      case 'ident':
        return this.ident(e.name, sc, e.loc);
      case 'apply':
        return traced(this.apply(e.name, e.text, e.args, sc, e.loc), e.loc);
      case 'prefixed':
        return traced(this.prefixed(e, sc), e.loc);
      case 'and':
        return this.junction(e.items, sc, true);
      case 'or':
        return this.junction(e.items, sc, false);
      case 'if': {
        const c = this.expr(e.cond, sc),
          t = this.expr(e.then, sc),
          f = this.expr(e.else, sc);
        const probe = this.probe;
        if (probe) {
          const site = probe.site(e);
          return (env, ctx) => {
            const taken = expectBool(c(env, ctx), () => 'The condition of IF');
            probe.take(site, taken ? 0 : 1);
            return taken ? t(env, ctx) : f(env, ctx);
          };
        }
        return (env, ctx) =>
          expectBool(c(env, ctx), () => 'The condition of IF') ? t(env, ctx) : f(env, ctx);
      }
      case 'case': {
        const arms = e.arms.map((a) => ({ g: this.expr(a.guard, sc), b: this.expr(a.body, sc) }));
        const other = e.other ? this.expr(e.other, sc) : undefined;
        const loc = e.loc;
        const probe = this.probe;
        const site = probe?.site(e);
        return (env, ctx) => {
          for (let i = 0; i < arms.length; i++)
            if (expectBool(arms[i].g(env, ctx), () => 'A CASE guard')) {
              probe?.take(site!, i);
              return arms[i].b(env, ctx);
            }
          if (other) {
            probe?.take(site!, arms.length);
            return other(env, ctx);
          }
          throw new EvalError('Attempted to evaluate a CASE with no conditions true.').addFrame(
            loc,
          );
        };
      }
      case 'let': {
        const { scope, enter } = this.letBindings(e.defs, sc);
        const body = this.expr(e.body, scope);
        return (env, ctx) => body(enter(env), ctx);
      }
      case 'quant':
        return this.quantifier(e.q, e.bounds, e.body, sc);
      case 'uquant':
        return () => {
          throw new EvalError(
            `TLC cannot evaluate the unbounded quantifier \\${e.q} ${e.names.join(', ')} : ...; write \\${e.q} ${e.names[0]} \\in S : ...`,
          )
            .explain({
              code: 'TLA406',
              summary: `the quantifier \\${e.q} ${e.names.join(', ')} has no set to range over`,
              hint: `a model checker can only try the elements of a finite set: write \\${e.q} ${e.names[0]} \\in S : ... with S the values ${e.names[0]} may take`,
            })
            .addFrame(e.loc);
        };
      case 'choose':
        return this.choose(e.bound, e.body, sc, e.loc);
      case 'setEnum': {
        const elems = e.elems.map((x) => this.expr(x, sc));
        if (elems.length === 0) return () => EMPTY_SET;
        return (env, ctx) => builtAt(setFromList(elems.map((f) => f(env, ctx))), e.loc);
      }
      case 'setFilter':
        return this.setFilter(e.bound, e.pred, sc);
      case 'setMap': {
        const b = this.bounds(e.bounds, sc);
        const body = this.expr(e.expr, b.scope);
        const fast =
          e.bounds.length === 1
            ? this.fastPaths('map', e.bounds[0], e.expr, undefined, sc, b, body, undefined)
            : undefined;
        if (fast !== undefined) {
          const set = b.sets[0];
          return (env, ctx) => {
            const s = set(env, ctx);
            const r = s instanceof SetValue ? fast(env, ctx, s) : undefined;
            if (r !== undefined) return r;
            const out: Value[] = [];
            b.eachIn(env, [s], (env2) => {
              out.push(body(env2, ctx));
              return false;
            });
            return builtAt(setFromList(out), e.loc);
          };
        }
        return (env, ctx) => {
          const out: Value[] = [];
          b.each(env, ctx, (env2) => {
            out.push(body(env2, ctx));
            return false;
          });
          return builtAt(setFromList(out), e.loc);
        };
      }
      case 'tuple': {
        const elems = e.elems.map((x) => this.expr(x, sc));
        return (env, ctx) => new TupleValue(elems.map((f) => f(env, ctx)));
      }
      case 'record': {
        // Sort the fields once here, so that building a record is just evaluating its values.
        const fields = e.fields
          .map((f) => ({ name: str(f.name), value: this.expr(f.value, sc) }))
          .sort((a, b) => compare(a.name, b.name));
        const names = fields.map((f) => f.name);
        if (new Set(names).size !== names.length)
          return semantic(e.loc, 'a record lists the same field twice');
        const vals = fields.map((f) => f.value);
        return (env, ctx) =>
          new FcnValue(
            names,
            vals.map((f) => f(env, ctx)),
            true,
          );
      }
      case 'recordSet': {
        const fields = e.fields
          .map((f) => ({ name: str(f.name), set: this.expr(f.set, sc) }))
          .sort((a, b) => compare(a.name, b.name));
        return (env, ctx) =>
          new RecordSet(
            fields.map((f) => f.name),
            fields.map((f) => this.setValue(f.set(env, ctx), `The set of field ${f.name.text}`)),
          );
      }
      case 'fcnSet': {
        const d = this.expr(e.dom, sc),
          r = this.expr(e.rng, sc);
        return (env, ctx) =>
          new FcnSet(
            this.setValue(d(env, ctx), 'The domain of [S -> T]'),
            this.setValue(r(env, ctx), 'The range of [S -> T]'),
          );
      }
      case 'product': {
        const sets = e.sets.map((x) => this.expr(x, sc));
        return (env, ctx) =>
          new ProductSet(sets.map((f) => this.setValue(f(env, ctx), 'An operand of \\X')));
      }
      case 'fcn':
        return this.fcnConstructor(e.bounds, e.body, sc);
      case 'fcnApp': {
        const f = this.expr(e.fn, sc);
        const args = e.args.map((a) => this.expr(a, sc));
        const one = args.length === 1 ? args[0] : undefined;
        return traced((env, ctx) => {
          const fv = f(env, ctx);
          const arg = one ? one(env, ctx) : new TupleValue(args.map((a) => a(env, ctx)));
          if (fv instanceof FcnLike) return fv.apply(arg);
          throw new EvalError(
            `Attempted to apply a non-function:\n${printValue(fv)}\nto the argument ${printValue(arg)}.`,
            'type',
          ).explain({
            summary: `f[x] applied to ${kindName(fv)} ${printValue(fv)}, which is not a function`,
            values: [
              { name: 'applied value', value: printValue(fv) },
              { name: 'argument', value: printValue(arg) },
            ],
          });
        }, e.loc);
      }
      case 'dot': {
        const r = this.expr(e.rec, sc);
        const field = str(e.field);
        return traced((env, ctx) => {
          const rv = r(env, ctx);
          if (rv instanceof FcnLike && rv.inDomain(field)) return rv.apply(field);
          throw new EvalError(
            `Attempted to access field ${e.field} of a value that has no such field:\n${printValue(rv)}`,
            'domain',
          ).explain({
            summary: `the value has no field ${e.field}`,
            values: [{ name: 'value', value: printValue(rv) }],
          });
        }, e.loc);
      }
      case 'except':
        return this.except(e, sc);
      case 'at': {
        const local = sc.findLocal('@');
        if (!local) return semantic(e.loc, '@ may only be used on the right of an EXCEPT update');
        const slot = local.slot;
        return (env) => lookup(env, slot) as Value;
      }
      case 'prime':
        return this.prime(e.expr, sc, e.loc);
      case 'unchanged': {
        const now = this.expr(e.expr, sc);
        return (env, ctx) => {
          if (!ctx.nxt) throw new EvalError('UNCHANGED used outside an action').addFrame(e.loc);
          return equals(now(env, ctx), now(env, new Ctx(ctx.nxt, null, ctx.rt)));
        };
      }
      case 'enabled': {
        const nvars = this.varNames.length;
        let act: ActFn | undefined;
        return (env, ctx) => {
          act ??= compileAction(this, e.expr, sc, 'next');
          if (!ctx.cur) throw new EvalError('ENABLED evaluated without a state').addFrame(e.loc);
          const probe = new Ctx(ctx.cur, new Array(nvars).fill(undefined), ctx.rt);
          return act(env, probe, () => true);
        };
      }
      case 'actionBox': {
        const a = this.expr(e.action, sc);
        const same = this.expr({ k: 'unchanged', expr: e.sub, loc: e.loc }, sc);
        return e.stutter
          ? (env, ctx) => expectBool(a(env, ctx), () => 'An action') || (same(env, ctx) as boolean)
          : (env, ctx) =>
              expectBool(a(env, ctx), () => 'An action') && !(same(env, ctx) as boolean);
      }
      case 'always':
      case 'eventually':
      case 'leadsTo':
      case 'fair':
        return () => {
          throw new EvalError('A temporal formula cannot be evaluated as a value here.').addFrame(
            e.loc,
          );
        };
      case 'lambda':
        return semantic(e.loc, 'LAMBDA may only appear as an argument of an operator');
      case 'opsym':
        return semantic(
          e.loc,
          `the operator ${e.text} may only appear as an argument of an operator`,
        );
    }
  }

  /** The value `v` as a set, or TLC's type error naming `what`. */
  setValue(v: Value, what: string): SetValue {
    if (v instanceof SetValue) return v;
    throw new EvalError(`${what} should be a set, but instead it is:\n${printValue(v)}`, 'type');
  }

  private junction(items: Expr[], sc: Scope, isAnd: boolean): Fn {
    const fns = items.map((x) => this.expr(x, sc));
    const locs = items.map((x) => x.loc);
    const what = isAnd ? 'A conjunct' : 'A disjunct';
    return (env, ctx) => {
      for (let i = 0; i < fns.length; i++) {
        const v = fns[i](env, ctx);
        if (typeof v !== 'boolean') {
          throw new EvalError(
            `${what} should be a boolean, but instead it is:\n${printValue(v)}`,
            'type',
          ).addFrame(locs[i]);
        }
        if (v !== isAnd) return v;
      }
      return isAnd;
    };
  }

  // -------------------------------------------------------------------------------------------
  // Names.

  ident(name: string, sc: Scope, loc: Loc): Fn {
    const r = this.resolve(name, sc, loc);
    if (r.k === 'builtin') {
      if (name === 'BOOLEAN') return () => BOOLEAN_SET;
      if (name === 'STRING') return () => STRING;
      return semantic(loc, `the operator ${name} needs arguments`, 'TLA202');
    }
    if (r.k === 'local') {
      if (r.local.arity > 0)
        return semantic(
          loc,
          `the operator ${name} takes ${r.local.arity} argument(s) but is used without any`,
          'TLA202',
        );
      const slot = r.local.slot;
      return (env, ctx) => valueOf(lookup(env, slot), ctx);
    }
    return this.defValue(r.def, [], sc, loc);
  }

  /** A reference to definition `d` applied to `args` (already arity-checked for locals). */
  defValue(d: Def, args: Expr[], sc: Scope, loc: Loc): Fn {
    switch (d.kind) {
      case 'var': {
        if (args.length > 0) return semantic(loc, `the variable ${d.name} is not an operator`);
        const i = d.index,
          name = d.name;
        return (_env, ctx) => {
          const cur = ctx.cur;
          if (cur === null)
            throw new EvalError(
              `The variable ${name} cannot be used in a constant expression.`,
            ).addFrame(loc);
          const v = cur[i];
          if (v === undefined) {
            throw new EvalError(
              `The variable ${name} has no value yet: it is read before it is assigned.`,
              'unspecified',
            ).addFrame(loc);
          }
          return v;
        };
      }
      case 'const': {
        if (d.arity !== args.length)
          return semantic(
            loc,
            `the constant ${d.name} takes ${d.arity} argument(s), but is given ${args.length}`,
            'TLA202',
          );
        if (d.arity > 0)
          return semantic(
            loc,
            `the operator constant ${d.name} has no definition: replace it in the cfg with ${d.name} <- SomeOperator`,
          );
        const name = d.name;
        return () => {
          if (d.value === undefined)
            throw new EvalError(
              `The constant ${name} has no value: give it one in the cfg (CONSTANT ${name} = ...).`,
            ).addFrame(loc);
          return d.value;
        };
      }
      case 'native':
        return this.native(d.op, args, sc, loc);
      case 'op':
        return this.callDef(d, args, sc, loc);
      case 'fcn': {
        if (args.length > 0)
          return semantic(loc, `${d.name} is a function: write ${d.name}[...], not ${d.name}(...)`);
        return this.fcnDefValue(d);
      }
      case 'subst':
        return this.substValue(d, args, sc, loc);
      case 'instance':
        return semantic(loc, `${d.name} is a module instance: use ${d.name}!Op`);
    }
  }

  private substValue(d: SubstDef, args: Expr[], sc: Scope, _loc: Loc): Fn {
    if (args.length === 0) {
      let fn: Fn | undefined;
      return (env, ctx) => (fn ??= this.expr(d.expr, d.scope))(env, ctx);
    }
    // An operator constant replaced by an operator: call the replacement.
    const op = this.opArgument(d.expr, d.scope, args.length);
    const binders = args.map((a) => this.binder(a, sc, 0));
    return (env, ctx) =>
      op(env, ctx).apply(
        binders.map((b) => b(env, ctx)),
        ctx,
      );
  }

  /** Applies the operator `name` (user, local, native or builtin) to `args`. */
  apply(name: string, text: string, args: Expr[], sc: Scope, loc: Loc): Fn {
    const r = this.resolve(name, sc, loc, text);
    if (r.k === 'local') {
      if (r.local.arity !== args.length)
        return semantic(loc, arityMessage(text, r.local.arity, args.length), 'TLA202');
      const slot = r.local.slot;
      const binders = args.map((a) => this.binder(a, sc, 0));
      return (env, ctx) => {
        const op = lookup(env, slot) as OpClosure;
        return op.apply(
          binders.map((b) => b(env, ctx)),
          ctx,
        );
      };
    }
    if (r.k === 'def') return this.defValue(r.def, args, sc, loc);
    return this.builtin(name, text, args, sc, loc);
  }

  private builtin(name: string, text: string, args: Expr[], sc: Scope, loc: Loc): Fn {
    const fns = args.map((a) => this.expr(a, sc));
    if (name === '$implies') {
      if (args.length !== 2) return semantic(loc, arityMessage(text, 2, args.length), 'TLA202');
      const [a, b] = fns;
      return (env, ctx) =>
        !expectBool(a(env, ctx), () => 'The left side of =>') ||
        expectBool(b(env, ctx), () => 'The right side of =>');
    }
    if (name === '$cup' && args.length === 2) {
      // Union needs the runtime: the elements it inserts carry the runtime's insert tag.
      const [a, b] = fns;
      return (env, ctx) => {
        const x = a(env, ctx),
          y = b(env, ctx);
        const rt = ctx.rt;
        return setUnion(
          expectSet(x, text, 0),
          expectSet(y, text, 1),
          rt.insertTag,
          rt.persistentFrom,
        );
      };
    }
    const bin = BINARY_BUILTINS[name];
    if (bin) {
      if (args.length !== 2) return semantic(loc, arityMessage(text, 2, args.length), 'TLA202');
      const [a, b] = fns;
      return (env, ctx) => builtAt(bin(a(env, ctx), b(env, ctx), text), loc);
    }
    const un = UNARY_BUILTINS[name];
    if (un) {
      if (args.length !== 1) return semantic(loc, arityMessage(text, 1, args.length), 'TLA202');
      const [a] = fns;
      return (env, ctx) => builtAt(un(a(env, ctx), text), loc);
    }
    return semantic(loc, `unknown operator '${text}'${hintFor(name)}`, 'TLA201');
  }

  private native(op: NativeOp, args: Expr[], sc: Scope, loc: Loc): Fn {
    const text = op.text ?? op.name;
    if (op.arity !== args.length)
      return semantic(loc, arityMessage(text, op.arity, args.length), 'TLA202');
    const impl = op.impl;
    if (args.length === 0) {
      if (op.impure) return (_env, ctx) => impl([], ctx.rt);
      let cached: Value | undefined;
      return (_env, ctx) => (cached ??= impl([], ctx.rt));
    }
    const opArgs = op.opArgs ?? {};
    const parts = args.map((a, i) => {
      const arity = opArgs[i];
      if (arity === undefined) return { value: this.expr(a, sc) };
      return { op: this.opArgument(a, sc, arity) };
    });
    if (parts.every((p) => p.value)) {
      const fns = parts.map((p) => p.value!);
      if (fns.length === 1) {
        const [a] = fns;
        return (env, ctx) => impl([a(env, ctx)], ctx.rt);
      }
      if (fns.length === 2) {
        const [a, b] = fns;
        return (env, ctx) => impl([a(env, ctx), b(env, ctx)], ctx.rt);
      }
      return (env, ctx) =>
        impl(
          fns.map((f) => f(env, ctx)),
          ctx.rt,
        );
    }
    return (env, ctx) =>
      impl(
        parts.map((p) => {
          if (p.value) return p.value(env, ctx);
          const c = p.op!(env, ctx);
          c.ctx = ctx;
          return c;
        }),
        ctx.rt,
      );
  }

  /**
   * How to pass one argument: by value when evaluating it cannot fail or depend on when it is
   * evaluated, else by name.
   */
  binder(a: Expr, sc: Scope, arity: number): (env: Env, ctx: Ctx) => Binding {
    if (arity > 0) return this.opArgument(a, sc, arity);
    if (a.k === 'num' || a.k === 'bool' || a.k === 'str') {
      const v = a.k === 'str' ? str(a.value) : a.value;
      return () => v;
    }
    if (a.k === 'ident') {
      const local = sc.findLocal(a.name);
      if (local && local.arity === 0) {
        const slot = local.slot;
        return (env) => lookup(env, slot);
      }
    }
    const code = this.compiled(a, sc);
    return (env) => new Thunk(code, env);
  }

  /** An argument for an operator parameter of arity `arity`: a name, a LAMBDA or a symbol. */
  opArgument(a: Expr, sc: Scope, arity: number): (env: Env, ctx: Ctx) => OpClosure {
    if (a.k === 'lambda') {
      if (a.params.length !== arity)
        return semantic(
          a.loc,
          `this LAMBDA takes ${a.params.length} argument(s) where ${arity} are expected`,
        );
      const slots = a.params.map(() => newSlot());
      let inner = sc;
      a.params.forEach((p, i) => (inner = inner.with(p, slots[i])));
      const body = this.compiled(a.body, inner);
      return (env) =>
        new OpClosure(
          'LAMBDA',
          arity,
          (args, ctx) => body.value()(bindAll(env, slots, args), ctx),
          (args, ctx, k, mode) => body.action(mode)(bindAll(env, slots, args), ctx, k),
        );
    }
    if (a.k === 'opsym') {
      return this.namedOperator(a.name, a.text, sc, a.loc, arity);
    }
    if (a.k === 'ident') return this.namedOperator(a.name, a.name, sc, a.loc, arity);
    return semantic(
      a.loc,
      `expected an operator taking ${arity} argument(s) here (a name, a LAMBDA or an operator symbol)`,
    );
  }

  private namedOperator(
    name: string,
    text: string,
    sc: Scope,
    loc: Loc,
    arity: number,
  ): (env: Env, ctx: Ctx) => OpClosure {
    const r = this.resolve(name, sc, loc);
    if (r.k === 'local') {
      if (r.local.arity !== arity)
        return semantic(
          loc,
          `${text} takes ${r.local.arity} argument(s) where an operator of ${arity} is expected`,
        );
      const slot = r.local.slot;
      return (env) => lookup(env, slot) as OpClosure;
    }
    // Build a call of the operator on fresh parameters, so every kind of operator works alike.
    const slots = Array.from({ length: arity }, () => newSlot());
    let inner = sc;
    const params = slots.map((s, i) => {
      const pname = `$arg${s}_${i}`;
      inner = inner.with(pname, s);
      return { k: 'ident', name: pname, loc } as Expr;
    });
    const call: Expr = { k: 'apply', name, text, args: params, loc };
    const code = this.compiled(call, inner);
    return (env) =>
      new OpClosure(
        text,
        arity,
        (args, ctx) => code.value()(bindAll(env, slots, args), ctx),
        (args, ctx, k, mode) => code.action(mode)(bindAll(env, slots, args), ctx, k),
      );
  }

  /** Calls a user-defined operator. */
  callDef(d: OpDef, args: Expr[], sc: Scope, loc: Loc): Fn {
    if (d.params.length !== args.length)
      return semantic(
        loc,
        arityMessage(d.name, d.params.length, args.length),
        'TLA202',
        definedAs(d),
      );
    const body = () => this.bodyOf(d);
    if (args.length === 0) {
      if (!d.scope.inst.parameterized && this.isConstantDef(d)) {
        return (env, ctx) => {
          if (!d.cached) d.cached = { value: body()(null, ctx) };
          return d.cached.value;
        };
      }
      const passEnv = d.scope.inst.parameterized;
      const reads = passEnv ? undefined : this.variablesRead(d);
      if (reads !== undefined && !this.probe) {
        const operands = this.directOperands(d);
        if (operands !== undefined && operands.defs.length > 0)
          return memoOnOperands(
            operands.vars,
            operands.defs.map((o) => this.callDef(o, [], o.scope, loc)),
            body,
          );
        return memoOnVariables(reads, body);
      }
      return (env, ctx) => body()(passEnv ? env : null, ctx);
    }
    const binders = args.map((a, i) => this.binder(a, sc, d.params[i].arity));
    const slots = d.paramSlots;
    const passEnv = d.scope.inst.parameterized;
    const memo = this.applicationMemo(d, args, sc);
    if (memo !== undefined) {
      const compute = (ctx: Ctx) => (bound: Binding[]) => {
        let e: Env = null;
        for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], bound[i]);
        return body()(e, ctx);
      };
      return (env, ctx) =>
        memo.apply(
          binders.map((b) => b(env, ctx)),
          ctx,
          compute(ctx),
        );
    }
    return (env, ctx) => {
      let e: Env = passEnv ? env : null;
      for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], binders[i](env, ctx));
      return body()(e, ctx);
    };
  }

  private readonly memos = new WeakMap<OpDef, ApplicationMemo | null>();

  /**
   * The memo of `d`'s applications (see `memo.ts`), when remembering them cannot change
   * behaviour and may pay: the body loops over a set (directly or through what it calls), reads
   * the state only through unprimed variables and pure operators, takes no operator argument,
   * and this call's arguments have no effects.
   */
  private applicationMemo(d: OpDef, args: Expr[], sc: Scope): ApplicationMemo | undefined {
    if (!applicationMemoOptions.enabled || this.probe) return undefined;
    if (d.scope.inst.parameterized || d.params.some((p) => p.arity > 0)) return undefined;
    if (args.some((a) => this.mentions(a, sc, 'impure'))) return undefined;
    let memo = this.memos.get(d);
    if (memo === undefined) {
      // A definition that reads no variable is a function of its arguments alone, which are
      // usually built afresh for each call (a message set, a set of promises): no hits, only cost.
      const reads = this.loops(d) ? this.variablesRead(d) : undefined;
      memo = reads === undefined || reads.size === 0 ? null : new ApplicationMemo([...reads]);
      this.memos.set(d, memo);
    }
    return memo ?? undefined;
  }

  private readonly loopMemo = new WeakMap<Def, boolean>();

  /** Whether evaluating `d` iterates over a set (a quantifier, filter, map, CHOOSE, function). */
  private loops(d: Def): boolean {
    if (d.kind !== 'op' && d.kind !== 'fcn') return false;
    const hit = this.loopMemo.get(d);
    if (hit !== undefined) return hit;
    this.loopMemo.set(d, false); // recursion: decided by the rest of the body
    const visit = (x: Expr): boolean => {
      switch (x.k) {
        case 'quant':
        case 'setFilter':
        case 'setMap':
        case 'choose':
        case 'fcn':
          return true;
        case 'ident':
        case 'apply':
          if (d.scope.findLocal(x.name) === undefined) {
            const inner = d.scope.inst.defs.get(x.name);
            if (inner && this.loops(inner)) return true;
          }
      }
      return childExprs(x).some(visit);
    };
    const r = d.kind === 'fcn' || visit(d.body);
    this.loopMemo.set(d, r);
    return r;
  }

  /** The compiled body of a definition (compiled on first use). */
  bodyOf(d: OpDef): Fn {
    return (d.fn ??= traced(this.expr(d.body, this.bodyScope(d)), d.loc));
  }

  /** The scope of a definition's body: its own scope plus its parameters. */
  bodyScope(d: OpDef): Scope {
    let s = d.scope;
    d.params.forEach((p, i) => (s = s.with(p.name, d.paramSlots[i], p.arity)));
    return s;
  }

  private isConstantDef(d: OpDef | FcnDef): boolean {
    if (d.constantLevel === undefined)
      d.constantLevel = !this.mentions(d.body, d.scope, 'state') && !this.boundsMention(d);
    return d.constantLevel;
  }

  private boundsMention(d: OpDef | FcnDef): boolean {
    return (
      d.kind === 'fcn' &&
      d.bounds.some((b) => b.set !== undefined && this.mentions(b.set, d.scope, 'state'))
    );
  }

  /** The value of a function definition: a lazily computed, memoised function. */
  fcnDefValue(d: FcnDef): Fn {
    const self = newSlot();
    const b = this.bounds(d.bounds, d.scope.with(d.name, self));
    const domain = this.domainOf(d.bounds, d.scope);
    let body: Fn | undefined;
    const build: Fn = (env, ctx) => {
      const base = d.scope.inst.parameterized ? env : null;
      body ??= traced(this.expr(d.body, b.scope), d.loc);
      const bodyFn = body;
      const dom = domain(base, ctx);
      const lf: LazyFcn = new LazyFcn(dom, (arg) =>
        bodyFn(b.bindArg(bind(base, self, lf), arg), ctx),
      );
      return lf;
    };
    return (env, ctx) => {
      if (!d.scope.inst.parameterized && this.isConstantDef(d)) {
        if (!d.cached) d.cached = { value: build(null, ctx) };
        return d.cached.value;
      }
      return build(env, ctx);
    };
  }

  // -------------------------------------------------------------------------------------------
  // Instances.

  /** `M!Op(args)`, `M(p)!Op`, `M!N!Op`. */
  private prefixed(e: Expr & { k: 'prefixed' }, sc: Scope): Fn {
    const { def, binders, scope } = this.resolvePrefixed(e, sc);
    const last = e.steps[e.steps.length - 1];
    const call = this.defValue(def, last.args, scope, e.loc);
    if (binders.length === 0) return call;
    return (env, ctx) =>
      call(
        binders.reduce((acc, b) => b(acc, env, ctx), env),
        ctx,
      );
  }

  /**
   * Resolves the instance steps of a prefixed name. Returns the final definition, the
   * environment extensions that bind parameterised instances' parameters, and a scope in which
   * the final step's arguments are compiled.
   */
  resolvePrefixed(
    e: Expr & { k: 'prefixed' },
    sc: Scope,
  ): { def: Def; binders: Array<(acc: Env, env: Env, ctx: Ctx) => Env>; scope: Scope } {
    let inst = sc.inst;
    const binders: Array<(acc: Env, env: Env, ctx: Ctx) => Env> = [];
    for (let i = 0; i < e.steps.length - 1; i++) {
      const step = e.steps[i];
      const d =
        (i === 0 ? sc.findLocal(step.name)?.instance : undefined) ?? inst.defs.get(step.name);
      if (!d || d.kind !== 'instance')
        return semantic(
          e.loc,
          `${step.name} is not a module instance (in ${e.steps.map((s) => s.name).join('!')})`,
        );
      if (d.params.length !== step.args.length)
        return semantic(
          e.loc,
          arityMessage(step.name, d.params.length, step.args.length),
          'TLA202',
        );
      if (d.params.length > 0) {
        const argBinders = step.args.map((a, j) => this.binder(a, sc, d.params[j].arity));
        const slots = d.paramSlots;
        binders.push((acc, env, ctx) => {
          let out = acc;
          for (let j = 0; j < slots.length; j++) out = bind(out, slots[j], argBinders[j](env, ctx));
          return out;
        });
      }
      inst = this.ns.instanceOf(d as InstanceDef);
    }
    const lastName = e.steps[e.steps.length - 1].name;
    // `Op!1` where Op is a LET definition.
    const letDef = e.steps.length === 1 ? sc.findLocal(lastName)?.def : undefined;
    const def = letDef ?? inst.defs.get(lastName);
    // A module's own LOCAL definitions are visible to its subexpression names (`LocalInv!2`).
    if (!def || (e.steps.length > 1 && inst.localNames.has(lastName)))
      return semantic(e.loc, `module ${inst.name} has no (non-LOCAL) definition ${lastName}`);
    if (e.select === undefined) return { def, binders, scope: sc };
    if (def.kind !== 'op')
      return semantic(e.loc, `${lastName} is not an operator definition: nothing to select from`);
    return { def: selectedDefinition(def, e.select, e.loc), binders, scope: sc };
  }

  // -------------------------------------------------------------------------------------------
  // Binders: quantifiers, CHOOSE, set constructors, functions.

  /**
   * Compiles a list of bounds. `each` calls `visit` with the environment of every combination
   * (in TLC's order) until `visit` returns true; it returns whether it was stopped.
   */
  bounds(
    bounds: Bound[],
    sc: Scope,
  ): {
    scope: Scope;
    each: (env: Env, ctx: Ctx, visit: (env: Env) => boolean) => boolean;
    /** Like `each`, with the bounds' sets already evaluated (to `values`, in bound order). */
    eachIn: (env: Env, values: Value[], visit: (env: Env) => boolean) => boolean;
    bindArg: (env: Env, arg: Value) => Env;
    slots: number[][];
    /** The bounds' sets, compiled. */
    sets: Fn[];
  } {
    let scope = sc;
    const slots: number[][] = [];
    const sets: Fn[] = [];
    const tuple: boolean[] = [];
    for (const b of bounds) {
      if (!b.set) return semantic(b.loc, 'this bound needs a set: write x \\in S');
      sets.push(this.expr(b.set, sc));
      const s = b.names.map(() => newSlot());
      slots.push(s);
      tuple.push(b.tuple);
      b.names.forEach((n, i) => (scope = scope.with(n, s[i])));
    }
    const locs = bounds.map((b) => b.loc);
    const bindOne = (env: Env, k: number, j: number, v: Value): Env => {
      if (!tuple[k]) return bind(env, slots[k][j], v);
      return destructure(env, slots[k], v, locs[k]);
    };
    // Flatten to a list of (bound index, name index) positions to iterate.
    const positions: Array<[number, number]> = [];
    slots.forEach((s, k) => {
      if (tuple[k]) positions.push([k, 0]);
      else s.forEach((_, j) => positions.push([k, j]));
    });
    const each = (env: Env, ctx: Ctx, visit: (env: Env) => boolean): boolean =>
      eachIn(
        env,
        sets.map((f) => f(env, ctx)),
        visit,
      );
    const eachIn = (env: Env, values: Value[], visit: (env: Env) => boolean): boolean => {
      const lists = values.map((v, k) =>
        finiteElements(v, () => `The set in the bound at line ${locs[k].line}, col ${locs[k].col}`),
      );
      // TLC's enumerator varies the first bound name fastest: \E a \in S, b \in T visits
      // (s1, t1), (s2, t1), ... This order decides the counts printed when a run stops early.
      const rec = (p: number, e: Env): boolean => {
        if (p < 0) return visit(e);
        const [k, j] = positions[p];
        for (const v of lists[k]) if (rec(p - 1, bindOne(e, k, j, v))) return true;
        return false;
      };
      return rec(positions.length - 1, env);
    };
    // Binds a function argument (a tuple when there are several names) to the bound names.
    const names = positions.length;
    const bindArg = (env: Env, arg: Value): Env => {
      if (names === 1) {
        const [k, j] = positions[0];
        return bindOne(env, k, j, arg);
      }
      const t = arg instanceof FcnLike ? arg.explicit() : undefined;
      if (!(t instanceof TupleValue) || t.elems.length !== names) {
        throw new EvalError(
          `A function of ${names} arguments was applied to ${printValue(arg)}.`,
          'domain',
        );
      }
      let e = env;
      positions.forEach(([k, j], i) => (e = bindOne(e, k, j, t.elems[i])));
      return e;
    };
    return { scope, each, eachIn, bindArg, slots, sets };
  }

  /** The domain of `[x \in S, y \in T |-> e]`: S, or the product for several names. */
  private domainOf(bounds: Bound[], sc: Scope): (env: Env, ctx: Ctx) => SetValue {
    const parts: Array<{ set: Fn; count: number; tuple: boolean }> = bounds.map((b) => {
      if (!b.set) return semantic(b.loc, 'a function needs a bounded domain: write x \\in S');
      return { set: this.expr(b.set, sc), count: b.names.length, tuple: b.tuple };
    });
    return (env, ctx) => {
      const sets: SetValue[] = [];
      for (const p of parts) {
        const s = this.setValue(p.set(env, ctx), 'The domain of a function');
        for (let i = 0; i < (p.tuple ? 1 : p.count); i++) sets.push(s);
      }
      return sets.length === 1 ? sets[0] : new ProductSet(sets);
    };
  }

  private fcnConstructor(bounds: Bound[], body: Expr, sc: Scope): Fn {
    const b = this.bounds(bounds, sc);
    const domain = this.domainOf(bounds, sc);
    const f = this.expr(body, b.scope);
    return (env, ctx) => {
      const dom = domain(env, ctx);
      if (!dom.isFinite()) return new LazyFcn(dom, (arg) => f(b.bindArg(env, arg), ctx));
      const keys = dom.elements();
      const vals = keys.map((k) => f(b.bindArg(env, k), ctx));
      return fcnFromSorted(keys, vals);
    };
  }

  private quantifier(q: 'A' | 'E', bounds: Bound[], body: Expr, sc: Scope): Fn {
    const ordinary = this.ordinaryQuantifier(q, bounds, body, sc);
    const keyed = this.keyedFastPath(q, bounds, body, sc);
    if (keyed !== undefined) return (env, ctx) => keyed(env, ctx) ?? ordinary(env, ctx);
    const slice = this.sliceFastPath(q === 'E' ? 'exists' : 'all', bounds, body, sc);
    if (slice === undefined) return ordinary;
    return (env, ctx) => slice(env, ctx) ?? ordinary(env, ctx);
  }

  private ordinaryQuantifier(q: 'A' | 'E', bounds: Bound[], body: Expr, sc: Scope): Fn {
    const b = this.bounds(bounds, sc);
    const f = this.expr(body, b.scope);
    const what = () => `The body of \\${q}`;
    const fast =
      bounds.length === 1
        ? this.fastPaths(
            q === 'E' ? 'exists' : 'all',
            bounds[0],
            body,
            q === 'E' ? body : negatedCondition(body),
            sc,
            b,
            f,
            (env, ctx, bucket) => {
              for (const v of bucket)
                if (expectBool(f(b.bindArg(env, v), ctx), what) === (q === 'E')) return q === 'E';
              return q !== 'E';
            },
          )
        : undefined;
    if (fast !== undefined) {
      const set = b.sets[0];
      return (env, ctx) => {
        const s = set(env, ctx);
        const r = s instanceof SetValue ? fast(env, ctx, s) : undefined;
        if (r !== undefined) return r;
        const found = b.eachIn(env, [s], (e) => expectBool(f(e, ctx), what) === (q === 'E'));
        return q === 'E' ? found : !found;
      };
    }
    if (q === 'E') return (env, ctx) => b.each(env, ctx, (e) => expectBool(f(e, ctx), what));
    return (env, ctx) => !b.each(env, ctx, (e) => !expectBool(f(e, ctx), what));
  }

  /**
   * The fast path of a quantifier over a growing set whose body reads the set only through
   * lookups keyed by the element (see `keyed.ts`): the value, or undefined when the ordinary
   * evaluation must run.
   */
  private keyedFastPath(
    q: 'A' | 'E',
    bounds: Bound[],
    body: Expr,
    sc: Scope,
  ): ((env: Env, ctx: Ctx) => Value | undefined) | undefined {
    if (this.probe || bounds.length !== 1 || sc.inst.parameterized) return undefined;
    const bound = bounds[0];
    if (bound.tuple || bound.names.length !== 1 || !bound.set) return undefined;
    const pattern = setLookups(body, bound.names[0], bound.set);
    if (pattern === undefined) return undefined;
    for (let l = sc.locals; l !== null; l = l.up) {
      if (mentionsName(body, l.name) || mentionsName(bound.set, l.name)) return undefined;
    }
    if (!this.mentions(bound.set, sc, 'state') || this.mentions(bound.set, sc, 'prime')) {
      return undefined;
    }
    const b = this.bounds(bounds, sc);
    if (
      this.mentions(pattern.rest, b.scope, 'state') ||
      this.mentions(pattern.rest, b.scope, 'prime')
    )
      return undefined;
    const f = this.expr(body, b.scope);
    const lookups = pattern.lookups.map((l) => {
      const keys = l.values.map((v) => this.expr(v, b.scope));
      return {
        paths: l.paths,
        keys: (t: Value, ctx: Ctx) => keys.map((k) => k(b.bindArg(null, t), ctx)),
      };
    });
    const site = new KeyedSite(
      q === 'E' ? 'exists' : 'all',
      (t, env, ctx) => f(b.bindArg(env, t), ctx),
      lookups,
    );
    const set = b.sets[0];
    return (env, ctx) => {
      const s = set(env, ctx);
      return s instanceof PersistentSet ? site.valueOn(s, env, ctx) : undefined;
    };
  }

  /**
   * The fast paths of a comprehension over one bound name (see `maintained.ts` and
   * `values/pset-index.ts`): a result maintained on persistent sets when `body` reads only the
   * bound name and constants, else an index when `cond` opens with equalities on paths of the
   * bound name (`onBucket` then evaluates the comprehension on the matching elements, in
   * canonical order). The returned function gives the result for a set, or undefined when the
   * ordinary evaluation must run.
   */
  private fastPaths(
    kind: MaintainedKind,
    bound: Bound,
    body: Expr,
    cond: Expr | undefined,
    sc: Scope,
    b: { scope: Scope; bindArg: (env: Env, arg: Value) => Env },
    f: Fn,
    onBucket: ((env: Env, ctx: Ctx, bucket: readonly Value[]) => Value) | undefined,
  ): ((env: Env, ctx: Ctx, s: SetValue) => Value | undefined) | undefined {
    if (bound.tuple || bound.names.length !== 1) return undefined;
    const site = this.readsOnlyBound(body, b.scope, sc)
      ? new MaintainedSite(kind, (x, ctx) => f(b.bindArg(null, x), ctx))
      : undefined;
    const prefix = cond && onBucket ? equalityPrefix(cond, bound.names[0]) : undefined;
    const indexed =
      prefix && !prefix.values.some((v) => this.mentions(v, sc, 'impure'))
        ? { key: IndexKey.of(prefix.paths), values: prefix.values.map((v) => this.expr(v, sc)) }
        : undefined;
    if (site === undefined && indexed === undefined) return undefined;
    // A filter by equalities alone is the bucket itself, kept as a persistent set.
    const wholeBucket = kind === 'filter' && prefix?.whole === true;
    return (env, ctx, s) => {
      if (site !== undefined && s instanceof PersistentSet) {
        const r = site.valueOn(s, ctx.rt);
        if (r !== undefined) return r;
      }
      if (indexed === undefined) return undefined;
      const valueAt = (i: number) => indexed.values[i](env, ctx);
      if (wholeBucket && s instanceof PersistentSet) return indexedSubset(s, indexed.key, valueAt);
      if (s instanceof PersistentSet || s instanceof VisibleSubset) {
        const bucket = indexedBucket(s, indexed.key, valueAt);
        if (bucket !== undefined) return onBucket!(env, ctx, bucket);
      }
      return undefined;
    };
  }

  /**
   * Whether `body` (in `bodyScope`, one bound name added to `outer`) reads nothing that may
   * differ between two evaluations over the same set: no state, no prime, no effect, no name
   * bound outside (conservatively: no mention of such a name), no instance parameter.
   */
  private readsOnlyBound(body: Expr, bodyScope: Scope, outer: Scope): boolean {
    if (outer.inst.parameterized) return false;
    for (let l = outer.locals; l !== null; l = l.up) if (mentionsName(body, l.name)) return false;
    return !this.mentions(body, bodyScope, 'state') && !this.mentions(body, bodyScope, 'prime');
  }

  /**
   * The fast path of a comprehension whose last bound name reads a function only at that name
   * (see `slices.ts`): the result, or undefined when the ordinary evaluation must run. With
   * several bounds (a quantifier), the outer names are enumerated and the answer is given only
   * when every slice is known, so that no order of evaluation could have raised instead.
   */
  private sliceFastPath(
    kind: SliceKind,
    bounds: Bound[],
    body: Expr,
    sc: Scope,
  ): ((env: Env, ctx: Ctx) => Value | undefined) | undefined {
    const last = bounds[bounds.length - 1];
    if (this.probe || last.tuple || last.names.length !== 1 || !last.set) return undefined;
    const pattern = slicePattern(body, last.names[0]);
    if (pattern === undefined) return undefined;
    const outer = bounds.length > 1 ? this.bounds(bounds.slice(0, -1), sc) : undefined;
    const outerScope = outer ? outer.scope : sc;
    const element = this.bounds([last], outerScope);
    const entrySlot = newSlot();
    const bodyScope = element.scope.with(SLICE_ENTRY, entrySlot);
    if (!this.readsOnlyBound(pattern.body, bodyScope, outerScope)) return undefined;
    const f = this.expr(pattern.body, bodyScope);
    const site = new SliceSite(kind, (key, entry, ctx) =>
      f(bind(element.bindArg(null, key), entrySlot, entry), ctx),
    );
    const target = this.expr(pattern.target, outerScope);
    const set = this.expr(last.set, sc);
    const one = (env: Env, ctx: Ctx): Value | undefined => {
      const s = set(env, ctx);
      return s instanceof SetValue ? site.valueOn(target(env, ctx), s, ctx.rt) : undefined;
    };
    const guarded = (run: (env: Env, ctx: Ctx) => Value | undefined) => (env: Env, ctx: Ctx) => {
      try {
        return run(env, ctx);
      } catch (e) {
        if (e instanceof EvalError) return undefined; // the ordinary evaluation raises it
        throw e;
      }
    };
    if (outer === undefined) return guarded(one);
    return guarded((env, ctx) => {
      let known = true;
      let decided = false; // \A: some slice is FALSE; \E: some slice is TRUE
      outer.each(env, ctx, (e) => {
        const r = one(e, ctx);
        if (r === undefined) known = false;
        else if (r === (kind === 'exists')) decided = true;
        return !known;
      });
      if (!known) return undefined;
      return kind === 'exists' ? decided : !decided;
    });
  }

  private choose(bound: Bound, body: Expr, sc: Scope, loc: Loc): Fn {
    if (!bound.set) {
      return () => {
        throw new EvalError(
          'TLC cannot evaluate an unbounded CHOOSE x : P; write CHOOSE x \\in S : P',
        )
          .explain({
            code: 'TLA406',
            summary: `CHOOSE ${bound.names.join(', ')} has no set to choose from`,
            hint: 'write CHOOSE x \\in S : P with S a finite set of candidates',
          })
          .addFrame(loc);
      };
    }
    const b = this.bounds([bound], sc);
    const f = this.expr(body, b.scope);
    const slot = b.slots[0][0];
    const set = this.expr(bound.set, sc); // evaluated again only to show it when nothing fits
    const extremum = this.standardExtremum(bound, body, sc);
    return traced((env, ctx) => {
      if (extremum !== undefined) {
        const found = extremumOf(set(env, ctx), extremum);
        if (found !== undefined) return found;
      }
      let found: Env | undefined;
      b.each(env, ctx, (e) => {
        if (expectBool(f(e, ctx), () => 'The body of CHOOSE')) {
          found = e;
          return true;
        }
        return false;
      });
      if (found === undefined) {
        throw new EvalError(
          'Attempted to compute the value of an expression of form\nCHOOSE x \\in S: P, but no element of S satisfied P.',
          'choose',
        ).explain({
          summary: `no element of the set satisfies the condition of CHOOSE ${bound.names.join(', ')}`,
          values: [{ name: 'set', value: printValue(set(env, ctx)) }],
          hint: 'CHOOSE needs at least one element satisfying its condition; check the condition, or the set it chooses from',
        });
      }
      if (bound.tuple) return new TupleValue(b.slots[0].map((s) => lookup(found!, s) as Value));
      return lookup(found, slot) as Value;
    }, loc);
  }

  /**
   * 'max' or 'min' for `CHOOSE x \\in S : \\A y \\in S : y <= x` (and its variants) when `<=` and
   * `>=` are those of Naturals or Integers: on a set of integers the only element satisfying the
   * condition is the extremum, found in one pass instead of comparing every pair.
   */
  private standardExtremum(bound: Bound, body: Expr, sc: Scope): 'max' | 'min' | undefined {
    const kind = extremumPattern(bound, body);
    if (kind === undefined || body.k !== 'quant' || body.body.k !== 'apply') return undefined;
    const op = sc.inst.defs.get(body.body.name);
    const standard =
      op?.kind === 'native' && (op.module === 'Naturals' || op.module === 'Integers');
    return standard ? kind : undefined;
  }

  private setFilter(bound: Bound, pred: Expr, sc: Scope): Fn {
    const ordinary = this.ordinarySetFilter(bound, pred, sc);
    const slice = bound.set ? this.sliceFastPath('filter', [bound], pred, sc) : undefined;
    if (slice === undefined) return ordinary;
    return (env, ctx) => slice(env, ctx) ?? ordinary(env, ctx);
  }

  private ordinarySetFilter(bound: Bound, pred: Expr, sc: Scope): Fn {
    const b = this.bounds([bound], sc);
    const p = this.expr(pred, b.scope);
    if (!bound.set) return semantic(bound.loc, 'a set filter needs a set: {x \\in S : P}');
    const set = this.expr(bound.set, sc);
    const what = () => 'The condition of a set filter';
    const fast = this.fastPaths('filter', bound, pred, pred, sc, b, p, (env, ctx, bucket) => {
      const out: Value[] = [];
      for (const v of bucket) if (expectBool(p(b.bindArg(env, v), ctx), what)) out.push(v);
      return new EnumSet(out);
    });
    return (env, ctx) => {
      const s = this.setValue(set(env, ctx), 'The set of {x \\in S : P}');
      if (fast !== undefined) {
        const r = fast(env, ctx, s);
        if (r !== undefined) return r;
      }
      if ((!s.isFinite() || isDescribedSet(s)) && !bound.tuple && bound.names.length === 1) {
        return new FilterSet(s, (v) => expectBool(p(b.bindArg(env, v), ctx), what));
      }
      if (bound.names.length === 1 || bound.tuple) {
        return new EnumSet(s.elements().filter((v) => expectBool(p(b.bindArg(env, v), ctx), what)));
      }
      // {x, y \in S : P} filters tuples of S \X S.
      const out: Value[] = [];
      b.each(env, ctx, (e) => {
        if (expectBool(p(e, ctx), what))
          out.push(new TupleValue(b.slots[0].map((sl) => lookup(e, sl) as Value)));
        return false;
      });
      return builtAt(setFromList(out), bound.loc);
    };
  }

  // -------------------------------------------------------------------------------------------
  // LET, EXCEPT, priming.

  /** Compiles LET definitions: the scope they create and how to enter it at run time. */
  letBindings(
    units: import('../syntax/ast.ts').Unit[],
    sc: Scope,
  ): { scope: Scope; enter: (env: Env) => Env } {
    let scope = sc;
    type Entry = { slot: number; make: (envFinal: Env) => Binding };
    const entries: Array<{ slot: number; setup: (scope: Scope) => (envFinal: Env) => Binding }> =
      [];
    for (const u of units) {
      if (u.k === 'opdef') {
        const slot = newSlot();
        const def = makeOpDef(u, scope); // scope fixed below
        scope = scope.with(u.name, slot, u.params.length, def);
        entries.push({
          slot,
          setup: (full) => {
            (def as { scope: Scope }).scope = full;
            if (u.params.length === 0) {
              const code = this.compiled(u.body, full);
              return (envFinal) => new Thunk(code, envFinal);
            }
            const bodyScope = this.bodyScope(def);
            const code = this.compiled(u.body, bodyScope);
            return (envFinal) =>
              new OpClosure(
                u.name,
                u.params.length,
                (args, ctx) => code.value()(bindAll(envFinal, def.paramSlots, args), ctx),
                (args, ctx, k, mode) =>
                  code.action(mode)(bindAll(envFinal, def.paramSlots, args), ctx, k),
              );
          },
        });
      } else if (u.k === 'fcndef') {
        const slot = newSlot();
        scope = scope.with(u.name, slot);
        entries.push({
          slot,
          setup: (full) => {
            const fd: FcnDef = {
              kind: 'fcn',
              name: u.name,
              bounds: u.bounds,
              body: u.body,
              scope: full,
              loc: u.loc,
              local: false,
              constantLevel: false,
            };
            const fn = this.fcnDefValueIn(fd);
            const code: Compiled = {
              value: () => fn,
              action: () => semantic(u.loc, `${u.name} is a function, not an action`),
              unprimed: true,
            };
            return (envFinal) => new Thunk(code, envFinal);
          },
        });
      } else if (u.k === 'recursive') {
        continue;
      } else if (u.k === 'instance' && u.name !== undefined) {
        // Only `M!Op` can use it: it binds no value, and its substitutions see the LET's scope.
        scope = scope.withInstance(makeInstanceDef(u, scope));
      } else {
        return semantic(
          u.loc,
          'only operator, function and named INSTANCE definitions may appear in a LET',
        );
      }
    }
    const full = scope;
    const made: Entry[] = entries.map((en) => ({ slot: en.slot, make: en.setup(full) }));
    const enter = (env: Env): Env => {
      let e = env;
      const frames: Array<{ slot: number; v: Binding; up: Env }> = [];
      for (const m of made) {
        const frame = { slot: m.slot, v: undefined as unknown as Binding, up: e };
        frames.push(frame);
        e = frame;
      }
      for (let i = 0; i < made.length; i++) frames[i].v = made[i].make(e);
      return e;
    };
    return { scope: full, enter };
  }

  /** Like {@link fcnDefValue} for a LET-level function: evaluated in the LET's environment. */
  private fcnDefValueIn(d: FcnDef): Fn {
    const self = newSlot();
    const b = this.bounds(d.bounds, d.scope.with(d.name, self));
    const domain = this.domainOf(d.bounds, d.scope);
    const body = traced(this.expr(d.body, b.scope), d.loc);
    return (env, ctx) => {
      const lf: LazyFcn = new LazyFcn(domain(env, ctx), (arg) =>
        body(b.bindArg(bind(env, self, lf), arg), ctx),
      );
      return lf;
    };
  }

  private except(e: Expr & { k: 'except' }, sc: Scope): Fn {
    const base = this.expr(e.base, sc);
    const inner = sc.with('@', this.atSlot);
    const updates = e.updates.map((u) => ({
      path: u.path.map((step) =>
        step.k === 'field'
          ? { field: str(step.name) as Value, args: [] as Fn[] }
          : { field: undefined, args: step.args.map((a) => this.expr(a, sc)) },
      ),
      value: this.expr(u.value, inner),
    }));
    const atSlot = this.atSlot;
    return traced((env, ctx) => {
      let f = base(env, ctx);
      for (const u of updates) {
        const keys = u.path.map((p) =>
          p.field !== undefined
            ? p.field
            : p.args.length === 1
              ? p.args[0](env, ctx)
              : new TupleValue(p.args.map((a) => a(env, ctx))),
        );
        f = updateAt(f, keys, 0, (old) => u.value(bind(env, atSlot, old), ctx));
      }
      return f;
    }, e.loc);
  }

  private prime(inner: Expr, sc: Scope, loc: Loc): Fn {
    if (inner.k === 'ident') {
      const r = this.resolve(inner.name, sc, inner.loc);
      if (r.k === 'def' && r.def.kind === 'var') {
        const i = r.def.index,
          name = r.def.name;
        return (_env, ctx) => {
          const nxt = ctx.nxt;
          if (nxt === null)
            throw new EvalError(`${name}' cannot be evaluated here: there is no next state.`)
              .explain({ hint: PRIME_HINT })
              .addFrame(loc);
          const v = nxt[i];
          if (v === undefined) {
            throw new EvalError(
              `${name}' has no value yet: it is read before the action assigns it.`,
              'unspecified',
            ).addFrame(loc);
          }
          return v;
        };
      }
    }
    const f = this.expr(inner, sc);
    return (env, ctx) => {
      if (ctx.nxt === null)
        throw new EvalError('A primed expression cannot be evaluated here: there is no next state.')
          .explain({ hint: PRIME_HINT })
          .addFrame(loc);
      return f(env, new Ctx(ctx.nxt, null, ctx.rt));
    };
  }
}

const PRIME_HINT =
  "x' is the value of x in the next state, which exists only in an action (Next and what it calls); in Init, an invariant or a constraint write x without the prime";

function union(a: Set<number>, b: Set<number> | undefined): Set<number> | undefined {
  if (b === undefined) return undefined;
  for (const i of b) a.add(i);
  return a;
}

/**
 * A zero-argument definition remembered on the values of the variables it reads: evaluating
 * it again in a state where those values are the very same objects gives the same value.
 * Invariants that share a definition (several use the chosen values of a Paxos spec) compute it
 * once per state, and a trace replay, whose consecutive states share every variable a step left
 * alone, recomputes it only when what it reads changed. Values are immutable, so identity
 * implies equality; a value equal but not identical only costs a recomputation.
 */
function memoOnVariables(reads: ReadonlySet<number>, body: () => Fn): Fn {
  const slots = [...reads];
  let key: unknown[] | undefined;
  let value: Value | undefined;
  return (env, ctx) => {
    const cur = ctx.cur;
    if (cur === null) return body()(null, ctx);
    if (key !== undefined) {
      let same = true;
      for (let i = 0; i < slots.length; i++)
        if (memoKey(cur[slots[i]]) !== key[i]) {
          same = false;
          break;
        }
      if (same) return value!;
    }
    const v = body()(null, ctx);
    key = slots.map((i) => memoKey(cur[i]));
    value = v;
    return v;
  };
}

/**
 * A zero-arity definition remembered on the values of its direct operands: variables, and
 * zero-arity definitions evaluated first (each remembered in turn). An operand that raises is
 * left to the body, which raises the same error if and where it evaluates it.
 */
function memoOnOperands(vars: number[], defs: Fn[], body: () => Fn): Fn {
  let key: unknown[] | undefined;
  let value: Value | undefined;
  return (env, ctx) => {
    const cur = ctx.cur;
    if (cur === null) return body()(null, ctx);
    const now: unknown[] = [];
    for (const i of vars) now.push(memoKey(cur[i]));
    try {
      for (const f of defs) now.push(memoKey(f(null, ctx)));
    } catch (e) {
      if (e instanceof EvalError) return body()(null, ctx);
      throw e;
    }
    if (key !== undefined && now.every((v, i) => v === key![i])) return value!;
    const v = body()(null, ctx);
    key = now;
    value = v;
    return v;
  };
}

function bindAll(env: Env, slots: number[], args: Binding[]): Env {
  let e = env;
  for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], args[i]);
  return e;
}

function destructure(env: Env, slots: number[], v: Value, loc: Loc): Env {
  const t = v instanceof FcnLike ? v.explicit() : undefined;
  if (!(t instanceof TupleValue) || t.elems.length !== slots.length) {
    throw new EvalError(
      `Cannot match ${printValue(v)} against a tuple of ${slots.length} names.`,
      'type',
    ).addFrame(loc);
  }
  let e = env;
  for (let i = 0; i < slots.length; i++) e = bind(e, slots[i], t.elems[i]);
  return e;
}

/** `[f EXCEPT ![k1][k2]... = g(@)]`. A key outside the domain leaves the function unchanged, as in TLC. */
function updateAt(f: Value, keys: Value[], i: number, compute: (old: Value) => Value): Value {
  if (i === keys.length) return compute(f);
  if (!(f instanceof FcnLike)) {
    throw new EvalError(`Attempted to apply EXCEPT to a non-function:\n${printValue(f)}`, 'type');
  }
  const g = f.explicit();
  const key = keys[i];
  if (g instanceof TupleValue) {
    if (typeof key !== 'number' || key < 1 || key > g.elems.length) return g;
    const elems = g.elems.slice();
    elems[key - 1] = updateAt(elems[key - 1], keys, i + 1, compute);
    const t = new TupleValue(elems);
    carryDerived(g, t, key - 1);
    return t;
  }
  const idx = (g as FcnValue).indexOf(key);
  if (idx < 0) return g;
  const vals = g.vals.slice();
  vals[idx] = updateAt(vals[idx], keys, i + 1, compute);
  const h = new FcnValue(g.dom, vals, g.record);
  carryDerived(g, h, idx);
  return h;
}

/**
 * `f` evaluated once per runtime and kept; an evaluation that raises is not kept (the next
 * raises again, where the ordinary evaluation would).
 */
function evaluatedOnce(f: Fn): Fn {
  let rt: Runtime | undefined;
  let value: Value | undefined;
  return (env, ctx) => {
    if (rt === ctx.rt && value !== undefined) return value;
    const v = f(env, ctx);
    rt = ctx.rt;
    value = v;
    return v;
  };
}

/**
 * The greatest (or least) element of a finite, non-empty set of integers; undefined for any
 * other set, whose CHOOSE runs the ordinary way (and raises where TLC does).
 */
function extremumOf(s: Value, kind: 'max' | 'min'): Value | undefined {
  if (s instanceof PersistentSet) return persistentExtremum(s, kind);
  if (!(s instanceof SetValue) || !s.isFinite()) return undefined;
  const elems = s.elements();
  if (elems.length === 0) return undefined;
  for (const v of elems) if (typeof v !== 'number') return undefined;
  // Integers sort numerically in the canonical order.
  return kind === 'max' ? elems[elems.length - 1] : elems[0];
}

function arityMessage(name: string, expected: number, given: number): string {
  return `the operator ${name} takes ${expected} argument(s), but is given ${given}`;
}

const STD_HINTS: Record<string, string> = {
  $plus: 'Naturals',
  $minus: 'Naturals',
  $mul: 'Naturals',
  $lt: 'Naturals',
  $gt: 'Naturals',
  $leq: 'Naturals',
  $geq: 'Naturals',
  $dots_2: 'Naturals',
  $div: 'Naturals',
  $mod: 'Naturals',
  $pow: 'Naturals',
  Nat: 'Naturals',
  Int: 'Integers',
  $negative: 'Integers',
  Len: 'Sequences',
  Append: 'Sequences',
  Head: 'Sequences',
  Tail: 'Sequences',
  Seq: 'Sequences',
  SubSeq: 'Sequences',
  SelectSeq: 'Sequences',
  $circ: 'Sequences',
  Cardinality: 'FiniteSets',
  IsFiniteSet: 'FiniteSets',
  Print: 'TLC',
  PrintT: 'TLC',
  Assert: 'TLC',
  ToString: 'TLC',
  Permutations: 'TLC',
  SortSeq: 'TLC',
  $map_to: 'TLC',
  $compose: 'TLC',
};

/** For an unknown name: a likely intended one, or where names come from. */
function unknownNameHint(name: string, sc: Scope): string | undefined {
  if (STD_HINTS[name]) return undefined; // the message already names the module to extend
  const locals: string[] = [];
  for (let l = sc.locals; l !== null; l = l.up) locals.push(l.name);
  const near = closestName(name, [...locals, ...sc.inst.defs.keys()]);
  if (near) return `did you mean '${near}'? (names are case-sensitive)`;
  return `a name must be declared (CONSTANT, VARIABLE), defined (${name} == ...), bound (\\E ${name} \\in S : ...) or come from an EXTENDS before it is used`;
}

function hintFor(name: string): string {
  const m = STD_HINTS[name];
  return m ? ` (it is defined in the standard module ${m}: add EXTENDS ${m})` : '';
}
