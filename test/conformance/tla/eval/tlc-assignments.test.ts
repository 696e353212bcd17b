/**
 * Where TLC finds assignments. In Init `x = e` and `x \in S`, and in an action `x' = e` and
 * `x' \in S`, assign the variable when it has no value yet wherever TLC meets them in its
 * evaluation order: through operator definitions (the left side a parameter whose argument is
 * the variable, or `x'`), nested definitions, LAMBDA and LET operators, zero-arity definitions
 * and LET names standing for the variable, and instance substitutions (`WITH c <- x`, an
 * operator constant replaced by a definition, `M!Def` of a definition that is the variable).
 * UNCHANGED follows the same names. A left side that is any other expression (`Id(x)`,
 * `x' + 0`) or a right side is evaluated, and TLC reports reading the unassigned variable.
 *
 * Each folder of fixtures/assign/ holds one such spec; fixtures/assign/expected.json records
 * real TLC's exit code and counts for it. With TLA2TOOLS_JAR set, the cases also run through
 * TLC, which must still give the recorded outcome (UPDATE_TLC_FIXTURES=1 rewrites it instead).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { exitCode } from '../../../../conformance/tla/check/report.ts';
import { describeRecordedTlcOutcomes, recordedFixtures } from '../recorded-tlc.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'assign');

/** What a run printed that this test compares. */
interface Outcome {
  exitCode: number;
  /** "N states generated" and "M distinct states found", when printed. */
  generated: number | null;
  distinct: number | null;
}

const { cases, expected } = recordedFixtures<Outcome>(FIXTURES);

function ours(name: string) {
  return checkModel(join(FIXTURES, name, `${name}.tla`), join(FIXTURES, name, `${name}.cfg`), {
    print: () => {},
  });
}

describe('the engine finds assignments where TLC does (recorded TLC outcomes)', () => {
  it('every case has a recorded outcome, and every recorded outcome a case', () => {
    expect(Object.keys(expected).sort()).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    const tlc = expected[name];
    const r = ours(name);
    expect(exitCode(r)).toBe(tlc.exitCode);
    if (tlc.generated !== null) expect(r.generated).toBe(tlc.generated);
    if (tlc.distinct !== null) expect(r.distinct).toBe(tlc.distinct);
  });

  it('reports reading the unassigned variable where TLC does', () => {
    for (const name of cases.filter((n) => n.startsWith('Error'))) {
      const r = ours(name);
      expect(r.kind, name).not.toBe('ok');
      expect(r.message, name).toMatch(/has no value yet/);
    }
  });
});

/** TLC's outcome for each case, re-checked against the record when there is a jar. */
describeRecordedTlcOutcomes(FIXTURES, (run): Outcome => ({
  exitCode: run.exitCode,
  generated: run.generated,
  distinct: run.distinct,
}));
