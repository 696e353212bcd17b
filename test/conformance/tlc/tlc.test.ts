/**
 * Reading real TLC output (recorded runs of TLC 1.8.0, copied from the parity suite), and
 * running TLC when it is present (here through a stand-in `java` that replays a recorded run).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParityCase } from '../../../conformance/tla/check/parity.ts';
import { parseTlcOutput, tlcErrorMessage } from '../../../conformance/tlc/output.ts';
import { TlcUnavailable, locateTlc, runTlc } from '../../../conformance/tlc/runner.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
/** TLC's recorded results, in the parity manifest's shape. */
type Recorded = Pick<
  ParityCase,
  'result' | 'property' | 'distinct' | 'generated' | 'depth' | 'traceLength'
> & {
  lasso: string | null;
};
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<
  string,
  Recorded
>;

describe('parseTlcOutput', () => {
  it.each(Object.keys(expected))('reads %s as TLC reported it', (name) => {
    const e = expected[name];
    const r = parseTlcOutput(readFileSync(join(fixtures, `${name}.txt`), 'utf8'));
    expect(r.kind).toBe(e.result);
    if (e.property !== null && !e.property.startsWith('line ')) expect(r.property).toBe(e.property);
    expect(r.distinct).toBe(e.distinct);
    expect(r.generated).toBe(e.generated);
    expect(r.depth).toBe(e.depth);
    expect(r.traceLength).toBe(e.traceLength);
    expect(r.lasso).toBe(e.lasso);
  });

  it('reads the cause of an evaluation error', () => {
    const r = parseTlcOutput(readFileSync(join(fixtures, '34-error-domain.txt'), 'utf8'));
    expect(r.message).toContain('Attempted to apply function');
  });

  it('does not take a truncated run for a success', () => {
    expect(parseTlcOutput('Starting...\nComputing initial states...\n').kind).toBe('eval-error');
  });
});

describe('tlcErrorMessage', () => {
  const message = (name: string) =>
    tlcErrorMessage(readFileSync(join(fixtures, `compare-${name}.txt`), 'utf8'));

  it("takes every line of TLC's message, without the unexpected-exception wrapper", () => {
    expect(message('SetIntThenRecord')).toBe(
      'Attempted to compare record:\n[a |-> 1]\nwith non-record\n2',
    );
    expect(message('UnionInSuccessorFingerprint')).toBe(
      'Attempted to compare record:\n[p |-> 1]\nwith non-record\n1',
    );
  });

  it('keeps the line naming a failed assumption, and is null for a run without error', () => {
    expect(message('EqBoolInt')).toBe(
      'Evaluating assumption line 2, col 8 to line 2, col 15 of module EqBoolInt failed.\n' +
        'Attempted to compare equality of boolean TRUE with non-boolean:\n1',
    );
    expect(tlcErrorMessage(readFileSync(join(fixtures, '01-arith-naturals.txt'), 'utf8'))).toBe(
      null,
    );
  });
});

describe('locating and running TLC', () => {
  it('says what is missing and how to get it when there is no jar', () => {
    const env = { TLA2TOOLS_JAR: join(tmpdir(), 'no-such-dir', 'tla2tools.jar') };
    expect(() => locateTlc(env)).toThrow(TlcUnavailable);
    expect(() => locateTlc(env)).toThrow(
      /TLA2TOOLS_JAR points at .* which does not exist[\s\S]*Java 11/,
    );
  });

  it('runs java with the jar, one worker and the cfg, and reads what it printed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlc-'));
    const jar = join(dir, 'tla2tools.jar');
    writeFileSync(jar, '');
    const argsFile = join(dir, 'args.txt');
    const java = join(dir, 'java');
    // A stand-in for java: records its arguments and prints a recorded TLC run.
    writeFileSync(
      java,
      `#!/bin/sh\nif [ "$1" = "-version" ]; then exit 0; fi\necho "$@" > ${argsFile}\ncat ${join(fixtures, '30-deadlock.txt')}\nexit 11\n`,
    );
    chmodSync(java, 0o755);
    const r = runTlc(join(dir, 'Diners.tla'), join(dir, 'Diners.cfg'), {
      env: { TLA2TOOLS_JAR: jar, JAVA: java },
    });
    expect(r.kind).toBe('deadlock');
    expect(r.exitCode).toBe(11);
    expect(r.distinct).toBe(14);
    const args = readFileSync(argsFile, 'utf8');
    expect(args).toContain(`-cp ${jar} tlc2.TLC -workers 1 -metadir `);
    expect(args).toContain(`-noGenerateSpecTE -config ${join(dir, 'Diners.cfg')}`);
    expect(args.trim().endsWith('Diners.tla')).toBe(true);

    // Asked for its peak memory, the run goes through GNU time and still reads the same.
    if (existsSync('/usr/bin/time')) {
      const timed = runTlc(join(dir, 'Diners.tla'), join(dir, 'Diners.cfg'), {
        env: { TLA2TOOLS_JAR: jar, JAVA: java },
        measurePeak: true,
      });
      expect(timed).toMatchObject({ kind: 'deadlock', exitCode: 11, distinct: 14 });
      expect(timed.peakMiB).toBeGreaterThanOrEqual(0);
      expect(timed.output).not.toContain('timelock-peak-rss-kib');
    } else
      console.warn('tlc runner test: no /usr/bin/time, so measuring peak memory was not tried');
  });
});
