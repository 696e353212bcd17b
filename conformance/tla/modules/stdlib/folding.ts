/**
 * What the CommunityModules' natives share: calling operator arguments the way their TLA+
 * definitions do (a predicate must give a boolean), CHOOSE's failure, the two orders in which
 * they fold, and sequences that may be strings. Kept apart from args.ts, which only checks
 * arguments.
 */
import { EvalError } from '../../values/errors.ts';
import { EMPTY_TUPLE, StrValue, TupleValue, type Value, str } from '../../values/value.ts';
import { type Arg, expectOp, expectSeq, mismatch } from './args.ts';
import type { OpValue } from './native.ts';

/** `op(args)` for an operator argument that must be a predicate (`Test(_)`, `P(_)`). */
export function callTest(name: string, position: number, op: OpValue, args: Value[]): boolean {
  const r = op.call(args);
  if (typeof r !== 'boolean') throw mismatch(name, position, 'a boolean-valued operator', r);
  return r;
}

/** The predicate argument at `position` of `name`, as a JS function of one value. */
export function testOf(name: string, position: number, arg: Arg): (v: Value) => boolean {
  const op = expectOp(name, position, arg, 1);
  return (v) => callTest(name, position, op, [v]);
}

/** The error of a CHOOSE no element satisfies, worded as the evaluator words it for TLC. */
export function chooseFailure(what: string): EvalError {
  return new EvalError(
    'Attempted to compute the value of an expression of form\nCHOOSE x \\in S: P, but no element of S satisfied P.',
    'choose',
  ).explain({
    summary: `no element satisfies the condition of ${what}`,
    hint: `${what} is defined with CHOOSE, which needs exactly the element it describes to exist`,
  });
}

/**
 * TLC's Java folds (FoldSet, FoldFunction, FoldSeq): the items in order, each combined with
 * the result so far as `op(item, acc)`, so the first item ends up innermost. The TLA+
 * definitions (MapThenFoldSet choosing the least element first) nest the other way round;
 * only a non-commutative `op` can tell, and TLC's answer is the Java one.
 */
export function foldForward(op: OpValue, base: Value, items: readonly Value[]): Value {
  let acc = base;
  for (const x of items) acc = op.call([x, acc]);
  return acc;
}

/**
 * MapThenFoldSet's own nesting: `op(f(x1), op(f(x2), ... op(f(xn), base)))` for the items in
 * the order they were chosen, so the last chosen is combined with `base` first.
 */
export function foldBackward(
  op: (item: Value, acc: Value) => Value,
  base: Value,
  items: readonly Value[],
): Value {
  let acc = base;
  for (let i = items.length - 1; i >= 0; i--) acc = op(items[i], acc);
  return acc;
}

/**
 * A sequence argument of an operator whose TLA+ definition only uses Len, SubSeq and \o,
 * which TLC also applies to strings: the characters of a string, the elements of a sequence,
 * and a way to turn a part back into the same kind of value.
 */
export interface SeqLike {
  readonly items: readonly Value[] | string;
  readonly length: number;
  slice(from: number, to?: number): Value;
}

export function seqLike(name: string, position: number, v: Arg): SeqLike {
  if (v instanceof StrValue) {
    const text = v.text;
    return { items: text, length: text.length, slice: (a, b) => str(text.slice(a, b)) };
  }
  const elems = expectSeq(name, position, v);
  return {
    items: elems,
    length: elems.length,
    slice: (a, b) =>
      a === 0 && (b ?? elems.length) >= elems.length ? asTuple(v, elems) : tuple(elems.slice(a, b)),
  };
}

/** A sequence of `elems`, sharing the empty one. */
export function tuple(elems: readonly Value[]): TupleValue {
  return elems.length === 0 ? EMPTY_TUPLE : new TupleValue(elems);
}

function asTuple(v: Arg, elems: readonly Value[]): TupleValue {
  return v instanceof TupleValue ? v : tuple(elems);
}
