/**
 * Forms that public specs use and TLC checks, each in a small spec of its own:
 * - `LET M == INSTANCE Mod WITH ... IN M!Op`, whose substitutions read the LET's scope;
 * - subexpression names: `Inv!2` (a conjunct), `Op(3)!2`, `Spec!2!1!<<` (the action of
 *   `[][A]_v`), `Thm!:`, and a violated invariant that is one conjunct of another;
 * - a THEOREM's name used as its statement (`ASSUME DoubleEven`);
 * - SYMMETRY given as `Permutations(A) \cup Permutations(V)`: TLC reduces by the group those
 *   permutations generate, not only by the ones listed;
 * - `TLCGet("config")` and `TLCGet("stats")`.
 * - ENABLED (for fairness of a refinement) of an action that primes an instance variable
 *   replaced by an expression before the variables it reads are assigned: TLC binds it.
 * - fairness as one quantifier over a conjunction, `\A i \in S : WF_v(A(i)) /\ WF_v(B(i))`.
 * - membership in function sets, SUBSET, Seq, record sets and products far too large to
 *   build (20^20 functions, 2^60 subsets, infinite ones): answered element by element, since
 *   building one would stop the check.
 *
 * fixtures/written-forms/expected.json records real TLC's outcome for each; with TLA2TOOLS_JAR
 * set the cases also run through TLC, which must still give it (UPDATE_TLC_FIXTURES=1 rewrites
 * the record instead). fixtures/corpus-forms holds three corpus models that need these forms,
 * checked by the parity runner against TLC's recorded results.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import {
  describeCorpusCases,
  type RunOutcome,
  describeRecordedTlcOutcomes,
  ourOutcome,
  tlcOutcome,
  recordedFixtures,
} from '../recorded-tlc.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'written-forms');
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'corpus-forms');

const { cases, expected } = recordedFixtures<RunOutcome>(FIXTURES);

function ours(name: string, run?: { workers: number }) {
  const dir = join(FIXTURES, name);
  return checkModel(join(dir, `${name}.tla`), join(dir, `${name}.cfg`), {
    print: () => {},
    run,
  });
}

describe('forms public specs use give TLC’s results (recorded TLC outcomes)', () => {
  it('every case has a recorded outcome, and every recorded outcome a case', () => {
    expect(Object.keys(expected).sort()).toEqual(cases);
  });

  it.each(cases)('%s', (name) => {
    const tlc = expected[name];
    const r = ours(name);
    expect(ourOutcome(r, tlc)).toEqual(tlc);
  });

  it('TLCGet("config") reports the workers the run was given', () => {
    const r = ours('TlcGetConfig', { workers: 2 });
    expect(r.kind).toBe('assume');
  });

  it('a selector past the last operand is refused, naming the selector, its place and the count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subexpr-'));
    try {
      writeFileSync(
        join(dir, 'Bad.tla'),
        '---- MODULE Bad ----\nVARIABLE x\nInit == x = 0\nInv == /\\ x = 0\n       /\\ x # 1\nFifth == Inv!5\n====\n',
      );
      writeFileSync(join(dir, 'Bad.cfg'), 'INIT Init\nNEXT Init\nINVARIANT Fifth\n');
      expect(() =>
        checkModel(join(dir, 'Bad.tla'), join(dir, 'Bad.cfg'), { print: () => {} }),
      ).toThrow(
        /Bad\.tla:6:10: Inv!5: !5 selects operand 5, but the expression at line 4, column 8 has 2/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeCorpusCases('corpus models that need these forms (parity runner)', CORPUS);

describeRecordedTlcOutcomes(FIXTURES, tlcOutcome);
