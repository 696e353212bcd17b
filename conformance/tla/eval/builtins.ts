/**
 * The operators TLA+ has without any EXTENDS: equality, set algebra, logic, DOMAIN, SUBSET,
 * UNION. Each takes evaluated values and raises TLC's errors for wrong kinds.
 */
import { argTypeError } from '../modules/stdlib/native.ts';
import { EvalError } from '../values/errors.ts';
import { printValue } from '../values/print.ts';
import { PersistentSet, persistentSubset, persistentUnion } from '../values/pset.ts';
import { CapSet, CupSet, DiffSet, IntervalSet, SubsetSet } from '../values/sets.ts';
import {
  EnumSet,
  FcnLike,
  SetValue,
  UNSAFE,
  UnsortedSet,
  type Value,
  compare,
  equals,
  type Shape,
  join,
  setElementShape,
  setFromList,
  shapeOf,
} from '../values/value.ts';
import { VisibleSubset } from '../values/visible.ts';

export function expectSet(v: Value, op: string, position: number): SetValue {
  if (v instanceof SetValue) return v;
  throw argTypeError(op, position, 'a set', v);
}

/** The value `v` as a set, or TLC's type error naming `what`. */
export function setValue(v: Value, what: string): SetValue {
  if (v instanceof SetValue) return v;
  throw new EvalError(`${what} should be a set, but instead it is:\n${printValue(v)}`, 'type');
}

export function expectBool(v: Value, what: () => string): boolean {
  if (typeof v === 'boolean') return v;
  throw new EvalError(
    `${what()} should be a boolean, but instead it is:\n${printValue(v)}`,
    'type',
  ).explain({ values: [{ name: 'value', value: printValue(v) }] });
}

/** The elements of a finite set, or TLC's error for an infinite one. */
export function finiteElements(v: Value, what: () => string): readonly Value[] {
  if (!(v instanceof SetValue)) {
    throw new EvalError(`${what()} should be a set, but instead it is:\n${printValue(v)}`, 'type');
  }
  if (!v.isFinite()) {
    throw new EvalError(
      `${what()} is the infinite set ${printValue(v)}, which TLC cannot enumerate.`,
      'type',
    );
  }
  return v.elements();
}

/**
/**
 * A finite set as TLC holds it for set algebra: its list in TLC's order (unnormalised sets keep
 * the order they were built in) and whether TLC has sorted it.
 */
function tlcList(s: SetValue): { list: readonly Value[]; sorted: EnumSet | undefined } {
  if (s instanceof UnsortedSet) return { list: s.list, sorted: undefined };
  const e = s instanceof EnumSet ? s : s.toEnum();
  const pending = e.unnormalisedList();
  return pending ? { list: pending, sorted: undefined } : { list: e.elems, sorted: e };
}

/** Whether no comparison between an element of `a` and one of `b` can raise an error. */
function comparable(a: SetValue, b: SetValue): boolean {
  return join(shapeOf(a), shapeOf(b)) !== UNSAFE;
}

/**
 * `a \cup b` as TLC computes it for finite sets: the elements of `b` (which TLC enumerates, so
 * sorts) that are not members of `a` (which it does not sort: membership in an unsorted set is a
 * linear search) are appended to `a`'s list, and the result is sorted only when TLC needs it.
 *
 * Large unions of sorted sets go through persistent sets (`pset.ts`), whose new elements get
 * `tag`; they take that path only when no comparison could raise, where every order of work
 * gives the same set. A union with a {@link VisibleSubset} is a union with its base (see
 * `visible.ts`).
 */
export function union(sa: SetValue, sb: SetValue, tag?: number, persistentFrom?: number): SetValue {
  const a = sa instanceof VisibleSubset ? sa.base : sa;
  const b = sb instanceof VisibleSubset ? sb.base : sb;
  if (!a.isFinite() || !b.isFinite()) return new CupSet(a, b);
  if (heldSorted(a) && heldSorted(b)) {
    // The sorted elements as they are: enumerating would normalise the set, which changes how
    // TLC (and so this engine) searches it afterwards.
    const fast = persistentUnion(
      a,
      b,
      a instanceof EnumSet ? a.elems : undefined,
      b instanceof EnumSet ? b.elems : undefined,
      tag,
      persistentFrom,
    );
    if (fast !== undefined) return fast;
  }
  // TLC asks the left operand to add the right one, or the right the left when only it can.
  return !listed(a) && listed(b) ? cup(b, a) : cup(a, b);
}

/**
 * Sets whose elements are at hand in canonical order without comparing anything (an unnormalised
 * EnumSet keeps TLC's list beside its sorted elements), which the persistent path may take.
 */
function heldSorted(s: SetValue): boolean {
  return s instanceof PersistentSet || s instanceof EnumSet;
}

/** Sets TLC holds as a list (or an interval), which add another set's elements eagerly. */
function listed(s: SetValue): boolean {
  return (
    s instanceof EnumSet ||
    s instanceof PersistentSet ||
    s instanceof UnsortedSet ||
    s instanceof IntervalSet
  );
}

function cup(a: SetValue, b: SetValue): SetValue {
  if (!listed(a) || !listed(b)) {
    // TLC's lazy union: when enumerated, a's elements, then b's that are not in a.
    const first = a.elements();
    return setFromList([...first, ...b.elements().filter((x) => !a.contains(x))]);
  }
  if (a instanceof EnumSet && b instanceof EnumSet && comparable(a, b)) {
    const ea = a.elems,
      eb = b.toEnum().elems;
    if (ea.length === 0) return b;
    if (eb.length === 0) return a;
    const before = a.tlcOrderLater();
    const sorted =
      eb.length * SMALL_SIDE < ea.length
        ? insertSorted(ea, eb)
        : ea.length * SMALL_SIDE < eb.length
          ? insertSorted(eb, ea)
          : mergeSorted(ea, eb);
    if (sorted.length === ea.length) return a;
    // TLC's list: a's, then b's new elements; made only if a membership test needs it.
    const u = EnumSet.unnormalised(sorted, () => [
      ...before(),
      ...eb.filter((x) => !a.contains(x)),
    ]);
    u.shapeCache = join(shapeOf(a), shapeOf(b));
    return u;
  }
  const { list } = tlcList(a);
  if (list.length === 0) return b;
  const added = b.elements().filter((x) => !a.contains(x));
  return setFromList([...list, ...added]);
}

/** Below this ratio of sizes, a union inserts the small side into a copy of the large one. */
const SMALL_SIDE = 16;

/**
 * The union of a large sorted duplicate-free array and a small one: each small element is
 * placed by binary search, so a union such as `msgs \cup {m}` makes log |msgs| comparisons and
 * one copy of the array rather than |msgs| comparisons.
 */
function insertSorted(large: readonly Value[], small: readonly Value[]): Value[] {
  const out = large.slice();
  for (const x of small) {
    let lo = 0,
      hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(out[mid], x) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < out.length && compare(out[lo], x) === 0) continue;
    out.splice(lo, 0, x);
  }
  return out;
}

/** The union of two sorted duplicate-free arrays, in one merge pass (`msgs \cup {m}` is hot). */
function mergeSorted(ea: readonly Value[], eb: readonly Value[]): Value[] {
  const out: Value[] = [];
  let i = 0,
    j = 0;
  while (i < ea.length && j < eb.length) {
    const c = compare(ea[i], eb[j]);
    if (c < 0) out.push(ea[i++]);
    else if (c > 0) out.push(eb[j++]);
    else {
      out.push(ea[i++]);
      j++;
    }
  }
  while (i < ea.length) out.push(ea[i++]);
  while (j < eb.length) out.push(eb[j++]);
  return out;
}

/**
 * `a \cap b` or `a \ b` (`keep` false) as TLC computes them when `a` is finite: `a`'s list is
 * filtered, in TLC's order, by membership in `b`, and the result is sorted if `a` was.
 */
function filterBy(a: SetValue, b: SetValue, keep: boolean): SetValue {
  const { list, sorted } = tlcList(a);
  if (sorted && b instanceof EnumSet && comparable(sorted, b)) {
    const out = new EnumSet(sorted.elems.filter((x) => b.contains(x) === keep));
    out.shapeCache = shapeOf(sorted);
    return out;
  }
  const kept = list.filter((x) => b.contains(x) === keep);
  return sorted ? new EnumSet(kept) : setFromList(kept);
}

function intersection(a: SetValue, b: SetValue): SetValue {
  if (a.isFinite()) return filterBy(a, b, true);
  if (b.isFinite()) return new EnumSet(b.elements().filter((e) => a.contains(e)));
  return new CapSet(a, b);
}

function difference(a: SetValue, b: SetValue): SetValue {
  if (a.isFinite()) return filterBy(a, b, false);
  return new DiffSet(a, b);
}

function subseteq(a: SetValue, b: SetValue): boolean {
  if (!a.isFinite()) {
    if (equals(a, b)) return true;
    throw new EvalError(
      `Attempted to check whether the infinite set ${printValue(a)} is a subset of ${printValue(b)}.`,
    );
  }
  if (a instanceof PersistentSet && b instanceof PersistentSet) {
    const inside = persistentSubset(a, b);
    if (inside !== undefined) return inside;
  }
  for (const e of a.elements()) if (!b.contains(e)) return false;
  return true;
}

/** Binary builtins, by the grammar's symbol name. */
export const BINARY_BUILTINS: Record<string, (a: Value, b: Value, text: string) => Value> = {
  $eq: (a, b) => equals(a, b),
  $neq: (a, b) => !equals(a, b),
  $in: (a, b, t) => expectSet(b, t, 1).contains(a),
  $notin: (a, b, t) => !expectSet(b, t, 1).contains(a),
  $cup: (a, b, t) => union(expectSet(a, t, 0), expectSet(b, t, 1)),
  $cap: (a, b, t) => intersection(expectSet(a, t, 0), expectSet(b, t, 1)),
  $setminus: (a, b, t) => difference(expectSet(a, t, 0), expectSet(b, t, 1)),
  $subseteq: (a, b, t) => subseteq(expectSet(a, t, 0), expectSet(b, t, 1)),
  $supseteq: (a, b, t) => subseteq(expectSet(b, t, 1), expectSet(a, t, 0)),
  $subset: (a, b, t) => subseteq(expectSet(a, t, 0), expectSet(b, t, 1)) && !equals(a, b),
  $supset: (a, b, t) => subseteq(expectSet(b, t, 1), expectSet(a, t, 0)) && !equals(a, b),
  $iff: (a, b, t) => boolArg(a, t, 0) === boolArg(b, t, 1),
  $equiv: (a, b, t) => boolArg(a, t, 0) === boolArg(b, t, 1),
};

function boolArg(v: Value, op: string, position: number): boolean {
  if (typeof v === 'boolean') return v;
  throw argTypeError(op, position, 'a boolean', v);
}

/** Unary builtins. */
export const UNARY_BUILTINS: Record<string, (a: Value, text: string) => Value> = {
  $lnot: (a, t) => !boolArg(a, t, 0),
  $domain: (a) => {
    if (a instanceof FcnLike) return a.domain();
    throw new EvalError(
      `Attempted to compute the domain of a non-function:\n${printValue(a)}`,
      'type',
    );
  },
  $powerset: (a, t) => new SubsetSet(expectSet(a, t, 0)),
  $union: (a, t) => {
    const all: Value[] = [];
    let shape: Shape | undefined;
    for (const s of finiteElements(a, () => `The argument of ${t}`)) {
      for (const e of finiteElements(s, () => `An element of the argument of ${t}`)) all.push(e);
      // Known from the sets' own shapes, which lazy sets give without examining every element.
      const elem = setElementShape(s as SetValue);
      shape = shape === undefined ? elem : join(shape, elem);
    }
    return setFromList(all, shape);
  },
};
