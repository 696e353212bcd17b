/**
 * The CommunityModules' Functions: restriction, range, inverse, injections and folds over a
 * function's values. IsInjective, AntiFunction, FoldFunction and FoldFunctionOnSet behave as
 * TLC's Java overrides of them do (AntiFunction refuses a non-injective function, the folds
 * nest the other way round from the TLA+ definition); the rest as their TLA+ definitions.
 */
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { FcnSet } from '../../values/sets.ts';
import {
  type FcnLike,
  type SetValue,
  UnsortedSet,
  type Value,
  equals,
  fcnFromPairs,
  fcnFromSorted,
  setFromList,
} from '../../values/value.ts';
import {
  type Arg,
  entries,
  expectFcn,
  expectFiniteSet,
  expectFunction,
  expectOp,
  expectSet,
  expectValue,
} from './args.ts';
import { chooseFailure, foldForward, testOf } from './folding.ts';
import type { StdModule } from './native.ts';

/** [x \in S |-> f[x]] for the elements of S in canonical order. */
export function restrict(f: FcnLike, dom: readonly Value[]): Value {
  return fcnFromSorted(
    dom,
    dom.map((x) => f.apply(x)),
  );
}

/** The values of a function, as TLC builds `{f[x] : x \in DOMAIN f}`. */
export function range(op: string, position: number, f: Arg): SetValue {
  return setFromList(entries(expectFcn(op, position, f))[1]);
}

/** Whether no two values of the function are equal. */
export function isInjective(vals: readonly Value[]): boolean {
  const set = setFromList(vals);
  // Values TLC cannot sort together are compared pairwise, as `equals` allows.
  if (!(set instanceof UnsortedSet)) return set.size() === vals.length;
  for (let i = 0; i < vals.length; i++)
    for (let j = i + 1; j < vals.length; j++) if (equals(vals[i], vals[j])) return false;
  return true;
}

/** Inverse(f, S, T): each t of T mapped to the first s of S with f[s] = t (any s if t is no value of f). */
function inverse(f: Arg, S: Arg, T: Arg): Value {
  const fn = expectFunction('Inverse', 0, f);
  const values = range('Inverse', 0, f);
  const from = expectFiniteSet('Inverse', 1, S);
  const targets = expectFiniteSet('Inverse', 2, T);
  return fcnFromSorted(
    targets,
    targets.map((t) => {
      const hit = values.contains(t);
      const s = from.find((x) => !hit || equals(fn.apply(x), t));
      if (s === undefined) throw chooseFailure('Inverse');
      return s;
    }),
  );
}

/** AntiFunction as TLC's override computes it: each value mapped back to its argument. */
function antiFunction(f: Arg): Value {
  const [dom, vals] = entries(expectFcn('AntiFunction', 0, f));
  if (!isInjective(vals)) {
    const seen: Value[] = [];
    const twice = vals.find((v) => seen.some((s) => equals(s, v)) || (seen.push(v), false));
    throw new EvalError(
      `The value\n${printValue(twice!)}\noccurs multiple times in the function domain.`,
    );
  }
  return fcnFromPairs(vals.map((v, i) => [v, dom[i]]));
}

/** The functions of [S -> T] that `keep` accepts, in TLC's enumeration order. */
function functionsWhere(
  op: string,
  S: Arg,
  T: Arg,
  keep: (vals: readonly Value[], rng: SetValue) => boolean,
): Value[] {
  const dom = expectSet(op, 0, S);
  const rng = expectSet(op, 1, T);
  return new FcnSet(dom, rng).elements().filter((m) => keep(entries(expectFcn(op, 0, m))[1], rng));
}

const injective = (vals: readonly Value[]): boolean => isInjective(vals);
const surjective = (vals: readonly Value[], rng: SetValue): boolean => {
  const image = setFromList(vals);
  return rng.elements().every((t) => image.contains(t));
};
const bijective = (vals: readonly Value[], rng: SetValue): boolean =>
  injective(vals) && surjective(vals, rng);

function functionSet(
  op: string,
  keep: (vals: readonly Value[], rng: SetValue) => boolean,
): StdModule['ops'][number] {
  return { name: op, arity: 2, impl: ([S, T]) => setFromList(functionsWhere(op, S, T, keep)) };
}

function exists(
  op: string,
  keep: (vals: readonly Value[], rng: SetValue) => boolean,
): StdModule['ops'][number] {
  return { name: op, arity: 2, impl: ([S, T]) => functionsWhere(op, S, T, keep).length > 0 };
}

/** The CommunityModules' Functions module. */
export const FUNCTIONS: StdModule = {
  name: 'Functions',
  extends: [],
  ops: [
    {
      name: 'Restrict',
      arity: 2,
      impl: ([f, S]) =>
        restrict(expectFunction('Restrict', 0, f), expectFiniteSet('Restrict', 1, S)),
    },
    {
      name: 'RestrictDomain',
      arity: 2,
      opArgs: { 1: 1 },
      impl: ([f, test]) => {
        const keep = testOf('RestrictDomain', 1, test);
        const dom = entries(expectFcn('RestrictDomain', 0, f))[0];
        return restrict(expectFunction('RestrictDomain', 0, f), dom.filter(keep));
      },
    },
    {
      name: 'RestrictValues',
      arity: 2,
      opArgs: { 1: 1 },
      impl: ([f, test]) => {
        const keep = testOf('RestrictValues', 1, test);
        const [dom, vals] = entries(expectFcn('RestrictValues', 0, f));
        const kept = vals.map(keep);
        return fcnFromSorted(
          dom.filter((_, i) => kept[i]),
          vals.filter((_, i) => kept[i]),
        );
      },
    },
    {
      name: 'IsRestriction',
      arity: 2,
      impl: ([narrow, wide]) => {
        const [dom, vals] = entries(expectFcn('IsRestriction', 0, narrow));
        const w = expectFunction('IsRestriction', 1, wide);
        return dom.every((x, i) => w.inDomain(x) && equals(vals[i], w.apply(x)));
      },
    },
    { name: 'Range', arity: 1, impl: ([f]) => range('Range', 0, f) },
    {
      name: 'Pointwise',
      arity: 3,
      opArgs: { 2: 2 },
      impl: ([f, g, T]) => {
        const [dom, vals] = entries(expectFcn('Pointwise', 0, f));
        const other = expectFunction('Pointwise', 1, g);
        const combine = expectOp('Pointwise', 2, T, 2);
        return fcnFromSorted(
          dom,
          dom.map((x, i) => combine.call([vals[i], other.apply(x)])),
        );
      },
    },
    { name: 'Inverse', arity: 3, impl: ([f, S, T]) => inverse(f, S, T) },
    { name: 'AntiFunction', arity: 1, impl: ([f]) => antiFunction(f) },
    {
      name: 'IsInjective',
      arity: 1,
      impl: ([f]) => isInjective(entries(expectFcn('IsInjective', 0, f))[1]),
    },
    functionSet('Injection', injective),
    functionSet('Surjection', surjective),
    functionSet('Bijection', bijective),
    exists('ExistsInjection', injective),
    exists('ExistsSurjection', surjective),
    exists('ExistsBijection', bijective),
    {
      name: 'FoldFunction',
      arity: 3,
      opArgs: { 0: 2 },
      impl: ([op, base, fun]) =>
        foldForward(
          expectOp('FoldFunction', 0, op, 2),
          expectValue('FoldFunction', 1, base),
          entries(expectFcn('FoldFunction', 2, fun))[1],
        ),
    },
    {
      name: 'FoldFunctionOnSet',
      arity: 4,
      opArgs: { 0: 2 },
      impl: ([op, base, fun, indices]) => {
        const f = expectFunction('FoldFunctionOnSet', 2, fun);
        const at = expectFiniteSet('FoldFunctionOnSet', 3, indices);
        return foldForward(
          expectOp('FoldFunctionOnSet', 0, op, 2),
          expectValue('FoldFunctionOnSet', 1, base),
          at.map((i) => f.apply(i)),
        );
      },
    },
  ],
};
