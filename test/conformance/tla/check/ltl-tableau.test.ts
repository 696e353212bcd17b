/**
 * Temporal properties outside the fast forms of liveness.ts, checked by the tableau method
 * (check/ltl/): nested [] and <>, => between temporal formulas, \E and IF/THEN/ELSE around
 * temporal formulas, actions under []<> and <>[], fairness inside properties, refinement with
 * the abstract spec's fairness.
 *
 * fixtures/ltl/expected.json records what real TLC reported for each case (result, property,
 * distinct states, depth, trace length, how the lasso ends); fixtures/ltl-refused/ holds
 * formulas TLC refuses, with its message. With TLA2TOOLS_JAR set the cases also run through
 * real TLC, which must still report what was recorded (UPDATE_TLC_FIXTURES=1 rewrites the
 * records instead).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import { tlcErrorMessage } from '../../../../conformance/tlc/output.ts';
import { describeRecordedTlcOutcomes, recordedFixtures } from '../recorded-tlc.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ltl');
const REFUSED = join(import.meta.dirname, '..', 'fixtures', 'ltl-refused');

/** The parity criteria. */
interface Outcome {
  kind: string;
  property: string | null;
  distinct: number | null;
  depth: number | null;
  traceLength: number | null;
  lasso: string | null;
}

/**
 * A lasso is compared by its shape only, as the parity runner compares it: TLC enters the loop
 * at the root of a depth-first search whose order follows its fingerprints, which are seeded
 * at random, so the same spec gives lassos of 5, 6 or 10 states from one run to the next
 * (NestedBoxViolated). Traces without a loop are compared by length.
 */
function comparable(o: Outcome): Outcome {
  if (o.lasso === null) return o;
  return { ...o, traceLength: null, lasso: o.lasso.split(' ')[0] };
}

function ours(dir: string, name: string): Outcome {
  const r = checkModel(join(dir, name, `${name}.tla`), join(dir, name, `${name}.cfg`), {
    print: () => {},
  });
  return comparable({
    kind: r.kind,
    property: r.property ?? null,
    distinct: r.distinct,
    depth: r.depth,
    traceLength: r.kind === 'ok' ? null : (r.trace?.length ?? null),
    lasso: r.lasso ? (r.lasso.stuttering ? 'stuttering' : `back-to-state ${r.lasso.backTo}`) : null,
  });
}

const { cases, expected } = recordedFixtures<Outcome>(FIXTURES);

describe('temporal properties checked by the tableau, against TLC', () => {
  it.each(cases)('%s', (name) => {
    expect(ours(FIXTURES, name)).toEqual(expected[name]);
  });
});

describe('formulas TLC refuses are refused, at their place', () => {
  const refused = recordedFixtures<{ exitCode: number; message: string | null }>(REFUSED);
  it.each(refused.cases)('%s', (name) => {
    const run = () =>
      checkModel(join(REFUSED, name, `${name}.tla`), join(REFUSED, name, `${name}.cfg`), {
        print: () => {},
      });
    expect(run).toThrow(InputError);
    expect(run).toThrow(
      new RegExp(
        `${name}\\.tla:9:\\d+: PROPERTY Prop: Temporal formulas containing actions must be of forms <>\\[\\]A or \\[\\]<>A`,
      ),
    );
    expect(refused.expected[name].message).toContain(
      'Temporal formulas containing actions must be of forms <>[]A or []<>A.',
    );
  });
});

describeRecordedTlcOutcomes(FIXTURES, (run): Outcome =>
  comparable({
    kind: run.kind,
    property: run.property,
    distinct: run.distinct,
    depth: run.depth,
    traceLength: run.traceLength,
    lasso: run.lasso,
  }),
);
describeRecordedTlcOutcomes(REFUSED, (run) => ({
  exitCode: run.exitCode,
  message: tlcErrorMessage(run.output),
}));

/**
 * The tableau against the fast checker on formulas both handle: `TRUE => F` is F, but the fast
 * forms do not match it, so it goes through the tableau. Random graphs over x \in 0..3, random
 * fairness, random sets for the predicates; the verdicts must agree.
 */
describe('tableau and fast checker agree (fast-check, fixed seed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ltl-cross-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const set = fc.subarray([0, 1, 2, 3]).map((xs) => `{${xs.join(', ')}}`);
  const forms = fc.oneof(
    set.map((p) => `<>(x \\in ${p})`),
    set.map((p) => `[]<>(x \\in ${p})`),
    set.map((p) => `<>[](x \\in ${p})`),
    fc.tuple(set, set).map(([p, q]) => `(x \\in ${p}) ~> (x \\in ${q})`),
    fc.tuple(set, set).map(([p, q]) => `<>(x \\in ${p}) \\/ []<>(x \\in ${q})`),
  );
  const spec = fc.record({
    edges: fc.uniqueArray(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 8 }),
    fairness: fc.constantFrom('', '/\\ WF_x(Next)', '/\\ SF_x(Next)'),
    form: forms,
  });
  let n = 0;
  it('on 40 random specs', () => {
    const seed = 20260612;
    fc.assert(
      fc.property(spec, ({ edges, fairness, form }) => {
        const name = `Cross${n++}`;
        const text = [
          `---- MODULE ${name} ----`,
          'EXTENDS Naturals',
          'VARIABLE x',
          `Edges == {${edges.map(([a, b]) => `<<${a}, ${b}>>`).join(', ')}}`,
          "Next == \\E e \\in Edges : e[1] = x /\\ x' = e[2]",
          `Spec == x = 0 /\\ [][Next]_x ${fairness}`,
          `Fast == ${form}`,
          `Tableau == TRUE => (${form})`,
          '====',
        ].join('\n');
        writeFileSync(join(dir, `${name}.tla`), text);
        const verdict = (prop: string) => {
          writeFileSync(
            join(dir, `${name}.cfg`),
            `SPECIFICATION Spec\nPROPERTY ${prop}\nCHECK_DEADLOCK FALSE\n`,
          );
          return checkModel(join(dir, `${name}.tla`), join(dir, `${name}.cfg`), {
            print: () => {},
          }).kind;
        };
        expect(verdict('Tableau'), `seed ${seed}\n${text}`).toBe(verdict('Fast'));
      }),
      { seed, numRuns: 40 },
    );
  });
});
