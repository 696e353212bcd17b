/**
 * Permuting values under SYMMETRY. The explorer's permutation reuses every part in which no
 * model value moves and moves a function's values in place when its domain maps onto itself;
 * both must give exactly the value (and so the fingerprint) of renaming every model value and
 * rebuilding everything in canonical order, which the reference below does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Permutation, permuteValue } from '../../../../conformance/tla/values/permute.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import {
  FcnLike,
  ModelValue,
  SetValue,
  TupleValue,
  type Value,
  equals,
  fcnFromPairs,
  fingerprint,
  modelValue,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';
import { SEED } from './arbitrary.ts';

const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(modelValue);
const other = modelValue('NoNode');
const nodes = [n1, n2, n3];

/** Every permutation of n1..n3 but the identity, as the SYMMETRY group has them. */
const PERMUTATIONS: Permutation[] = [
  [n2, n1, n3],
  [n1, n3, n2],
  [n3, n2, n1],
  [n2, n3, n1],
  [n3, n1, n2],
].map((to) => new Map(nodes.flatMap((from, i) => (to[i] === from ? [] : [[from, to[i]]]))));

/** The reference: every model value renamed, every set and function built again from scratch. */
function renamed(v: Value, p: Permutation): Value {
  if (v instanceof ModelValue) return p.get(v) ?? v;
  if (v instanceof SetValue) return setOf(v.elements().map((e) => renamed(e, p)));
  if (v instanceof FcnLike) {
    const f = v.explicit();
    if (f instanceof TupleValue) return new TupleValue(f.elems.map((e) => renamed(e, p)));
    return fcnFromPairs(
      f.dom.map((k, i) => [renamed(k, p), renamed(f.vals[i], p)]),
      f.record,
    );
  }
  return v;
}

const atom: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom(...nodes, other),
  fc.integer({ min: 0, max: 3 }),
  fc.boolean(),
);

/** Values shaped like a symmetric spec's variables: functions over nodes and node pairs. */
const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    atom,
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => new TupleValue(xs)),
    fc.array(atom, { maxLength: 4 }).map((xs) => setOf(xs.filter((x) => typeof x === 'number'))),
    fc.uniqueArray(fc.constantFrom(...nodes, other), { maxLength: 4 }).map((xs) => setOf(xs)),
    fc
      .tuple(tie('v'), tie('v'), tie('v'))
      .map((vals) => fcnFromPairs(nodes.map((k, i): [Value, Value] => [k, vals[i]]))),
    fc
      .array(fc.boolean(), { minLength: 9, maxLength: 9 })
      .map((bs) =>
        fcnFromPairs(
          nodes.flatMap((a, i) =>
            nodes.map((b, j): [Value, Value] => [new TupleValue([a, b]), bs[3 * i + j]]),
          ),
        ),
      ),
    fc
      .tuple(fc.constantFrom(...nodes, other), fc.integer({ min: 0, max: 3 }))
      .map(([node, counter]) =>
        fcnFromPairs(
          [
            [str('node'), node],
            [str('counter'), counter],
          ],
          true,
        ),
      ),
  ),
})).v;

const print = (v: Value): [number, number] => {
  const out = new Int32Array(2);
  fingerprint([v], out);
  return [out[0], out[1]];
};

/** Whether a model value that `p` moves occurs in `v`. */
function holdsMoved(v: Value, p: Permutation): boolean {
  if (v instanceof ModelValue) return p.has(v);
  if (v instanceof SetValue) return v.elements().some((e) => holdsMoved(e, p));
  if (v instanceof FcnLike) {
    const f = v.explicit();
    if (f instanceof TupleValue) return f.elems.some((e) => holdsMoved(e, p));
    return f.dom.some((k) => holdsMoved(k, p)) || f.vals.some((x) => holdsMoved(x, p));
  }
  return false;
}

describe('permuting a value', () => {
  it('gives the value and fingerprint of renaming and rebuilding everything', () => {
    fc.assert(
      fc.property(value, fc.constantFrom(...PERMUTATIONS), (v, p) => {
        const ours = permuteValue(v, p);
        const reference = renamed(v, p);
        expect(printValue(ours)).toBe(printValue(reference));
        expect(equals(ours, reference)).toBe(true);
        expect(print(ours)).toEqual(print(reference));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('returns the very object when no model value in it moves', () => {
    fc.assert(
      fc.property(value, fc.constantFrom(...PERMUTATIONS), (v, p) => {
        if (!holdsMoved(v, p)) expect(permuteValue(v, p)).toBe(v);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('keeps the parts in which nothing moves, inside a value that changes', () => {
    const untouched = new TupleValue([1, 2, other]);
    const f = fcnFromPairs([
      [n1, untouched],
      [n2, new TupleValue([n1])],
      [n3, untouched],
    ]);
    const image = permuteValue(f, PERMUTATIONS[0]) as FcnLike;
    expect(image.apply(n3)).toBe(untouched);
    expect(image.apply(n2)).toBe(untouched);
    expect(printValue(image.apply(n1))).toBe('<<n2>>');
  });
});
