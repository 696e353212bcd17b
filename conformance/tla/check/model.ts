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
import { type ConstDef, NamespaceBuilder, type ModuleInstance, Scope } from '../eval/scope.ts';
import type { CfgName, CfgPos, CfgValue, ModelConfig } from './cfg.ts';
import {
  FcnLike,
  FcnValue,
  ModelValue,
  SetValue,
  StrValue,
  type Value,
  finishInterning,
  intern,
  modelValue,
  resetInterning,
  setOf,
  str,
} from '../values/value.ts';
import type { Permutation } from '../values/permute.ts';
import {
  type Fairness,
  type LivenessProperty,
  compileLiveness,
  containsTemporal,
} from './liveness.ts';
import { printValue } from '../values/print.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { locationOf } from '../diagnostics/location.ts';
import { closestName } from '../diagnostics/suggest.ts';

/** An error in binding a cfg file to a spec, reported at the cfg line. */
export class ModelError extends Error {
  readonly diagnostic: Diagnostic;

  constructor(
    readonly file: string,
    readonly pos: CfgPos | undefined,
    detail: string,
    /** The diagnostic's code, and its place when that is in the spec rather than the cfg. */
    more: { code?: DiagnosticCode; location?: Loc; hint?: string } = {},
  ) {
    super(pos ? `${file}:${pos.line}:${pos.col}: ${detail}` : `${file}: ${detail}`);
    this.name = 'ModelError';
    const location = more.location ?? (pos ? { file, ...pos } : undefined);
    this.diagnostic = {
      code: more.code ?? 'TLA309',
      severity: 'error',
      summary: detail,
      ...(location ? { location: locationOf(location) } : {}),
      ...(more.hint ? { hint: more.hint } : {}),
    };
  }
}

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
}

/** Options a caller may set when building a model. */
export interface ModelOptions {
  /** Where Print/PrintT output goes (default: standard output). */
  print?: (line: string) => void;
  /** Overrides CHECK_DEADLOCK (TLC's -deadlock flag turns checking off). */
  checkDeadlock?: boolean;
  /** Compiles branch points to record the arms they take (see `eval/branches.ts`). */
  branchProbe?: BranchProbe;
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

/** Loads `tlaFile` and binds it to `cfg`. */
export function buildModel(tlaFile: string, cfg: ModelConfig, opts: ModelOptions = {}): Model {
  const loader = new ModuleLoader(tlaFile);
  const rootModule = loader.loadRoot(tlaFile);
  internLikeTlc(cfg, rootModule, loader);
  const ns = new NamespaceBuilder(loader);
  const root = ns.buildRoot(rootModule);
  const varNames = ns.variables.names;
  const compiler = new Compiler(ns, varNames);
  compiler.probe = opts.branchProbe;
  const registers = new Map<string, Value>();
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
    tlcGet: (key) => {
      if (key instanceof StrValue) {
        // The statistics TLC exposes while model checking.
        const stat: Record<string, () => number> = {
          level: () => stats.level,
          distinct: () => stats.distinct,
          generated: () => stats.generated,
          queue: () => stats.queue,
          diameter: () => stats.diameter,
          duration: () => Math.floor((Date.now() - stats.startedMs) / 1000),
        };
        if (key.text in stat) return stat[key.text]();
      }
      const k = printValue(key);
      const v = registers.get(k);
      if (v === undefined)
        throw new EvalError(`TLCGet(${k}): no value was set with TLCSet(${k}, ...)`);
      return v;
    },
    tlcSet: (key, v) => {
      registers.set(printValue(key), v);
    },
  };

  bindConstants(cfg, root, ns.constants);
  // Resolve every definition now, so that an unknown name or a wrong arity anywhere in the
  // spec is reported before checking starts (as SANY does), not when a state first reaches it.
  for (const d of root.defs.values()) if (d.kind === 'op') compiler.bodyOf(d);
  const scope = new Scope(root);
  const named = (n: CfgName, what: string): Expr => {
    const d = root.defs.get(n.name);
    if (!d)
      throw new ModelError(
        cfg.file,
        n.pos,
        `${what} ${n.name} is not defined in module ${rootModule.name}`,
        { code: 'TLA304', hint: definedNameHint(n.name, root.defs.keys()) },
      );
    return { k: 'ident', name: n.name, loc: 'loc' in d ? (d.loc as Loc) : rootModule.loc };
  };

  let initExpr: Expr;
  let nextExpr: Expr;
  let fairnessExprs: Expr[] = [];
  if (cfg.specification) {
    const parts = specParts(named(cfg.specification, 'SPECIFICATION'), scope, cfg);
    initExpr = parts.init;
    nextExpr = parts.next;
    fairnessExprs = parts.fairness;
  } else {
    if (!cfg.init)
      throw new ModelError(cfg.file, undefined, 'the cfg names no INIT (or SPECIFICATION)');
    if (!cfg.next)
      throw new ModelError(cfg.file, undefined, 'the cfg names no NEXT (or SPECIFICATION)');
    initExpr = named(cfg.init, 'INIT');
    nextExpr = named(cfg.next, 'NEXT');
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
  const view = cfg.view ? predicate(cfg.view, 'VIEW') : undefined;
  const symmetry = cfg.symmetry
    ? permutations(compiler.expr(named(cfg.symmetry, 'SYMMETRY'), scope)(null, constCtx), cfg)
    : undefined;
  // Split on first use: a trace replay never enumerates Next, and splitting a \E over a large
  // constant set compiles one action per element.
  let actions: SubAction[] | undefined;
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
  };
}

/** WF_v(A) / SF_v(A), possibly under `\A x \in S`, compiled for the liveness checker. */
function compileFairness(c: Compiler, e: Expr, sc: Scope, constCtx: Ctx): Fairness[] {
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
    if (map.size > 0) out.push(map);
  }
  return out;
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

function bindConstants(cfg: ModelConfig, root: ModuleInstance, constants: ConstDef[]): void {
  for (const c of cfg.constants) {
    const d = root.defs.get(c.name);
    if (!d)
      throw new ModelError(
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
      );
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
    const d = root.defs.get(s.name);
    if (!d)
      throw new ModelError(
        cfg.file,
        s.pos,
        `the cfg replaces ${s.name}, which the spec does not declare or define`,
      );
    const target = root.defs.get(s.target);
    if (!target)
      throw new ModelError(
        cfg.file,
        s.pos,
        `the cfg replaces ${s.name} with ${s.target}, which is not defined`,
      );
    root.defs.set(s.name, target);
  }
  for (const c of constants) {
    const now = root.defs.get(c.name);
    if (now === c && c.value === undefined) {
      throw new ModelError(
        cfg.file,
        undefined,
        `the constant ${c.name} (${c.loc.file.split('/').pop()}:${c.loc.line}:${c.loc.col}) has no value: add "CONSTANT ${c.name} = ..." or "${c.name} <- Definition" to the cfg`,
        {
          code: 'TLA303',
          location: c.loc,
          hint: `every CONSTANT the spec declares needs a value in the cfg: add a line "CONSTANT ${c.name} = 3" (a number, a string, a set such as {a, b}, or a model value), or "CONSTANT ${c.name} <- SomeDefinition"`,
        },
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
    if (e.k === 'fair' || (e.k === 'quant' && e.q === 'A' && e.body.k === 'fair')) {
      fairness.push(e);
      return;
    }
    if (e.k === 'always' || e.k === 'eventually' || e.k === 'leadsTo') return;
    if (e.k === 'ident') {
      const body = definitionBody(e, sc);
      if (body && (body.k === 'and' || isTemporal(body))) {
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
