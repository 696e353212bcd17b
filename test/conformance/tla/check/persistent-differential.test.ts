/**
 * The differential run: with the persistent-set threshold at 0, every finite union builds a
 * persistent set, so indexes, maintained comprehensions and the fallbacks of every fast path are
 * exercised by the whole parity suite (the Timelock models: persistent-models.test.ts). Results
 * must be TLC's, and reports identical to those of the ordinary engine.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ParityCase, runParityCase } from '../../../../conformance/tla/check/parity.ts';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { persistentSetOptions } from '../../../../conformance/tla/values/pset.ts';
import { ordinary, report } from './persistent-support.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity');
const CASES = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as ParityCase[];

const saved = persistentSetOptions.threshold;
beforeAll(() => {
  persistentSetOptions.threshold = 0;
});
afterAll(() => {
  persistentSetOptions.threshold = saved;
});

describe('every set persistent (threshold 0)', () => {
  it.each(CASES)('$case gives TLC’s results and the ordinary report', (c) => {
    const row = runParityCase(FIXTURES, c);
    expect(row.detail).not.toMatch(/TLC:/);
    expect(row.status).toBe('pass');
    const dir = join(FIXTURES, c.case);
    const run = () =>
      checkModel(join(dir, c.module), join(dir, c.config), {
        checkDeadlock: c.tlcArgs.includes('-deadlock') ? false : undefined,
        print: () => {},
      });
    const persistent = run();
    if (c.generated !== null) expect(persistent.generated).toBe(c.generated);
    expect(report(persistent)).toBe(report(ordinary(run)));
  });
});
