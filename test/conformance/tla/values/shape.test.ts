/**
 * The promise persistent sets (and the engine's choice of when to sort sets as TLC does) rely
 * on: values whose shapes join below UNSAFE compare (and test for equality) without error. If
 * `compare` or `equals` start raising in more cases, this fails and names the pair: the shape
 * rules in `value.ts` must then follow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compatible, shapeOf } from '../../../../conformance/tla/values/shape.ts';
import { compare, equals } from '../../../../conformance/tla/values/value.ts';
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
        // Built in another order (TLC may refuse one order of a mixed list and not another).
        const b = tryOrdinarySet([...a.elems].reverse());
        if (!b) return;
        expect(shapeOf(b)).toBe(shapeOf(a));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
