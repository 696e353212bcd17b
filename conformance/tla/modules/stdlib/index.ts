/**
 * The natively implemented modules, by name: TLC's standard modules, and the CommunityModules
 * that public specs extend (TLC users have CommunityModules.jar on the class path).
 */
import { BAGS } from './bags.ts';
import { BITWISE } from './bitwise.ts';
import { COMMUNITY_DEFINITION_PLACES, COMMUNITY_MODULE_NAMES } from './community-sources.ts';
import { FINITE_SETS_EXT } from './finitesetsext.ts';
import { FINITE_SETS } from './finitesets.ts';
import { FOLDS } from './folds.ts';
import { FUNCTIONS } from './functions.ts';
import { INTEGERS } from './integers.ts';
import { IO_UTILS_OVERRIDES } from './ioutils.ts';
import type { StdModule } from './native.ts';
import { STD_MODULE_NAMES } from './names.ts';
import { STD_DEFINITION_PLACES } from './places.ts';
import { NATURALS } from './naturals.ts';
import { SEQUENCES_EXT } from './sequencesext.ts';
import { SEQUENCES } from './sequences.ts';
import { TLC } from './tlc.ts';
import { UNDIRECTED_GRAPHS } from './undirectedgraphs.ts';

const byName = (modules: StdModule[]): ReadonlyMap<string, StdModule> =>
  new Map(modules.map((m) => [m.name, m]));

/**
 * Every standard module TLC users rely on (tla2sany/StandardModules in tla2tools.jar). Each
 * lists only its own operators; the evaluator merges the modules named in `extends`, exactly as
 * for user modules.
 */
export const STANDARD_MODULES = byName([NATURALS, INTEGERS, SEQUENCES, FINITE_SETS, TLC, BAGS]);

/**
 * The CommunityModules implemented natively. Unlike a standard module, a library path may hold
 * a (newer) copy of one: its TLA+ definitions are then used, with these natives in place of the
 * operators they implement, as TLC's Java overrides replace them (modules/loader.ts).
 */
export const COMMUNITY_MODULES = byName([
  FOLDS,
  FUNCTIONS,
  FINITE_SETS_EXT,
  SEQUENCES_EXT,
  BITWISE,
  UNDIRECTED_GRAPHS,
]);

/**
 * Natives for some operators of a library module that has no native implementation of its own:
 * they replace those operators' definitions in the library's copy, as TLC's Java overrides do.
 */
export const LIBRARY_OVERRIDES = byName([IO_UTILS_OVERRIDES]);

/** Both: every module with a native implementation. */
export const NATIVE_MODULES: ReadonlyMap<string, StdModule> = new Map([
  ...STANDARD_MODULES,
  ...COMMUNITY_MODULES,
]);

/** What SANY reads in TLC's copy of native module `name`: EXTENDS, INSTANCE and tokens. */
export function nativeModuleNames(name: string): (typeof STD_MODULE_NAMES)[string] | undefined {
  return STD_MODULE_NAMES[name] ?? COMMUNITY_MODULE_NAMES[name];
}

/** Where TLC's copy of native module `name` defines each operator (line, col, end line, end col). */
export function nativeDefinitionPlaces(
  name: string,
): (typeof STD_DEFINITION_PLACES)[string] | undefined {
  return STD_DEFINITION_PLACES[name] ?? COMMUNITY_DEFINITION_PLACES[name];
}

export { ANY, AnySet } from './tlc.ts';
