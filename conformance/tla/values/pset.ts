/**
 * Persistent sets: large finite sets that grow one element at a time (a spec's message set, its
 * history variables) at O(log n) per insert and membership test, with every version valid and
 * sharing structure with the others.
 *
 * A {@link PersistentSet} is an ordinary TLA+ set value: equal to, hashing like and ordered like
 * the {@link EnumSet} with the same elements. Its canonical order is materialised only when
 * something needs it (printing, comparing, enumerating), from the last materialised order plus
 * the elements added since. Each entry may carry a numeric tag, metadata invisible to TLA+
 * (equality, hashing and order ignore it), used by trace replay to remember when an element was
 * inserted ({@link VisibleSubset} in `visible.ts`).
 *
 * Exactness: an ordinary set operation compares elements, and comparing values of different
 * kinds raises an error. The trie does not compare elements in canonical order, so it only
 * takes its fast paths when no comparison could raise (see `shape.ts`): every element of a
 * persistent set is comparable with every other, and a lookup or insert of a value that might
 * not be comparable with some element runs the ordinary algorithm on the canonical order
 * instead, raising what it raises.
 *
 * A set may carry attachments (indexes, maintained comprehension results) keyed by who made
 * them; each insert hands the new elements to every attachment, which returns its version for
 * the new set (or nothing, to be dropped).
 */
import { type HamtBranch, emptyHamt, hamtForEach, hamtGet, hamtPut, putResult } from './hamt.ts';
import {
  EMPTY_SUMMARY,
  type Shape,
  type Summarised,
  type Summary,
  UNSAFE,
  compatible,
  shapeOf,
} from './shape.ts';
import { join } from './value.ts';
import {
  EnumSet,
  type HashPair,
  type Hashed,
  SetValue,
  type Value,
  compare,
  equals,
  finishSetHash,
  hash1,
  hash2,
  newIdentity,
  setLane1,
  setLane2,
} from './value.ts';

/** Metadata an element may carry: invisible to TLA+. */
export type Tag = number | undefined;

/** Derived data kept on a persistent set and carried to the sets made from it by inserts. */
export interface SetAttachment {
  /** This attachment for the set with `x` (a new element, tagged `tag`) added; undefined drops it. */
  added(x: Value, h1: number, h2: number, tag: Tag): SetAttachment | undefined;
}

/** Engine options for persistent sets. */
export const persistentSetOptions = {
  /**
   * A union whose larger side has at least this many elements (or is already persistent)
   * inserts the other side into a persistent set. 0 makes every finite union persistent (the
   * differential tests run so).
   */
  threshold: readThreshold(),
};

function readThreshold(): number {
  const env = typeof process !== 'undefined' ? process.env.TLA_PERSISTENT_THRESHOLD : undefined;
  const n = env === undefined ? NaN : Number(env);
  return Number.isInteger(n) && n >= 0 ? n : 256;
}

/** A persistent list of elements added to a set since some version (newest first). */
export interface Added {
  readonly v: Value;
  readonly next: Added | null;
  readonly length: number;
}

/** Beyond this many pending elements, sorting everything is as cheap as merging; drop the list. */
const MAX_PENDING = 1 << 16;

/** A large finite set held in a persistent hash trie. See the module comment. */
export class PersistentSet extends SetValue implements Hashed, Summarised {
  private hashes: HashPair | undefined;
  private sortedCache: readonly Value[] | undefined;
  private enumCache: EnumSet | undefined;
  /** Attachments by owner; filled in by whoever computes them on this version. */
  private attached: Map<object, SetAttachment> | undefined;
  /** See {@link newIdentity}: memo tables remember this version by it. */
  readonly identity = newIdentity();

  /** Use {@link emptyPersistentSet} and {@link toPersistentSet}, then insert. */
  private constructor(
    readonly root: HamtBranch<Tag>,
    private readonly count: number,
    private readonly sum1: number,
    private readonly sum2: number,
    /** The shapes of the elements: every pair of them is comparable. */
    readonly summary: Summary,
    /** The last materialised order and what was added since, when known. */
    private pending: { readonly base: readonly Value[]; readonly added: Added | null } | undefined,
    attached: Map<object, SetAttachment> | undefined,
  ) {
    super();
    this.attached = attached;
  }

  /**
   * @internal A new empty persistent set (see {@link emptyPersistentSet}). Each is a distinct
   * object: attachments made on one are not shared with unrelated sets.
   */
  static empty(): PersistentSet {
    return new PersistentSet(
      emptyHamt(),
      0,
      0,
      0,
      EMPTY_SUMMARY,
      { base: [], added: null },
      undefined,
    );
  }

  // --- SetValue -------------------------------------------------------------------------------

  contains(v: Value): boolean {
    const s = shapeOf(v);
    if (!compatible(s, this.summary)) return this.toEnum().contains(v);
    return hamtGet(this.root, v, hash1(v), hash2(v), equals) !== undefined;
  }
  isFinite(): boolean {
    return true;
  }
  override size(): number {
    return this.count;
  }
  toEnum(): EnumSet {
    return (this.enumCache ??= new EnumSet(this.sorted()));
  }
  override elements(): readonly Value[] {
    return this.sorted();
  }
  describe(): string {
    return 'a finite set';
  }
  override fingerprintForm(): Hashed {
    return this;
  }
  override knownElementShape(): Shape {
    return this.summary;
  }

  override get knowsHash(): boolean {
    return true;
  }
  get h1(): number {
    return (this.hashes ??= finishSetHash(this.sum1, this.sum2, this.count))[0];
  }
  get h2(): number {
    return (this.hashes ??= finishSetHash(this.sum1, this.sum2, this.count))[1];
  }

  // --- Persistent operations ------------------------------------------------------------------

  /**
   * Whether `v` is an element, and its tag: `undefined` when it is not an element, `null` when
   * that cannot be told without the ordinary (comparing) lookup.
   */
  lookup(v: Value): { tag: Tag } | undefined | null {
    const s = shapeOf(v);
    if (!compatible(s, this.summary)) return null;
    const e = hamtGet(this.root, v, hash1(v), hash2(v), equals);
    return e === undefined ? undefined : { tag: e.payload };
  }

  /**
   * This set with `values` added, the new ones tagged `tag` (elements already present keep
   * theirs). Returns this set when nothing is new, and undefined when some value might not be
   * comparable with the elements: the caller then runs the ordinary union.
   */
  insertAll(values: readonly Value[], tag: Tag): PersistentSet | undefined {
    let summary = this.summary;
    for (const v of values) {
      summary = join(summary, shapeOf(v));
      if (summary === UNSAFE) return undefined;
    }
    let root = this.root,
      count = this.count,
      sum1 = this.sum1,
      sum2 = this.sum2;
    let pending = this.sortedCache ? { base: this.sortedCache, added: null } : this.pending;
    let added = pending?.added ?? null;
    let attached = this.attached;
    let copied = false;
    for (const v of values) {
      const a = hash1(v),
        b = hash2(v);
      root = hamtPut(root, v, a, b, tag, equals);
      if (!putResult.added) continue;
      count++;
      sum1 = (sum1 + setLane1(a, b)) | 0;
      sum2 = (sum2 + setLane2(a, b)) | 0;
      if (pending) added = { v, next: added, length: (added?.length ?? 0) + 1 };
      if (attached !== undefined && attached.size > 0) {
        if (!copied) {
          attached = new Map(attached);
          copied = true;
        }
        for (const [owner, att] of attached) {
          const next = att.added(v, a, b, tag);
          if (next === undefined) attached.delete(owner);
          else attached.set(owner, next);
        }
      }
    }
    if (count === this.count) return this;
    if (pending && added !== null && added.length > MAX_PENDING) pending = undefined;
    return new PersistentSet(
      root,
      count,
      sum1,
      sum2,
      summary,
      pending ? { base: pending.base, added } : undefined,
      copied
        ? attached
        : attached === undefined || attached.size === 0
          ? undefined
          : new Map(attached),
    );
  }

  /** The attachment `owner` keeps on this version, if any. */
  attachment(owner: object): SetAttachment | undefined {
    return this.attached?.get(owner);
  }

  /** Keeps `att` on this version for `owner`; versions made from this one by inserts carry it. */
  attach(owner: object, att: SetAttachment): void {
    (this.attached ??= new Map()).set(owner, att);
  }

  /** Calls `visit` on every element with its tag and hashes, in no particular order. */
  forEachEntry(visit: (v: Value, tag: Tag, h1: number, h2: number) => void): void {
    hamtForEach(this.root, (e) => visit(e.key, e.payload, e.h1, e.h2));
  }

  /** The elements in canonical order (computed once per version). */
  sorted(): readonly Value[] {
    if (this.sortedCache !== undefined) return this.sortedCache;
    let out: Value[];
    const p = this.pending;
    if (p !== undefined) {
      const extra: Value[] = [];
      for (let a = p.added; a !== null; a = a.next) extra.push(a.v);
      extra.sort(compare);
      out = mergeSorted(p.base, extra);
    } else {
      out = [];
      hamtForEach(this.root, (e) => out.push(e.key));
      out.sort(compare);
    }
    this.pending = undefined;
    return (this.sortedCache = out);
  }

  /** @internal Builds a persistent set from canonically sorted, distinct, comparable values. */
  static fromSorted(elems: readonly Value[], summary: Summary): PersistentSet {
    let root = emptyHamt<Tag>(),
      sum1 = 0,
      sum2 = 0;
    for (const v of elems) {
      const a = hash1(v),
        b = hash2(v);
      root = hamtPut(root, v, a, b, undefined, equals);
      sum1 = (sum1 + setLane1(a, b)) | 0;
      sum2 = (sum2 + setLane2(a, b)) | 0;
    }
    const s = new PersistentSet(root, elems.length, sum1, sum2, summary, undefined, undefined);
    s.sortedCache = elems;
    return s;
  }
}

/** Merges two sorted arrays of distinct, mutually distinct values. */
function mergeSorted(a: readonly Value[], b: readonly Value[]): Value[] {
  const out = new Array<Value>(a.length + b.length);
  let i = 0,
    j = 0,
    k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i], b[j]) < 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** An empty persistent set, with nothing attached (a new object each time). */
export function emptyPersistentSet(): PersistentSet {
  return PersistentSet.empty();
}

/** Sorted arrays already found to hold values that may not be comparable: not converted again. */
const notConvertible = new WeakSet<readonly Value[]>();

/**
 * `s` as a persistent set (itself when it is one), or undefined when it is infinite or holds
 * values that might not be comparable with each other (such a set stays as it is: only the
 * ordinary algorithms are exact on it).
 */
export function toPersistentSet(s: SetValue): PersistentSet | undefined {
  if (s instanceof PersistentSet) return s;
  if (!s.isFinite()) return undefined;
  // An EnumSet's sorted elements as they are (enumerating it would normalise it, see value.ts).
  const elems = s instanceof EnumSet ? s.elems : s.elements();
  if (elems.length === 0) return PersistentSet.empty();
  if (notConvertible.has(elems)) return undefined;
  let summary = EMPTY_SUMMARY;
  for (const v of elems) {
    summary = join(summary, shapeOf(v));
    if (summary === UNSAFE) {
      notConvertible.add(elems);
      return undefined;
    }
  }
  return PersistentSet.fromSorted(elems, summary);
}

/**
 * `a \cup b` through persistent sets, or undefined when the ordinary union must run (both sides
 * small, or values that might not be comparable). Both sides must be finite; `ea` and `eb` are
 * the elements of the sides that are not persistent sets (the caller enumerates them first, in
 * the ordinary order, since enumerating a lazy set may raise). The smaller side is inserted into
 * the larger, its new elements tagged `tag`. Below `threshold` elements on the larger side, the
 * ordinary union is as cheap.
 */
export function persistentUnion(
  a: SetValue,
  b: SetValue,
  ea: readonly Value[] | undefined,
  eb: readonly Value[] | undefined,
  tag: Tag,
  threshold = persistentSetOptions.threshold,
): SetValue | undefined {
  const pa = a instanceof PersistentSet ? a : undefined,
    pb = b instanceof PersistentSet ? b : undefined;
  const na = pa ? pa.size() : ea!.length,
    nb = pb ? pb.size() : eb!.length;
  if (!pa && !pb && Math.max(na, nb) < threshold) return undefined;
  const bIsLarge = (pb !== undefined && pa === undefined) || (!pa === !pb && nb > na);
  const p = toPersistentSet(bIsLarge ? b : a);
  if (p === undefined) return undefined;
  const small = bIsLarge ? (pa ?? ea!) : (pb ?? eb!);
  const extra = small instanceof PersistentSet ? entriesOf(small) : small;
  if (extra.length === 0) return p;
  return p.insertAll(extra, tag);
}

/** The elements of a persistent set in no particular order (inserting does not need one). */
function entriesOf(s: PersistentSet): Value[] {
  const out: Value[] = [];
  s.forEachEntry((v) => out.push(v));
  return out;
}

/**
 * A mark on a set version, carried to every set made from it by inserts: a set that carries it
 * holds every element of the version it was put on (`origin`). A version keeps one mark, so
 * that marking costs nothing as the set grows.
 */
class Lineage implements SetAttachment {
  constructor(readonly origin: number) {}
  added(): SetAttachment {
    return this;
  }
}
const LINEAGE = {};

/** The mark put on this very version (not one it inherited), put there if there is none. */
function markOf(s: PersistentSet): Lineage {
  const have = s.attachment(LINEAGE);
  if (have instanceof Lineage && have.origin === s.identity) return have;
  const mark = new Lineage(s.identity);
  s.attach(LINEAGE, mark);
  return mark;
}

/** `a` was found inside a version marked `mark`; `since` holds what `a` gained after that. */
class SubsetProgress implements SetAttachment {
  constructor(
    readonly mark: Lineage,
    readonly since: Added | null,
  ) {}
  added(x: Value): SetAttachment | undefined {
    const length = (this.since?.length ?? 0) + 1;
    if (length > MAX_PENDING) return undefined; // checking everything again is as cheap
    return new SubsetProgress(this.mark, { v: x, next: this.since, length });
  }
}
const SUBSET = {};

/**
 * `a \subseteq b` for two persistent sets whose elements all compare (so every lookup is a hash
 * lookup, which cannot raise, as the ordinary test's lookups then cannot): undefined otherwise.
 * Once `a` is found inside `b`, a later test of a set made from `a` by inserts against one made
 * from `b` by inserts looks up only the elements added to `a` since: `\A t \in chosen : t \in
 * Proposed`-like invariants over history sets cost what changed, not the history.
 */
export function persistentSubset(a: PersistentSet, b: PersistentSet): boolean | undefined {
  if (join(a.summary, b.summary) === UNSAFE) return undefined;
  const progress = a.attachment(SUBSET);
  let inside = true;
  if (progress instanceof SubsetProgress && b.attachment(LINEAGE) === progress.mark) {
    for (let x = progress.since; inside && x !== null; x = x.next)
      inside = b.lookup(x.v) !== undefined;
  } else if (a.size() > b.size()) inside = false;
  else a.forEachEntry((x) => (inside &&= b.lookup(x) !== undefined));
  if (inside) a.attach(SUBSET, new SubsetProgress(markOf(b), null));
  return inside;
}

/** The least and greatest elements of a set of integers, kept up to date as it grows. */
class IntegerBounds implements SetAttachment {
  constructor(
    readonly least: number,
    readonly greatest: number,
  ) {}
  added(x: Value): SetAttachment | undefined {
    if (typeof x !== 'number') return NOT_INTEGERS;
    if (x >= this.least && x <= this.greatest) return this;
    return new IntegerBounds(Math.min(this.least, x), Math.max(this.greatest, x));
  }
}
/** Kept on a set that holds something other than an integer: it keeps holding it. */
const NOT_INTEGERS: SetAttachment = { added: () => NOT_INTEGERS };
const BOUNDS = {};

/**
 * The least or greatest element of a non-empty persistent set of integers, or undefined for an
 * empty set or one holding anything else. Found once per lineage, then kept as the set grows:
 * `CHOOSE b \in bs : \A x \in bs : x <= b` over a growing history costs O(1) per version.
 */
export function persistentExtremum(s: PersistentSet, kind: 'max' | 'min'): number | undefined {
  if (s.size() === 0) return undefined;
  let have = s.attachment(BOUNDS);
  if (have === undefined) {
    let least = Infinity,
      greatest = -Infinity,
      integers = true;
    s.forEachEntry((x) => {
      if (typeof x !== 'number') integers = false;
      else {
        least = Math.min(least, x);
        greatest = Math.max(greatest, x);
      }
    });
    have = integers ? new IntegerBounds(least, greatest) : NOT_INTEGERS;
    s.attach(BOUNDS, have);
  }
  if (!(have instanceof IntegerBounds)) return undefined;
  return kind === 'max' ? have.greatest : have.least;
}
