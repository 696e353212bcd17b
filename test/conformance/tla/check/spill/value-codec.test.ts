/**
 * States read back from their compact form behave as the states written: equal, with the same
 * fingerprint and printed form, records still records, unnormalised sets with their list, and
 * values without a compact form the very same objects. fast-check with a fixed seed (printed
 * with the counterexample on failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ValueCodec,
  ValueReader,
  ValueWriter,
} from '../../../../../conformance/tla/check/spill/value-codec.ts';
import { IntervalSet, NAT } from '../../../../../conformance/tla/values/sets.ts';
import { printValue } from '../../../../../conformance/tla/values/print.ts';
import {
  EnumSet,
  FcnValue,
  type Value,
  equals,
  fcnFromPairs,
  fingerprint,
  modelValue,
  recordOf,
  setFromList,
  setOf,
  str,
} from '../../../../../conformance/tla/values/value.ts';

function roundTrip(state: Value[]): Value[] {
  const codec = new ValueCodec();
  const w = new ValueWriter(codec);
  w.writeState(state);
  // Copy: the writer's buffer is reused.
  return new ValueReader(codec).from(Buffer.from(w.bytes())).readState(state.length);
}

function fp(state: Value[]): [number, number] {
  const out = new Int32Array(2);
  fingerprint(state, out);
  return [out[0], out[1]];
}

/**
 * A set of `xs`: normalised when TLC can sort them, else the set TLC builds and cannot sort (an
 * UnsortedSet, which must come back raising the same errors).
 */
function aSet(xs: Value[]): Value {
  try {
    return setOf(xs);
  } catch {
    return setFromList(xs);
  }
}

/** The result of `f`, or the message it raised. */
function attempt<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return `raised: ${(e as Error).message}`;
  }
}

// Values of every compact kind, nested, with the integer extremes.
const atom = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom('a', 'b', 'pid', 'bound', '').map(str),
  fc.constantFrom('s1', 's2', 'None').map(modelValue),
);
const { value } = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('value'), { maxLength: 4 }).map(aSet),
    fc
      .array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 })
      .map((xs) => fcnFromPairs(xs.map((x, i) => [i + 1, x]))),
    fc
      .uniqueArray(fc.constantFrom('a', 'b', 'pid', 'bound'), { maxLength: 3 })
      .chain((keys) =>
        fc.tuple(
          fc.constant(keys),
          fc.array(tie('value'), { minLength: keys.length, maxLength: keys.length }),
        ),
      )
      .map(([keys, vals]) => recordOf(keys.map((k, i) => [k, vals[i]]))),
    fc
      .array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 })
      .map((ks) => fcnFromPairs(ks.map((k) => [k, str('v')]))),
  ),
}));

describe('value codec', () => {
  it('reads back equal values with the same fingerprint and printed form', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (state) => {
        const back = roundTrip(state);
        for (let i = 0; i < state.length; i++) {
          // Equal, unless the value holds a set TLC cannot sort: then comparing raises TLC's
          // error, the one fingerprinting it raises.
          const same = attempt(() => equals(back[i], state[i]));
          if (same !== true) expect(attempt(() => fp([state[i]]))).toEqual(same);
        }
        expect(attempt(() => fp(back))).toEqual(attempt(() => fp(state)));
        expect(back.map(printValue)).toEqual(state.map(printValue));
      }),
      { seed: 7331, numRuns: 300 },
    );
  });

  it('keeps records apart from functions over strings, and interned strings identical', () => {
    const rec = recordOf([['a', 1]]);
    const fcn = new FcnValue([str('a')], [1], false);
    const [r, f, s, m] = roundTrip([rec, fcn, str('pid'), modelValue('s1')]);
    expect((r as FcnValue).record).toBe(true);
    expect((f as FcnValue).record).toBe(false);
    expect(s).toBe(str('pid'));
    expect(m).toBe(modelValue('s1'));
  });

  it('keeps the list of a set TLC has not normalised yet', () => {
    const pending = setFromList([3, 1, 2, 1]) as EnumSet;
    const [back] = roundTrip([pending]);
    expect((back as EnumSet).unnormalisedList()).toEqual([3, 1, 2, 1]);
    expect((back as EnumSet).elems).toEqual([1, 2, 3]);
  });

  it('gives back one object for a value that states of one batch share', () => {
    const codec = new ValueCodec();
    const w = new ValueWriter(codec);
    const msgs = setOf([recordOf([['a', 1]]), recordOf([['a', 2]])]);
    w.writeState([msgs, 1]);
    w.writeState([msgs, 2]);
    const r = new ValueReader(codec).from(Buffer.from(w.bytes())).shareWithin(new Map());
    const [first, second] = [r.readState(2), r.readState(2)];
    expect(second[0]).toBe(first[0]);
    expect(equals(first[0], msgs)).toBe(true);
    expect([first[1], second[1]]).toEqual([1, 2]);
  });

  it('keeps lazy values by reference', () => {
    const interval = new IntervalSet(1, 5);
    const [a, b] = roundTrip([interval, NAT]);
    expect(a).toBe(interval);
    expect(b).toBe(NAT);
  });
});
