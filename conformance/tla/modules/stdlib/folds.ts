/**
 * The CommunityModules' Folds: MapThenFoldSet, the fold the other modules' folds are defined
 * with. TLC has no Java override for it, so this follows the TLA+ definition exactly: `choose`
 * picks the next element of what is left, and the results nest with the first chosen outermost.
 */
import { EvalError } from '../../values/errors.ts';
import { printValue } from '../../values/print.ts';
import { EnumSet, type Value, compare } from '../../values/value.ts';
import { expectFiniteSet, expectOp, expectValue } from './args.ts';
import { foldBackward } from './folding.ts';
import type { OpValue, StdModule } from './native.ts';

/** The elements of `set` in the order `choose` picks them, each from the ones left. */
export function chosenOrder(elems: readonly Value[], choose: OpValue): Value[] {
  const order: Value[] = [];
  let left = elems;
  while (left.length > 0) {
    const remaining = new EnumSet(left);
    const x = choose.call([remaining]);
    // The definition recurses on `s \ {x}`: a choice outside s would never end (TLC overflows).
    const at = left.findIndex((e) => compare(e, x) === 0);
    if (at < 0)
      throw new EvalError(
        `MapThenFoldSet: the choice operator returned ${printValue(x)}, which is not in ${printValue(remaining)}`,
      );
    order.push(x);
    left = [...left.slice(0, at), ...left.slice(at + 1)];
  }
  return order;
}

/** MapThenFoldSet(op, base, f, choose, S). */
export function mapThenFoldSet(
  op: OpValue,
  base: Value,
  f: OpValue,
  choose: OpValue,
  elems: readonly Value[],
): Value {
  const mapped = chosenOrder(elems, choose).map((x) => f.call([x]));
  return foldBackward((item, acc) => op.call([item, acc]), base, mapped);
}

/** The CommunityModules' Folds module. */
export const FOLDS: StdModule = {
  name: 'Folds',
  extends: [],
  ops: [
    {
      name: 'MapThenFoldSet',
      arity: 5,
      opArgs: { 0: 2, 2: 1, 3: 1 },
      impl: ([op, base, f, choose, s]) =>
        mapThenFoldSet(
          expectOp('MapThenFoldSet', 0, op, 2),
          expectValue('MapThenFoldSet', 1, base),
          expectOp('MapThenFoldSet', 2, f, 1),
          expectOp('MapThenFoldSet', 3, choose, 1),
          expectFiniteSet('MapThenFoldSet', 4, s),
        ),
    },
  ],
};
