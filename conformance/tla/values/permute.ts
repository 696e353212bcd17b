/**
 * Applying a permutation of model values to a value (for SYMMETRY): model values are renamed,
 * and sets and functions are rebuilt in canonical order. The explorer permutes every state by
 * every permutation of a SYMMETRY, so a part in which nothing moves is not rebuilt: it is
 * returned as it is, with its cached fingerprint.
 */
import {
  EnumSet,
  FcnLike,
  FcnValue,
  ModelValue,
  SetValue,
  TupleValue,
  type Value,
  compare,
  fcnFromPairs,
  setOf,
} from './value.ts';

/** A permutation of model values; values not in the map stay as they are. */
export type Permutation = ReadonlyMap<ModelValue, ModelValue>;

/**
 * `v` with every model value renamed by `p`: the very object when no model value in it moves
 * (so it keeps its cached fingerprint), and otherwise a value that reuses each such part.
 */
export function permuteValue(v: Value, p: Permutation): Value {
  if (typeof v !== 'object') return v;
  if (v instanceof ModelValue) return p.get(v) ?? v;
  if (v instanceof SetValue) {
    // Infinite sets (Nat, Seq(S)...) hold no model values of a state; leave them alone.
    if (!(v instanceof EnumSet) && !v.isFinite()) return v;
    const elems = v.elements();
    const images = permutedAll(elems, p);
    return images === elems ? v : setOf(images as Value[]);
  }
  if (v instanceof FcnLike) {
    const f = v.explicit();
    if (f instanceof TupleValue) {
      const elems = permutedAll(f.elems, p);
      return elems === f.elems ? v : new TupleValue(elems);
    }
    const reordered = permutedOnItsDomain(f, p);
    if (reordered !== undefined) return reordered;
    const dom = permutedAll(f.dom, p);
    const vals = permutedAll(f.vals, p);
    if (dom === f.dom) return vals === f.vals ? v : new FcnValue(dom, vals, f.record);
    const onItself = reorderedOnto(f, dom, vals);
    if (onItself !== undefined) return onItself;
    return fcnFromPairs(
      dom.map((k, i) => [k, vals[i]]),
      f.record,
    );
  }
  return v;
}

/** The images of `xs`, or `xs` itself when each is its own image (nothing allocated). */
function permutedAll(xs: readonly Value[], p: Permutation): readonly Value[] {
  for (let i = 0; i < xs.length; i++) {
    const image = permuteValue(xs[i], p);
    if (image === xs[i]) continue;
    const out = xs.slice(0, i);
    out.push(image);
    for (let j = i + 1; j < xs.length; j++) out.push(permuteValue(xs[j], p));
    return out;
  }
  return xs;
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
  for (let i = 0; i < dom.length; i++) if (!(dom[i] instanceof ModelValue)) return undefined;
  const vals = new Array<Value>(dom.length);
  for (let i = 0; i < dom.length; i++) {
    const k = dom[i] as ModelValue;
    const j = dom.indexOf(p.get(k) ?? k); // domains of model values are short
    if (j < 0) return undefined;
    vals[j] = permuteValue(f.vals[i], p);
  }
  return vals.every((v, i) => v === f.vals[i]) ? f : new FcnValue(dom, vals, f.record);
}

/**
 * A function whose domain the permutation maps onto itself, though not key by key
 * (`[<<a, b>> \in Node \X Node |-> ...]`): the sorted domain stays as it is and each value
 * goes to its image key's place, found by binary search. `dom` and `vals` are the images of
 * `f`'s keys and values, in `f`'s order. Undefined when an image key is not in the domain.
 */
function reorderedOnto(
  f: FcnValue,
  dom: readonly Value[],
  vals: readonly Value[],
): FcnValue | undefined {
  const placed = new Array<Value>(dom.length);
  for (let i = 0; i < dom.length; i++) {
    const j = sortedIndexOf(f.dom, dom[i]);
    if (j < 0 || placed[j] !== undefined) return undefined;
    placed[j] = vals[i];
  }
  return new FcnValue(f.dom, placed, f.record);
}

/** The index of `x` in `sorted` (canonical order), or -1. */
function sortedIndexOf(sorted: readonly Value[], x: Value): number {
  let lo = 0,
    hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(sorted[mid], x);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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
