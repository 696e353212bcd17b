/**
 * Persistent sets against the sorted-array EnumSet as the model: same membership, size,
 * canonical elements, equality, order and hash, and the same errors, under random inserts and
 * unions (including values that cannot be compared, which must raise exactly as the ordinary
 * union raises).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { union } from '../../../../conformance/tla/eval/builtins.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import {
  PersistentSet,
  emptyPersistentSet,
  persistentSetOptions,
  toPersistentSet,
} from '../../../../conformance/tla/values/pset.ts';
import {
  EnumSet,
  type SetValue,
  type Value,
  compare,
  equals,
  hash1,
  hash2,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';
import { SEED, homogeneous, message, tryOrdinarySet, value } from './arbitrary.ts';

const defaultThreshold = persistentSetOptions.threshold;
afterEach(() => {
  persistentSetOptions.threshold = defaultThreshold;
});

/** The outcome of `f`: its value printed, or its error message. */
function outcome(f: () => Value | boolean | number): string {
  try {
    const v = f();
    return typeof v === 'object' ? `value ${printValue(v)}` : `value ${String(v)}`;
  } catch (e) {
    return `error ${(e as Error).message}`;
  }
}

function expectSameSet(p: SetValue, model: EnumSet): void {
  expect(p.size()).toBe(model.size());
  expect(printValue(p)).toBe(printValue(model));
  expect(p.elements()).toEqual(model.elems);
  expect(equals(p, model)).toBe(true);
  expect(equals(model, p)).toBe(true);
  expect(compare(p, model)).toBe(0);
  expect([hash1(p), hash2(p)]).toEqual([hash1(model), hash2(model)]);
}

describe('persistent sets', () => {
  it('hold the same elements, in the same order, with the same hash as a sorted array', () => {
    fc.assert(
      fc.property(fc.array(homogeneous, { maxLength: 6 }), (batches) => {
        let p = emptyPersistentSet();
        const all: Value[] = [];
        for (const batch of batches) {
          const next = p.insertAll(batch, undefined);
          // Values that cannot all be compared make the ordinary set raise: never accepted.
          if (tryOrdinarySet([...all, ...batch]) === undefined) expect(next).toBeUndefined();
          if (next === undefined) continue;
          p = next;
          all.push(...batch);
          expectSameSet(p, setOf([...all]));
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('answer membership as the sorted array does, errors included', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 40 }),
        fc.array(value, { maxLength: 8 }),
        (xs, probes) => {
          const model = tryOrdinarySet(xs);
          if (!model) return;
          const p = toPersistentSet(model);
          if (!p) return;
          for (const v of [...probes, ...xs.slice(0, 3)])
            expect(outcome(() => p.contains(v))).toBe(outcome(() => model.contains(v)));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('make unions equal to the ordinary ones, or raise the same error, at threshold 0', () => {
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 12 }),
        fc.array(fc.array(value, { maxLength: 3 }), { maxLength: 8 }),
        (start, steps) => {
          const base = tryOrdinarySet(start);
          if (!base) return;
          const run = (threshold: number): string[] => {
            persistentSetOptions.threshold = threshold;
            const out: string[] = [];
            let s: SetValue = base;
            for (const step of steps) {
              const small = tryOrdinarySet(step);
              if (!small) continue;
              const r = outcome(() => (s = union(s, small)));
              out.push(r);
              if (r.startsWith('error')) break;
            }
            return out;
          };
          expect(run(0)).toEqual(run(Number.MAX_SAFE_INTEGER));
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('keep every version: inserting into one leaves the others as they were', () => {
    const v0 = emptyPersistentSet().insertAll([1, 2, 3], undefined)!;
    const v1 = v0.insertAll([4], 7)!;
    const v2 = v0.insertAll([5], 8)!;
    expect(printValue(v0)).toBe('{1, 2, 3}');
    expect(printValue(v1)).toBe('{1, 2, 3, 4}');
    expect(printValue(v2)).toBe('{1, 2, 3, 5}');
    expect(v1.contains(5)).toBe(false);
  });

  it('tag new elements and keep the tag of an element already present', () => {
    const a = emptyPersistentSet().insertAll([str('x')], 1)!;
    const b = a.insertAll([str('x'), str('y')], 2)!;
    expect(b.lookup(str('x'))).toEqual({ tag: 1 });
    expect(b.lookup(str('y'))).toEqual({ tag: 2 });
    expect(b.lookup(str('z'))).toBeUndefined();
    expect(a.insertAll([str('x')], 3)).toBe(a);
  });

  it('go through the ordinary path for values that may not compare (and raise like it)', () => {
    const p = emptyPersistentSet().insertAll([1, 2, 3], undefined)!;
    expect(p.insertAll([str('a')], undefined)).toBeUndefined();
    expect(outcome(() => p.contains(str('a')))).toBe(
      outcome(() => setOf([1, 2, 3]).contains(str('a'))),
    );
  });

  it('are built by unions whose large side passes the threshold', () => {
    persistentSetOptions.threshold = 4;
    expect(union(setOf([1, 2]), setOf([3]))).toBeInstanceOf(EnumSet);
    const big = union(setOf([1, 2, 3, 4]), setOf([5]));
    expect(big).toBeInstanceOf(PersistentSet);
    expect(union(setOf([9]), big)).toBeInstanceOf(PersistentSet);
  });
});
