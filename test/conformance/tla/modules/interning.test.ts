/**
 * TLC's order of strings: the order in which SANY parses and analyses modules, and the names
 * TLC's own standard modules contribute (checked against tla2tools.jar when TLA2TOOLS_JAR is set).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  type InterningUnit,
  firstOccurrences,
  parseOrder,
  semanticOrder,
  tlcInterningOrder,
  unitOfModule,
} from '../../../../conformance/tla/modules/interning.ts';
import { STD_MODULE_NAMES } from '../../../../conformance/tla/modules/stdlib/names.ts';
import { parseModule } from '../../../../conformance/tla/syntax/parse.ts';

function unit(
  name: string,
  ext: string[] = [],
  inst: string[] = [],
  strings: string[] = [],
): InterningUnit {
  return { name, extends: ext, instances: inst, tokens: [`id${name}`], strings };
}

/** M extends A and B and instantiates C; A extends D; C extends E (fixtures InternParseOrder). */
const modules = new Map(
  [
    unit('M', ['A', 'B'], ['C'], ['sM']),
    unit('A', ['D'], [], ['sA']),
    unit('B', [], [], ['sB']),
    unit('C', ['E'], [], ['sC']),
    unit('D', [], [], ['sD']),
    unit('E', [], [], ['sE']),
  ].map((u) => [u.name, u]),
);
const lookup = (n: string) => modules.get(n);

describe("SANY's order of modules", () => {
  it('parses unresolved EXTENDS names first, depth first from the root, then INSTANCE names', () => {
    expect(parseOrder(modules.get('M')!, lookup).map((u) => u.name)).toEqual([
      'M',
      'A',
      'B',
      'D',
      'C',
      'E',
    ]);
  });

  it('analyses what a module extends, then what it instantiates, then the module', () => {
    expect(semanticOrder(modules.get('M')!, lookup).map((u) => u.name)).toEqual([
      'D',
      'A',
      'B',
      'E',
      'C',
      'M',
    ]);
  });

  it('interns the cfg, the built-ins, the tokens in parse order, then the strings', () => {
    const order = tlcInterningOrder(['mv'], modules.get('M')!, lookup);
    expect(order[0]).toBe('mv');
    expect(order.indexOf('BOOLEAN')).toBeLessThan(order.indexOf('idM'));
    const spec = order.filter((n) => /^(id|s)[A-Z]$/.test(n));
    expect(spec).toEqual([
      'idM',
      'idA',
      'idB',
      'idD',
      'idC',
      'idE',
      'sD',
      'sA',
      'sB',
      'sE',
      'sC',
      'sM',
    ]);
  });

  it('skips a module it cannot find', () => {
    const root = unit('R', ['Missing', 'B']);
    expect(parseOrder(root, lookup).map((u) => u.name)).toEqual(['R', 'B']);
  });
});

describe('tokens of a parsed module', () => {
  it('every token but the header keyword MODULE, string literals with their quotes', () => {
    const m = parseModule(
      'text before\n---- MODULE T ----\nEXTENDS Naturals\n\\* a comment\nx == "a\\\\b" (* another *)\nOp(a) == a + 1\n====\n',
      'T.tla',
    );
    expect(m.tokens).toEqual([
      '----',
      'T',
      '----',
      'EXTENDS',
      'Naturals',
      'x',
      '==',
      '"a\\\\b"',
      'Op',
      '(',
      'a',
      ')',
      '==',
      'a',
      '+',
      '1',
      '====',
    ]);
    expect(m.strings).toEqual(['a\\b']);
    expect(unitOfModule(m)).toMatchObject({ name: 'T', extends: ['Naturals'], instances: [] });
  });
});

const jar = process.env.TLA2TOOLS_JAR;

describe.skipIf(!jar)("the standard modules' names (TLA2TOOLS_JAR)", () => {
  it.each(Object.keys(STD_MODULE_NAMES))("%s's table is what TLC's own copy reads", (name) => {
    const path = `tla2sany/StandardModules/${name}.tla`;
    const text = spawnSync('unzip', ['-p', jar!, path], { encoding: 'utf8' });
    if (text.status !== 0) throw new Error(`cannot read ${path} from ${jar}: ${text.stderr}`);
    const u = unitOfModule(parseModule(text.stdout, path));
    expect(u.strings).toEqual([]);
    expect({
      extends: u.extends,
      instances: u.instances,
      tokens: firstOccurrences(u.tokens),
    }).toEqual(STD_MODULE_NAMES[name]);
  });
});

if (!jar) {
  describe("the standard modules' names", () => {
    it.skip('are not checked against tla2tools.jar: set TLA2TOOLS_JAR=/path/to/tla2tools.jar', () => {});
  });
}
