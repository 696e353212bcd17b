/**
 * The cases of the TLC parity suite that the engine supports (safety, symmetry, view and action
 * properties), checked against the numbers TLC printed for them.
 *
 * The specs live in `../fixtures/parity/<case>/` (copied from the parity suite, .tla and .cfg
 * only) and TLC's results in `../fixtures/parity/expected.json`, so the suite runs from a fresh
 * clone. A case passes when the result kind, property name, distinct-state count, depth and
 * (for violations) trace length equal TLC's; `generated` is compared too when TLC printed it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';

interface ExpectedCase {
  case: string;
  module: string;
  config: string;
  tlcArgs: string[];
  result: 'ok' | 'invariant' | 'deadlock' | 'assume' | 'eval-error';
  property: string | null;
  distinct: number | null;
  generated: number | null;
  depth: number | null;
  traceLength: number | null;
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'parity');
const CASES = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as ExpectedCase[];

describe('TLC parity', () => {
  it('has the 40 supported cases', () => {
    expect(CASES).toHaveLength(40);
    expect(new Set(CASES.map((c) => c.case)).size).toBe(40);
  });

  it.each(CASES)('$case', (c) => {
    const dir = join(FIXTURES, c.case);
    const printed: string[] = [];
    const r = checkModel(join(dir, c.module), join(dir, c.config), {
      checkDeadlock: c.tlcArgs.includes('-deadlock') ? false : undefined,
      print: (line) => printed.push(line),
    });
    expect(r.kind).toBe(c.result);
    expect(r.property ?? null).toBe(c.property);
    // TLC prints no counts when it stops before exploring (failed ASSUME, violating initial state).
    if (c.distinct !== null) expect(r.distinct).toBe(c.distinct);
    if (c.generated !== null) expect(r.generated).toBe(c.generated);
    if (c.depth !== null) expect(r.depth).toBe(c.depth);
    if (c.traceLength !== null) {
      expect(r.trace).toBeDefined();
      expect(r.trace!.length).toBe(c.traceLength);
    } else if (c.result === 'ok') {
      expect(r.trace).toBeUndefined();
    }
  });
});
