/**
 * The library path: modules that are neither beside the spec nor standard come from folders or
 * jars named by TLA_LIBRARY (TLC's -DTLA-Library), or from the CommunityModules.jar beside
 * TLA2TOOLS_JAR; without them the error says where it looked and how to give a library. A module
 * reached twice, through EXTENDS and through a LOCAL INSTANCE elsewhere, is one symbol, as in
 * the CommunityModules' FiniteSetsExt (EXTENDS Folds, Functions; Functions has LOCAL INSTANCE
 * Folds).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import { libraryFolders, libraryPathFromEnv } from '../../../../conformance/tla/modules/library.ts';
import { cleanupSpecs, writeSpec } from '../support.ts';

afterAll(cleanupSpecs);
const saved = process.env.TLA_LIBRARY;
afterEach(() => {
  if (saved === undefined) delete process.env.TLA_LIBRARY;
  else process.env.TLA_LIBRARY = saved;
});

const FOLDS = '---- MODULE Folds ----\nTwice(x) == 2 * x\n====\n';
const FUNCTIONS =
  '---- MODULE Functions ----\nLOCAL INSTANCE Folds\nQuad(x) == Twice(Twice(x))\n====\n';
const EXT = '---- MODULE SetsExt ----\nEXTENDS Folds, Functions\nOct(x) == Twice(Quad(x))\n====\n';
const SPEC = [
  '---- MODULE M ----',
  'EXTENDS Naturals, SetsExt',
  'VARIABLE x',
  'Init == x = 1',
  "Next == x < 40 /\\ x' = Oct(x)",
  '====',
].join('\n');
const CFG = 'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n';

function check(dir: string) {
  return checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), { print: () => {} });
}

describe('the library path', () => {
  it('refuses a module it cannot find, saying where it looked and how to give a library', () => {
    delete process.env.TLA_LIBRARY;
    const dir = writeSpec({ 'M.tla': SPEC, 'M.cfg': CFG });
    expect(() => check(dir)).toThrow(InputError);
    expect(() => check(dir)).toThrow(/cannot find module SetsExt/);
  });

  it('loads modules from a library folder, and a module reached twice is one symbol', () => {
    const dir = writeSpec({ 'M.tla': SPEC, 'M.cfg': CFG });
    const lib = join(dir, 'lib');
    mkdirSync(lib);
    writeFileSync(join(lib, 'Folds.tla'), FOLDS);
    writeFileSync(join(lib, 'Functions.tla'), FUNCTIONS);
    writeFileSync(join(lib, 'SetsExt.tla'), EXT);
    process.env.TLA_LIBRARY = ['/no/such/folder', lib].join(delimiter);
    const result = check(dir);
    expect(result).toMatchObject({ kind: 'ok', distinct: 3, depth: 3 });
  });

  it('loads modules from a jar, extracted once into a cache folder', () => {
    const dir = writeSpec({ 'M.tla': SPEC, 'M.cfg': CFG });
    const jar = join(dir, 'Lib.jar');
    writeFileSync(
      jar,
      zipSync({
        'Folds.tla': strToU8(FOLDS),
        'Functions.tla': strToU8(FUNCTIONS),
        'SetsExt.tla': strToU8(EXT),
        'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n'),
      }),
    );
    process.env.TLA_LIBRARY = jar;
    expect(check(dir)).toMatchObject({ kind: 'ok', distinct: 3 });
    const [folder] = libraryFolders([jar]);
    expect(libraryFolders([jar])).toEqual([folder]);
    expect(folder).not.toBe(dir);
  });

  it('defaults to the CommunityModules.jar beside TLA2TOOLS_JAR', () => {
    const dir = writeSpec({});
    writeFileSync(join(dir, 'CommunityModules.jar'), zipSync({}));
    expect(libraryPathFromEnv({ TLA2TOOLS_JAR: join(dir, 'tla2tools.jar') })).toEqual([
      join(dir, 'CommunityModules.jar'),
    ]);
    expect(libraryPathFromEnv({ TLA2TOOLS_JAR: join(dir, 'x', 'tla2tools.jar') })).toEqual([]);
    expect(libraryPathFromEnv({ TLA_LIBRARY: `a${delimiter}b`, TLA2TOOLS_JAR: 'x' })).toEqual([
      'a',
      'b',
    ]);
  });
});
