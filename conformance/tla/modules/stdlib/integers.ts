/**
 * The Integers module: Int and unary minus; the rest comes from Naturals through `extends`.
 */
import { EvalError } from '../../values/errors.ts';
import { INT } from '../../values/sets.ts';
import { expectInt } from './args.ts';
import { INT_MIN, type StdModule } from './native.ts';

/** The Integers standard module. */
export const INTEGERS: StdModule = {
  name: 'Integers',
  extends: ['Naturals'],
  ops: [
    { name: 'Int', arity: 0, impl: () => INT },
    {
      name: '$negative',
      text: '-',
      arity: 1,
      impl: ([x]) => {
        const n = expectInt('-', 0, x);
        // Worded exactly as Integers.java words it.
        if (n === INT_MIN) throw new EvalError('Overflow when computing --2147483648', 'overflow');
        return 0 - n; // not -n, which is -0 for 0
      },
    },
  ],
};
