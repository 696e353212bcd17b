/**
 * `timelock check` prints the diagnostic people read: after the TLC-style result for a
 * violation, and after the one-line `Error:` on standard error for a problem in the input.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../../support/golden.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..', '..');
const FIXTURES = join(HERE, '..', 'fixtures', 'mistakes');
const golden = (name: string) =>
  readFileSync(join(ROOT, 'test', 'golden', 'diagnostics', `${name}.txt`), 'utf8');

/** Runs `timelock check` in the fixtures folder, so paths print as in the golden files. */
function check(name: string, extra: string[] = []) {
  const r = spawnSync(
    'node',
    [join(ROOT, 'bin', 'timelock.js'), 'check', `${name}.tla`, ...extra],
    {
      cwd: FIXTURES,
      encoding: 'utf8',
    },
  );
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

  it('every mistake of a cfg, in source order, each with its diagnostic, then how many', () => {
    const r = check('CfgThreeMistakes');
    expect(r.code).toBe(151);
    expect(r.out).not.toContain('Error');
    expect(r.err.match(/^Error: .*$/gm)).toEqual([
      "Error: CfgThreeMistakes.cfg:1:13: expected a value after '=' in the entry for 'N', found '='",
      "Error: CfgThreeMistakes.cfg:3:1: unknown keyword 'NXET' (did you mean NEXT?)",
      "Error: CfgThreeMistakes.cfg:5:16: CHECK_DEADLOCK must be followed by TRUE or FALSE, found 'yes'",
    ]);
    expect(r.err.match(/^ --> .*$/gm)).toHaveLength(3);
    expect(r.err.endsWith('\n3 errors in CfgThreeMistakes.cfg\n')).toBe(true);
    expectGolden('diagnostics/CfgThreeMistakes.txt', r.err);
  });

  it('every mistake of a cfg in the one error record of --json', () => {
    const r = check('CfgThreeMistakes', ['--json']);
    expect(r.code).toBe(151);
    expect(r.err).toBe('');
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'docs', 'schema', 'check-stream.v1.schema.json'), 'utf8'),
    );
    const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(
      schema,
    );
    const records = r.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records)
      expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    const errors = records.filter((x) => x.type === 'error');
    expect(errors).toHaveLength(1);
    const [error] = errors as Array<{
      message: string;
      exitCode: number;
      diagnostic: unknown;
      errors: Array<{ message: string; diagnostic: { location: { line: number; col: number } } }>;
    }>;
    expect(error.exitCode).toBe(151);
    expect(
      error.errors.map((e) => [e.diagnostic.location.line, e.diagnostic.location.col]),
    ).toEqual([
      [1, 13],
      [3, 1],
      [5, 16],
    ]);
    expect(error.message).toBe(error.errors[0]?.message);
    expect(error.diagnostic).toEqual(error.errors[0]?.diagnostic);
    expect(records.at(-1)).toMatchObject({ type: 'end', result: 'input-error', exitCode: 151 });
  });
});
