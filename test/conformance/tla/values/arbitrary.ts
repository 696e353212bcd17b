/**
 * Random TLA+ values for property tests: small atoms, records shaped like a spec's messages
 * (some fields missing, some of unusual kinds), tuples and small sets, so that comparisons
 * that raise (different kinds) are generated too.
 */
import fc from 'fast-check';
import {
  type Value,
  modelValue,
  recordOf,
  setOf,
  str,
  TupleValue,
} from '../../../../conformance/tla/values/value.ts';

/** Fixed seed for every property test here (printed by fast-check on failure). */
export const SEED = 20240611;

export const int = fc.integer({ min: -3, max: 40 });
export const string = fc.constantFrom('a', 'b', 'promise', 'accept', 'ping', 'leader').map(str);
export const model = fc.constantFrom('None', 'c1', 'c2').map(modelValue);
export const typedModel = fc.constantFrom('s_1', 's_2').map(modelValue);

/** Atoms of one kind, as elements of one set usually are. */
export const atom: fc.Arbitrary<Value> = fc.oneof(int, string, model, fc.boolean());

/** Values that are mostly comparable, sometimes not (ints against strings, typed model values). */
export const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    int,
    string,
    model,
    typedModel,
    fc.boolean(),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => new TupleValue(xs)),
    fc.array(tie('v'), { maxLength: 3 }).map((xs): Value => tryOrdinarySet(xs) ?? setOf([])),
    fc
      .uniqueArray(fc.constantFrom('type', 'log', 'seq', 'bal', 'from'), { maxLength: 4 })
      .chain((names) =>
        fc
          .tuple(...names.map(() => tie('v')))
          .map((vals) => recordOf(names.map((n, i) => [n, vals[i]]))),
      ),
  ),
})).v;

/** Message-like records: fields drawn from a few names, values mostly well-kinded. */
export const message: fc.Arbitrary<Value> = fc
  .record(
    {
      type: fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom('prepare', 'promise', 'accept').map(str) },
        { weight: 1, arbitrary: int },
      ),
      log: fc.oneof(
        fc.constantFrom('leader').map(str),
        fc.constantFrom('c1', 'c2').map(modelValue),
      ),
      seq: fc.integer({ min: 1, max: 4 }),
      bal: fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }))
        .map(([a, b]) => new TupleValue([a, b])),
      from: fc.integer({ min: 1, max: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((r) => recordOf(Object.entries(r) as Array<[string, Value]>));

/** A value made of one kind of atom: sets of these can always be built. */
export const homogeneous = fc.oneof(
  fc.array(int, { maxLength: 60 }),
  fc.array(string, { maxLength: 60 }),
  fc.array(message, { maxLength: 60 }),
);

/** Builds a set the ordinary way, or undefined when that raises. */
export function tryOrdinarySet(xs: Value[]): ReturnType<typeof setOf> | undefined {
  try {
    return setOf([...xs]);
  } catch {
    return undefined;
  }
}
