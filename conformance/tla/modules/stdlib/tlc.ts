/**
 * The TLC module: function building (:>, @@), output, assertions, TLC's registers and the
 * operators TLC defines only for model checking (Permutations, SortSeq, Any, ...).
 */
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { IntervalSet } from '../../values/sets.ts';
import {
  EnumSet,
  SetValue,
  TupleValue,
  type Value,
  fcnFromPairs,
  fcnFromSorted,
  normaliseDeep,
  setOf,
  str,
} from '../../values/value.ts';
import {
  type Arg,
  checkSize,
  entries,
  expectBool,
  expectFcn,
  expectFiniteSet,
  expectOp,
  expectSeq,
  expectValue,
  mismatch,
} from './args.ts';
import type { StdModule } from './native.ts';

/** `v` printed as TLC prints it, sorting its sets first (a set TLC cannot sort raises its error). */
function printSorted(v: Value): string {
  normaliseDeep(v);
  return printValue(v);
}

/** TLC's `Any`: a set containing every value, usable only for membership tests. */
export class AnySet extends SetValue {
  contains(): boolean {
    return true;
  }
  isFinite(): boolean {
    return false;
  }
  toEnum(): EnumSet {
    throw new EvalError('Attempted to enumerate Any, which is infinite.');
  }
  override size(): number {
    throw new EvalError('Attempted to compute the cardinality of Any, which is infinite.');
  }
  describe(): string {
    return 'Any';
  }
}

/** The one `Any` set, so that `Any = Any` holds by identity. */
export const ANY = new AnySet();

/** f @@ g: f where f is defined, g elsewhere. */
function combine(f: Value, g: Value): Value {
  const [d1, v1] = entries(expectFcn('@@', 0, f));
  const [d2, v2] = entries(expectFcn('@@', 1, g));
  const pairs: Array<[Value, Value]> = [];
  for (let i = 0; i < d1.length; i++) pairs.push([d1[i], v1[i]]);
  for (let i = 0; i < d2.length; i++) pairs.push([d2[i], v2[i]]);
  // fcnFromPairs sorts stably and keeps the first of equal keys: f's.
  return fcnFromPairs(pairs);
}

/** All bijections from S to S, as functions over S's elements in canonical order. */
function permutations(elems: readonly Value[]): Value {
  let count = 1;
  for (let i = 2; i <= elems.length; i++) count *= i;
  checkSize(`Permutations of a ${elems.length}-element set`, count);
  const out: Value[] = [];
  const perm: Value[] = [];
  const used = new Array<boolean>(elems.length).fill(false);
  const visit = (): void => {
    if (perm.length === elems.length) {
      out.push(fcnFromSorted(elems, perm.slice()));
      return;
    }
    for (let i = 0; i < elems.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      perm.push(elems[i]);
      visit();
      perm.pop();
      used[i] = false;
    }
  };
  visit();
  return setOf(out);
}

/**
 * SortSeq with TLC's algorithm, an insertion sort that moves an element left while
 * `Op(elem, previous)` holds. Replaying it exactly keeps results (and which calls of a
 * non-strict or ill-behaved operator are made) identical to TLC's.
 */
export function sortSeq(s: Value, opArg: Arg): Value {
  const elems = expectSeq('SortSeq', 0, s);
  if (elems.length === 0) return s instanceof TupleValue ? s : new TupleValue(elems);
  const less = expectOp('SortSeq', 1, opArg, 2);
  const before = (a: Value, b: Value): boolean => {
    const r = less.call([a, b]);
    if (typeof r !== 'boolean') throw mismatch('SortSeq', 1, 'a boolean function', r);
    return r;
  };
  const out: Value[] = [elems[0]];
  for (let i = 1; i < elems.length; i++) {
    const e = elems[i];
    let j = i;
    while (j > 0 && before(e, out[j - 1])) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = e;
  }
  return new TupleValue(out);
}

/**
 * RandomElement(S). TLC picks uniformly at random; this engine must give reproducible runs,
 * so it deterministically picks the first element in TLC's order (a legal choice, as any
 * element is). Intervals are special-cased so that `RandomElement(1..10^9)` does not
 * enumerate.
 */
function randomElement(s: Value): Value {
  if (s instanceof IntervalSet && s.size() > 0) return s.lo;
  const elems = expectFiniteSet('RandomElement', 0, s);
  if (elems.length === 0)
    throw new EvalError('Attempted to apply RandomElement to the empty set {}.');
  return elems[0];
}

/** The TLC standard module. */
export const TLC: StdModule = {
  name: 'TLC',
  extends: ['Naturals', 'Sequences', 'FiniteSets'],
  ops: [
    {
      name: '$map_to',
      text: ':>',
      arity: 2,
      impl: ([d, e]) => fcnFromPairs([[expectValue(':>', 0, d), expectValue(':>', 1, e)]]),
    },
    {
      name: '$compose',
      text: '@@',
      arity: 2,
      impl: ([f, g]) => combine(expectValue('@@', 0, f), expectValue('@@', 1, g)),
    },
    {
      name: 'Permutations',
      arity: 1,
      impl: ([s]) => permutations(expectFiniteSet('Permutations', 0, s)),
    },
    {
      name: 'SortSeq',
      arity: 2,
      opArgs: { 1: 2 },
      impl: ([s, op]) => sortSeq(expectValue('SortSeq', 0, s), op),
    },
    { name: 'ToString', arity: 1, impl: ([v]) => str(printSorted(expectValue('ToString', 0, v))) },
    {
      name: 'Print',
      arity: 2,
      impure: true,
      impl: ([out, val], rt) => {
        const v = expectValue('Print', 1, val);
        // TLC prints both arguments, separated by two spaces.
        rt.print(`${printSorted(expectValue('Print', 0, out))}  ${printSorted(v)}`);
        return v;
      },
    },
    {
      name: 'PrintT',
      arity: 1,
      impure: true,
      impl: ([out], rt) => {
        rt.print(printSorted(expectValue('PrintT', 0, out)));
        return true;
      },
    },
    {
      name: 'Assert',
      arity: 2,
      impl: ([cond, out]) => {
        if (expectBool('Assert', 0, cond)) return true;
        const message = printValue(expectValue('Assert', 1, out));
        throw new EvalError(
          'The first argument of Assert evaluated to FALSE; the second argument was:\n' + message,
          'assert',
        ).explain({ summary: `Assert failed: ${message}` });
      },
    },
    {
      name: 'TLCGet',
      arity: 1,
      impure: true,
      impl: ([i], rt) => rt.tlcGet(expectValue('TLCGet', 0, i)),
    },
    {
      name: 'TLCSet',
      arity: 2,
      impure: true,
      impl: ([i, v], rt) => {
        rt.tlcSet(expectValue('TLCSet', 0, i), expectValue('TLCSet', 1, v));
        return true;
      },
    },
    { name: 'TLCEval', arity: 1, impl: ([v]) => expectValue('TLCEval', 0, v) },
    {
      name: 'JavaTime',
      arity: 0,
      impure: true,
      // As TLC: seconds since the epoch with the sign bit cleared, so it stays in Nat.
      impl: () => Math.floor(Date.now() / 1000) & 0x7fffffff,
    },
    { name: 'Any', arity: 0, impl: () => ANY },
    {
      name: 'RandomElement',
      arity: 1,
      impure: true,
      impl: ([s]) => randomElement(expectValue('RandomElement', 0, s)),
    },
  ],
};
