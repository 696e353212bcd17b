/**
 * Applying a permutation of model values to a value (for SYMMETRY): model values are renamed,
 * and sets and functions are rebuilt in canonical order.
 */
import {
  EnumSet,
  FcnLike,
  ModelValue,
  SetValue,
  TupleValue,
  type Value,
  fcnFromPairs,
  setOf,
} from './value.ts';

/** A permutation of model values; values not in the map stay as they are. */
export type Permutation = ReadonlyMap<ModelValue, ModelValue>;

/** `v` with every model value renamed by `p`. */
export function permuteValue(v: Value, p: Permutation): Value {
  if (typeof v !== 'object') return v;
  if (v instanceof ModelValue) return p.get(v) ?? v;
  if (v instanceof SetValue) {
    // Infinite sets (Nat, Seq(S)...) hold no model values of a state; leave them alone.
    if (!(v instanceof EnumSet) && !v.isFinite()) return v;
    return setOf(v.elements().map((e) => permuteValue(e, p)));
  }
  if (v instanceof FcnLike) {
    const f = v.explicit();
    if (f instanceof TupleValue) return new TupleValue(f.elems.map((e) => permuteValue(e, p)));
    return fcnFromPairs(
      f.dom.map((k, i) => [permuteValue(k, p), permuteValue(f.vals[i], p)]),
      f.record,
    );
  }
  return v;
}
