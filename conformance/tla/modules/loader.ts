/**
 * Finding and parsing modules. A module named M is, in this order of precedence:
 * 1. `M.tla` in the spec's folder or one of the extra search folders, as written;
 * 2. `M.tla` in the library path; when M is a CommunityModule we implement natively, its TLA+
 *    definitions with our natives in place of the operators they implement (as TLC's Java
 *    overrides replace them), so that a newer library's extra operators are still found;
 * 3. the native module M: a standard module, or a CommunityModule without a library copy.
 * Each file is parsed once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Loc, Module } from '../syntax/ast.ts';
import { parseModule, TlaSyntaxError } from '../syntax/parse.ts';
import type { StdModule } from './stdlib/native.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { locationOf } from '../diagnostics/location.ts';
import { COMMUNITY_MODULES, LIBRARY_OVERRIDES, NATIVE_MODULES } from './stdlib/index.ts';
import { libraryFolders } from './library.ts';

/** A semantic error in a spec (unknown name, wrong arity, missing module), with its place. */
export class TlaSemanticError extends Error {
  readonly diagnostic: Diagnostic;

  constructor(
    readonly loc: Loc | undefined,
    readonly detail: string,
    code: DiagnosticCode = 'TLA209',
    hint?: string,
  ) {
    super(loc ? `${loc.file}:${loc.line}:${loc.col}: ${detail}` : detail);
    this.name = 'TlaSemanticError';
    this.diagnostic = {
      code,
      severity: 'error',
      summary: detail,
      ...(loc ? { location: locationOf(loc) } : {}),
      ...(hint ? { hint } : {}),
    };
  }
}

/**
 * Parses, once per file content: a module's syntax tree is never changed by binding, and
 * replaying traces builds a model per run from the same spec files.
 */
const parsed = new Map<string, { text: string; module: Module }>();

function parsedModule(text: string, path: string): Module {
  const hit = parsed.get(path);
  if (hit && hit.text === text) return hit.module;
  const module = parseModule(text, path);
  parsed.set(path, { text, module });
  return module;
}

/**
 * A module as found: parsed source (with `natives` replacing the operators they implement, for
 * a CommunityModule from the library path), or a native module.
 */
export type LoadedModule =
  { kind: 'user'; module: Module; natives?: StdModule } | { kind: 'std'; module: StdModule };

/** Loads modules by name, caching parses. */
export class ModuleLoader {
  private readonly cache = new Map<string, LoadedModule>();
  /** The spec's folder and the extra folders: what is found there is used as written. */
  private readonly own: string[];
  private readonly library: string[];

  /**
   * @param extraFolders searched after the spec's folder
   * @param library searched last, before the native modules: TLC's library path (./library.ts)
   */
  constructor(rootFile: string, extraFolders: string[] = [], library: string[] = libraryFolders()) {
    this.own = [dirname(resolve(rootFile)), ...extraFolders.map((f) => resolve(f))];
    this.library = library;
  }

  /** Parses the root module from its file. */
  loadRoot(file: string): Module {
    const mod = this.parseFile(resolve(file));
    this.cache.set(mod.name, { kind: 'user', module: mod });
    return mod;
  }

  /** Finds module `name`; `from` is where it was referenced (for the error message). */
  load(name: string, from?: Loc): LoadedModule {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const loaded = this.find(name, from);
    this.cache.set(name, loaded);
    return loaded;
  }

  private find(name: string, from?: Loc): LoadedModule {
    const own = this.fileIn(this.own, name);
    if (own) return { kind: 'user', module: own };
    const natives = COMMUNITY_MODULES.get(name) ?? LIBRARY_OVERRIDES.get(name);
    const fromLibrary = this.fileIn(this.library, name);
    if (fromLibrary)
      return natives
        ? { kind: 'user', module: fromLibrary, natives }
        : { kind: 'user', module: fromLibrary };
    const std = NATIVE_MODULES.get(name);
    if (std) return { kind: 'std', module: std };
    throw new TlaSemanticError(
      from,
      `cannot find module ${name}: looked for ${name}.tla in ${[...this.own, ...this.library].join(', ')} and among the native modules (${[...NATIVE_MODULES.keys()].join(', ')})`,
      'TLA203',
      'a module of a library: give its folder or jar in TLA_LIBRARY (or --library), as TLC takes -DTLA-Library',
    );
  }

  /** Module `name` parsed from the first of `folders` that holds `name.tla`. */
  private fileIn(folders: readonly string[], name: string): Module | undefined {
    for (const folder of folders) {
      const path = join(folder, `${name}.tla`);
      if (!existsSync(path)) continue;
      const mod = this.parseFile(path);
      if (mod.name !== name) {
        throw new TlaSemanticError(
          mod.loc,
          `file ${name}.tla holds module ${mod.name}, expected module ${name}`,
        );
      }
      return mod;
    }
    return undefined;
  }

  private parseFile(path: string): Module {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new TlaSyntaxError(path, 1, 1, `cannot read file: ${(e as Error).message}`, {
        code: 'TLA100',
      });
    }
    return parsedModule(text, path);
  }
}
