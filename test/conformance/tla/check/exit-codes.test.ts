import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../../conformance/tla/check/report.ts';
import { expectGolden } from '../../../support/golden.ts';
import { checkFixture, root, timelock } from './run-cli.ts';

/** The exit-code table of docs/output.md: code and `EXIT` name per row. */
function documentedCodes(): Array<{ code: number; name: string }> {
  const doc = readFileSync(join(root, 'docs', 'output.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Exit codes'));
  return [...section.matchAll(/^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|/gm)].map((m) => ({
    code: Number(m[1]),
    name: m[2],
  }));
}

/** For each documented code, a run that ends with it: fixture and flags. */
const producers: Record<number, [string, string[]]> = {
  0: ['Ok', []],
  1: ['Ok', ['--depth', '0']],
  10: ['Assume', []],
  11: ['Deadlock', []],
  12: ['Invariant', []],
  13: ['Lasso', []],
  14: ['Assert', []],
  75: ['EvalError', []],
  150: ['Syntax', []],
  151: ['BadCfg', []],
  255: ['Overflow', []],
};

describe('exit codes', () => {
  it('docs/output.md documents exactly the codes in EXIT, under the same names', () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect(Object.fromEntries(documented.map((r) => [r.name, r.code]))).toEqual(EXIT);
  });

  it.each(documentedCodes())(
    '$code ($name) is what a run that should give it exits with',
    ({ code }) => {
      expect(producers[code], `no fixture produces exit code ${code}`).toBeDefined();
      const [fixture, flags] = producers[code];
      expect(checkFixture(fixture, flags).code).toBe(code);
    },
  );

  it('a simulation that finds a violation does not exit 0', () => {
    expect(checkFixture('Invariant', ['--simulate', '50', '--seed', '3']).code).toBe(
      EXIT.invariant,
    );
  });

  it('--help lists every code of the table', () => {
    const help = timelock(['check', '--help']).out;
    const paragraph = help.slice(
      help.indexOf('Exit codes'),
      help.indexOf('\n\n', help.indexOf('Exit codes')),
    );
    expectGolden('stream/check-help-exit-codes.txt', paragraph + '\n');
    const listed = [...paragraph.matchAll(/\b(\d+) [a-zA-Z(]/g)].map((m) => Number(m[1]));
    expect(new Set(listed)).toEqual(new Set(Object.values(EXIT)));
  });
});
