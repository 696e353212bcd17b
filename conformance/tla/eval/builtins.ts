/**
 * The operators TLA+ has without any EXTENDS: equality, set algebra, logic, DOMAIN, SUBSET,
 * UNION. Each takes evaluated values and raises TLC's errors for wrong kinds.
 */
import { argTypeError } from '../modules/stdlib/native.ts';
import { EvalError } from '../values/errors.ts';
import { printValue } from '../values/print.ts';
import { PersistentSet, persistentUnion } from '../values/pset.ts';
import { CapSet, CupSet, DiffSet, SubsetSet } from '../values/sets.ts';
import { VisibleSubset } from '../values/visible.ts';
import { EnumSet, FcnLike, SetValue, type Value, compare, equals, setOf } from '../values/value.ts';

export function expectSet(v: Value, op: string, position: number): SetValue {
  if (v instanceof SetValue) return v;
  throw argTypeError(op, position, 'a set', v);
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
 * `a \cup b`. Large unions go through persistent sets (`pset.ts`), whose new elements get
 * `tag`. A union with a {@link VisibleSubset} is a union with its base (see `visible.ts`).
 */
export function union(sa: SetValue, sb: SetValue, tag?: number): SetValue {
  const a = sa instanceof VisibleSubset ? sa.base : sa;
  const b = sb instanceof VisibleSubset ? sb.base : sb;
  if (a.isFinite() && b.isFinite()) {
    const pa = a instanceof PersistentSet,
      pb = b instanceof PersistentSet;
    const oa = pa ? undefined : a.elements(),
      ob = pb ? undefined : b.elements();
    const fast = persistentUnion(a, b, oa, ob, tag);
    if (fast !== undefined) return fast;
    const ea = oa ?? a.elements(),
      eb = ob ?? b.elements();
    if (eb.length === 0) return a.toEnum();
    if (ea.length === 0) return b.toEnum();
    if (eb.length * SMALL_SIDE < ea.length) return insertSorted(ea, eb);
    if (ea.length * SMALL_SIDE < eb.length) return insertSorted(eb, ea);
    return mergeSorted(ea, eb);
  }
  return new CupSet(a, b);
}

/** Below this ratio of sizes, a union inserts the small side into a copy of the large one. */
const SMALL_SIDE = 16;

/**
 * The union of a large sorted duplicate-free array and a small one: each small element is
 * placed by binary search, so a union such as `msgs \cup {m}` makes log |msgs| comparisons and
 * one copy of the array rather than |msgs| comparisons.
 */
function insertSorted(large: readonly Value[], small: readonly Value[]): EnumSet {
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
  return new EnumSet(out);
}

/** The union of two sorted duplicate-free arrays, in one merge pass (`msgs \cup {m}` is hot). */
function mergeSorted(ea: readonly Value[], eb: readonly Value[]): EnumSet {
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
  return new EnumSet(out);
}

function intersection(a: SetValue, b: SetValue): SetValue {
  if (a.isFinite()) return new EnumSet(a.elements().filter((e) => b.contains(e)));
  if (b.isFinite()) return new EnumSet(b.elements().filter((e) => a.contains(e)));
  return new CapSet(a, b);
}

function difference(a: SetValue, b: SetValue): SetValue {
  if (a.isFinite()) return new EnumSet(a.elements().filter((e) => !b.contains(e)));
  return new DiffSet(a, b);
}

function subseteq(a: SetValue, b: SetValue): boolean {
  if (!a.isFinite()) {
    if (equals(a, b)) return true;
    throw new EvalError(
      `Attempted to check whether the infinite set ${printValue(a)} is a subset of ${printValue(b)}.`,
    );
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
    for (const s of finiteElements(a, () => `The argument of ${t}`)) {
      for (const e of finiteElements(s, () => `An element of the argument of ${t}`)) all.push(e);
    }
    return setOf(all);
  },
};
