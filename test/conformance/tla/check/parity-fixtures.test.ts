/**
 * The whole TLC parity suite, checked against the numbers TLC printed for it.
 *
 * The specs live in `../fixtures/parity/<case>/` (copied from the parity suite, .tla and .cfg
 * only) and TLC's results in `../fixtures/parity/expected.json`, so the suite runs from a fresh
 * clone. The comparison is the parity runner's own (`runParityCase`): result kind, property
 * name, distinct states, depth, and the error trace's length (for a liveness counterexample,
 * its shape: a loop back, or stuttering). `generated` is compared here too when TLC printed it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ParityCase, runParityCase } from '../../../../conformance/tla/check/parity.ts';
import { checkModel } from '../../../../conformance/tla/check/run.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity');
const CASES = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as ParityCase[];

describe('TLC parity', () => {
  it('has all 46 cases', () => {
    expect(new Set(CASES.map((c) => c.case)).size).toBe(46);
  });

  it.each(CASES)('$case', (c) => {
    const row = runParityCase(FIXTURES, c);
    expect(row.detail).not.toMatch(/TLC:/);
    expect(row.status).toBe('pass');
    if (c.generated !== null) {
      const dir = join(FIXTURES, c.case);
      const r = checkModel(join(dir, c.module), join(dir, c.config), {
        checkDeadlock: c.tlcArgs.includes('-deadlock') ? false : undefined,
        print: () => {},
      });
      expect(r.generated).toBe(c.generated);
    }
  });
});
