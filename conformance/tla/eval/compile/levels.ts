/**
 * Level and purity analysis, decided once per definition while compiling: whether an expression
 * (through the definitions it uses) reads the state, primes, or calls operators with effects;
 * which variables a state-level definition reads; whether a definition loops over a set. The
 * compiler uses the answers to cache constants, memoise definitions and choose fast paths.
 */
import { type Expr, childExprs } from '../../syntax/ast.ts';
import type { Def, FcnDef, OpDef, Scope } from '../scope.ts';

/** The analysis of one specification's definitions (its answers are remembered). */
export class LevelAnalysis {
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
  directOperands(d: OpDef): { vars: number[]; defs: OpDef[] } | undefined {
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

  /** Whether a definition is constant-level: it reads no variable (and its domain none). */
  isConstantDef(d: OpDef | FcnDef): boolean {
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

  private readonly loopMemo = new WeakMap<Def, boolean>();

  /** Whether evaluating `d` iterates over a set (a quantifier, filter, map, CHOOSE, function). */
  loops(d: Def): boolean {
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
}

function union(a: Set<number>, b: Set<number> | undefined): Set<number> | undefined {
  if (b === undefined) return undefined;
  for (const i of b) a.add(i);
  return a;
}
