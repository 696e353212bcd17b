/**
 * Finding and parsing modules: a module named M is `M.tla` in the spec's folder (or one of the
 * extra search folders, or the library path), else a built-in standard module. Each file is
 * parsed once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Loc, Module } from '../syntax/ast.ts';
import { parseModule, TlaSyntaxError } from '../syntax/parse.ts';
import type { StdModule } from './stdlib/native.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { locationOf } from '../diagnostics/location.ts';
import { STANDARD_MODULES } from './stdlib/index.ts';
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

/** A module as found: parsed user source, or a native standard module. */
export type LoadedModule = { kind: 'user'; module: Module } | { kind: 'std'; module: StdModule };

/** Loads modules by name, caching parses. */
export class ModuleLoader {
  private readonly cache = new Map<string, LoadedModule>();
  private readonly folders: string[];

  /**
   * @param extraFolders searched after the spec's folder
   * @param library searched last, before the standard modules: TLC's library path (./library.ts)
   */
  constructor(rootFile: string, extraFolders: string[] = [], library: string[] = libraryFolders()) {
    this.folders = [dirname(resolve(rootFile)), ...extraFolders.map((f) => resolve(f)), ...library];
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
    for (const folder of this.folders) {
      const path = join(folder, `${name}.tla`);
      if (existsSync(path)) {
        const mod = this.parseFile(path);
        if (mod.name !== name) {
          throw new TlaSemanticError(
            mod.loc,
            `file ${name}.tla holds module ${mod.name}, expected module ${name}`,
          );
        }
        const loaded: LoadedModule = { kind: 'user', module: mod };
        this.cache.set(name, loaded);
        return loaded;
      }
    }
    const std = STANDARD_MODULES.get(name);
    if (std) {
      const loaded: LoadedModule = { kind: 'std', module: std };
      this.cache.set(name, loaded);
      return loaded;
    }
    throw new TlaSemanticError(
      from,
      `cannot find module ${name}: looked for ${name}.tla in ${this.folders.join(', ')} and among the standard modules (${[...STANDARD_MODULES.keys()].join(', ')})`,
      'TLA203',
      'a module of the CommunityModules or another library: give its folder or jar in TLA_LIBRARY (or --library), as TLC takes -DTLA-Library',
    );
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
