/**
 * Which definition a source range is, for turning an evaluation error's trail of ranges into
 * the chain of definitions people wrote. Files are parsed again on demand (only when an error
 * is reported), so evaluation itself carries no names.
 */
import { readFileSync } from 'node:fs';
import type { Expr, Loc, Unit } from '../syntax/ast.ts';
import { parseModule } from '../syntax/parse.ts';
import { childExprs } from '../syntax/ast.ts';
import type { RangeLike } from './location.ts';

export interface DefinitionSite {
  name: string;
  /** The whole definition, `Name(p) == body`. */
  loc: Loc;
  body: Expr;
}

const byFile = new Map<string, Map<string, DefinitionSite>>();

/** The definition whose whole range or body range is exactly `r`, if any. */
export function definitionAt(r: Required<RangeLike>): DefinitionSite | undefined {
  return definitionsOf(r.file).get(rangeKey(r));
}

/** Where `name` is used inside `within` (the first use), to say where a definition was applied. */
export function useOf(name: string, within: Expr): Loc | undefined {
  if ((within.k === 'ident' || within.k === 'apply') && within.name === name) return within.loc;
  for (const c of childExprs(within)) {
    const found = useOf(name, c);
    if (found) return found;
  }
  return undefined;
}

function rangeKey(r: Required<RangeLike>): string {
  return `${r.line}:${r.col}:${r.endLine}:${r.endCol}`;
}

function definitionsOf(file: string): Map<string, DefinitionSite> {
  let sites = byFile.get(file);
  if (!sites) {
    sites = new Map();
    try {
      const mod = parseModule(readFileSync(file, 'utf8'), file);
      for (const u of mod.units) addUnit(u, sites);
    } catch {
      // unreadable or unparsable now: the chain is left out, the rest of the report stands
    }
    byFile.set(file, sites);
  }
  return sites;
}

function addUnit(u: Unit, sites: Map<string, DefinitionSite>): void {
  if (u.k !== 'opdef' && u.k !== 'fcndef') return;
  const site = { name: u.name, loc: u.loc, body: u.body };
  sites.set(rangeKey(u.loc), site);
  sites.set(rangeKey(u.body.loc), site);
}
