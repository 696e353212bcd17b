/**
 * SANY's rule on declarations: in TLA+ a declaration may not reuse a name that is already
 * visible where it is made. There is no shadowing. A spec that breaks the rule is rejected by
 * SANY ("Multiply-defined symbol 's': this definition or declaration conflicts with the one at
 * ...", or "Operator Foo already defined or declared") and TLC does not run it (exit 150). The
 * compiler resolves names lazily and lets an inner binder hide an outer one, so this pass walks
 * every module the spec reaches (EXTENDS and INSTANCE, used or not, as SANY does) before
 * anything is built, and reports the first conflict with both places.
 *
 * What SANY rejects, established by running its parser on small specs
 * (test/conformance/tla/fixtures/redeclare/ holds them with SANY's verdicts):
 * - a bound name (\A, \E, \AA, \EE, CHOOSE, {x \in S : P}, {e : x \in S}, [x \in S |-> e],
 *   f[x \in S] == e, LAMBDA), an operator parameter or a LET definition whose name is an
 *   enclosing bound name or parameter, an earlier definition, CONSTANT or VARIABLE of the module
 *   (LOCAL ones included), a name from an EXTENDed module (Nat after EXTENDS Naturals, Print
 *   after EXTENDS TLC), a name an unnamed INSTANCE imported, the name of a named instance, or
 *   a RECURSIVE declaration; also two names of one binder (`\A x, x`, `Op(a, a)`, `<<x, x>>`);
 * - a definition (module level or LET) of a name already visible, standard operators included
 *   (`Nat == ...` after EXTENDS Naturals), and a CONSTANT or VARIABLE that redeclares another
 *   kind of symbol (or a constant with another arity).
 * What SANY accepts:
 * - the same name bound in sibling, non-nested scopes; a bound name inside the set of its own
 *   bound (`\A x \in {x \in S : P}`: the set is outside the binder's scope, and so are the sets
 *   of later bounds of the same binder); a name defined only later in the module; an operator's
 *   own name in its body unless it is RECURSIVE (a recursive function's name is in scope);
 * - names that are not visible: LOCAL definitions of an extended module, what a module gets
 *   through LOCAL INSTANCE (Nat after EXTENDS Sequences or TLC), the definitions of a named
 *   instance (only the prefix `I` is a name), the constants and variables of an instantiated
 *   module;
 * - two imports of one name (EXTENDS A, B both defining Foo; an unnamed INSTANCE after that):
 *   a warning, the first one wins; a definition before an unnamed INSTANCE that imports its
 *   name; a CONSTANT or VARIABLE declared again as the same kind (a warning).
 */
import {
  type Bound,
  childExprs,
  type Expr,
  type Loc,
  type Module,
  type Unit,
} from '../syntax/ast.ts';
import { type ModuleLoader, TlaSemanticError } from '../modules/loader.ts';
import {
  NATIVE_MODULES,
  nativeDefinitionPlaces,
  nativeModuleNames,
} from '../modules/stdlib/index.ts';
import { describeRange } from '../values/errors.ts';

type DeclKind =
  'definition' | 'constant' | 'variable' | 'parameter' | 'bound variable' | 'RECURSIVE declaration';

/** A declared name: where SANY would say it was declared. */
interface Decl {
  kind: DeclKind;
  /** For a standard module, the place in TLC's copy of it (our standard modules are native). */
  loc?: Loc;
  /** The module the declaration is in. */
  module: string;
  standard?: boolean;
  /** For constants: the arity. */
  arity?: number;
  /**
   * Whether the declaring module has constants or variables: SANY gives a definition that an
   * unnamed INSTANCE of such a module imports the place of the INSTANCE.
   */
  parameterized?: boolean;
}

/** The names a module makes visible to a module that extends or instantiates it. */
interface Exports {
  names: ReadonlyMap<string, Decl>;
  parameterized: boolean;
}

const NO_EXPORTS: Exports = { names: new Map(), parameterized: false };

/** How each standard operator symbol is written (`$plus` is `+`). */
const SYMBOL_TEXT = new Map<string, string>();
for (const m of NATIVE_MODULES.values())
  for (const op of m.ops) if (op.text !== undefined) SYMBOL_TEXT.set(op.name, op.text);

function shown(name: string): string {
  return SYMBOL_TEXT.get(name) ?? (name.startsWith('$') ? name.slice(1) : name);
}

/** What a standard module exports: its operators and those of the modules it EXTENDS (not its LOCAL INSTANCEs). */
const stdExports = new Map<string, Exports>();
function standardExports(name: string): Exports {
  const hit = stdExports.get(name);
  if (hit) return hit;
  const names = new Map<string, Decl>();
  for (const ext of nativeModuleNames(name)?.extends ?? [])
    for (const [n, d] of standardExports(ext).names) if (!names.has(n)) names.set(n, d);
  for (const op of NATIVE_MODULES.get(name)?.ops ?? []) {
    const at = nativeDefinitionPlaces(name)?.[op.name];
    const loc = at && {
      file: `${name}.tla`,
      module: name,
      line: at[0],
      col: at[1],
      endLine: at[2],
      endCol: at[3],
    };
    names.set(op.name, { kind: 'definition', module: name, standard: true, loc });
  }
  const exports: Exports = { names, parameterized: false };
  stdExports.set(name, exports);
  return exports;
}

/**
 * A module checked earlier, with the exports of the modules it consulted: the parse cache gives
 * the same Module object while its file is unchanged, and replay builds many models of one spec.
 */
const checked = new WeakMap<
  Module,
  { exports: Exports; consulted: Array<[string, Exports | undefined]> }
>();

/** Checks the root module and every module it reaches; throws a TlaSemanticError (TLA204). */
export function checkDeclarations(root: Module, loader: ModuleLoader): void {
  new DeclarationChecker(loader).exportsOf(root.name, undefined, root);
}

class DeclarationChecker {
  /** Exports by module name; undefined while the module is being checked (an EXTENDS cycle). */
  private readonly modules = new Map<string, Exports | undefined>();

  constructor(private readonly loader: ModuleLoader) {}

  /** The exports of module `name`, checking it first; undefined for a module that cannot be found. */
  exportsOf(name: string, from?: Loc, module?: Module): Exports | undefined {
    if (this.modules.has(name)) return this.modules.get(name) ?? NO_EXPORTS;
    let mod = module;
    if (!mod) {
      let loaded;
      try {
        loaded = this.loader.load(name, from);
      } catch (e) {
        // A missing module is reported where the engine needs it, as before.
        if (e instanceof TlaSemanticError && e.diagnostic.code === 'TLA203') return undefined;
        throw e;
      }
      if (loaded.kind === 'std') return standardExports(name);
      mod = loaded.module;
    }
    this.modules.set(name, undefined);
    const hit = checked.get(mod);
    if (hit && hit.consulted.every(([n, ex]) => this.exportsOf(n) === ex)) {
      this.modules.set(name, hit.exports);
      return hit.exports;
    }
    const consulted: Array<[string, Exports | undefined]> = [];
    const exports = new ModuleCheck(mod, (n, loc) => {
      const ex = this.exportsOf(n, loc);
      consulted.push([n, ex]);
      return ex;
    }).run();
    checked.set(mod, { exports, consulted });
    this.modules.set(name, exports);
    return exports;
  }
}

interface Entry {
  decl: Decl;
  /** Visible to modules that extend this one (not LOCAL, not a bound name). */
  exported: boolean;
}

/** One module's walk: a symbol table of the names visible at each point. */
class ModuleCheck {
  /** Module-level names, and the bound names of the enclosing scopes (removed on leaving). */
  private readonly scope = new Map<string, Entry>();
  /** The definitions this module declares (their `parameterized` is known at the end). */
  private readonly own: Decl[] = [];

  constructor(
    private readonly mod: Module,
    private readonly exportsOf: (name: string, from?: Loc) => Exports | undefined,
  ) {}

  run(): Exports {
    let parameterized = false;
    for (const ext of this.mod.extends) {
      const ex = this.exportsOf(ext.name, ext.loc);
      if (!ex) continue;
      parameterized ||= ex.parameterized;
      for (const [name, decl] of ex.names) this.imported(name, decl, true);
    }
    for (const unit of this.mod.units) this.unit(unit, undefined);
    for (const { decl } of this.scope.values())
      if (decl.kind === 'constant' || decl.kind === 'variable') parameterized = true;
    for (const d of this.own) d.parameterized = parameterized;
    const names = new Map<string, Decl>();
    for (const [name, e] of this.scope) if (e.exported) names.set(name, e.decl);
    return { names, parameterized };
  }

  /** A name that EXTENDS or an unnamed INSTANCE brings in: the first one of a name wins (SANY warns). */
  private imported(name: string, decl: Decl, exported: boolean): void {
    if (!this.scope.has(name)) this.scope.set(name, { decl, exported });
  }

  private decl(kind: DeclKind, loc: Loc, extra: Partial<Decl> = {}): Decl {
    const d: Decl = { kind, loc, module: this.mod.name, ...extra };
    if (kind === 'definition') this.own.push(d);
    return d;
  }

  /**
   * A bound name, parameter or RECURSIVE declaration at `loc`: an error if `name` is visible.
   * Returns the name, to be released when its scope ends.
   */
  private bind(name: string, loc: Loc, kind: DeclKind): string {
    const prev = this.scope.get(name);
    if (prev)
      throw conflict(`Multiply-defined symbol '${shown(name)}'`, name, loc, prev.decl, kind);
    this.scope.set(name, { decl: this.decl(kind, loc), exported: false });
    return name;
  }

  private release(names: string[]): void {
    for (const n of names) this.scope.delete(n);
  }

  /** A definition (operator, function, instance, named ASSUME) of `name`. */
  private define(name: string, loc: Loc, exported: boolean): void {
    const prev = this.scope.get(name);
    // `RECURSIVE Op(_)` declares the operator that a later definition defines.
    if (prev && !(prev.decl.kind === 'RECURSIVE declaration' && prev.decl.module === this.mod.name))
      throw conflict(
        `Operator ${shown(name)} already defined or declared`,
        name,
        loc,
        prev.decl,
        'definition',
      );
    this.scope.set(name, { decl: this.decl('definition', loc), exported });
  }

  /** A unit at module level (`lets` undefined) or in a LET (the names to release are added to `lets`). */
  private unit(u: Unit, lets: string[] | undefined): void {
    const exported = lets === undefined && !('local' in u && u.local);
    switch (u.k) {
      case 'constants':
        for (const d of u.decls) this.declare(d.name, d.loc, 'constant', d.arity);
        return;
      case 'variables':
        for (const d of u.decls) this.declare(d.name, d.loc, 'variable', 0);
        return;
      case 'recursive':
        for (const p of u.decls) {
          const n = this.bind(p.name, p.loc ?? u.loc, 'RECURSIVE declaration');
          lets?.push(n);
          const e = this.scope.get(n)!;
          e.exported = exported;
        }
        return;
      case 'opdef': {
        const params = u.params.map((p) => this.bind(p.name, p.loc ?? u.loc, 'parameter'));
        this.expr(u.body);
        this.release(params);
        this.define(u.name, u.declLoc ?? u.loc, exported);
        lets?.push(u.name);
        return;
      }
      case 'fcndef': {
        for (const b of u.bounds) if (b.set) this.expr(b.set);
        // The function's own name is visible in its body (it may be recursive).
        this.define(u.name, u.declLoc ?? u.loc, exported);
        lets?.push(u.name);
        const names = this.bindBounds(u.bounds);
        this.expr(u.body);
        this.release(names);
        return;
      }
      case 'instance': {
        const params = u.params.map((p) => this.bind(p.name, p.loc ?? u.loc, 'parameter'));
        for (const s of u.subs) this.expr(s.expr);
        this.release(params);
        const ex = this.exportsOf(u.module, u.loc);
        if (u.name !== undefined) {
          this.define(u.name, u.declLoc ?? u.loc, exported);
          lets?.push(u.name);
        } else if (ex) {
          const at = u.declLoc ?? u.loc;
          for (const [name, d] of ex.names) {
            // The instantiated module's constants and variables are substituted, not imported.
            if (d.kind === 'constant' || d.kind === 'variable') continue;
            const decl = d.parameterized ? { ...d, loc: at, module: this.mod.name } : d;
            if (lets && !this.scope.has(name)) lets.push(name);
            this.imported(name, decl, exported);
          }
        }
        return;
      }
      case 'assume':
        this.expr(u.expr);
        if (u.name !== undefined) this.define(u.name, u.loc, true);
        return;
    }
  }

  /**
   * A CONSTANT or VARIABLE: declaring one again as the same kind (and arity) is allowed, as the
   * same symbol (SANY warns); anything else visible under its name is an error.
   */
  private declare(name: string, loc: Loc, kind: 'constant' | 'variable', arity: number): void {
    const prev = this.scope.get(name);
    if (prev && prev.decl.kind === kind && (prev.decl.arity ?? 0) === arity) return;
    if (prev)
      throw conflict(`Multiply-defined symbol '${shown(name)}'`, name, loc, prev.decl, kind);
    this.scope.set(name, { decl: this.decl(kind, loc, { arity }), exported: true });
  }

  /** The names of `\A x \in S, y \in T` (the sets are walked by the caller, outside the scope). */
  private bindBounds(bounds: Bound[]): string[] {
    const names: string[] = [];
    for (const b of bounds)
      b.names.forEach((n, i) =>
        names.push(this.bind(n, b.nameLocs?.[i] ?? b.loc, 'bound variable')),
      );
    return names;
  }

  private expr(e: Expr): void {
    switch (e.k) {
      case 'quant':
      case 'setMap':
      case 'fcn': {
        for (const b of e.bounds) if (b.set) this.expr(b.set);
        const names = this.bindBounds(e.bounds);
        this.expr(e.k === 'setMap' ? e.expr : e.body);
        this.release(names);
        return;
      }
      case 'choose':
      case 'setFilter': {
        const b = e.bound;
        if (b.set) this.expr(b.set);
        let names: string[];
        if (e.k === 'choose' && !b.set && !b.tuple) {
          // SANY places `CHOOSE x : P` (no set, no tuple) at the keyword CHOOSE.
          const at = { ...e.loc, endLine: e.loc.line, endCol: e.loc.col + 5 };
          names = [this.bind(b.names[0], at, 'bound variable')];
        } else names = this.bindBounds([b]);
        this.expr(e.k === 'choose' ? e.body : e.pred);
        this.release(names);
        return;
      }
      case 'uquant': {
        const names = e.names.map((n, i) =>
          this.bind(n, e.nameLocs?.[i] ?? e.loc, 'bound variable'),
        );
        this.expr(e.body);
        this.release(names);
        return;
      }
      case 'lambda': {
        const names = e.params.map((n, i) => this.bind(n, e.paramLocs?.[i] ?? e.loc, 'parameter'));
        this.expr(e.body);
        this.release(names);
        return;
      }
      case 'let': {
        const names: string[] = [];
        for (const d of e.defs) this.unit(d, names);
        this.expr(e.body);
        this.release(names);
        return;
      }
      default:
        for (const c of childExprs(e)) this.expr(c);
    }
  }
}

/** The error for a declaration of `name` at `loc` that conflicts with `prev`. */
function conflict(
  what: string,
  name: string,
  loc: Loc,
  prev: Decl,
  kind: DeclKind,
): TlaSemanticError {
  const where = prev.loc
    ? `the one at ${describeRange(prev.loc)}`
    : `the one in the standard module ${prev.module}`;
  const detail =
    kind === 'definition'
      ? `${what}: this definition conflicts with ${where}.`
      : `${what}: this definition or declaration conflicts with ${where}.`;
  const earlier =
    prev.loc && !prev.standard
      ? `the ${prev.kind} at ${prev.loc.file.split('/').pop()}:${prev.loc.line}:${prev.loc.col}`
      : `${shown(name)} of the standard module ${prev.module}`;
  return new TlaSemanticError(
    loc,
    detail,
    'TLA204',
    `TLA+ has no shadowing: a ${kind} cannot reuse a name already visible here (${earlier}); rename one of them`,
  );
}
