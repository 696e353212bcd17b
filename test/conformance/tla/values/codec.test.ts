/**
 * Encoding states for another thread (`values/codec.ts`): what comes back is equal, hashes
 * alike (so fingerprints agree across workers), prints alike and keeps record-ness.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStates, encodeStates } from '../../../../conformance/tla/values/codec.ts';
import { printValue } from '../../../../conformance/tla/values/print.ts';
import { IntervalSet } from '../../../../conformance/tla/values/sets.ts';
import {
  FcnValue,
  type Value,
  equals,
  fcnFromPairs,
  fingerprint,
  recordOf,
  setOf,
  str,
} from '../../../../conformance/tla/values/value.ts';
import { SEED, value } from './arbitrary.ts';

/** The shared value arbitrary, plus what it lacks: functions that are not tuples, intervals. */
const stateValue: fc.Arbitrary<Value> = fc.oneof(
  value,
  fc
    .array(fc.tuple(fc.integer({ min: 5, max: 30 }), value), { maxLength: 4 })
    .map((ps) => fcnFromPairs(ps)),
  fc.integer({ min: 0, max: 6 }).map((lo) => new IntervalSet(lo, lo + 3)),
);

function print(s: Value[]): Int32Array {
  const out = new Int32Array(2);
  fingerprint(s, out);
  return out;
}

describe('state codec', () => {
  it('round-trips states: equal, same fingerprint, same text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(stateValue, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
        (states) => {
          const back = decodeStates(encodeStates(states));
          expect(back).toHaveLength(states.length);
          states.forEach((s, i) => {
            expect(back[i]).toHaveLength(s.length);
            s.forEach((v, j) => {
              expect(equals(back[i][j], v)).toBe(true);
              expect(printValue(back[i][j])).toBe(printValue(v));
            });
            expect(print(back[i])).toEqual(print(s));
          });
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('keeps whether a function over strings was built as a record', () => {
    const record = recordOf([['a', 1]]);
    const fcn = fcnFromPairs([[str('a'), 1]]);
    const [[r, f]] = decodeStates(encodeStates([[record, fcn]]));
    expect((r as FcnValue).record).toBe(true);
    expect((f as FcnValue).record).toBe(false);
  });

  it('keeps sharing within a batch: a value met again decodes to the same object', () => {
    const shared = setOf([recordOf([['a', 1]]), recordOf([['a', 2]])]);
    const [s1, s2] = decodeStates(
      encodeStates([
        [shared, 1],
        [shared, 2],
      ]),
    );
    expect(s1[0]).toBe(s2[0]);
    expect(equals(s1[0], shared)).toBe(true);
    // Written once: the second state refers to the first copy.
    const once = encodeStates([[shared]]).words.length;
    expect(encodeStates([[shared], [shared]]).words.length).toBe(once + 3);
  });

  it('writes each string once per batch', () => {
    const rec = recordOf([['field', str('text')]]);
    const encoded = encodeStates([[rec, rec], [rec]]);
    expect(encoded.texts).toEqual(['field', 'text']);
  });
});
