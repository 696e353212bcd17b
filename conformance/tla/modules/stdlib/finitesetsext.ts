/**
 * The CommunityModules' FiniteSetsExt: folds and sums over sets, k-subsets, Max/Min, choices.
 * FoldSet (and with it SumSet, ProductSet, ReduceSet) nests as TLC's Java override does, the
 * first element innermost; Quantify and kSubset count and build without enumerating more than
 * their result, as TLC's overrides do; the rest follow their TLA+ definitions. FiniteSetsExt
 * EXTENDS Folds and Functions, so their operators come with it.
 */
import { CupSet, DiffSet } from '../../values/sets.ts';
import { EMPTY_SET, SetValue, type Value, setFromList, setOf } from '../../values/value.ts';
import {
  type Arg,
  checkSize,
  expectFiniteSet,
  expectInt,
  expectOp,
  expectSet,
  expectValue,
  mismatch,
} from './args.ts';
import { chooseFailure, foldBackward, foldForward, testOf } from './folding.ts';
import { type NativeOp, type StdModule, checkedInt } from './native.ts';

/** A fold of `+` or `*` over integers, each step `x op acc` checked for overflow as TLC does. */
function arithmetic(
  name: string,
  text: string,
  unit: number,
  f: (a: number, b: number) => number,
): NativeOp {
  return {
    name,
    arity: 1,
    impl: ([s]) => {
      let acc = unit;
      for (const x of expectFiniteSet(name, 0, s)) {
        const n = expectInt(text, 0, x);
        acc = checkedInt(f(n, acc), () => `${n}${text}${acc}`);
      }
      return acc;
    },
  };
}

/** The subsets of `elems` with k elements. */
export function kSubsets(k: number, elems: readonly Value[]): SetValue {
  if (k < 0 || k > elems.length) return EMPTY_SET;
  const out: Value[] = [];
  const pick: Value[] = [];
  const walk = (from: number): void => {
    if (pick.length === k) {
      checkSize('the k-subsets', out.length + 1);
      out.push(setOf([...pick]));
      return;
    }
    for (let i = from; i <= elems.length - (k - pick.length); i++) {
      pick.push(elems[i]);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return setOf(out);
}

/** Max or Min: CHOOSE x \in S : \A y \in S : x >= y (or x =< y), for a set of integers. */
function extreme(name: string, text: string, better: (a: number, b: number) => boolean): NativeOp {
  return {
    name,
    arity: 1,
    impl: ([s]) => {
      const elems = expectFiniteSet(name, 0, s);
      if (elems.length === 0) throw chooseFailure(name);
      // TLC compares the first candidate with every element, so a non-integer fails there.
      const first = expectInt(text, 0, elems[0]);
      let best = first;
      for (const y of elems) {
        const n = expectInt(text, 1, y);
        if (better(n, best)) best = n;
      }
      return best;
    },
  };
}

/** Every set holding one element of each of `sets` (a choice function's range). */
function choices(sets: readonly Value[]): SetValue {
  const members = sets.map((s) => expectFiniteSet('Choices', 0, s));
  let picks: Value[][] = [[]];
  for (const m of members) {
    picks = picks.flatMap((p) => m.map((x) => [...p, x]));
    checkSize('the choices', picks.length);
  }
  return setOf(picks.map((p) => setOf(p)));
}

/** The set of the elements of A not in B and of B not in A. */
function symDiff(a: SetValue, b: SetValue): SetValue {
  if (!a.isFinite() || !b.isFinite()) return new CupSet(new DiffSet(a, b), new DiffSet(b, a));
  const onlyA = a.elements().filter((x) => !b.contains(x));
  const onlyB = b.elements().filter((x) => !a.contains(x));
  return setOf([...onlyA, ...onlyB]);
}

/** UNION S for a finite set of finite sets. */
function flatten(s: Arg): SetValue {
  const all: Value[] = [];
  for (const m of expectFiniteSet('FlattenSet', 0, s)) {
    if (!(m instanceof SetValue)) throw mismatch('UNION', 0, 'a set of sets', s);
    all.push(...expectFiniteSet('UNION', 0, m));
  }
  return setFromList(all);
}

/** The CommunityModules' FiniteSetsExt module. */
export const FINITE_SETS_EXT: StdModule = {
  name: 'FiniteSetsExt',
  extends: ['Folds', 'Functions'],
  ops: [
    {
      name: 'FoldSet',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, base, s]) =>
        foldForward(
          expectOp('FoldSet', 0, op, 2),
          expectValue('FoldSet', 1, base),
          expectFiniteSet('FoldSet', 2, s),
        ),
    },
    arithmetic('SumSet', '+', 0, (a, b) => a + b),
    arithmetic('ProductSet', '*', 1, (a, b) => a * b + 0),
    {
      name: 'ReduceSet',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, s, acc]) =>
        foldForward(
          expectOp('ReduceSet', 0, op, 2),
          expectValue('ReduceSet', 2, acc),
          expectFiniteSet('ReduceSet', 1, s),
        ),
    },
    {
      // MapThenFoldSet(+, 0, op, least first, set): the last element's image is added first.
      name: 'MapThenSumSet',
      arity: 2,
      opArgs: { 0: 1 },
      impl: ([op, s]) => {
        const f = expectOp('MapThenSumSet', 0, op, 1);
        const images = expectFiniteSet('MapThenSumSet', 1, s).map((x) => f.call([x]));
        return foldBackward(
          (item, acc) => {
            const a = expectInt('+', 0, item);
            const b = acc as number;
            return checkedInt(a + b, () => `${a}+${b}`);
          },
          0,
          images,
        );
      },
    },
    { name: 'FlattenSet', arity: 1, impl: ([s]) => flatten(s) },
    {
      name: 'SymDiff',
      arity: 2,
      impl: ([a, b]) => symDiff(expectSet('SymDiff', 0, a), expectSet('SymDiff', 1, b)),
    },
    {
      name: 'Quantify',
      arity: 2,
      opArgs: { 1: 1 },
      impl: ([s, p]) => {
        const holds = testOf('Quantify', 1, p);
        return expectFiniteSet('Quantify', 0, s).filter(holds).length;
      },
    },
    {
      name: 'kSubset',
      arity: 2,
      impl: ([k, s]) => kSubsets(expectInt('kSubset', 0, k), expectFiniteSet('kSubset', 1, s)),
    },
    extreme('Max', '>=', (a, b) => a > b),
    extreme('Min', '<=', (a, b) => a < b),
    { name: 'Choices', arity: 1, impl: ([s]) => choices(expectFiniteSet('Choices', 0, s)) },
    {
      name: 'ChooseUnique',
      arity: 2,
      opArgs: { 1: 1 },
      impl: ([s, p]) => {
        const holds = testOf('ChooseUnique', 1, p);
        const found = expectFiniteSet('ChooseUnique', 0, s).filter(holds);
        if (found.length !== 1) throw chooseFailure('ChooseUnique');
        return found[0];
      },
    },
  ],
};
