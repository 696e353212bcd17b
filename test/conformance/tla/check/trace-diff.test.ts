import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../../../conformance/tla/check/trace-diff.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { INT, IntervalSet, NAT } from '../../../../conformance/tla/values/sets.ts';
import {
  EnumSet,
  TupleValue,
  type Value,
  equals,
  fcnFromPairs,
  modelValue,
  recordOf,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';

const [s1, s2] = [modelValue('s1'), modelValue('s2')];
// Strings are ordered by when they were first interned: fix the order of record fields up front.
['type', 'bal'].forEach(str);
const msg = (type: string, bal: number): Value =>
  recordOf([
    ['type', str(type)],
    ['bal', bal],
  ]);

describe('diffStates', () => {
  it('reports nothing for unchanged variables', () => {
    const state = [1, setOf([1, 2]), recordOf([['a', 1]])];
    expect(diffStates(['x', 'y', 'z'], state, [...state])).toEqual([]);
  });

  it('reports a changed scalar with both values in TLA+ syntax', () => {
    expect(diffStates(['x', 'y'], [1, str('a')], [1, str('b')])).toEqual([
      { path: 'y', kind: 'changed', before: '"a"', after: '"b"' },
    ]);
  });

  it('follows records and functions down to the field that changed', () => {
    const acc = (promised: number): Value =>
      fcnFromPairs([
        [
          s1,
          recordOf([
            ['promised', 0],
            ['accepted', 0],
          ]),
        ],
        [
          s2,
          recordOf([
            ['promised', promised],
            ['accepted', 0],
          ]),
        ],
      ]);
    expect(diffStates(['acc'], [acc(3)], [acc(4)])).toEqual([
      { path: 'acc[s2].promised', kind: 'changed', before: '3', after: '4' },
    ]);
  });

  it('shows a short tuple of plain values whole, and indexes longer sequences', () => {
    const ballot = (n: number, id: number): Value => recordOf([['bal', new TupleValue([n, id])]]);
    expect(diffStates(['acc'], [ballot(1, 1)], [ballot(1, 3)])).toEqual([
      { path: 'acc.bal', kind: 'changed', before: '<<1, 1>>', after: '<<1, 3>>' },
    ]);
    const log = (last: number) => new TupleValue([1, 2, 3, 4, last]);
    expect(diffStates(['log'], [log(5)], [log(6)])).toEqual([
      { path: 'log[5]', kind: 'changed', before: '5', after: '6' },
    ]);
  });

  it('indexes tuples from 1 and prints non-identifier record fields as strings', () => {
    const before = new TupleValue([10, recordOf([['a b', 1]])]);
    const after = new TupleValue([11, recordOf([['a b', 2]])]);
    expect(diffStates(['t'], [before], [after]).map((c) => c.path)).toEqual([
      't[1]',
      't[2]["a b"]',
    ]);
  });

  it('prints structured function arguments in TLA+ syntax', () => {
    const f = (v: number): Value => fcnFromPairs([[new TupleValue([1, 2]), v]]);
    expect(diffStates(['f'], [f(0)], [f(1)])[0].path).toBe('f[<<1, 2>>]');
  });

  it('reports set elements added and removed, compared by value', () => {
    const before = setOf([msg('1b', 1), msg('2a', 1)]);
    // "1a" sorts before both, so every element would move in a line-by-line text diff.
    const after = setOf([msg('1a', 2), msg('1b', 1), msg('2a', 1)]);
    expect(diffStates(['msgs'], [before], [after])).toEqual([
      { path: 'msgs', kind: 'added', after: '[type |-> "1a", bal |-> 2]' },
    ]);
    expect(diffStates(['msgs'], [after], [before])).toEqual([
      { path: 'msgs', kind: 'removed', before: '[type |-> "1a", bal |-> 2]' },
    ]);
  });

  it('replaces the whole value when the kind or the domain changes', () => {
    const changed = diffStates(
      ['x', 'f', 'seq'],
      [1, fcnFromPairs([[s1, 0]]), new TupleValue([1])],
      [str('one'), fcnFromPairs([[s2, 0]]), new TupleValue([1, 2])],
    );
    expect(changed).toEqual([
      { path: 'x', kind: 'changed', before: '1', after: '"one"' },
      { path: 'f', kind: 'changed', before: '(s1 :> 0)', after: '(s2 :> 0)' },
      { path: 'seq', kind: 'changed', before: '<<1>>', after: '<<1, 2>>' },
    ]);
  });

  it('compares an interval with the equal enumerated set as equal', () => {
    expect(diffStates(['s'], [new IntervalSet(1, 3)], [setOf([3, 2, 1])])).toEqual([]);
  });

  it('replaces infinite sets it cannot compare element by element', () => {
    expect(diffStates(['s'], [NAT], [INT])).toEqual([
      { path: 's', kind: 'changed', before: 'Nat', after: 'Int' },
    ]);
  });
});

const element = fc.constantFrom('1a', '1b', '2a').chain((t) => fc.nat(2).map((b) => msg(t, b)));
// A state of three variables that stay of one type each: a set, a function and an integer.
const stateArb = fc.tuple(
  fc.array(element, { maxLength: 6 }).map((xs) => setOf(xs)),
  fc.tuple(fc.nat(3), fc.nat(3)).map(([a, b]) =>
    fcnFromPairs([
      [s1, a],
      [s2, setOf([b])],
    ]),
  ),
  fc.integer({ min: -2, max: 2 }),
);
const NAMES = ['msgs', 'acc', 'n'];

describe('diffStates properties', () => {
  it('finds no change between a state and itself', () => {
    fc.assert(fc.property(stateArb, (s) => diffStates(NAMES, s, s).length === 0));
  });

  it('finds a change exactly when some variable differs', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (a, b) => {
        const differs = a.some((v, i) => !equals(v, b[i]));
        expect(diffStates(NAMES, a, b).length > 0).toBe(differs);
      }),
    );
  });

  it('lists set additions and removals that turn the old set into the new one', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (a, b) => {
        const printed = new Set((a[0] as EnumSet).elements().map(printValue));
        for (const c of diffStates(NAMES, a, b)) {
          if (c.path !== 'msgs') continue;
          if (c.kind === 'added') {
            expect(printed.has(c.after!)).toBe(false);
            printed.add(c.after!);
          } else {
            expect(c.kind).toBe('removed');
            expect(printed.delete(c.before!)).toBe(true);
          }
        }
        expect([...printed].sort()).toEqual((b[0] as EnumSet).elements().map(printValue).sort());
      }),
    );
  });
});
