/**
 * The promise persistent sets rely on: values whose shapes are compatible compare (and test for
 * equality) without error. If `compare` or `equals` start raising in more cases, this fails and
 * names the pair: the rules in `shape.ts` must then follow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compatible, shapeOf } from '../../../../conformance/tla/values/shape.ts';
import { compare, equals, setOf } from '../../../../conformance/tla/values/value.ts';
import { SEED, message, tryOrdinarySet, value } from './arbitrary.ts';

describe('shapes', () => {
  it('compatible values compare and test equal without error', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        if (!compatible(shapeOf(a), shapeOf(b))) return;
        expect(() => compare(a, b)).not.toThrow();
        expect(() => compare(b, a)).not.toThrow();
        expect(() => equals(a, b)).not.toThrow();
        expect(() => equals(b, a)).not.toThrow();
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('sets of compatible elements compare without error', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 5 }),
        fc.array(message, { maxLength: 5 }),
        (xs, ys) => {
          const a = tryOrdinarySet(xs),
            b = tryOrdinarySet(ys);
          if (!a || !b || !compatible(shapeOf(a), shapeOf(b))) return;
          expect(() => compare(a, b)).not.toThrow();
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('equal values have the same shape', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), (xs) => {
        const a = tryOrdinarySet(xs);
        if (!a) return;
        expect(shapeOf(setOf([...a.elems].reverse()))).toBe(shapeOf(a));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
