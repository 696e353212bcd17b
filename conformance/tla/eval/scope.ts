/**
 * Name resolution: what every name in a module means.
 *
 * A {@link ModuleInstance} is one namespace: a root module with everything it EXTENDS merged in,
 * or a module brought in by INSTANCE with its constants and variables substituted. A
 * {@link Scope} adds the bound names (quantifiers, parameters, LET) visible at a point.
 */
import type { Bound, Expr, Loc, Module, Param, Unit } from '../syntax/ast.ts';
import { ModuleLoader, TlaSemanticError } from '../modules/loader.ts';
import { checkDeclarations } from './declarations.ts';
import type { NativeOp, StdModule } from '../modules/stdlib/native.ts';
import type { Value } from '../values/value.ts';
import type { ActFn, ActionMode, Fn } from './runtime.ts';

let nextSlot = 1;
/** A fresh slot number for a binder. */
export function newSlot(): number {
  return nextSlot++;
}

/** A user-defined operator (module level or LET). */
export interface OpDef {
  kind: 'op';
  name: string;
  params: Param[];
  paramSlots: number[];
  body: Expr;
  /** The scope the body is compiled in (without the parameters). */
  scope: Scope;
  loc: Loc;
  local: boolean;
  /** Compiled forms, filled on first use. */
  fn?: Fn;
  actions?: Partial<Record<ActionMode, ActFn>>;
  /** Constant-level zero-arity definitions are evaluated once and remembered here. */
  cached?: { value: Value };
  constantLevel?: boolean;
}

/** A function definition `f[x \in S] == e`, possibly recursive. */
export interface FcnDef {
  kind: 'fcn';
  name: string;
  bounds: Bound[];
  body: Expr;
  scope: Scope;
  loc: Loc;
  local: boolean;
  fn?: Fn;
  cached?: { value: Value };
  constantLevel?: boolean;
}

export interface NativeDef {
  kind: 'native';
  name: string;
  op: NativeOp;
  module: string;
}

export interface VarDef {
  kind: 'var';
  name: string;
  index: number;
  loc: Loc;
}

/** A CONSTANT of the root module: its value (or replacement) comes from the model. */
export interface ConstDef {
  kind: 'const';
  name: string;
  arity: number;
  loc: Loc;
  value?: Value;
}

/** A constant or variable of an instantiated module, replaced by an expression of the outer scope. */
export interface SubstDef {
  kind: 'subst';
  name: string;
  expr: Expr;
  scope: Scope;
  /** Arity, when an operator constant is replaced by an operator. */
  arity: number;
  /** True when it replaces a VARIABLE of the instantiated module. */
  variable?: boolean;
}

/** `M == INSTANCE T WITH ...` or `M(p) == INSTANCE T WITH ...`: used as `M!Op` or `M(a)!Op`. */
export interface InstanceDef {
  kind: 'instance';
  name: string;
  params: Param[];
  paramSlots: number[];
  unit: Unit & { k: 'instance' };
  outer: Scope;
  local: boolean;
  built?: ModuleInstance;
}

export type Def = OpDef | FcnDef | NativeDef | VarDef | ConstDef | SubstDef | InstanceDef;

/** One namespace. */
export class ModuleInstance {
  readonly defs = new Map<string, Def>();
  /** Names that are LOCAL here: visible inside, not to modules that extend or instantiate this one. */
  readonly localNames = new Set<string>();
  /** Modules already merged in, so that a module reached twice through EXTENDS is merged once. */
  readonly merged = new Set<string>();
  constructor(
    readonly name: string,
    /** True when definitions need the caller's environment (instance parameters are in it). */
    readonly parameterized: boolean,
  ) {}
}

/** A bound name visible at some point of an expression. */
export interface Local {
  name: string;
  slot: number;
  /** 0 for values; the arity of an operator parameter or LET operator otherwise. */
  arity: number;
  /** For LET definitions: the definition (so actions can be enumerated through it). */
  def?: OpDef;
  /** For `LET M == INSTANCE T IN ...`: the instance, used as `M!Op` (M is no value). */
  instance?: InstanceDef;
  up: Local | null;
}

/** Names visible at a point: bound names first, then the module instance's definitions. */
export class Scope {
  constructor(
    readonly inst: ModuleInstance,
    readonly locals: Local | null = null,
  ) {}

  with(name: string, slot: number, arity = 0, def?: OpDef): Scope {
    return new Scope(this.inst, { name, slot, arity, def, up: this.locals });
  }

  /** `M == INSTANCE T` inside a LET. */
  withInstance(def: InstanceDef): Scope {
    return new Scope(this.inst, {
      name: def.name,
      slot: -1,
      arity: def.params.length,
      instance: def,
      up: this.locals,
    });
  }

  findLocal(name: string): Local | undefined {
    for (let l = this.locals; l !== null; l = l.up) if (l.name === name) return l;
    return undefined;
  }

  find(name: string): Local | Def | undefined {
    return this.findLocal(name) ?? this.inst.defs.get(name);
  }
}

/** The variables of a specification, shared by every instance in it. */
export interface SpecVariables {
  names: string[];
  locs: Loc[];
}

/** Builds the namespace of a root module and, on demand, of the modules it instantiates. */
export class NamespaceBuilder {
  readonly variables: SpecVariables = { names: [], locs: [] };
  /** The root module's constants, in declaration order. */
  readonly constants: ConstDef[] = [];
  /** ASSUME statements of the root and the modules it extends, with their scope. */
  readonly assumptions: Array<{ expr: Expr; scope: Scope; loc: Loc }> = [];

  constructor(readonly loader: ModuleLoader) {}

  buildRoot(mod: Module): ModuleInstance {
    // SANY's rule first: no declaration may reuse a visible name (the binder below would let
    // an inner name hide an outer one).
    checkDeclarations(mod, this.loader);
    const inst = new ModuleInstance(mod.name, false);
    this.mergeUser(inst, mod, { root: true });
    return inst;
  }

  /** Builds the instance behind an InstanceDef (once). */
  instanceOf(def: InstanceDef): ModuleInstance {
    if (def.built) return def.built;
    def.built = this.buildInstance(def.unit, def.outer, def.params, def.paramSlots);
    return def.built;
  }

  private buildInstance(
    unit: Unit & { k: 'instance' },
    outer: Scope,
    params: Param[],
    paramSlots: number[],
  ): ModuleInstance {
    let subScope = outer;
    params.forEach((p, i) => (subScope = subScope.with(p.name, paramSlots[i], p.arity)));
    const parameterized = params.length > 0 || outer.locals !== null || outer.inst.parameterized;
    const inst = new ModuleInstance(unit.module, parameterized);
    const loaded = this.loader.load(unit.module, unit.loc);
    const subs = new Map(unit.subs.map((s) => [s.name, s.expr]));
    const ctx: MergeContext = { root: false, subs, subScope, unitLoc: unit.loc };
    if (loaded.kind === 'std') this.mergeStd(inst, loaded.module);
    else this.mergeUser(inst, loaded.module, ctx, loaded.natives);
    for (const name of subs.keys()) {
      const d = inst.defs.get(name);
      if (!d || d.kind !== 'subst') {
        throw new TlaSemanticError(
          unit.loc,
          `INSTANCE ${unit.module} WITH ${name} <- ...: ${unit.module} declares no constant or variable ${name}`,
        );
      }
    }
    return inst;
  }

  private mergeStd(inst: ModuleInstance, std: StdModule): void {
    if (inst.merged.has(std.name)) return;
    inst.merged.add(std.name);
    for (const ext of std.extends) {
      const loaded = this.loader.load(ext);
      if (loaded.kind === 'std') this.mergeStd(inst, loaded.module);
    }
    for (const op of std.ops)
      inst.defs.set(op.name, { kind: 'native', name: op.name, op, module: std.name });
  }

  private mergeUser(
    inst: ModuleInstance,
    mod: Module,
    ctx: MergeContext,
    natives?: StdModule,
  ): void {
    if (inst.merged.has(mod.name)) return;
    inst.merged.add(mod.name);
    for (const ext of mod.extends) {
      const loaded = this.loader.load(ext.name, ext.loc);
      if (loaded.kind === 'std') this.mergeStd(inst, loaded.module);
      else this.mergeUser(inst, loaded.module, ctx, loaded.natives);
    }
    const scope = new Scope(inst);
    for (const unit of mod.units) this.addUnit(inst, scope, unit, ctx);
    if (natives) overrideWithNatives(inst, mod, natives);
  }

  private define(inst: ModuleInstance, name: string, def: Def, loc: Loc, local: boolean): void {
    const prev = inst.defs.get(name);
    if (prev && sameSymbol(prev, def)) return;
    if (prev && prev.kind !== 'native') {
      throw new TlaSemanticError(loc, `multiple definitions of ${name} in module ${inst.name}`);
    }
    inst.defs.set(name, def);
    if (local) inst.localNames.add(name);
  }

  private addUnit(inst: ModuleInstance, scope: Scope, unit: Unit, ctx: MergeContext): void {
    switch (unit.k) {
      case 'opdef':
        this.define(inst, unit.name, makeOpDef(unit, scope), unit.loc, unit.local);
        return;
      case 'fcndef':
        this.define(
          inst,
          unit.name,
          {
            kind: 'fcn',
            name: unit.name,
            bounds: unit.bounds,
            body: unit.body,
            scope,
            loc: unit.loc,
            local: unit.local,
          },
          unit.loc,
          unit.local,
        );
        return;
      case 'constants':
        for (const d of unit.decls) {
          // Declared again as a constant of the same arity: the same constant (SANY warns).
          const prev = inst.defs.get(d.name);
          if (prev?.kind === 'subst' || (prev?.kind === 'const' && prev.arity === d.arity))
            continue;
          if (ctx.root) {
            const c: ConstDef = { kind: 'const', name: d.name, arity: d.arity, loc: d.loc };
            this.constants.push(c);
            this.define(inst, d.name, c, d.loc, false);
          } else {
            this.define(inst, d.name, this.substitution(d.name, d.arity, d.loc, ctx), d.loc, false);
          }
        }
        return;
      case 'variables':
        for (const d of unit.decls) {
          const prev = inst.defs.get(d.name);
          if (prev?.kind === 'var' || (prev?.kind === 'subst' && prev.arity === 0)) continue;
          if (ctx.root) {
            const index = this.variables.names.length;
            this.variables.names.push(d.name);
            this.variables.locs.push(d.loc);
            this.define(
              inst,
              d.name,
              { kind: 'var', name: d.name, index, loc: d.loc },
              d.loc,
              false,
            );
          } else {
            const sub = { ...this.substitution(d.name, 0, d.loc, ctx), variable: true };
            this.define(inst, d.name, sub, d.loc, false);
          }
        }
        return;
      case 'assume':
        if (ctx.root) this.assumptions.push({ expr: unit.expr, scope, loc: unit.loc });
        return;
      case 'recursive':
        return; // operators are resolved lazily, so forward references need no declaration
      case 'instance': {
        if (unit.name !== undefined) {
          this.define(inst, unit.name, makeInstanceDef(unit, scope), unit.loc, unit.local);
          return;
        }
        const target = this.buildInstance(unit, scope, [], []);
        for (const [name, def] of target.defs) {
          if (target.localNames.has(name) || def.kind === 'subst') continue;
          if (inst.defs.get(name) === def) continue;
          this.define(inst, name, def, unit.loc, unit.local);
        }
        return;
      }
    }
  }

  private substitution(name: string, arity: number, loc: Loc, ctx: MergeContext): SubstDef {
    const expr = ctx.subs?.get(name);
    const scope = ctx.subScope!;
    if (expr) return { kind: 'subst', name, expr, scope, arity };
    // Without WITH, a constant or variable is replaced by the same name in the outer module.
    if (!scope.find(name)) {
      throw new TlaSemanticError(
        ctx.unitLoc ?? loc,
        `INSTANCE needs a substitution for ${name}: the instantiating module has no definition of ${name}, so write WITH ${name} <- ...`,
      );
    }
    return {
      kind: 'subst',
      name,
      expr: { k: 'ident', name, loc: ctx.unitLoc ?? loc },
      scope,
      arity,
    };
  }
}

interface MergeContext {
  root: boolean;
  subs?: Map<string, Expr>;
  subScope?: Scope;
  unitLoc?: Loc;
}

/** An OpDef for a parsed definition (used for module-level and LET definitions). */
/**
 * Whether two definitions are one symbol reached twice, which SANY accepts: the same source
 * definition, from instances that substitute nothing (so both mean the same). That happens when
 * a module EXTENDS one module and another that INSTANCEs (even LOCALly) the first, as the
 * CommunityModules' FiniteSetsExt does with Folds and Functions.
 */
function sameSymbol(a: Def, b: Def): boolean {
  if (a === b) return true;
  if (a.kind === 'native' && b.kind === 'native') return a.op === b.op;
  if ((a.kind !== 'op' && a.kind !== 'fcn') || a.kind !== b.kind) return false;
  const same = a.loc.file === b.loc.file && a.loc.line === b.loc.line && a.loc.col === b.loc.col;
  return same && !substitutes(a.scope.inst) && !substitutes(b.scope.inst);
}

/**
 * A CommunityModule read from the library path: each operator it defines (LOCAL ones too)
 * that `natives` implements with the same arity is replaced by the native, before anything
 * is compiled, so that the module's other definitions call the native too. This is what TLC's
 * Java overrides do; the module's remaining definitions stay TLA+.
 */
function overrideWithNatives(inst: ModuleInstance, mod: Module, natives: StdModule): void {
  for (const op of natives.ops) {
    const def = inst.defs.get(op.name);
    if (def?.kind !== 'op' || def.params.length !== op.arity) continue;
    if (def.loc.file !== mod.loc.file) continue;
    inst.defs.set(op.name, { kind: 'native', name: op.name, op, module: natives.name });
  }
}

function substitutes(inst: ModuleInstance): boolean {
  if (inst.parameterized) return true;
  for (const d of inst.defs.values()) if (d.kind === 'subst') return true;
  return false;
}

export function makeOpDef(unit: Unit & { k: 'opdef' }, scope: Scope): OpDef {
  return {
    kind: 'op',
    name: unit.name,
    params: unit.params,
    paramSlots: unit.params.map(() => newSlot()),
    body: unit.body,
    scope,
    loc: unit.loc,
    local: unit.local,
  };
}

/** `M == INSTANCE T WITH ...` (or `M(p) == ...`), whose substitutions are read in `outer`. */
export function makeInstanceDef(unit: Unit & { k: 'instance' }, outer: Scope): InstanceDef {
  if (unit.name === undefined)
    throw new TlaSemanticError(unit.loc, 'an unnamed INSTANCE has no name to refer to it by');
  return {
    kind: 'instance',
    name: unit.name,
    params: unit.params,
    paramSlots: unit.params.map(() => newSlot()),
    unit,
    outer,
    local: unit.local,
  };
}

/** Where and how an operator is defined, to compare with a call of it. */
export function definedAs(d: OpDef): string {
  const params = d.params.map((p) => p.name).join(', ');
  return `it is defined as ${d.name}${params ? `(${params})` : ''} at line ${d.loc.line} of ${d.loc.file.split('/').pop()}`;
}
