/**
 * The FiniteSets module.
 */
import { printValue } from '../../values/print.ts';
import { FcnSet, SubsetSet } from '../../values/sets.ts';
import { SetValue } from '../../values/value.ts';
import { expectSet, mismatch } from './args.ts';
import { type StdModule, checkedInt } from './native.ts';

/** A set too large to count, shown without enumerating it (printValue would). */
function showLarge(s: SetValue): string {
  if (s instanceof SubsetSet) return `SUBSET ${printValue(s.base)}`;
  if (s instanceof FcnSet) return `[${printValue(s.dom)} -> ${printValue(s.rng)}]`;
  return s.describe();
}

/** The FiniteSets standard module. */
export const FINITE_SETS: StdModule = {
  name: 'FiniteSets',
  extends: ['Naturals', 'Sequences'],
  ops: [
    {
      name: 'Cardinality',
      arity: 1,
      impl: ([s]) => {
        // Infinite sets fail the same way as non-sets: TLC only counts what it can enumerate.
        if (!(s instanceof SetValue) || !s.isFinite())
          throw mismatch('Cardinality', 0, 'a finite set', s);
        // Lazy sets (SUBSET S, [S -> T]) know their size without enumerating, and it may not fit.
        return checkedInt(s.size(), () => `the number of elements in:\n${showLarge(s)}`);
      },
    },
    { name: 'IsFiniteSet', arity: 1, impl: ([s]) => expectSet('IsFiniteSet', 0, s).isFinite() },
  ],
};
