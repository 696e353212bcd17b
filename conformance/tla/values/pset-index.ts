/**
 * Indexes on persistent sets, for filters and quantifiers whose condition starts with equalities
 * on parts of the bound element: `{m \in msgs : m.type = "promise" /\ m.log = L /\ ...}`.
 *
 * An index is a trie: level i maps the value of the i-th path (`m.type`, then `m.log`, ...) to
 * the next level; the last level holds the elements (a bucket). It is built on the first query
 * of a set version, then carried to every version made by inserts (a persistent attachment), so
 * a query costs the depth of the trie plus the size of its bucket whatever the size of the set.
 *
 * Exactness. The ordinary evaluation visits every element in canonical order and evaluates the
 * conjuncts left to right until one is FALSE. It may raise: an element lacking a field the
 * conjunct reads, a path value that cannot be compared with the value sought. So each level
 * counts the elements that reach it whose path raises or whose value is unusual (see
 * `shape.ts`), and keeps the shapes of the path values; a query that reaches a level with such
 * elements, or seeks a value that might not be comparable with every path value there, answers
 * "don't know" and the caller runs the ordinary evaluation. When the index does answer, no
 * element outside the bucket could have raised (each stops at a FALSE equality), so evaluating
 * the whole condition on the bucket, in canonical order, is the ordinary evaluation.
 */
import { type HamtBranch, emptyHamt, hamtForEach, hamtGet, hamtPut } from './hamt.ts';
import { PersistentSet, type SetAttachment, type Tag } from './pset.ts';
import { EMPTY_SUMMARY, type Summary, UNSAFE, compatible, shapeOf } from './shape.ts';
import { join } from './value.ts';
import {
  type SetValue,
  type Value,
  EnumSet,
  FcnValue,
  StrValue,
  TupleValue,
  compare,
  equals,
  hash1,
  hash2,
} from './value.ts';
import { VisibleSubset } from './visible.ts';

/** One step of a path: a field access `.f`, or an application to a constant `[c]`. */
export type PathStep = { readonly field: StrValue } | { readonly arg: Value };
/** A path from the bound element to the value an equality tests. */
export type Path = readonly PathStep[];

/** What an index is keyed on: its paths. Interned, so filters with the same paths share one. */
export class IndexKey {
  private static readonly known = new Map<string, IndexKey>();
  private constructor(
    readonly paths: readonly Path[],
    readonly id: string,
  ) {}

  /** The key for these paths. */
  static of(paths: readonly Path[]): IndexKey {
    const id = paths.map((p) => p.map(stepText).join('')).join(' ');
    let k = IndexKey.known.get(id);
    if (k === undefined) {
      k = new IndexKey(paths, id);
      IndexKey.known.set(id, k);
    }
    return k;
  }
}

function stepText(s: PathStep): string {
  if ('field' in s) return `.${s.field.text}`;
  const a = s.arg;
  return `[${typeof a === 'number' ? a : a instanceof StrValue ? JSON.stringify(a.text) : '?'}]`;
}

const RAISES = Symbol('raises');

/**
 * The value at `path` in `x`, or RAISES when the ordinary evaluation (`x.f` and `x[c]` in
 * compile.ts) would raise there, or when a part is a lazily computed function (whose
 * evaluation we do not risk here: it counts as unusual).
 */
export function follow(x: Value, path: Path): Value | typeof RAISES {
  let v = x;
  for (const step of path) {
    if (!(v instanceof FcnValue || v instanceof TupleValue)) return RAISES;
    try {
      if ('field' in step) {
        if (!v.inDomain(step.field)) return RAISES;
        v = v.apply(step.field);
      } else {
        v = v.apply(step.arg);
      }
    } catch {
      return RAISES;
    }
  }
  return v;
}

/** Keys of one level: equal values have the same shape, and same-shape keys compare safely. */
const keyEquals = (a: Value, b: Value): boolean =>
  compatible(shapeOf(a), shapeOf(b)) && equals(a, b);

/** One level of the trie: the elements that reached it, by the value of this level's path. */
class Level {
  constructor(
    /** Elements that reached this level. */
    readonly count: number,
    /** Of which the path raises or gives an unusual value: a query reaching here falls back. */
    readonly unusual: number,
    /** Shapes of the path values. */
    readonly summary: Summary,
    readonly children: HamtBranch<Level | Bucket>,
  ) {}
}

/** The elements behind one combination of path values, with their tags. */
class Bucket {
  private sortedCache: ReadonlyArray<Entry> | undefined;
  constructor(
    readonly root: HamtBranch<Tag>,
    readonly count: number,
    /** The order of the bucket this one was made from, and the entries added since. */
    private pending?: { readonly base: ReadonlyArray<Entry>; readonly added: readonly Entry[] },
    /**
     * The bucket as a persistent set, once asked for: carried to the buckets made from this
     * one, so that what is attached to it (a maintained map, an extremum) follows the bucket
     * as the indexed set grows.
     */
    private asSetCache?: PersistentSet,
  ) {}

  /** This bucket with `entry` added (a new element). */
  with(entry: Entry, h1: number, h2: number): Bucket {
    const root = hamtPut(this.root, entry.v, h1, h2, entry.tag, equals);
    // Keep the last order and a short list of additions: a bucket that grows by one element
    // per version is then ordered by merging, not by sorting it again.
    const base = this.sortedCache ?? this.pending?.base;
    const added = this.sortedCache ? [entry] : [...(this.pending?.added ?? []), entry];
    const pending = base && added.length <= MAX_BUCKET_PENDING ? { base, added } : undefined;
    // The elements of an indexed set compare with each other, so the insert cannot refuse.
    const asSet = this.asSetCache?.insertAll([entry.v], entry.tag);
    return new Bucket(root, this.count + 1, pending, asSet);
  }

  /** The bucket as a persistent set whose elements have shapes within `summary`. */
  asSet(summary: Summary): PersistentSet {
    return (this.asSetCache ??= PersistentSet.fromSorted(
      this.sorted().map((e) => e.v),
      summary,
    ));
  }

  /** The elements in canonical order (computed once per bucket version). */
  sorted(): ReadonlyArray<Entry> {
    if (this.sortedCache === undefined) {
      const p = this.pending;
      let out: Entry[];
      if (p !== undefined) {
        out = p.base.slice();
        for (const e of p.added) out.splice(insertionPoint(out, e.v), 0, e);
      } else {
        out = [];
        hamtForEach(this.root, (e) => out.push({ v: e.key, tag: e.payload }));
        out.sort((a, b) => compare(a.v, b.v)); // elements of a persistent set: comparable
      }
      this.sortedCache = out;
      this.pending = undefined;
    }
    return this.sortedCache;
  }
}

/** An element of a bucket with its tag. */
type Entry = { readonly v: Value; readonly tag: Tag };

/** Beyond this many additions since the last order, sorting again is as cheap as inserting. */
const MAX_BUCKET_PENDING = 32;

/** Where `v` goes in `sorted` (canonical order; `v` is not in it). */
function insertionPoint(sorted: readonly Entry[], v: Value): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid].v, v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const EMPTY_BUCKET = new Bucket(emptyHamt(), 0);

function emptyAt(level: number, depth: number): Level | Bucket {
  return level === depth ? EMPTY_BUCKET : new Level(0, 0, EMPTY_SUMMARY, emptyHamt());
}

function insertAt(
  node: Level | Bucket,
  level: number,
  paths: readonly Path[],
  x: Value,
  h1: number,
  h2: number,
  tag: Tag,
): Level | Bucket {
  if (node instanceof Bucket) return node.with({ v: x, tag }, h1, h2);
  const v = follow(x, paths[level]);
  const s = v === RAISES ? undefined : shapeOf(v);
  if (v === RAISES || s === undefined || s === UNSAFE)
    return new Level(node.count + 1, node.unusual + 1, node.summary, node.children);
  const k1 = hash1(v),
    k2 = hash2(v);
  const child =
    hamtGet(node.children, v, k1, k2, keyEquals)?.payload ?? emptyAt(level + 1, paths.length);
  const next = insertAt(child, level + 1, paths, x, h1, h2, tag);
  return new Level(
    node.count + 1,
    node.unusual,
    join(node.summary, s),
    hamtPut(node.children, v, k1, k2, next, keyEquals, () => next),
  );
}

/** Counters for tests and benchmarks: how queries were answered. */
export const indexStats = { built: 0, answered: 0, fellBack: 0, bucketElements: 0 };

/** An index on a persistent set version, carried to the versions made from it by inserts. */
class ValueIndex implements SetAttachment {
  constructor(
    readonly key: IndexKey,
    readonly root: Level | Bucket,
  ) {}
  added(x: Value, h1: number, h2: number, tag: Tag): ValueIndex {
    return new ValueIndex(this.key, insertAt(this.root, 0, this.key.paths, x, h1, h2, tag));
  }
}

function indexOf(set: PersistentSet, key: IndexKey): ValueIndex {
  const have = set.attachment(key);
  if (have instanceof ValueIndex) return have;
  indexStats.built++;
  let root = emptyAt(0, key.paths.length);
  set.forEachEntry((x, tag, h1, h2) => {
    root = insertAt(root, 0, key.paths, x, h1, h2, tag);
  });
  const index = new ValueIndex(key, root);
  set.attach(key, index);
  return index;
}

/**
 * The elements of `set` (in canonical order) whose paths `key.paths[i]` equal `valueAt(i)`,
 * each value asked for only when the ordinary evaluation would evaluate it (some element
 * reaches that conjunct); or undefined when the index cannot prove that the ordinary
 * evaluation over the whole set would not raise (including when `valueAt` raises): the caller
 * then runs the ordinary evaluation.
 */
export function indexedBucket(
  set: PersistentSet | VisibleSubset,
  key: IndexKey,
  valueAt: (i: number) => Value,
): readonly Value[] | undefined {
  const base = set instanceof VisibleSubset ? set.base : set;
  const bucket = findBucket(base, key, valueAt);
  if (bucket === undefined) return fallBack();
  if (bucket === NONE) return answer([]);
  const entries = bucket.sorted();
  if (set instanceof VisibleSubset) {
    const out: Value[] = [];
    for (const e of entries) if (set.sees(e.tag)) out.push(e.v);
    return answer(out);
  }
  return answer(entries.map((e) => e.v));
}

/**
 * `{x \in set : path_1(x) = valueAt(0) /\ ...}` when the equalities are the whole condition: the
 * same elements as {@link indexedBucket}, as a persistent set that later versions of the bucket
 * are made from by inserts (so that comprehensions over it are maintained too), or the empty
 * set; undefined when the ordinary evaluation must run.
 */
export function indexedSubset(
  set: PersistentSet,
  key: IndexKey,
  valueAt: (i: number) => Value,
): SetValue | undefined {
  const bucket = findBucket(set, key, valueAt);
  if (bucket === undefined) return fallBack();
  if (bucket === NONE) return EMPTY_SET;
  indexStats.answered++;
  return bucket.asSet(set.summary);
}

const NONE = 'none';
const EMPTY_SET = new EnumSet([]);

/**
 * The bucket of `set`'s index on `key` for the path values `valueAt(i)`, NONE when no element
 * has them, or undefined when the index cannot prove that the ordinary evaluation would not
 * raise.
 */
function findBucket(
  set: PersistentSet,
  key: IndexKey,
  valueAt: (i: number) => Value,
): Bucket | typeof NONE | undefined {
  let node: Level | Bucket = indexOf(set, key).root;
  for (let i = 0; node instanceof Level; i++) {
    if (node.count === 0) return NONE;
    if (node.unusual > 0) return undefined;
    let v: Value;
    try {
      v = valueAt(i);
    } catch {
      return undefined; // the ordinary evaluation raises it at the first element reaching here
    }
    const s = shapeOf(v);
    if (!compatible(s, node.summary)) return undefined;
    const child: Level | Bucket | undefined = hamtGet(
      node.children,
      v,
      hash1(v),
      hash2(v),
      keyEquals,
    )?.payload;
    if (child === undefined) return NONE;
    node = child;
  }
  return node;
}

function answer(bucket: readonly Value[]): readonly Value[] {
  indexStats.answered++;
  indexStats.bucketElements += bucket.length;
  return bucket;
}

function fallBack(): undefined {
  indexStats.fellBack++;
  return undefined;
}
