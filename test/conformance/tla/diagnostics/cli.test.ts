/**
 * `timelock check` prints the diagnostic people read: after the TLC-style result for a
 * violation, and after the one-line `Error:` on standard error for a problem in the input.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');
const FIXTURES = join(HERE, '..', 'fixtures', 'mistakes');
const golden = (name: string) =>
  readFileSync(join(ROOT, 'test', 'golden', 'diagnostics', `${name}.txt`), 'utf8');

/** Runs `timelock check` in the fixtures folder, so paths print as in the golden files. */
function check(name: string) {
  const r = spawnSync('node', [join(ROOT, 'bin', 'timelock.js'), 'check', `${name}.tla`], {
    cwd: FIXTURES,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('timelock check prints diagnostics', () => {
  it('after the trace of a violated invariant', () => {
    const r = check('InvariantViolated');
    expect(r.code).toBe(12);
    expect(r.out).toContain('Error: Invariant Inv is violated.');
    expect(r.out.endsWith(`\n\n${golden('InvariantViolated')}`)).toBe(true);
  });

  it('on standard error after the one-line error for a problem in the spec', () => {
    const r = check('WrongArity');
    expect(r.code).toBe(150);
    expect(r.err).toContain(`Error: ${join(FIXTURES, 'WrongArity.tla')}:7:14: the operator Inc`);
    expect(r.err.endsWith(`\n\n${golden('WrongArity')}`)).toBe(true);
  });
});
