import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvalError } from '../../../../conformance/tla/values/errors.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import {
  FcnSet,
  INT,
  IntervalSet,
  LazyFcn,
  NAT,
  ProductSet,
  RecordSet,
  STRING,
  SeqSet,
  SubsetSet,
} from '../../../../conformance/tla/values/sets.ts';
import {
  BOOLEAN_SET,
  EMPTY_SET,
  EMPTY_TUPLE,
  EnumSet,
  FcnValue,
  TupleValue,
  type Value,
  compare,
  equals,
  fcnFromPairs,
  fingerprint,
  hash1,
  hash2,
  modelValue,
  recordOf,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';

// Strings are ordered by when they were first interned; fix the order for this file up front.
const [A, B, C] = [str('a'), str('b'), str('c')];

const tup = (...xs: Value[]): Value => (xs.length === 0 ? EMPTY_TUPLE : new TupleValue(xs));
const set = (...xs: Value[]): EnumSet => setOf(xs);
const show = (v: Value) => printValue(v);

/** Asserts that `f` throws an EvalError whose message contains each of `parts`. */
function expectEvalError(f: () => unknown, ...parts: string[]): EvalError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EvalError);
    for (const p of parts) expect((e as EvalError).message).toContain(p);
    return e as EvalError;
  }
  throw new Error('expected an EvalError');
}

/** The fingerprint of a one-variable state holding `v`. */
function fp(v: Value): [number, number] {
  const out = new Int32Array(2);
  fingerprint([v], out);
  return [out[0], out[1]];
}

describe('scalars', () => {
  it('integers and booleans compare by value and print in TLA+ syntax', () => {
    expect(Math.sign(compare(-3, 2))).toBe(-1);
    expect(Math.sign(compare(2, -3))).toBe(1);
    expect(compare(7, 7)).toBe(0);
    expect(Math.sign(compare(false, true))).toBe(-1);
    expect(equals(true, true)).toBe(true);
    expect(equals(1, 2)).toBe(false);
    expect(show(-42)).toBe('-42');
    expect(show(true)).toBe('TRUE');
    expect(show(false)).toBe('FALSE');
  });

  it('strings are interned: equal text is the same object', () => {
    const s1 = str('interned-' + 'text');
    const s2 = str(['interned', 'text'].join('-'));
    expect(s1).toBe(s2);
    expect(equals(s1, s2)).toBe(true);
    expect(equals(A, B)).toBe(false);
    expect(show(str('say "hi"\n'))).toBe('"say \\"hi\\"\\n"');
  });

  it('strings are ordered by interning order, not alphabetically', () => {
    const late1 = str('zz-first-seen');
    const late2 = str('aa-seen-after');
    expect(Math.sign(compare(late1, late2))).toBe(-1);
    expect(Math.sign(compare(A, B))).toBe(-1);
    expect(set(late2, late1).elems).toEqual([late1, late2]);
  });

  it('model values are equal only to themselves and compare with anything', () => {
    const m = modelValue('m1');
    expect(modelValue('m1')).toBe(m);
    expect(show(m)).toBe('m1');
    expect(equals(m, modelValue('m2'))).toBe(false);
    for (const other of [1, true, A, set(1), tup(1)]) {
      expect(equals(m, other)).toBe(false);
      expect(equals(other, m)).toBe(false);
      expect(Math.sign(compare(m, other))).toBe(-1);
      expect(Math.sign(compare(other, m))).toBe(1);
    }
    // A string and a model value of the same name are different values.
    expect(equals(str('m1'), m)).toBe(false);
  });

  it('comparing values of incomparable kinds throws an EvalError worded as TLC words it', () => {
    expectEvalError(() => compare(1, A), 'Attempted to compare integer 1 with non-integer:\n"a"');
    expectEvalError(
      () => equals(true, 0),
      'Attempted to compare equality of boolean TRUE with non-boolean:\n0',
    );
    expectEvalError(() => compare(set(1), tup(1)), 'Attempted to compare the set {1}');
    expectEvalError(() => set(1).contains(A), 'Attempted to compare string "a" with non-string');
    expectEvalError(() => set(1, A), 'Attempted to compare string "a" with non-string:\n1');
  });
});

describe('finite sets', () => {
  it('removes duplicates and sorts canonically', () => {
    const s = set(3, 1, 2, 3, 1);
    expect(s.elems).toEqual([1, 2, 3]);
    expect(s.size()).toBe(3);
    expect(s.contains(2)).toBe(true);
    expect(s.contains(4)).toBe(false);
    expect(equals(s, set(1, 2, 3))).toBe(true);
    expect(set().elems).toEqual([]);
    expect(show(EMPTY_SET)).toBe('{}');
  });

  it('orders sets by cardinality, then element-wise', () => {
    const sets = set(set(1, 2), set(3), set(), set(1, 3), set(0, 9, 10));
    expect(sets.elems.map(show)).toEqual(['{}', '{3}', '{1, 2}', '{1, 3}', '{0, 9, 10}']);
    expect(Math.sign(compare(set(5), set(1, 2)))).toBe(-1);
  });

  it('orders tuples by length, then component-wise', () => {
    const ts = set(tup(2), tup(1, 5), tup(1, 2), tup(), tup(0, 0, 0));
    expect(ts.elems.map(show)).toEqual(['<<>>', '<<2>>', '<<1, 2>>', '<<1, 5>>', '<<0, 0, 0>>']);
  });

  it('orders records by field names, then values', () => {
    const rs = set(recordOf([['b', 1]]), recordOf([['a', 2]]), recordOf([['a', 1]]));
    expect(rs.elems.map(show)).toEqual(['[a |-> 1]', '[a |-> 2]', '[b |-> 1]']);
  });

  it('orders BOOLEAN as FALSE, TRUE', () => {
    expect(BOOLEAN_SET.elems).toEqual([false, true]);
    expect(show(BOOLEAN_SET)).toBe('{FALSE, TRUE}');
  });
});

describe('functions, tuples and records', () => {
  it('<<1, 2>> equals the function [i \\in 1..2 |-> i]', () => {
    const f = fcnFromPairs([
      [2, 2],
      [1, 1],
    ]);
    expect(f).toBeInstanceOf(TupleValue);
    expect(equals(f, tup(1, 2))).toBe(true);
    expect(show(f)).toBe('<<1, 2>>');
    const lazy = new LazyFcn(new IntervalSet(1, 2), (i) => i);
    expect(equals(lazy, tup(1, 2))).toBe(true);
    expect(equals(tup(1, 2), lazy)).toBe(true);
    expect(equals(tup(1, 2), tup(2, 1))).toBe(false);
  });

  it('a function with another domain is not a tuple', () => {
    const f = fcnFromPairs([
      [0, true],
      [1, false],
    ]);
    expect(f).toBeInstanceOf(FcnValue);
    expect(show(f)).toBe('(0 :> TRUE @@ 1 :> FALSE)');
    expect(equals(f, tup(true, false))).toBe(false);
    expect(f.apply(0)).toBe(true);
    expectEvalError(() => f.apply(2), 'Attempted to apply function', 'to argument 2');
  });

  it('a function over strings is a record', () => {
    const f = fcnFromPairs([
      [B, 2],
      [A, 1],
    ]);
    const r = recordOf([
      ['a', 1],
      ['b', 2],
    ]);
    expect(equals(f, r)).toBe(true);
    expect(show(f)).toBe('[a |-> 1, b |-> 2]');
    expect(r.apply(B)).toBe(2);
  });

  it('prints mixed values in TLA+ syntax', () => {
    expect(show(tup(1, A))).toBe('<<1, "a">>');
    expect(show(recordOf([['a', 1]]))).toBe('[a |-> 1]');
    expect(show(EMPTY_TUPLE)).toBe('<<>>');
    expect(show(set(set(1), set()))).toBe('{{}, {1}}');
    expect(show(setOf([recordOf([['f', set(A, B)]])]))).toBe('{[f |-> {"a", "b"}]}');
  });
});

describe('lazy sets', () => {
  it('Nat, Int and STRING decide membership without enumerating', () => {
    expect(NAT.contains(0)).toBe(true);
    expect(NAT.contains(2147483647)).toBe(true);
    expect(NAT.contains(-1)).toBe(false);
    expect(INT.contains(-2147483648)).toBe(true);
    expect(STRING.contains(A)).toBe(true);
    expect(NAT.contains(modelValue('m1'))).toBe(false);
    expect(STRING.contains(modelValue('m1'))).toBe(false);
    // TLC refuses a value of another kind, in these words.
    expectEvalError(
      () => NAT.contains(A),
      'Attempted to check if the value:\n"a"\nis an element of Nat.',
    );
    expectEvalError(
      () => STRING.contains(1),
      'Attempted to check if the value:\n1\nis an element of STRING.',
    );
    expectEvalError(() => NAT.contains(modelValue('A_1')), 'is an element of Nat.');
    for (const s of [NAT, INT, STRING]) {
      expect(s.isFinite()).toBe(false);
      expectEvalError(() => s.size(), 'infinite');
      expectEvalError(() => s.elements(), 'infinite');
    }
    expect([show(NAT), show(INT), show(STRING)]).toEqual(['Nat', 'Int', 'STRING']);
  });

  it('Seq(S) holds exactly the finite sequences over S', () => {
    const s = new SeqSet(new IntervalSet(1, 3));
    expect(s.contains(EMPTY_TUPLE)).toBe(true);
    expect(s.contains(tup(3, 1, 3, 2))).toBe(true);
    expect(s.contains(tup(1, 4))).toBe(false);
    expectEvalError(() => s.contains(fcnFromPairs([[0, 1]])), 'is an element of Seq(1..3).');
    expectEvalError(() => s.contains(set(1)), 'Attempted to check if the value:\n{1}\n');
    expect(s.isFinite()).toBe(false);
    expect(show(s)).toBe('Seq(1..3)');
  });

  it('SUBSET S decides membership without enumerating 2^|S| subsets', () => {
    const big = new SubsetSet(new IntervalSet(1, 100));
    expect(big.contains(set(1, 50, 100))).toBe(true);
    expect(big.contains(set(0, 1))).toBe(false);
    expect(big.contains(EMPTY_SET)).toBe(true);
    expectEvalError(() => big.contains(5), 'Attempted to check if the non-enumerable value\n5\n');
    // Enumerating it would be refused, so membership above did not enumerate.
    expectEvalError(() => big.elements(), 'too large');
    expect(new SubsetSet(NAT).contains(set(0, 7))).toBe(true);
    expect(new SubsetSet(NAT).isFinite()).toBe(false);
  });

  it('[S -> T] decides membership without enumerating', () => {
    const fs = new FcnSet(new IntervalSet(1, 30), new IntervalSet(0, 999));
    const f = new TupleValue(Array.from({ length: 30 }, (_, i) => i * 10));
    expect(fs.contains(f)).toBe(true);
    expect(fs.contains(new TupleValue(Array.from({ length: 30 }, () => 1000)))).toBe(false);
    expect(fs.contains(tup(1, 2))).toBe(false);
    expect(fs.size()).toBe(1000 ** 30);
    expectEvalError(() => fs.elements(), 'too large');
    const toNat = new FcnSet(set(A, B), NAT);
    expect(
      toNat.contains(
        recordOf([
          ['a', 5],
          ['b', 0],
        ]),
      ),
    ).toBe(true);
    expect(
      toNat.contains(
        recordOf([
          ['a', -5],
          ['b', 0],
        ]),
      ),
    ).toBe(false);
    expect(toNat.isFinite()).toBe(false);
  });

  it('[a : S, b : T] and S \\X T decide membership without enumerating', () => {
    const rs = new RecordSet([A, B], [NAT, STRING]);
    expect(
      rs.contains(
        recordOf([
          ['a', 3],
          ['b', C],
        ]),
      ),
    ).toBe(true);
    expect(rs.contains(recordOf([['a', 3]]))).toBe(false);
    expect(
      rs.contains(
        recordOf([
          ['a', 3],
          ['c', C],
        ]),
      ),
    ).toBe(false);
    expect(
      rs.contains(
        recordOf([
          ['a', -3],
          ['b', C],
        ]),
      ),
    ).toBe(false);
    expect(show(rs)).toBe('[a : Nat, b : STRING]');
    const ps = new ProductSet([NAT, STRING, BOOLEAN_SET]);
    expect(ps.contains(tup(4, A, true))).toBe(true);
    expect(ps.contains(tup(4, A))).toBe(false);
    expect(ps.contains(tup(-4, A, true))).toBe(false);
    expect(ps.isFinite()).toBe(false);
  });

  it('finite lazy sets enumerate in canonical order', () => {
    expect(show(new IntervalSet(-1, 2))).toBe('-1..2');
    expect(new IntervalSet(-1, 2).elements()).toEqual([-1, 0, 1, 2]);
    expect(new SubsetSet(set(1, 2)).elements().map(show)).toEqual(['{}', '{1}', '{2}', '{1, 2}']);
    expect(new FcnSet(set(1, 2), BOOLEAN_SET).elements().map(show)).toEqual([
      '<<FALSE, FALSE>>',
      '<<FALSE, TRUE>>',
      '<<TRUE, FALSE>>',
      '<<TRUE, TRUE>>',
    ]);
    expect(new RecordSet([A, B], [set(1, 2), set(C)]).elements().map(show)).toEqual([
      '[a |-> 1, b |-> "c"]',
      '[a |-> 2, b |-> "c"]',
    ]);
    expect(new ProductSet([set(2, 1), BOOLEAN_SET]).elements().map(show)).toEqual([
      '<<1, FALSE>>',
      '<<1, TRUE>>',
      '<<2, FALSE>>',
      '<<2, TRUE>>',
    ]);
    // Each enumeration is itself in canonical order.
    for (const s of [
      new SubsetSet(set(1, 2, 3)),
      new FcnSet(set(0, 1), set(A, B)),
      new ProductSet([set(1, 2), set(1, 2)]),
    ]) {
      const es = s.elements();
      for (let i = 1; i < es.length; i++) expect(compare(es[i - 1], es[i])).toBeLessThan(0);
    }
  });

  it('sizes of finite lazy sets', () => {
    expect(new IntervalSet(3, 7).size()).toBe(5);
    expect(new IntervalSet(5, 3).size()).toBe(0);
    expect(new SubsetSet(new IntervalSet(1, 10)).size()).toBe(1024);
    expect(new FcnSet(new IntervalSet(1, 3), new IntervalSet(1, 4)).size()).toBe(64);
    expect(new FcnSet(EMPTY_SET, NAT).size()).toBe(1);
    expect(new RecordSet([A, B], [set(1, 2, 3), BOOLEAN_SET]).size()).toBe(6);
    expect(new ProductSet([set(1, 2, 3), set(1, 2), set(1)]).size()).toBe(6);
    // An empty domain or factor makes these finite even next to an infinite set.
    expect(new FcnSet(EMPTY_SET, NAT).isFinite()).toBe(true);
    expect(new FcnSet(EMPTY_SET, NAT).elements()).toEqual([EMPTY_TUPLE]);
    expect(new ProductSet([NAT, EMPTY_SET]).isFinite()).toBe(true);
    expect(new ProductSet([NAT, EMPTY_SET]).size()).toBe(0);
    expect(new ProductSet([NAT, EMPTY_SET]).elements()).toEqual([]);
  });

  it('Nat equals Nat and Seq(S) equals Seq(S), but other infinite sets do not compare', () => {
    expect(equals(NAT, NAT)).toBe(true);
    expect(equals(new SeqSet(set(1)), new SeqSet(set(1)))).toBe(true);
    expectEvalError(() => equals(NAT, INT), 'infinite');
    expectEvalError(() => hash1(NAT), 'infinite');
  });
});

describe('fingerprints', () => {
  it('1..3 and {3, 1, 2} are equal with equal fingerprints', () => {
    const a = new IntervalSet(1, 3);
    const b = set(3, 1, 2);
    expect(equals(a, b)).toBe(true);
    expect(equals(b, a)).toBe(true);
    expect([hash1(a), hash2(a)]).toEqual([hash1(b), hash2(b)]);
    expect(fp(a)).toEqual(fp(b));
    expect(fp(a)).not.toEqual(fp(set(1, 2)));
  });

  it('records built in two field orders are equal with equal fingerprints', () => {
    const r1 = recordOf([
      ['a', 1],
      ['b', set(A)],
    ]);
    const r2 = recordOf([
      ['b', set(A)],
      ['a', 1],
    ]);
    expect(r1).not.toBe(r2);
    expect(equals(r1, r2)).toBe(true);
    expect(fp(r1)).toEqual(fp(r2));
    expect(fp(r1)).not.toEqual(
      fp(
        recordOf([
          ['a', 1],
          ['b', set(B)],
        ]),
      ),
    );
  });

  it('a lazy function and its table have equal fingerprints', () => {
    const lazy = new LazyFcn(set(0, 1), (x) => (x as number) * 2);
    const table = fcnFromPairs([
      [1, 2],
      [0, 0],
    ]);
    expect(fp(lazy)).toEqual(fp(table));
  });

  it('states differ in fingerprint when the order of variables differs', () => {
    const s1 = new Int32Array(2);
    const s2 = new Int32Array(2);
    fingerprint([1, 2], s1);
    fingerprint([2, 1], s2);
    expect([...s1]).not.toEqual([...s2]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties. Values are generated by type, so that any two values of one type are comparable.

type Ty =
  | { k: 'int' }
  | { k: 'bool' }
  | { k: 'str' }
  | { k: 'model' }
  | { k: 'set'; of: Ty }
  | { k: 'seq'; of: Ty }
  | { k: 'tuple'; of: Ty[] }
  | { k: 'rec'; of: Ty[] }
  | { k: 'fcn'; of: Ty };

const FIELDS = ['a', 'b', 'c'];

function tyArb(depth: number): fc.Arbitrary<Ty> {
  const leaves = fc.constantFrom<Ty>({ k: 'int' }, { k: 'bool' }, { k: 'str' }, { k: 'model' });
  if (depth === 0) return leaves;
  const inner = tyArb(depth - 1);
  return fc.oneof(
    { arbitrary: leaves, weight: 3 },
    inner.map((of): Ty => ({ k: 'set', of })),
    inner.map((of): Ty => ({ k: 'seq', of })),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((of): Ty => ({ k: 'tuple', of })),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((of): Ty => ({ k: 'rec', of })),
    inner.map((of): Ty => ({ k: 'fcn', of })),
  );
}

function valueArb(t: Ty): fc.Arbitrary<Value> {
  switch (t.k) {
    case 'int':
      return fc.integer({ min: -3, max: 3 });
    case 'bool':
      return fc.boolean();
    case 'str':
      return fc.constantFrom(A, B, C);
    case 'model':
      return fc.constantFrom(modelValue('m1'), modelValue('m2'));
    case 'set':
      return fc.array(valueArb(t.of), { maxLength: 4 }).map((xs) => setOf(xs));
    case 'seq':
      return fc
        .array(valueArb(t.of), { maxLength: 3 })
        .map((xs) => (xs.length === 0 ? EMPTY_TUPLE : new TupleValue(xs)));
    case 'tuple':
      return fc.tuple(...t.of.map(valueArb)).map((xs) => new TupleValue(xs));
    case 'rec':
      return fc
        .tuple(...t.of.map(valueArb))
        .map((xs) => recordOf(xs.map((x, i) => [FIELDS[i], x])));
    case 'fcn':
      // Integer domains: sometimes 1..n (a tuple), sometimes not.
      return fc
        .uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })
        .chain((dom) =>
          fc
            .tuple(...dom.map(() => valueArb(t.of)))
            .map((vals) => fcnFromPairs(dom.map((d, i) => [d, vals[i]]))),
        );
  }
}

const typed = tyArb(2);
const oneValue = typed.chain(valueArb);
const twoValues = typed.chain((t) => fc.tuple(valueArb(t), valueArb(t)));
const threeValues = typed.chain((t) => fc.tuple(valueArb(t), valueArb(t), valueArb(t)));
const manyValues = typed.chain((t) => fc.array(valueArb(t), { maxLength: 6 }));

/** The same value built another way: sets reversed or as intervals, functions from reversed pairs or lazily. */
function rebuild(v: Value): Value {
  if (v instanceof EnumSet) {
    const es = v.elems.map(rebuild).reverse();
    const ints = v.elems.every((e) => typeof e === 'number');
    if (ints && es.length > 0) {
      const lo = v.elems[0] as number;
      const hi = v.elems[v.elems.length - 1] as number;
      if (hi - lo + 1 === v.elems.length) return new IntervalSet(lo, hi);
    }
    return setOf(es);
  }
  if (v instanceof TupleValue) {
    if (v.elems.length > 0 && v.elems.length % 2 === 0) {
      const elems = v.elems.map(rebuild);
      return new LazyFcn(new IntervalSet(1, elems.length), (i) => elems[(i as number) - 1]);
    }
    return fcnFromPairs(v.elems.map((e, i): [Value, Value] => [i + 1, rebuild(e)]).reverse());
  }
  if (v instanceof FcnValue)
    return fcnFromPairs(v.dom.map((d, i): [Value, Value] => [d, rebuild(v.vals[i])]).reverse());
  return v;
}

const RUNS = { seed: 42, numRuns: 300 };

describe('properties', () => {
  it('setOf is idempotent and independent of the order of its input', () => {
    fc.assert(
      fc.property(
        manyValues.chain((xs) =>
          fc.tuple(
            fc.constant(xs),
            fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
          ),
        ),
        ([xs, shuffled]) => {
          const s = setOf(xs.slice());
          const again = setOf(s.elems.slice());
          expect(again.elems.length).toBe(s.elems.length);
          again.elems.forEach((e, i) => expect(e).toBe(s.elems[i]));
          const t = setOf(shuffled.slice());
          expect(equals(s, t)).toBe(true);
          expect(t.elems.length).toBe(s.elems.length);
          for (let i = 1; i < s.elems.length; i++)
            expect(compare(s.elems[i - 1], s.elems[i])).toBeLessThan(0);
          for (const x of xs) expect(s.contains(x)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('compare is antisymmetric and consistent with equals', () => {
    fc.assert(
      fc.property(twoValues, ([a, b]) => {
        const ab = Math.sign(compare(a, b));
        const ba = Math.sign(compare(b, a));
        expect(ab + ba).toBe(0);
        expect(ab === 0).toBe(equals(a, b));
        expect(equals(a, b)).toBe(equals(b, a));
        expect(compare(a, a)).toBe(0);
      }),
      RUNS,
    );
  });

  it('compare is transitive', () => {
    fc.assert(
      fc.property(threeValues, ([a, b, c]) => {
        if (compare(a, b) <= 0 && compare(b, c) <= 0) expect(compare(a, c)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('equal values have equal hash1/hash2, however they were built', () => {
    fc.assert(
      fc.property(oneValue, (v) => {
        const w = rebuild(v);
        expect(equals(v, w)).toBe(true);
        expect(compare(w, v)).toBe(0);
        expect(hash1(w)).toBe(hash1(v));
        expect(hash2(w)).toBe(hash2(v));
        expect(fp(w)).toEqual(fp(v));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(twoValues, ([a, b]) => {
        if (equals(a, b)) expect([hash1(a), hash2(a)]).toEqual([hash1(b), hash2(b)]);
      }),
      RUNS,
    );
  });
});
