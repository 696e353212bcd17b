/**
 * The CommunityModules' Bitwise. Its TLA+ definitions recurse over the bits of non-negative
 * integers (and never end for negative ones); TLC overrides them in Java with the machine's
 * 32-bit operations, which is what these are: `&`, `|`, `^^` on two's complement integers,
 * Not flipping the bits up to the highest set one, shiftR a logical (unsigned) shift.
 */
import { expectInt } from './args.ts';
import type { NativeOp, StdModule } from './native.ts';

/** A binary operator on integers; `text` is how it is written, for messages. */
function bitOp(name: string, text: string, f: (a: number, b: number) => number): NativeOp {
  return {
    name,
    text,
    arity: 2,
    impl: ([x, y]) => f(expectInt(text, 0, x), expectInt(text, 1, y)),
  };
}

/** Not(a): each bit of `a` flipped, from the lowest up to its highest set bit (0 stays 0). */
function not(a: number): number {
  let rest = a >>> 0;
  let result = 0;
  for (let bit = 0; rest !== 0; bit++, rest >>>= 1) if ((rest & 1) === 0) result |= 1 << bit;
  return result;
}

/** The CommunityModules' Bitwise module. */
export const BITWISE: StdModule = {
  name: 'Bitwise',
  extends: [],
  ops: [
    bitOp('$amp', '&', (a, b) => a & b),
    bitOp('$vert', '|', (a, b) => a | b),
    bitOp('$powpow', '^^', (a, b) => a ^ b),
    { name: 'Not', arity: 1, impl: ([a]) => not(expectInt('Not', 0, a)) },
    bitOp('shiftR', 'shiftR', (n, pos) => (n >>> pos) | 0),
  ],
};
