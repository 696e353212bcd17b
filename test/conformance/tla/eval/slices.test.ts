/**
 * Comprehensions over a function's domain that read the function only at the bound name
 * (eval/slices.ts), and CHOOSE of the greatest or least integer: on states reached by random
 * EXCEPT updates, each gives what the same expression gives when written so that the fast path
 * does not apply (an extra conjunct that reads the state), values and error messages alike.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceStats } from '../../../../conformance/tla/eval/slices.ts';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import type { Value } from '../../../../conformance/tla/values/value.ts';
import { SEED } from '../values/arbitrary.ts';
import { buildSpec, cleanupSpecs } from '../support.ts';

afterAll(cleanupSpecs);

// Each X has a reference XRef that reads the state outside f[s][q] (DOMAIN f), so that no fast
// path applies to it. "x" < 2 raises: a body that raises on an entry must raise as before.
// Seqs has 16 elements: slices are kept only on functions of MIN_SLICED entries or more.
const SPEC = `
EXTENDS Naturals
CONSTANT None
VARIABLE f
S == 1..2
Seqs == 1..16
Init == f = [s \\in S |-> [q \\in Seqs |-> None]]
Next == \\E s \\in S, q \\in Seqs :
          \\/ \\E v \\in {0, 1, 2} : f' = [f EXCEPT ![s][q] = v]
          \\/ f' = [f EXCEPT ![s][q] = None]
          \\/ f' = [f EXCEPT ![s][q] = "x"]

Filled(s) == {q \\in Seqs : f[s][q] # None}
FilledRef(s) == {q \\in Seqs : f[s][q] # None /\\ DOMAIN f = S}
Small == \\A s \\in S, q \\in Seqs : f[s][q] = None \\/ f[s][q] < 2
SmallRef == \\A s \\in S, q \\in Seqs : (f[s][q] = None \\/ f[s][q] < 2) /\\ DOMAIN f = S
SomeTwo(s) == \\E q \\in Seqs : f[s][q] = 2
SomeTwoRef(s) == \\E q \\in Seqs : f[s][q] = 2 /\\ DOMAIN f = S
Top(s) == LET d == Filled(s) IN IF d = {} THEN 0 ELSE CHOOSE q \\in d : \\A r \\in d : r <= q
TopRef(s) == LET d == FilledRef(s) IN
               IF d = {} THEN 0 ELSE CHOOSE q \\in d : \\A r \\in d : r <= q /\\ TRUE
Bottom(s) == LET d == Filled(s) IN IF d = {} THEN 0 ELSE CHOOSE q \\in d : \\A r \\in d : q <= r
BottomRef(s) == LET d == FilledRef(s) IN
               IF d = {} THEN 0 ELSE CHOOSE q \\in d : \\A r \\in d : q <= r /\\ TRUE

Filled1 == Filled(1)      Filled1Ref == FilledRef(1)
Filled2 == Filled(2)      Filled2Ref == FilledRef(2)
SomeTwo1 == SomeTwo(1)    SomeTwo1Ref == SomeTwoRef(1)
Top1 == Top(1)            Top1Ref == TopRef(1)
Bottom2 == Bottom(2)      Bottom2Ref == BottomRef(2)
MaxMixed == CHOOSE x \\in {1, "a"} : \\A y \\in {1, "a"} : y <= x
MaxMixedRef == CHOOSE x \\in {1, "a"} : \\A y \\in {1, "a"} : y <= x /\\ TRUE
MaxEmpty == CHOOSE x \\in {} : \\A y \\in {} : y <= x
MaxEmptyRef == CHOOSE x \\in {} : \\A y \\in {} : y <= x /\\ TRUE
`;
const CFG = 'CONSTANT None = None\nINIT Init\nNEXT Next\n';
const NAMES = ['Filled1', 'Filled2', 'Small', 'SomeTwo1', 'Top1', 'Bottom2'];

describe('comprehensions over function entries', () => {
  const m = buildSpec(SPEC, CFG);
  const outcome = (name: string, state: Value[] | null): string => {
    try {
      return `value ${printValue(m.eval(name, state))}`;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      return `error ${e.message}`;
    }
  };

  it('give the ordinary values and errors along random EXCEPT updates', () => {
    const [init] = m.initStates();
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), fc.nat({ max: 4 }), (picks, every) => {
        let state = init;
        picks.forEach((pick, i) => {
          const next = m.successors(state);
          state = next[pick % next.length];
          if (i % (every + 1) === 0)
            for (const n of NAMES) expect(outcome(n, state), n).toBe(outcome(`${n}Ref`, state));
        });
        for (const n of NAMES) expect(outcome(n, state), n).toBe(outcome(`${n}Ref`, state));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('update the kept result on EXCEPT instead of evaluating every entry again', () => {
    const [init] = m.initStates();
    expect(outcome('Filled1', init)).toBe('value {}');
    const built = sliceStats.built;
    const updates = sliceStats.updates;
    // f[1][3] = 1: one successor; the kept result on f[1] follows it.
    const next = m.successors(init).find((s) => outcome('Filled1', s) === 'value {3}');
    expect(next).toBeDefined();
    expect(sliceStats.updates).toBeGreaterThan(updates);
    expect(sliceStats.built).toBe(built);
  });

  it('are not kept on small functions, which the ordinary evaluation serves', () => {
    const small = buildSpec(SPEC.replace('Seqs == 1..16', 'Seqs == 1..4'), CFG);
    const [init] = small.initStates();
    const built = sliceStats.built;
    for (const s of [init, ...small.successors(init)]) small.eval('Filled1', s);
    expect(sliceStats.built).toBe(built);
    expect(printValue(small.eval('Filled1', init))).toBe('{}');
  });

  it('choose the greatest integer, and raise as before on other sets', () => {
    expect(outcome('MaxMixed', null)).toBe(outcome('MaxMixedRef', null));
    expect(outcome('MaxMixed', null)).toMatch(/^error /);
    expect(outcome('MaxEmpty', null)).toBe(outcome('MaxEmptyRef', null));
    expect(outcome('MaxEmpty', null)).toMatch(/^error /);
  });
});
