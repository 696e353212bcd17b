/**
 * Applying a permutation of model values to a value (for SYMMETRY): model values are renamed,
 * and sets and functions are rebuilt in canonical order.
 */
import {
  EnumSet,
  FcnLike,
  FcnValue,
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
    const reordered = permutedOnItsDomain(f, p);
    if (reordered !== undefined) return reordered;
    return fcnFromPairs(
      f.dom.map((k, i) => [permuteValue(k, p), permuteValue(f.vals[i], p)]),
      f.record,
    );
  }
  return v;
}

/**
 * A function whose domain is model values that `p` maps onto themselves (`[n \in Node |-> ...]`
 * under a symmetry of Node): the domain, already sorted, stays as it is, and each value moves
 * to the position of its key's image, which is what sorting the permuted pairs would give.
 * Undefined otherwise.
 */
function permutedOnItsDomain(f: FcnValue, p: Permutation): FcnValue | undefined {
  const dom = f.dom;
  if (dom.length === 0) return undefined;
  const at = new Map<Value, number>();
  for (let i = 0; i < dom.length; i++) {
    if (!(dom[i] instanceof ModelValue)) return undefined;
    at.set(dom[i], i);
  }
  const vals = new Array<Value>(dom.length);
  for (let i = 0; i < dom.length; i++) {
    const k = dom[i] as ModelValue;
    const j = at.get(p.get(k) ?? k);
    if (j === undefined) return undefined;
    vals[j] = permuteValue(f.vals[i], p);
  }
  return new FcnValue(dom, vals, f.record);
}

/** `p` after `q`: x goes to p(q(x)). */
function compose(p: Permutation, q: Permutation): Map<ModelValue, ModelValue> {
  const out = new Map<ModelValue, ModelValue>();
  for (const x of new Set([...q.keys(), ...p.keys()])) {
    const y = q.get(x) ?? x;
    const z = p.get(y) ?? y;
    if (z !== x) out.set(x, z);
  }
  return out;
}

/** A key naming a permutation, whatever order its pairs were inserted in. */
function permutationKey(p: Permutation, ids: Map<ModelValue, number>): string {
  const id = (v: ModelValue) => ids.get(v) ?? ids.set(v, ids.size).size - 1;
  return [...p]
    .map(([from, to]) => [id(from), id(to)])
    .sort((a, b) => a[0] - b[0])
    .join(';');
}

/**
 * The group the given permutations generate, without the identity. TLC reduces by every
 * composition of the SYMMETRY set's permutations, not only by those listed: a symmetry written
 * `Permutations(A) \cup Permutations(B)` also identifies states that differ in both A and B.
 * The closure multiplies only by the permutations it could not yet reach, a handful even when
 * the set lists all n! permutations of n values (which is already a group).
 */
export function permutationGroup(listed: readonly Permutation[]): Permutation[] {
  const ids = new Map<ModelValue, number>();
  const seen = new Set<string>(['']);
  const group: Permutation[] = [];
  const generators: Permutation[] = [];
  const add = (p: Permutation): void => {
    const key = permutationKey(p, ids);
    if (seen.has(key)) return;
    seen.add(key);
    group.push(p);
  };
  for (const g of listed) {
    if (seen.has(permutationKey(g, ids))) continue;
    generators.push(g);
    add(g);
    // Close again under the generators so far: every element times every generator.
    for (let i = 0; i < group.length; i++) for (const h of generators) add(compose(h, group[i]));
  }
  return group;
}
