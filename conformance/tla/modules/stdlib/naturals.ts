/**
 * The Naturals module with TLC's 32-bit arithmetic: every result outside
 * -2147483648..2147483647 is an overflow error, never a wrapped or widened value.
 */
import { EvalError } from '../../values/errors.ts';
import { IntervalSet, NAT } from '../../values/sets.ts';
import { EMPTY_SET, type Value } from '../../values/value.ts';
import { expectInt } from './args.ts';
import { INT_MIN, type NativeOp, type StdModule, argTypeError, checkedInt } from './native.ts';

/** A binary operator on integers; `text` is the symbol used in messages. */
function intOp(name: string, text: string, f: (a: number, b: number) => Value): NativeOp {
  return {
    name,
    text,
    arity: 2,
    impl: ([x, y]) => f(expectInt(text, 0, x), expectInt(text, 1, y)),
  };
}

/** a ^ b as TLC computes it: repeated multiplication, checked after every step. */
function pow(a: number, b: number): number {
  if (b < 0) throw argTypeError('^', 1, 'a natural number', b);
  if (b === 0) {
    if (a === 0) throw new EvalError('0^0 is undefined.');
    return 1;
  }
  // |a| <= 1 never overflows; short-cutting it avoids TLC's b-step loop for huge exponents.
  if (a === 0 || a === 1) return a;
  if (a === -1) return b % 2 === 0 ? 1 : -1;
  let r = a;
  for (let i = 1; i < b; i++) r = checkedInt(r * a, () => `${a}^${b}`);
  return r;
}

/** x \div y: division rounding towards negative infinity. */
function div(a: number, b: number): number {
  if (b === 0) throw new EvalError('The second argument of \\div is 0.');
  // The one quotient that does not fit (Integers.java reports it with spaces around \div).
  if (a === INT_MIN && b === -1)
    throw new EvalError('Overflow when computing -2147483648 \\div -1', 'overflow');
  return Math.floor(a / b) | 0;
}

/** x % y: the remainder in 0..y-1, defined only for positive y. */
function mod(a: number, b: number): number {
  if (b <= 0) throw argTypeError('%', 1, 'a positive number', b);
  const r = a % b;
  return r < 0 ? r + b : r + 0; // `+ 0` turns JS's -0 into 0
}

/** The Naturals standard module. */
export const NATURALS: StdModule = {
  name: 'Naturals',
  extends: [],
  ops: [
    { name: 'Nat', arity: 0, impl: () => NAT },
    intOp('$plus', '+', (a, b) => checkedInt(a + b, () => `${a}+${b}`)),
    intOp('$minus', '-', (a, b) => checkedInt(a - b, () => `${a}-${b}`)),
    intOp('$mul', '*', (a, b) => checkedInt(a * b + 0, () => `${a}*${b}`)),
    intOp('$pow', '^', pow),
    intOp('$lt', '<', (a, b) => a < b),
    intOp('$gt', '>', (a, b) => a > b),
    intOp('$leq', '<=', (a, b) => a <= b),
    intOp('$geq', '>=', (a, b) => a >= b),
    intOp('$mod', '%', mod),
    intOp('$div', '\\div', div),
    // TLC prints an empty interval as {}, so an empty range is the empty set from the start.
    intOp('$dots_2', '..', (a, b) => (a > b ? EMPTY_SET : new IntervalSet(a, b))),
  ],
};
