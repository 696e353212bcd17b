/**
 * The Bags module. A bag is a function from its elements to their (positive) numbers of
 * copies. Every operator checks its bag arguments completely, so a malformed bag is a type
 * error naming the operator rather than a failure deep inside a computation.
 */
import {
  EMPTY_SET,
  EMPTY_TUPLE,
  FcnLike,
  FcnValue,
  TupleValue,
  type Value,
  compare,
  fcnFromSorted,
  setOf,
} from '../../values/value.ts';
import {
  type Arg,
  checkSize,
  entries,
  expectFcn,
  expectFiniteSet,
  expectOp,
  expectValue,
  mismatch,
} from './args.ts';
import { type StdModule, checkedInt } from './native.ts';

/** A bag's table, its elements in canonical order. */
interface Bag {
  readonly fcn: TupleValue | FcnValue;
  readonly elems: readonly Value[];
  readonly counts: readonly number[];
}

/** `v` as a bag, or undefined when it is not one. */
function asBag(v: Arg): Bag | undefined {
  if (!(v instanceof FcnLike) || !v.domain().isFinite()) return undefined;
  const fcn = v.explicit();
  const [elems, counts] = entries(fcn);
  if (!counts.every((c) => typeof c === 'number' && c > 0)) return undefined;
  return { fcn, elems, counts: counts as readonly number[] };
}

function expectBag(op: string, position: number, v: Arg): Bag {
  const b = asBag(v);
  if (b === undefined) throw mismatch(op, position, 'a bag', v);
  return b;
}

/** CopiesIn(e, B). */
function copies(b: Bag, e: Value): number {
  return b.fcn.inDomain(e) ? (b.fcn.apply(e) as number) : 0;
}

/** Adds counts as TLC does, failing on overflow with TLC's wording. */
function add(a: number, b: number): number {
  return checkedInt(a + b, () => `${a}+${b}`);
}

/** The bag with `pairs`' counts, adding the counts of equal elements. */
function bagOf(pairs: Array<[Value, number]>): Value {
  pairs.sort((p, q) => compare(p[0], q[0])); // stable, so sums are formed in TLC's order
  const elems: Value[] = [];
  const counts: number[] = [];
  for (const [e, c] of pairs) {
    const last = elems.length - 1;
    if (last >= 0 && compare(elems[last], e) === 0) counts[last] = add(counts[last], c);
    else {
      elems.push(e);
      counts.push(c);
    }
  }
  return fcnFromSorted(elems, counts);
}

function pairsOf(b: Bag): Array<[Value, number]> {
  return b.elems.map((e, i) => [e, b.counts[i]]);
}

/** B1 (-) B2: elements whose count drops to zero or below leave the bag. */
function bagDiff(b1: Bag, b2: Bag): Value {
  const elems: Value[] = [];
  const counts: number[] = [];
  b1.elems.forEach((e, i) => {
    const c = b1.counts[i] - copies(b2, e);
    if (c > 0) {
      elems.push(e);
      counts.push(c);
    }
  });
  return fcnFromSorted(elems, counts);
}

/** SubBag(B): every bag with at most B's copies of each element. */
function subBags(b: Bag): Value {
  checkSize(
    'SubBag of a bag',
    b.counts.reduce((n, c) => n * (c + 1), 1),
  );
  const out: Value[] = [];
  const elems: Value[] = [];
  const counts: number[] = [];
  const visit = (i: number): void => {
    if (i === b.elems.length) {
      out.push(fcnFromSorted(elems.slice(), counts.slice()));
      return;
    }
    visit(i + 1); // zero copies of b.elems[i]
    elems.push(b.elems[i]);
    for (let c = 1; c <= b.counts[i]; c++) {
      counts.push(c);
      visit(i + 1);
      counts.pop();
    }
    elems.pop();
  };
  visit(0);
  return setOf(out);
}

/** The Bags standard module. */
export const BAGS: StdModule = {
  name: 'Bags',
  extends: ['Naturals', 'Sequences', 'FiniteSets', 'TLC'],
  ops: [
    { name: 'EmptyBag', arity: 0, impl: () => EMPTY_TUPLE },
    // Like TLC, IsABag answers FALSE for any non-bag instead of failing.
    { name: 'IsABag', arity: 1, impl: ([b]) => asBag(b) !== undefined },
    {
      name: 'BagToSet',
      arity: 1,
      impl: ([b]) => {
        const f = expectFcn('BagToSet', 0, b, 'a bag');
        // DOMAIN <<>> is the interval 1..0, which would print as such; TLC prints {}.
        return entries(f)[0].length === 0 ? EMPTY_SET : f.domain();
      },
    },
    {
      name: 'SetToBag',
      arity: 1,
      impl: ([s]) => {
        const elems = expectFiniteSet('SetToBag', 0, s);
        return fcnFromSorted(
          elems,
          elems.map(() => 1),
        );
      },
    },
    {
      name: 'BagIn',
      arity: 2,
      impl: ([e, b]) => copies(expectBag('BagIn', 1, b), expectValue('BagIn', 0, e)) > 0,
    },
    {
      name: 'CopiesIn',
      arity: 2,
      impl: ([e, b]) => copies(expectBag('CopiesIn', 1, b), expectValue('CopiesIn', 0, e)),
    },
    {
      name: '$oplus',
      text: '(+)',
      arity: 2,
      impl: ([b1, b2]) =>
        bagOf([...pairsOf(expectBag('(+)', 0, b1)), ...pairsOf(expectBag('(+)', 1, b2))]),
    },
    {
      name: '$ominus',
      text: '(-)',
      arity: 2,
      impl: ([b1, b2]) => bagDiff(expectBag('(-)', 0, b1), expectBag('(-)', 1, b2)),
    },
    {
      name: 'BagUnion',
      arity: 1,
      impl: ([s]) => {
        const bags = expectFiniteSet('BagUnion', 0, s, 'a finite set of bags').map((b) => {
          const bag = asBag(b);
          if (bag === undefined) throw mismatch('BagUnion', 0, 'a finite set of bags', s);
          return bag;
        });
        return bagOf(bags.flatMap(pairsOf));
      },
    },
    {
      name: '$sqsubseteq',
      text: '\\sqsubseteq',
      arity: 2,
      impl: ([b1, b2]) => {
        const small = expectBag('\\sqsubseteq', 0, b1);
        const big = expectBag('\\sqsubseteq', 1, b2);
        return small.elems.every((e, i) => small.counts[i] <= copies(big, e));
      },
    },
    { name: 'SubBag', arity: 1, impl: ([b]) => subBags(expectBag('SubBag', 0, b)) },
    {
      name: 'BagOfAll',
      arity: 2,
      opArgs: { 0: 1 },
      impl: ([f, b]) => {
        const op = expectOp('BagOfAll', 0, f, 1);
        const bag = expectBag('BagOfAll', 1, b);
        return bagOf(bag.elems.map((e, i) => [op.call([e]), bag.counts[i]]));
      },
    },
    {
      name: 'BagCardinality',
      arity: 1,
      impl: ([b]) => expectBag('BagCardinality', 0, b).counts.reduce(add, 0),
    },
  ],
};
