import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { ValueSyntaxError, readValue } from '../../../../conformance/tla/values/read.ts';
import {
  FcnSet,
  IntervalSet,
  NAT,
  ProductSet,
  RecordSet,
  SeqSet,
  SubsetSet,
} from '../../../../conformance/tla/values/sets.ts';
import {
  TupleValue,
  type Value,
  equals,
  fcnFromPairs,
  modelValue,
  recordOf,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';

const leaf = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constantFrom('a', 'say "hi"', 'back\\slash', 'two\nlines', '').map(str),
  fc.constantFrom('m1', 'm2', 's_3').map(modelValue),
);
const { value } = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => new TupleValue(xs)),
    fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }).map((xs) => setOf(xs)),
    fc.tuple(tie('value'), tie('value')).map(([a, b]) =>
      recordOf([
        ['x', a],
        ['next', b],
      ]),
    ),
    fc
      .uniqueArray(fc.constantFrom<Value>(modelValue('m1'), modelValue('m2'), 7, 8), {
        maxLength: 3,
        selector: printValue,
      })
      .chain((dom) =>
        fc
          .tuple(...dom.map(() => tie('value')))
          .map((vals) => fcnFromPairs(dom.map((d, i) => [d, vals[i]]))),
      ),
  ),
}));

describe('readValue', () => {
  it('reads back every value printValue writes, as an equal value', () => {
    fc.assert(
      fc.property(value, (v) => {
        const back = readValue(printValue(v));
        expect(printValue(back)).toBe(printValue(v));
        expect(equals(back, v)).toBe(true);
      }),
    );
  });

  it('reads a bare name as the model value of that name (the same object)', () => {
    expect(readValue('{s1, s2}')).toEqual(setOf([modelValue('s1'), modelValue('s2')]));
    expect((readValue('<<s1>>') as TupleValue).elems[0]).toBe(modelValue('s1'));
  });

  it('reads the infinite and lazy sets printValue names', () => {
    const sets: Value[] = [
      new IntervalSet(2, 4),
      NAT,
      new SeqSet(setOf([1, 2])),
      new SubsetSet(NAT),
      new FcnSet(NAT, setOf([str('a')])),
      new RecordSet([str('x')], [NAT]),
      new ProductSet([setOf([1]), NAT]),
    ];
    for (const s of sets) expect(printValue(readValue(printValue(s)))).toBe(printValue(s));
  });

  it('names the column of text that is not a value', () => {
    expect(() => readValue('[a |-> 1,, b |-> 2]')).toThrow(ValueSyntaxError);
    expect(() => readValue('[a |-> 1,, b |-> 2]')).toThrow(/column 10/);
    expect(() => readValue('{1, 2} x')).toThrow(/column 8 .*after the value/);
  });
});
