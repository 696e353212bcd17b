/**
 * Set union takes two paths (a merge of equal-sized sides, a binary-search insertion of a small
 * side into a large one); both give the set whose elements are those of either side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINARY_BUILTINS } from '../../../../conformance/tla/eval/builtins.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { setOf, str, type Value } from '../../../../conformance/tla/values/value.ts';

/** Strings: ordered by interning, not by value, unlike the integers above. */
const element = fc.integer({ min: 0, max: 300 }).map((n): Value => str(`s${n}`));
const ints = fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 });

describe('union of finite sets', () => {
  it('equals the set of the elements of both sides, for any sizes', () => {
    fc.assert(
      fc.property(ints, ints, (xs, ys) => {
        const union = BINARY_BUILTINS.$cup(setOf([...xs]), setOf([...ys]), '\\cup');
        expect(printValue(union)).toBe(printValue(setOf([...xs, ...ys])));
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('keeps the order of a large set of strings when one element is added', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 40, maxLength: 120 }), element, (xs, x) => {
        const union = BINARY_BUILTINS.$cup(setOf([...xs]), setOf([x]), '\\cup');
        expect(printValue(union)).toBe(printValue(setOf([...xs, x])));
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
