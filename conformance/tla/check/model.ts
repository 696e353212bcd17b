/**
 * A model: a specification bound to a TLC configuration. Loads the modules, gives the constants
 * their values, applies `<-` replacements, finds Init and Next (directly or inside
 * SPECIFICATION), and compiles everything the explorer evaluates.
 */
import type { BranchProbe } from '../eval/branches.ts';
import { resolve } from 'node:path';
import type { Expr, Loc, Module } from '../syntax/ast.ts';
import { TlaSyntaxError } from '../syntax/parse.ts';
import { type LoadedModule, ModuleLoader, TlaSemanticError } from '../modules/loader.ts';
import {
  type InterningUnit,
  standardUnit,
  tlcInterningOrder,
  unitOfModule,
} from '../modules/interning.ts';
import { Compiler } from '../eval/compile.ts';
import { type SubAction, compileAction, splitActions } from '../eval/actions.ts';
import { type ActFn, Ctx, type Fn, type Runtime, type SearchStats } from '../eval/runtime.ts';
import { EvalError } from '../values/errors.ts';
import {
  type ConstDef,
  type InstanceDef,
  NamespaceBuilder,
  type ModuleInstance,
  Scope,
} from '../eval/scope.ts';
import {
  type CfgConstant,
  type CfgName,
  type CfgSubstitution,
  type CfgValue,
  type ModelConfig,
  allCfgErrors,
} from './cfg.ts';
import {
  FcnLike,
  FcnValue,
  ModelValue,
  SetValue,
  type Value,
  finishInterning,
  intern,
  modelValue,
  resetInterning,
  setOf,
  str,
} from '../values/value.ts';
import { type Permutation, permutationGroup } from '../values/permute.ts';
import {
  type Fairness,
  type LivenessProperty,
  compileLiveness,
  containsTemporal,
} from './liveness.ts';
import { printValue } from '../values/print.ts';
import { type RunSettings, tlcRegisters } from './tlc-registers.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { locationOf } from '../diagnostics/location.ts';
import { closestName } from '../diagnostics/suggest.ts';
import { ModelError } from './model-error.ts';

export { ModelError } from './model-error.ts';

/** A named state predicate (invariant or constraint) or action predicate. */
export interface NamedPredicate {
  name: string;
  fn: Fn;
  loc: Loc;
}

/** Everything the explorer needs, compiled. */
export interface Model {
  rootFile: string;
  cfg: ModelConfig;
  compiler: Compiler;
  root: ModuleInstance;
  varNames: string[];
  init: ActFn;
  initLoc: Loc;
  actions: SubAction[];
  invariants: NamedPredicate[];
  constraints: NamedPredicate[];
  actionConstraints: NamedPredicate[];
  /** PROPERTY entries of the form [][A]_v: checked on every step the explorer takes. */
  actionProperties: NamedPredicate[];
  /** Liveness PROPERTY entries, checked over the complete state graph. */
  liveness: LivenessProperty[];
  /** The fairness conjuncts of SPECIFICATION (used only for liveness). */
  fairness: Fairness[];
  /** PROPERTY entries the checker cannot check (formulas outside the supported forms). */
  unsupportedProperties: string[];
  /** VIEW: states are told apart by this expression's value only. */
  view?: NamedPredicate;
  /** SYMMETRY: the permutations of model values under which states are equivalent. */
  symmetry?: Permutation[];
  /** `loc` is the ASSUME, `range` its formula (by which TLC names it). */
  assumptions: Array<{ fn: Fn; loc: Loc; range: Loc }>;
  checkDeadlock: boolean;
  runtime: Runtime;
  /** Warnings known before exploring (TLA605: an invariant that is a constant formula). */
  startWarnings: Diagnostic[];
  /** The cfg names INIT but no NEXT: TLC computes the initial states, then stops with an error. */
  noNext?: boolean;
}

/** Options a caller may set when building a model. */
export interface ModelOptions {
  /** Where Print/PrintT output goes (default: standard output). */
  print?: (line: string) => void;
  /** Overrides CHECK_DEADLOCK (TLC's -deadlock flag turns checking off). */
  checkDeadlock?: boolean;
  /** Compiles branch points to record the arms they take (see `eval/branches.ts`). */
  branchProbe?: BranchProbe;
  /** How the model will be run, for `TLCGet("config")` (default: breadth-first, one worker). */
  run?: Partial<Omit<RunSettings, 'checkDeadlock'>>;
}

/** Converts a cfg value to a TLA+ value. */
export function cfgValue(v: CfgValue): Value {
  switch (v.kind) {
    case 'int':
      return v.value;
    case 'string':
      return str(v.value);
    case 'bool':
      return v.value;
    case 'modelValue':
      return modelValue(v.name);
    case 'set':
      return setOf(v.elements.map(cfgValue));
  }
}

/**
 * Loads `tlaFile` and binds it to `cfg`.
 *
 * @throws ModelError when the cfg does not fit the spec; when it has several such errors, the
 *   first in the cfg, whose `errors` lists them all in source order
 */
export function buildModel(tlaFile: string, cfg: ModelConfig, opts: ModelOptions = {}): Model {
  // The cfg's binding errors, collected so that one run reports them all.
  const errors: ModelError[] = [];
  const { rootModule, ns, root } = loadAndScope(tlaFile, cfg, errors);
  const varNames = ns.variables.names;
  const compiler = new Compiler(ns, varNames);
  compiler.probe = opts.branchProbe;
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const stats: SearchStats = {
    level: 1,
    distinct: 0,
    generated: 0,
    queue: 0,
    diameter: 0,
    startedMs: Date.now(),
  };
  const runtime: Runtime = {
    varNames,
    print,
    stats,
    ...tlcRegisters(stats, () => ({
      mode: opts.run?.mode ?? 'bfs',
      workers: opts.run?.workers ?? 1,
      checkDeadlock: opts.checkDeadlock ?? cfg.checkDeadlock ?? true,
      seed: opts.run?.seed,
    })),
  };

  bindConstants(cfg, root, ns.constants, errors, true);
  if (ns instanceof OverridingNamespace) ns.bind(root, cfg, errors);
  // Resolve every definition now, so that an unknown name or a wrong arity anywhere in the
  // spec is reported before checking starts (as SANY does), not when a state first reaches it.
  // (Not when the cfg's entries are already wrong: those are reported first, as before.)
  if (errors.length === 0)
    for (const d of root.defs.values()) if (d.kind === 'op') compiler.bodyOf(d);
  const scope = new Scope(root);
  checkCfgNames(cfg, rootModule, root, varNames, errors, true);
  if (errors.length > 0) throw allCfgErrors(errors);
  // Past this point every name the cfg gives is defined (checkCfgNames).
  const named = (n: CfgName, what: string): Expr => {
    const d = root.defs.get(n.name);
    if (!d) throw undefinedInCfg(cfg, rootModule, root, n, what);
    return { k: 'ident', name: n.name, loc: 'loc' in d ? (d.loc as Loc) : rootModule.loc };
  };

  let initExpr: Expr;
  let nextExpr: Expr;
  let fairnessExprs: Expr[] = [];
  // TLC checks a spec without variables whose cfg names no behaviour (no INIT, NEXT or
  // SPECIFICATION) as a constant model: it evaluates the ASSUMEs, computes no state and reports
  // success with 0 states and depth 0. With variables, it refuses the cfg (exit 151).
  const constantOnly = !cfg.specification && !cfg.init && !cfg.next && varNames.length === 0;
  if (constantOnly) {
    initExpr = { k: 'bool', value: false, loc: rootModule.loc };
    nextExpr = initExpr;
  } else if (cfg.specification) {
    const parts = specParts(named(cfg.specification, 'SPECIFICATION'), scope, cfg);
    initExpr = parts.init;
    nextExpr = parts.next;
    fairnessExprs = parts.fairness;
  } else {
    initExpr = named(cfg.init!, 'INIT');
    nextExpr = cfg.next ? named(cfg.next, 'NEXT') : { k: 'bool', value: false, loc: initExpr.loc };
  }

  const predicate = (n: CfgName, what: string): NamedPredicate => {
    const e = named(n, what);
    return { name: n.name, fn: compiler.expr(e, scope), loc: e.loc };
  };
  const invariants = cfg.invariants.map((n) => predicate(n, 'INVARIANT'));
  const unsupportedProperties: string[] = [];
  const actionProperties: NamedPredicate[] = [];
  const liveness: LivenessProperty[] = [];
  const livenessCtx = new Ctx(null, null, runtime);
  for (const p of cfg.properties) {
    const e = named(p, 'PROPERTY');
    const body = definitionBody(e, scope);
    if (body && body.k === 'always' && body.expr.k === 'actionBox') {
      actionProperties.push({ name: p.name, fn: compiler.expr(body.expr, scope), loc: e.loc });
    } else if (
      body &&
      body.k === 'always' &&
      !compiler.mentions(body.expr, scope, 'prime') &&
      !containsTemporal(body.expr)
    ) {
      // TLC checks a PROPERTY []P with P a state predicate as an invariant.
      invariants.push({ name: p.name, fn: compiler.expr(body.expr, scope), loc: e.loc });
    } else if (body) {
      try {
        const prop = compileLiveness(compiler, p.name, body, scope, livenessCtx, e.loc);
        liveness.push(prop);
        // A refinement's [][Next]_v is checked on every step, like any action property.
        for (const st of prop.steps)
          actionProperties.push({
            name: p.name,
            fn: (_env, ctx) => st.fn(st.env, ctx),
            loc: e.loc,
          });
      } catch (err) {
        if (!(err instanceof TlaSemanticError)) throw err;
        unsupportedProperties.push(p.name);
      }
    } else {
      unsupportedProperties.push(p.name);
    }
  }
  const fairness =
    liveness.length > 0
      ? fairnessExprs.flatMap((f) => compileFairness(compiler, f, scope, livenessCtx))
      : [];

  const constCtx = new Ctx(null, null, runtime);
  const startWarnings = constantOnly ? constantInvariants(cfg, invariants, constCtx) : [];
  const view = cfg.view ? predicate(cfg.view, 'VIEW') : undefined;
  const symmetry = cfg.symmetry
    ? permutations(compiler.expr(named(cfg.symmetry, 'SYMMETRY'), scope)(null, constCtx), cfg)
    : undefined;
  // Split on first use: a trace replay never enumerates Next, and splitting a \E over a large
  // constant set compiles one action per element.
  const noNext = !constantOnly && !cfg.specification && !cfg.next;
  let actions: SubAction[] | undefined = constantOnly || noNext ? [] : undefined;
  return {
    rootFile: resolve(tlaFile),
    cfg,
    compiler,
    root,
    varNames,
    init: compileAction(compiler, initExpr, scope, 'init'),
    initLoc: initExpr.loc,
    get actions() {
      return (actions ??= splitActions(compiler, nextExpr, scope, null, constCtx));
    },
    invariants,
    constraints: cfg.constraints.map((n) => predicate(n, 'CONSTRAINT')),
    actionConstraints: cfg.actionConstraints.map((n) => predicate(n, 'ACTION_CONSTRAINT')),
    actionProperties,
    liveness,
    fairness,
    unsupportedProperties,
    view,
    symmetry,
    assumptions: ns.assumptions.map((a) => ({
      fn: compiler.expr(a.expr, a.scope),
      loc: a.loc,
      range: a.expr.loc,
    })),
    checkDeadlock: opts.checkDeadlock ?? cfg.checkDeadlock ?? true,
    runtime,
    startWarnings,
    ...(noNext ? { noNext } : {}),
  };
}

/**
 * Loads the spec and builds its root namespace, with the cfg's module-scoped entries (errors in
 * them go to `errors`).
 */
function loadAndScope(
  tlaFile: string,
  cfg: ModelConfig,
  errors: ModelError[],
): { rootModule: Module; ns: NamespaceBuilder; root: ModuleInstance } {
  const loader = new ModuleLoader(tlaFile);
  const rootModule = loader.loadRoot(tlaFile);
  internLikeTlc(cfg, rootModule, loader);
  const scoped = moduleScopedEntries(cfg, loader, errors);
  const ns = scoped ? new OverridingNamespace(loader, scoped) : new NamespaceBuilder(loader);
  const root = ns.buildRoot(rootModule);
  return { rootModule, ns, root };
}

/**
 * The binding errors of a cfg that also has syntax errors (`cfg` is what parsed of it): the
 * names it gives that the spec does not declare or define. Nothing is reported missing (no
 * INIT, a constant without a value), since what is missing may be in the part that did not
 * parse. Returns no error when the spec cannot be loaded: the cfg's syntax errors are then the
 * report, as they are when the cfg is read before the spec.
 */
export function cfgNameErrors(tlaFile: string, cfg: ModelConfig): ModelError[] {
  const errors: ModelError[] = [];
  try {
    const { rootModule, ns, root } = loadAndScope(tlaFile, cfg, errors);
    bindConstants(cfg, root, ns.constants, errors, false);
    if (ns instanceof OverridingNamespace) ns.bind(root, cfg, errors);
    checkCfgNames(cfg, rootModule, root, ns.variables.names, errors, false);
  } catch {
    // A spec that cannot be loaded or bound: the syntax errors are the whole report.
    return [];
  }
  return errors;
}

/** The error for a name the cfg gives to `what` (INIT, INVARIANT, ...) that the spec does not define. */
function undefinedInCfg(
  cfg: ModelConfig,
  rootModule: Module,
  root: ModuleInstance,
  n: CfgName,
  what: string,
): ModelError {
  return new ModelError(
    cfg.file,
    n.pos,
    `${what} ${n.name} is not defined in module ${rootModule.name}`,
    { code: 'TLA304', hint: definedNameHint(n.name, root.defs.keys()) },
  );
}

/**
 * Checks the operator names of the cfg (SPECIFICATION, INIT, NEXT, INVARIANT, PROPERTY,
 * CONSTRAINT, ACTION_CONSTRAINT, VIEW, SYMMETRY) against the spec, and the presence of what the
 * spec needs, adding an error to `errors` for each problem. With `complete` false (a cfg with
 * syntax errors), only names given wrongly are reported, not missing ones.
 */
function checkCfgNames(
  cfg: ModelConfig,
  rootModule: Module,
  root: ModuleInstance,
  varNames: readonly string[],
  errors: ModelError[],
  complete: boolean,
): void {
  const defined = (n: CfgName, what: string): boolean => {
    if (root.defs.has(n.name)) return true;
    errors.push(undefinedInCfg(cfg, rootModule, root, n, what));
    return false;
  };
  if (cfg.specification) {
    if (defined(cfg.specification, 'SPECIFICATION') && complete) {
      try {
        const spec: Expr = { k: 'ident', name: cfg.specification.name, loc: rootModule.loc };
        specParts(spec, new Scope(root), cfg);
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        errors.push(e);
      }
    }
  } else if (varNames.length === 0) {
    // Without variables an INIT or NEXT can only be a constant formula, which TLC refuses.
    const named = cfg.init ?? cfg.next;
    if (named && complete)
      errors.push(
        new ModelError(
          cfg.file,
          named.pos,
          `The ${named === cfg.init ? 'initial predicate' : 'next state action'} ${named.name} cannot be a constant.`,
          {
            hint: 'the spec declares no VARIABLES: remove INIT and NEXT from the cfg to have its ASSUMEs checked, or declare the variables the spec is about',
          },
        ),
      );
  } else {
    if (cfg.init) defined(cfg.init, 'INIT');
    else if (complete)
      errors.push(
        new ModelError(
          cfg.file,
          undefined,
          'the cfg names no INIT (or SPECIFICATION); TLC says "The configuration file did not specify the initial state predicate."',
          {
            hint: 'add INIT and NEXT, or SPECIFICATION, to the cfg (only a spec without VARIABLES may omit them: TLC then just evaluates its ASSUMEs)',
          },
        ),
      );
    // Without NEXT, TLC refuses a cfg that asks for invariants or properties; otherwise it
    // computes the initial states, then stops: "No next state actions defined to generate
    // successor states from." (exit 75).
    if (cfg.next) defined(cfg.next, 'NEXT');
    else if (complete && cfg.init && (cfg.invariants.length > 0 || cfg.properties.length > 0))
      errors.push(
        new ModelError(
          cfg.file,
          undefined,
          'the cfg names no NEXT (or SPECIFICATION); TLC says "The configuration file did not specify the next state predicate."',
          {
            hint: 'INVARIANT and PROPERTY are checked over the states NEXT reaches: add NEXT to the cfg',
          },
        ),
      );
  }
  for (const n of cfg.invariants) defined(n, 'INVARIANT');
  for (const n of cfg.properties) defined(n, 'PROPERTY');
  for (const n of cfg.constraints) defined(n, 'CONSTRAINT');
  for (const n of cfg.actionConstraints) defined(n, 'ACTION_CONSTRAINT');
  if (cfg.view) defined(cfg.view, 'VIEW');
  if (cfg.symmetry) defined(cfg.symmetry, 'SYMMETRY');
}

/**
 * TLC evaluates an invariant that is a constant formula once, before the ASSUMEs: FALSE refuses
 * the model (exit 151), TRUE gives a warning. Done here for specs without variables, where every
 * invariant is one.
 */
function constantInvariants(
  cfg: ModelConfig,
  invariants: NamedPredicate[],
  ctx: Ctx,
): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const inv of invariants) {
    const pos = cfg.invariants.find((n) => n.name === inv.name)?.pos;
    let v: Value;
    try {
      v = inv.fn(null, ctx);
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      throw new ModelError(
        cfg.file,
        pos,
        `evaluating the invariant ${inv.name} failed: ${e.message}`,
        {
          location: e.trail.at(-1) ?? inv.loc,
        },
      );
    }
    if (typeof v !== 'boolean')
      throw new ModelError(
        cfg.file,
        pos,
        `The invariant ${inv.name} must be a boolean, but it is ${printValue(v)}`,
        { location: inv.loc },
      );
    if (v === false)
      throw new ModelError(cfg.file, pos, `The invariant of ${inv.name} is equal to FALSE`, {
        code: 'TLA501',
        location: inv.loc,
        hint: 'the invariant mentions no variable, so it is false of every state: a fact about the constants belongs in an ASSUME',
      });
    warnings.push({
      code: 'TLA605',
      severity: 'warning',
      summary: `The invariant ${inv.name} is a constant-level formula (i.e., it contains no variables, primes, or temporal operators) and evaluates to TRUE.`,
      location: locationOf(inv.loc),
      hint: 'To assert constant-level formulas in your spec, use ASSUME ConstInv (TLC words it so).',
    });
  }
  return warnings;
}

/**
 * Whether `e` is a fairness condition: WF_v(A) or SF_v(A), under any number of `\A x \in S`,
 * or a conjunction of such (`\A p \in P : WF_v(A(p)) /\ WF_v(B(p))`).
 */
function isFairness(e: Expr): boolean {
  if (e.k === 'fair') return true;
  if (e.k === 'quant' && e.q === 'A') return isFairness(e.body);
  if (e.k === 'and') return e.items.length > 0 && e.items.every(isFairness);
  return false;
}

/** A fairness condition ({@link isFairness}), compiled for the liveness checker. */
function compileFairness(c: Compiler, e: Expr, sc: Scope, constCtx: Ctx): Fairness[] {
  if (e.k === 'and') return e.items.flatMap((x) => compileFairness(c, x, sc, constCtx));
  if (e.k === 'quant' && e.q === 'A') {
    const b = c.bounds(e.bounds, sc);
    const out: Fairness[] = [];
    b.each(null, constCtx, (env) => {
      out.push(
        ...compileFairness(c, e.body, b.scope, constCtx).map((f) => ({
          ...f,
          env,
          step: { ...f.step, env },
        })),
      );
      return false;
    });
    return out;
  }
  if (e.k !== 'fair') return [];
  const step: Expr = { k: 'actionBox', action: e.action, sub: e.sub, stutter: false, loc: e.loc };
  return [
    {
      strong: e.strong,
      step: { onStep: true, fn: c.expr(step, sc), env: null },
      enabled: c.expr({ k: 'enabled', expr: step, loc: e.loc }, sc),
      env: null,
    },
  ];
}

/** The permutations a SYMMETRY definition denotes (a set of functions on model values). */
function permutations(v: Value, cfg: ModelConfig): Permutation[] {
  const bad = (): never => {
    throw new ModelError(
      cfg.file,
      cfg.symmetry?.pos,
      `SYMMETRY ${cfg.symmetry?.name} must be a set of permutations of model values, such as Permutations(Procs)`,
    );
  };
  if (!(v instanceof SetValue) || !v.isFinite()) return bad();
  const out: Permutation[] = [];
  for (const f of v.elements()) {
    if (!(f instanceof FcnLike)) return bad();
    const table = f.explicit();
    if (!(table instanceof FcnValue)) return bad();
    const map = new Map<ModelValue, ModelValue>();
    table.dom.forEach((k, i) => {
      const to = table.vals[i];
      if (!(k instanceof ModelValue) || !(to instanceof ModelValue)) bad();
      if (k !== to) map.set(k as ModelValue, to as ModelValue);
    });
    out.push(map);
  }
  return permutationGroup(out);
}

/**
 * Interns every name of the run in TLC's order (modules/interning.ts): the cfg's model values
 * and strings first, then the built-in names, the modules' tokens and their string literals.
 */
function internLikeTlc(cfg: ModelConfig, root: Module, loader: ModuleLoader): void {
  const cfgNames: string[] = [];
  const visit = (v: CfgValue): void => {
    if (v.kind === 'modelValue') cfgNames.push(v.name);
    else if (v.kind === 'string') cfgNames.push(v.value);
    else if (v.kind === 'set') v.elements.forEach(visit);
  };
  for (const c of cfg.constants) visit(c.value);
  const lookup = (name: string): InterningUnit | undefined => {
    let found: LoadedModule;
    try {
      found = loader.load(name);
    } catch (e) {
      if (e instanceof TlaSemanticError || e instanceof TlaSyntaxError) return undefined;
      throw e;
    }
    return found.kind === 'user' ? unitOfModule(found.module) : standardUnit(name);
  };
  resetInterning();
  for (const name of tlcInterningOrder(cfgNames, unitOfModule(root), lookup)) intern(name);
  finishInterning();
}

/** A cfg entry scoped to a module (`x <- [Mod] y`, `x = [Mod] v`) and the definition it replaces. */
interface ScopedEntry {
  entry: (CfgSubstitution & { module: CfgName }) | (CfgConstant & { module: CfgName });
  /** Parameters of the replaced definition in Mod. */
  arity: number;
}

/**
 * The module-scoped entries of the cfg, keyed by the body of the definition each replaces: TLC
 * attaches the replacement to that definition's body, so it holds wherever the body is evaluated
 * (in every INSTANCE of Mod, and in modules extending Mod). Undefined when there are none.
 */
function moduleScopedEntries(
  cfg: ModelConfig,
  loader: ModuleLoader,
  errors: ModelError[],
): Map<Expr, ScopedEntry> | undefined {
  const entries = [...cfg.substitutions, ...cfg.constants].filter(
    (e): e is ScopedEntry['entry'] => e.module !== undefined,
  );
  if (entries.length === 0) return undefined;
  const out = new Map<Expr, ScopedEntry>();
  for (const entry of entries) {
    const modName = entry.module.name;
    let loaded: LoadedModule;
    try {
      loaded = loader.load(modName);
    } catch (e) {
      if (!(e instanceof TlaSemanticError || e instanceof TlaSyntaxError)) throw e;
      errors.push(
        new ModelError(
          cfg.file,
          entry.module.pos,
          `the cfg names module ${modName} in [${modName}], but there is no module ${modName}`,
          {
            code: 'TLA304',
            hint: 'the name in [ ] must be a module the spec EXTENDS or INSTANCEs (TLC, like this engine, ignores one that exists but is not used)',
          },
        ),
      );
      continue;
    }
    if (loaded.kind !== 'user') {
      errors.push(
        new ModelError(
          cfg.file,
          entry.module.pos,
          `the cfg overrides ${entry.name} in the standard module ${modName}, which this engine implements natively`,
          { hint: "override a definition of one of the spec's own modules, or run real TLC" },
        ),
      );
      continue;
    }
    const unit = findDefinition(loaded.module, loader, entry.name, new Set());
    if (!unit) {
      errors.push(
        new ModelError(
          cfg.file,
          entry.pos,
          `the cfg replaces ${entry.name} in module ${modName}, which defines no operator ${entry.name}`,
          {
            code: 'TLA304',
            hint: `TLC applies [${modName}] to definitions (Name == ...) of module ${modName} only, not to its CONSTANTs`,
          },
        ),
      );
      continue;
    }
    if (unit.k === 'fcndef') {
      errors.push(
        new ModelError(
          cfg.file,
          entry.pos,
          `the cfg replaces the function definition ${entry.name}[...] of module ${modName}: this engine replaces only operator definitions with [${modName}] yet`,
          { hint: 'run real TLC for this model' },
        ),
      );
      continue;
    }
    out.set(unit.body, { entry, arity: unit.params.length });
  }
  return out;
}

/** The definition `name` of module `mod` or of a module it extends. */
function findDefinition(
  mod: Module,
  loader: ModuleLoader,
  name: string,
  seen: Set<string>,
): (Module['units'][number] & { k: 'opdef' | 'fcndef' }) | undefined {
  if (seen.has(mod.name)) return undefined;
  seen.add(mod.name);
  for (const u of mod.units) if ((u.k === 'opdef' || u.k === 'fcndef') && u.name === name) return u;
  for (const ext of mod.extends) {
    let loaded: LoadedModule;
    try {
      loaded = loader.load(ext.name);
    } catch {
      continue;
    }
    if (loaded.kind !== 'user') continue;
    const found = findDefinition(loaded.module, loader, name, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * A namespace in which module-scoped cfg entries replace the bodies of the definitions they
 * name: in the root (for modules it extends) once bound, and in each instance as it is built.
 */
class OverridingNamespace extends NamespaceBuilder {
  private rootScope: Scope | undefined;
  /** Replacement bodies, by the original body. */
  private readonly bodies = new Map<Expr, Expr>();

  constructor(
    loader: ModuleLoader,
    private readonly scoped: Map<Expr, ScopedEntry>,
  ) {
    super(loader);
  }

  /**
   * Checks every entry against the root module (errors go to `errors`, and the entry is left
   * out), then replaces the definitions built so far.
   */
  bind(root: ModuleInstance, cfg: ModelConfig, errors: ModelError[]): void {
    this.rootScope = new Scope(root);
    for (const [body, { entry, arity }] of this.scoped) {
      const at = entry.module.name;
      const loc = body.loc;
      let name: string;
      if ('target' in entry) {
        const target = root.defs.get(entry.target);
        if (!target) {
          errors.push(
            new ModelError(
              cfg.file,
              entry.pos,
              `the cfg replaces ${entry.name} in module ${at} with ${entry.target}, which the root module does not define`,
              { code: 'TLA304', hint: definedNameHint(entry.target, root.defs.keys()) },
            ),
          );
          continue;
        }
        const targetArity =
          target.kind === 'op'
            ? target.params.length
            : target.kind === 'const' || target.kind === 'subst'
              ? target.arity
              : target.kind === 'native'
                ? undefined
                : 0;
        if (targetArity !== undefined && targetArity !== arity) {
          errors.push(
            new ModelError(
              cfg.file,
              entry.pos,
              `the cfg replaces ${entry.name} (${arity} argument${arity === 1 ? '' : 's'}) in module ${at} with ${entry.target}, which takes ${targetArity}`,
            ),
          );
          continue;
        }
        name = entry.target;
      } else {
        // The value lives in a constant of the root namespace under a name no spec can write.
        name = `[${at}]${entry.name}`;
        root.defs.set(name, {
          kind: 'const',
          name,
          arity: 0,
          loc,
          value: cfgValue(entry.value),
        });
      }
      this.bodies.set(body, { k: 'ident', name, loc });
    }
    this.patch(root);
  }

  override instanceOf(def: InstanceDef): ModuleInstance {
    const inst = super.instanceOf(def);
    this.patch(inst);
    return inst;
  }

  private patch(inst: ModuleInstance): void {
    const rootScope = this.rootScope;
    if (!rootScope) return;
    for (const d of inst.defs.values()) {
      if (d.kind !== 'op') continue;
      const replacement = this.bodies.get(d.body);
      if (!replacement || replacement.k !== 'ident') continue;
      d.body =
        d.params.length === 0 || 'value' in (rootScope.inst.defs.get(replacement.name) ?? {})
          ? replacement
          : {
              k: 'apply',
              name: replacement.name,
              text: replacement.name,
              args: d.params.map((p) => ({ k: 'ident', name: p.name, loc: replacement.loc })),
              loc: replacement.loc,
            };
      d.scope = rootScope;
      d.fn = undefined;
      d.constantLevel = undefined;
      d.cached = undefined;
    }
  }
}

/**
 * Gives the spec's constants the cfg's values and applies its `<-` replacements, adding an error
 * to `errors` for each entry that names nothing in the spec. With `complete`, also one for each
 * constant left without a value, unless an erroneous entry was meant for it (`Nn = 3` for `N`):
 * one mistake, one error.
 */
function bindConstants(
  cfg: ModelConfig,
  root: ModuleInstance,
  constants: ConstDef[],
  errors: ModelError[],
  complete: boolean,
): void {
  /** Names that erroneous entries were (probably) meant for. */
  const meant = new Set<string>();
  const erred = (name: string): void => {
    meant.add(name);
    const near = closestName(name, root.defs.keys());
    if (near) meant.add(near);
  };
  for (const c of cfg.constants) {
    if (c.module) continue; // bound by OverridingNamespace
    const d = root.defs.get(c.name);
    if (!d) {
      errors.push(
        new ModelError(
          cfg.file,
          c.pos,
          `the cfg gives a value to ${c.name}, which the spec does not declare or define`,
          {
            code: 'TLA304',
            hint: definedNameHint(
              c.name,
              root.defs.keys(),
              `declare it in the spec (CONSTANT ${c.name}) or remove it from the cfg`,
            ),
          },
        ),
      );
      erred(c.name);
      continue;
    }
    const value = cfgValue(c.value);
    if (d.kind === 'const') d.value = value;
    else
      root.defs.set(c.name, {
        kind: 'const',
        name: c.name,
        arity: 0,
        loc: 'loc' in d ? (d.loc as Loc) : constants[0]?.loc,
        value,
      });
  }
  for (const s of cfg.substitutions) {
    if (s.module) continue; // bound by OverridingNamespace
    const d = root.defs.get(s.name);
    if (!d) {
      errors.push(
        new ModelError(
          cfg.file,
          s.pos,
          `the cfg replaces ${s.name}, which the spec does not declare or define`,
        ),
      );
      erred(s.name);
      continue;
    }
    const target = root.defs.get(s.target);
    if (!target) {
      errors.push(
        new ModelError(
          cfg.file,
          s.pos,
          `the cfg replaces ${s.name} with ${s.target}, which is not defined`,
        ),
      );
      erred(s.name);
      continue;
    }
    root.defs.set(s.name, target);
  }
  if (!complete) return;
  for (const c of constants) {
    const now = root.defs.get(c.name);
    if (now === c && c.value === undefined && !meant.has(c.name)) {
      errors.push(
        new ModelError(
          cfg.file,
          undefined,
          `the constant ${c.name} (${c.loc.file.split('/').pop()}:${c.loc.line}:${c.loc.col}) has no value: add "CONSTANT ${c.name} = ..." or "${c.name} <- Definition" to the cfg`,
          {
            code: 'TLA303',
            location: c.loc,
            hint: `every CONSTANT the spec declares needs a value in the cfg: add a line "CONSTANT ${c.name} = 3" (a number, a string, a set such as {a, b}, or a model value), or "CONSTANT ${c.name} <- SomeDefinition"`,
          },
        ),
      );
    }
  }
}

/** "Did you mean ...?" for a cfg name the spec does not define. */
function definedNameHint(
  name: string,
  defined: Iterable<string>,
  otherwise = 'the cfg may only name definitions and constants of the root module',
): string {
  const near = closestName(name, defined);
  return near ? `did you mean ${near}? (names are case-sensitive)` : otherwise;
}

/** The body of the definition an identifier names (or the expression itself). */
function definitionBody(e: Expr, sc: Scope): Expr | undefined {
  if (e.k !== 'ident') return e;
  const d = sc.inst.defs.get(e.name);
  if (d && d.kind === 'op' && d.params.length === 0) return d.body;
  return undefined;
}

function isTemporal(e: Expr): boolean {
  return e.k === 'always' || e.k === 'eventually' || e.k === 'leadsTo' || e.k === 'fair';
}

/** Finds Init and Next in `Init /\ [][Next]_vars /\ fairness...`. */
function specParts(
  spec: Expr,
  sc: Scope,
  cfg: ModelConfig,
): { init: Expr; next: Expr; fairness: Expr[] } {
  let init: Expr | undefined;
  let next: Expr | undefined;
  const fairness: Expr[] = [];
  const visit = (e: Expr, depth: number): void => {
    if (depth > 20) return;
    if (e.k === 'and') {
      e.items.forEach((x) => visit(x, depth + 1));
      return;
    }
    if (e.k === 'always' && e.expr.k === 'actionBox') {
      next = e.expr.action;
      return;
    }
    if (isFairness(e)) {
      fairness.push(e);
      return;
    }
    if (e.k === 'always' || e.k === 'eventually' || e.k === 'leadsTo') return;
    if (e.k === 'ident') {
      const body = definitionBody(e, sc);
      // A definition an unnamed INSTANCE brought in is read in its own scope (its module's
      // substitutions): kept whole when it has no temporal part, as Init usually has none.
      const d = sc.inst.defs.get(e.name);
      const foreign = d?.kind === 'op' && d.scope.inst !== sc.inst && !containsTemporal(d.body);
      if (body && !foreign && (body.k === 'and' || isTemporal(body))) {
        visit(body, depth + 1);
        return;
      }
    }
    init = init ? { k: 'and', items: [init, e], loc: e.loc } : e;
  };
  const body = definitionBody(spec, sc);
  if (!body)
    throw new ModelError(
      cfg.file,
      cfg.specification?.pos,
      `SPECIFICATION ${cfg.specification?.name} must name a definition without parameters`,
    );
  visit(body, 0);
  if (!init || !next) {
    throw new ModelError(
      cfg.file,
      cfg.specification?.pos,
      `SPECIFICATION ${cfg.specification?.name} must have the form Init /\\ [][Next]_vars (/\\ fairness): could not find ${!init ? 'Init' : 'Next'}`,
    );
  }
  return { init, next, fairness };
}
