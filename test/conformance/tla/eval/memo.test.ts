/**
 * Operator applications remembered on their arguments and the state they read give what
 * recomputing gives, including when an argument the body never evaluates would raise.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoStats } from '../../../../conformance/tla/eval/memo.ts';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { TupleValue, type Value } from '../../../../conformance/tla/values/value.ts';
import { SEED } from '../values/arbitrary.ts';
import { buildSpec, cleanupSpecs } from '../support.ts';

afterAll(cleanupSpecs);

const SPEC = `
EXTENDS Naturals
VARIABLES learned, other
Init == learned = <<>> /\\ other = 0
Next == UNCHANGED <<learned, other>>
Seqs == 1..4
\\* Remembered: loops over a set, reads learned.
Greatest(s) ==
    LET done == {q \\in Seqs : learned[s][q] # 0}
    IN  IF done = {} THEN 0 ELSE CHOOSE q \\in done : \\A r \\in done : r <= q
\\* Not remembered (an operator parameter): the reference.
GreatestRef(s, F(_)) ==
    LET done == {q \\in Seqs : learned[s][q] # 0}
    IN  IF done = {} THEN 0 ELSE CHOOSE q \\in done : \\A r \\in done : r <= q
Id(x) == x
Leader(s) == IF Greatest(s) = 0 THEN 0 ELSE learned[s][Greatest(s)]
LeaderRef(s) == IF GreatestRef(s, Id) = 0 THEN 0 ELSE learned[s][GreatestRef(s, Id)]
Lazy(x, y) == IF x = 0 THEN 0 ELSE \\E i \\in 1..2 : y = i
LazyRef(x, y, F(_)) == IF x = 0 THEN 0 ELSE \\E i \\in 1..2 : y = i

R1 == <<Greatest(1), Greatest(2), Leader(1), Leader(2)>>
R2 == <<GreatestRef(1, Id), GreatestRef(2, Id), LeaderRef(1), LeaderRef(2)>>
L0 == Lazy(0, 1 \\div 0)
L1 == Lazy(1, 1 \\div 0)
L1Ref == LazyRef(1, 1 \\div 0, Id)
`;

function outcome(f: () => Value): string {
  try {
    return printValue(f());
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    return `error ${e.message} @ ${e.trail.map((r) => `${r.line}:${r.col}`).join(' ')}`;
  }
}

describe('remembered operator applications', () => {
  const m = buildSpec(SPEC);

  it('equal recomputation over states that share and change values', () => {
    const row = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(row, row, fc.boolean()), { minLength: 1, maxLength: 12 }),
        (steps) => {
          let learned = new TupleValue([]);
          for (const [a, b, keep] of steps) {
            // Keeping the object (not only an equal value) is what a step that leaves it alone does.
            if (!keep || learned.elems.length === 0)
              learned = new TupleValue([new TupleValue(a), new TupleValue(b)]);
            const state = [learned, 0];
            expect(outcome(() => m.eval('R1', state))).toBe(outcome(() => m.eval('R2', state)));
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
    expect(memoStats.hits).toBeGreaterThan(0);
  });

  it('leave an argument that raises to the body: no error where the body does not use it', () => {
    const state = [new TupleValue([]), 0];
    expect(outcome(() => m.eval('L0', state))).toBe('0');
    expect(outcome(() => m.eval('L1', state))).toMatch(/^error /);
    // Same error, raised through the same chain of definitions as without the memo.
    const depth = (o: string) => o.split(' @ ')[1].split(' ').length;
    const ref = outcome(() => m.eval('L1Ref', state));
    const got = outcome(() => m.eval('L1', state));
    expect(got.split(' @ ')[0]).toBe(ref.split(' @ ')[0]);
    expect(depth(got)).toBe(depth(ref));
  });
});
