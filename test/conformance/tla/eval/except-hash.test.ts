/**
 * A function made by EXCEPT takes its fingerprint from the function it was made from (the old
 * entry's hash out, the new one's in), and constant parts of an action are built once. On
 * random walks of EXCEPT updates, nested and whole, on functions large enough to keep the sums
 * their hash is finished from, every state's fingerprint equals that of
 * the same value built afresh; a constant function is the same value wherever it is used.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import {
  FcnValue,
  TupleValue,
  type Value,
  hash1,
  hash2,
} from '../../../../conformance/tla/values/value.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { SEED } from '../values/arbitrary.ts';
import { buildSpec, cleanupSpecs } from '../support.ts';

afterAll(cleanupSpecs);

const SPEC = `
EXTENDS Naturals
VARIABLE f
Fresh == [L \\in {"a", "b"} |-> [q \\in 1..20 |-> 0]]
Init == f = [s \\in 1..2 |-> Fresh]
Next == \\E s \\in 1..2, L \\in {"a", "b"}, q \\in 1..20 :
          \\/ \\E v \\in {0, 1, 2} : f' = [f EXCEPT ![s][L][q] = v]
          \\/ f' = [f EXCEPT ![s][L][q] = [v \\in 1..2 |-> q]]
          \\/ f' = [f EXCEPT ![s] = [L2 \\in {"a", "b"} |-> [q2 \\in 1..20 |-> 0]]]

Same(a) == [L \\in {"a", "b"} |-> [q \\in 1..20 |-> 0]]
Depends(a) == [q \\in 1..4 |-> a]
Raises(a) == [q \\in 1..4 |-> q \\div 0]
Shifted(g) == [g EXCEPT ![1] = [q \\in 1..2 |-> @ + q]]
Shifted1 == Shifted(<<1, 0>>)    Shifted5 == Shifted(<<5, 0>>)
Same1 == Same(1)        Same2 == Same(2)
Depends1 == Depends(1)  Depends2 == Depends(2)
Raises1 == Raises(1)    Raises2 == Raises(2)
`;

/** `v` built again from its parts: no hash computed yet. */
function afresh(v: Value): Value {
  if (v instanceof TupleValue) return new TupleValue(v.elems.map(afresh));
  if (v instanceof FcnValue) return new FcnValue(v.dom, v.vals.map(afresh), v.record);
  return v;
}

describe('fingerprints carried by EXCEPT', () => {
  const m = buildSpec(SPEC, 'INIT Init\nNEXT Next\n');

  it('equal those of the same values built afresh, along random walks', () => {
    const [init] = m.initStates();
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (picks) => {
        let state = init;
        for (const pick of picks) {
          const [f] = state;
          // Fingerprinted as the checker does, so that the next EXCEPT has a hash to carry.
          const carried = [hash1(f), hash2(f)];
          const copy = afresh(f);
          expect(carried).toEqual([hash1(copy), hash2(copy)]);
          const next = m.successors(state);
          state = next[pick % next.length];
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('build a constant function once, and raise on every use where it raises', () => {
    expect(m.eval('Same1', null)).toBe(m.eval('Same2', null));
    expect(m.eval('Depends1', null)).not.toEqual(m.eval('Depends2', null));
    // @ is bound by the EXCEPT around it: a function built from it is not a constant.
    expect(printValue(m.eval('Shifted1', null))).toBe('<<<<2, 3>>, 0>>');
    expect(printValue(m.eval('Shifted5', null))).toBe('<<<<6, 7>>, 0>>');
    for (const name of ['Raises1', 'Raises2', 'Raises1'])
      expect(() => m.eval(name, null)).toThrow(EvalError);
  });
});
