/**
 * TLC's comparisons and its order of strings, case by case. Each folder of
 * fixtures/compare/ holds a small spec that TLC rejects with a comparison error, or accepts
 * although values of different kinds meet, or whose ASSUMEs state TLC's order of strings;
 * fixtures/compare/expected.json records what real TLC printed for it (exit code, error message,
 * counts). The engine must give the same.
 *
 * With TLA2TOOLS_JAR set, the same cases also run through real TLC, which must still print what
 * was recorded (and UPDATE_TLC_FIXTURES=1 rewrites expected.json from those runs instead).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { exitCode } from '../../../../conformance/tla/check/report.ts';
import { tlcErrorMessage } from '../../../../conformance/tlc/output.ts';
import { describeRecordedTlcOutcomes, recordedFixtures } from '../recorded-tlc.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'compare');

/** What a run printed that this test compares. */
interface Outcome {
  exitCode: number;
  /** The error message, over all its lines; null for a run that found no error. */
  message: string | null;
  /** "N states generated" and "M distinct states found", when printed. */
  generated: number | null;
  distinct: number | null;
}

const { cases, expected } = recordedFixtures<Outcome>(FIXTURES);

function ours(name: string): Outcome {
  const r = checkModel(join(FIXTURES, name, `${name}.tla`), join(FIXTURES, name, `${name}.cfg`), {
    print: () => {},
  });
  return {
    exitCode: exitCode(r),
    message: r.kind === 'ok' ? null : (r.message ?? null),
    generated: r.generated,
    distinct: r.distinct,
  };
}

describe('the engine compares values as TLC does (recorded TLC outcomes)', () => {
  it('every case has a recorded outcome, and every recorded outcome a case', () => {
    expect(Object.keys(expected).sort()).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    const tlc = expected[name];
    const r = ours(name);
    expect(r.exitCode).toBe(tlc.exitCode);
    expect(r.message).toBe(tlc.message);
    if (tlc.generated !== null) expect(r.generated).toBe(tlc.generated);
    if (tlc.distinct !== null) expect(r.distinct).toBe(tlc.distinct);
  });

  it("raises TLC's error on a set of a record and a number, worded by the element TLC places", () => {
    expect(ours('SetIntThenRecord')).toMatchObject({
      exitCode: 255,
      message: 'Attempted to compare record:\n[a |-> 1]\nwith non-record\n2',
    });
    expect(ours('SetRecordThenInt').message).toBe(
      'Attempted to compare integer 2 with non-integer:\n[a |-> 1]',
    );
  });
});

/** TLC's outcome for each case, re-checked against the record when there is a jar. */
describeRecordedTlcOutcomes(FIXTURES, (run): Outcome => ({
  exitCode: run.exitCode,
  message: tlcErrorMessage(run.output),
  generated: run.generated,
  distinct: run.distinct,
}));
