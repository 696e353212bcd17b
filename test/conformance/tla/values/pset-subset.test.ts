/**
 * `a \subseteq b` on persistent sets that remember what they were found inside: on random
 * histories of inserts that branch (a version may be grown twice, as states of a model do), the
 * answer is always that of the element-by-element test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINARY_BUILTINS } from '../../../../conformance/tla/eval/builtins.ts';
import { type PersistentSet, emptyPersistentSet } from '../../../../conformance/tla/values/pset.ts';
import { TupleValue } from '../../../../conformance/tla/values/value.ts';
import { SEED } from './arbitrary.ts';

const subseteq = (a: PersistentSet, b: PersistentSet) =>
  BINARY_BUILTINS.$subseteq(a, b, '\\subseteq');
const naive = (a: PersistentSet, b: PersistentSet) => a.elements().every((x) => b.contains(x));

describe('subset tests on persistent sets', () => {
  it('agree with the element-by-element test along branching insert histories', () => {
    const step = fc.record({
      side: fc.constantFrom('a', 'b'),
      from: fc.nat(),
      element: fc.tuple(fc.nat({ max: 1 }), fc.nat({ max: 3 })),
      test: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const versions = { a: [emptyPersistentSet()], b: [emptyPersistentSet()] };
        for (const s of steps) {
          const history = versions[s.side];
          const base = history[s.from % history.length];
          history.push(base.insertAll([new TupleValue(s.element)], undefined)!);
          if (s.test) {
            const a = versions.a[s.from % versions.a.length];
            const b = versions.b[(s.from * 7) % versions.b.length];
            expect(subseteq(a, b)).toBe(naive(a, b));
          }
        }
        const a = versions.a[versions.a.length - 1];
        const b = versions.b[versions.b.length - 1];
        expect(subseteq(a, b)).toBe(naive(a, b));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
