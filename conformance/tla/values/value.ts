/**
 * TLA+ values with TLC's semantics: kinds, canonical order, equality and 64-bit hashes.
 *
 * Representation choices, made for speed in the explorer:
 * - integers are JS numbers (always 32-bit, checked by the arithmetic operators) and booleans
 *   are JS booleans, so the commonest values need no allocation;
 * - strings and model values are interned objects, so equality is identity and their TLC
 *   order (the order in which names were first seen) is a number comparison;
 * - every function value is kept in one canonical shape: a function whose domain is 1..n is a
 *   {@link TupleValue}, any other an {@link FcnValue} with its domain sorted. Records, tuples,
 *   sequences and functions therefore compare, hash and print as TLC does with no conversion;
 * - sets that are infinite or expensive to enumerate are lazy (see `sets.ts`) and are only
 *   enumerated when finite and needed;
 * - comparing values of different kinds raises TLC's error, worded by the value TLC would ask
 *   (`compare`, `equals`), and a set remembers the list TLC built it from until TLC would sort
 *   it, so that membership, and the error of a set TLC cannot sort, come when and as in TLC
 *   (EnumSet, UnsortedSet). Shapes (at the end) tell cheaply when no comparison can fail.
 */
import { EvalError, type SourceRange } from './errors.ts';

/** Kind tags, in the rank order used when two values of different kinds must be ordered. */
export const enum Kind {
  Model = 0,
  Bool = 1,
  Int = 2,
  Str = 3,
  Set = 4,
  Fcn = 5,
}

/** A TLA+ value. */
export type Value = boolean | number | StrValue | ModelValue | SetValue | FcnLike;

/** Lazily computed pair of 32-bit hashes, together a 64-bit fingerprint. */
export interface Hashed {
  h1: number;
  h2: number;
}

// ---------------------------------------------------------------------------------------------
// Hashing primitives (murmur3-style mixing on two independent lanes).

function mix32(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const SEED1 = 0x2f6b3a1d;
const SEED2 = 0x7a1c9e55;

/** Two 32-bit hash lanes. */
export type HashPair = readonly [number, number];
const SET_TAG = 0x5e7;
const FCN_TAG = 0xf7;

/**
 * A function's hash. A large function hashes as per-lane sums of its entries' hashes (each
 * entry's key and value mixed together first, then spread as a set element is), kept with the
 * hash: then `[f EXCEPT ![k] = v]` gets its hash from f's in O(1), by taking the old entry out
 * of the sums and the new one in, where a hash over the entries in order would cost
 * O(|DOMAIN f|) on every update. A small function (most records and tuples, held by the
 * million in a message set) hashes its entries in order, which costs half as much, and keeps
 * just the hash. Equal functions have equal sizes, so they hash the same way. A tuple hashes
 * with keys 1..n, exactly as the equal function over 1..n does. Lanes: [h1, h2] or
 * [h1, h2, sum1, sum2].
 */
export type FcnHash = readonly [number, number] | readonly [number, number, number, number];

/** Functions with more entries than this hash as sums, and keep them. */
const SUMS_FROM = 16;

/** Adds the entry (key, value) to a large function's hash sums (sign 1), or takes it out (-1). */
function addEntry(sums: [number, number], sign: 1 | -1, key: Value, value: Value): void {
  const a = mix32(mix32(SEED1 ^ FCN_TAG, hash1(key)), hash1(value));
  const b = mix32(mix32(SEED2 ^ FCN_TAG, hash2(key)), hash2(value));
  sums[0] = (sums[0] + sign * setLane1(a, b)) | 0;
  sums[1] = (sums[1] + sign * setLane2(a, b)) | 0;
}

function keyOf(keys: readonly Value[] | 'index', i: number): Value {
  return keys === 'index' ? i + 1 : keys[i];
}

function fcnHash(keys: readonly Value[] | 'index', vals: readonly Value[]): FcnHash {
  if (vals.length <= SUMS_FROM) return hashInOrder(keys, vals);
  const sums: [number, number] = [0, 0];
  for (let i = 0; i < vals.length; i++) addEntry(sums, 1, keyOf(keys, i), vals[i]);
  return finishFcnHash(sums[0], sums[1], vals.length);
}

function hashInOrder(keys: readonly Value[] | 'index', vals: readonly Value[]): FcnHash {
  let a = SEED1 ^ FCN_TAG,
    b = SEED2 ^ FCN_TAG;
  for (let i = 0; i < vals.length; i++) {
    const k = keyOf(keys, i);
    a = mix32(mix32(a, hash1(k)), hash1(vals[i]));
    b = mix32(mix32(b, hash2(k)), hash2(vals[i]));
  }
  return [fmix32(a ^ vals.length), fmix32(b ^ vals.length)];
}

function finishFcnHash(s1: number, s2: number, size: number): FcnHash {
  const h1 = fmix32(mix32(SEED1 ^ FCN_TAG, s1) ^ size);
  const h2 = fmix32(mix32(SEED2 ^ FCN_TAG, s2) ^ size);
  return [h1, h2, s1, s2];
}

/** The hash of a function equal to one hashed `had` but for the entry `key`: `was` now `now`. */
function fcnHashUpdated(
  had: readonly [number, number, number, number],
  key: Value,
  was: Value,
  now: Value,
  size: number,
): FcnHash {
  const sums: [number, number] = [had[2], had[3]];
  addEntry(sums, -1, key, was);
  addEntry(sums, 1, key, now);
  return finishFcnHash(sums[0], sums[1], size);
}

/**
 * A set's hash must not depend on how the set is held: a sorted array and a persistent trie with
 * the same elements hash alike, and a trie keeps its hash up to date on every insert. So a set
 * hashes as per-lane sums of its elements' hashes, each mixed with both of the element's lanes
 * first (sums of raw hashes would let related elements cancel), then a final mix with the size.
 */
export function setLane1(h1: number, h2: number): number {
  return fmix32((h1 ^ Math.imul(h2, 0x85ebca6b)) + 0x3c6ef372);
}
/** The second lane's counterpart of {@link setLane1}, mixed with other constants. */
export function setLane2(h1: number, h2: number): number {
  return fmix32((h2 ^ Math.imul(h1, 0xc2b2ae35)) + 0x27d4eb2f);
}
/** The hash of a set of `size` elements whose {@link setLane1}/{@link setLane2} sums are given. */
export function finishSetHash(sum1: number, sum2: number, size: number): HashPair {
  return [fmix32(mix32(SEED1 ^ SET_TAG, sum1) ^ size), fmix32(mix32(SEED2 ^ SET_TAG, sum2) ^ size)];
}

function hashSetElements(elems: readonly Value[]): HashPair {
  let s1 = 0,
    s2 = 0;
  for (let i = 0; i < elems.length; i++) {
    const a = hash1(elems[i]),
      b = hash2(elems[i]);
    s1 = (s1 + setLane1(a, b)) | 0;
    s2 = (s2 + setLane2(a, b)) | 0;
  }
  return finishSetHash(s1, s2, elems.length);
}

function hashText(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = mix32(h, text.charCodeAt(i));
  return fmix32(h ^ text.length);
}

// ---------------------------------------------------------------------------------------------
// Strings and model values: interned, ordered by first appearance.

let nextInternId = 0;

/** A TLA+ string. Use {@link str} to obtain one; two equal strings are the same object. */
export class StrValue implements Hashed {
  readonly kind = Kind.Str;
  readonly h1: number;
  readonly h2: number;
  constructor(
    readonly text: string,
    /**
     * Position in TLC's interning order; decides CHOOSE and enumeration order. Interning
     * renumbers it when a new model starts ({@link resetInterning}).
     */
    readonly id: number,
  ) {
    this.h1 = hashText(text, SEED1 ^ 0x51);
    this.h2 = hashText(text, SEED2 ^ 0x51);
  }
}

/**
 * A TLC model value: an uninterpreted constant equal only to itself. A name of the form `x_...`
 * (a character, an underscore, at least one more character) makes it typed, of type `x`: TLC
 * then refuses to compare it with anything but a model value of its type or an untyped one.
 */
export class ModelValue implements Hashed {
  readonly kind = Kind.Model;
  readonly h1: number;
  readonly h2: number;
  /** The type's character code, or 0 for an untyped model value. */
  readonly type: number;
  constructor(
    readonly name: string,
    readonly id: number,
  ) {
    this.h1 = hashText(name, SEED1 ^ 0x3d);
    this.h2 = hashText(name, SEED2 ^ 0x3d);
    this.type = name.length > 2 && name[1] === '_' ? name.charCodeAt(0) : 0;
  }
}

const strings = new Map<string, StrValue>();
const modelValues = new Map<string, ModelValue>();
/** TLC interns identifiers and strings in one table, so both share one id sequence. */
const internIds = new Map<string, number>();

function renumber(v: StrValue | ModelValue, id: number): void {
  (v as { id: number }).id = id;
}

/** Reserves an interning position for `name` (if it has none yet). */
export function intern(name: string): number {
  let id = internIds.get(name);
  if (id === undefined) {
    id = nextInternId++;
    internIds.set(name, id);
    const s = strings.get(name);
    if (s) renumber(s, id);
    const m = modelValues.get(name);
    if (m) renumber(m, id);
  }
  return id;
}

/**
 * Starts TLC's interning order afresh, as every TLC run does: a process that checks several
 * models (the test suite, `parity`) gives each the order TLC would. Strings and model values
 * that exist already keep their relative order but move after every position handed out from
 * now on, until {@link finishInterning} gives them their final place. Values built before the
 * reset must not be mixed with those of the new model: sets of strings sorted in the old order
 * are not re-sorted.
 */
export function resetInterning(): void {
  const bump = nextInternId;
  internIds.clear();
  for (const s of strings.values()) renumber(s, s.id + bump + (1 << 24));
  for (const m of modelValues.values()) renumber(m, m.id + bump + (1 << 24));
  nextInternId = 0;
  resetShapes();
}

/**
 * Places the strings and model values that existed before {@link resetInterning} and were not
 * interned since after everything interned so far, in their earlier order: TLC would intern them
 * only when checking makes them.
 */
export function finishInterning(): void {
  const stale = [...strings.values(), ...modelValues.values()]
    .filter((v) => !internIds.has(v instanceof StrValue ? v.text : v.name))
    .sort((a, b) => a.id - b.id);
  for (const v of stale) intern(v instanceof StrValue ? v.text : v.name);
}

/** The unique string value with the given text. */
export function str(text: string): StrValue {
  let s = strings.get(text);
  if (s === undefined) {
    s = new StrValue(text, intern(text));
    strings.set(text, s);
  }
  return s;
}

/** The unique model value with the given name. */
export function modelValue(name: string): ModelValue {
  let m = modelValues.get(name);
  if (m === undefined) {
    m = new ModelValue(name, intern(name));
    modelValues.set(name, m);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Sets.

/** Any TLA+ set. Finite sets can be enumerated in TLC's canonical order. */
export abstract class SetValue {
  readonly kind = Kind.Set;
  /** Whether `v` is an element. May throw when TLC would (incomparable values). */
  abstract contains(v: Value): boolean;
  /** Whether the set is finite, so that it can be enumerated. */
  abstract isFinite(): boolean;
  /** The elements in canonical order. Throws for infinite sets. */
  abstract toEnum(): EnumSet;
  /** Number of elements; throws for infinite sets. */
  size(): number {
    return this.toEnum().elems.length;
  }
  /** A short description used in error messages about infinite sets. */
  abstract describe(): string;

  /** The elements in TLC's enumeration order. */
  elements(): readonly Value[] {
    return this.toEnum().elems;
  }

  /**
   * What the set's fingerprint is read from: by default its enumeration. A set that keeps its
   * hash as it is built (a persistent set) returns itself, so fingerprinting it costs nothing.
   */
  fingerprintForm(): Hashed {
    return this.toEnum();
  }

  /**
   * The join of the elements' shapes when the set keeps it as it grows (a persistent set), so
   * that its shape needs no enumeration; undefined otherwise.
   */
  knownElementShape(): Shape | undefined {
    return undefined;
  }

  /** Whether {@link fingerprintForm} is available without enumerating the set. */
  get knowsHash(): boolean {
    return false;
  }
}

/**
 * A finite set held as an array of distinct elements in TLC's normalised order.
 *
 * TLC builds a set from a list without sorting it and sorts it ("normalises" it) only when it
 * must: to fingerprint a state, enumerate the set, count it, compare it or print it. Until then
 * membership is a linear search with `equals`, afterwards a binary search with `compareTo`;
 * the two raise different errors, and the first can succeed where sorting would fail. A set
 * built from a list therefore remembers that list ({@link EnumSet.unnormalised}) until one of
 * those operations; its elements are sorted at once all the same, since sorting a list whose
 * elements can all be compared raises nothing and gives the same order whenever it is done.
 */
export class EnumSet extends SetValue implements Hashed {
  private hashes: HashPair | undefined;
  /**
   * The value's shape (what it can be compared with), once computed. Declared only: most
   * values never need one, and a field every instance initialises costs every construction.
   */
  declare shapeCache: Shape | undefined;
  /** TLC's list of the elements while it has not normalised the set (duplicates included). */
  declare private pending: readonly Value[] | (() => readonly Value[]) | undefined;

  /** `elems` must already be sorted and free of duplicates; use {@link setOf} otherwise. */
  constructor(readonly elems: readonly Value[]) {
    super();
    // Every set gets the same properties in the same order, so all share one hidden class.
    this.hashes = undefined;
    this.pending = undefined;
    this.shapeCache = undefined;
  }

  /** A set TLC has built from `list` and not normalised yet; `elems` are its sorted elements. */
  static unnormalised(
    elems: readonly Value[],
    list: readonly Value[] | (() => readonly Value[]),
  ): EnumSet {
    const s = new EnumSet(elems);
    if (elems.length > 0) s.pending = list;
    return s;
  }

  /** TLC's list of the elements if it has not normalised the set yet, else undefined. */
  unnormalisedList(): readonly Value[] | undefined {
    const p = this.pending;
    if (typeof p === 'function') return (this.pending = p());
    return p;
  }

  /** The elements in TLC's present order: its list while unnormalised, else the sorted ones. */
  tlcOrder(): readonly Value[] {
    return this.unnormalisedList() ?? this.elems;
  }

  /** {@link tlcOrder} as of now, computed only when called (for a set derived from this one). */
  tlcOrderLater(): () => readonly Value[] {
    const p = this.pending;
    if (typeof p === 'function') return p;
    const list = p ?? this.elems;
    return () => list;
  }

  /** Records that TLC would have normalised the set by now. */
  normalise(): this {
    this.pending = undefined;
    return this;
  }

  get h1(): number {
    return (this.hashes ??= this.hashPair())[0];
  }
  get h2(): number {
    return (this.hashes ??= this.hashPair())[1];
  }
  private hashPair(): HashPair {
    this.pending = undefined;
    return hashSetElements(this.elems);
  }

  contains(v: Value): boolean {
    const es = this.elems;
    const set = this.shapeCache ?? shapeOf(this);
    // Where some element may refuse comparison with v, search exactly as TLC does.
    if (
      set.parts.t !== 'set' ||
      (!fits(v, set.parts.elem) && join(shapeOf(v), set.parts.elem) === UNSAFE)
    ) {
      if (es.length === 0) return false;
      return this.containsLikeTlc(v);
    }
    let lo = 0,
      hi = es.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(es[mid], v);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Membership exactly as TLC searches: linearly while unnormalised, else by bisection. */
  containsLikeTlc(v: Value): boolean {
    const list = this.unnormalisedList();
    if (list) {
      for (const e of list) if (equals(e, v)) return true;
      return false;
    }
    const es = this.elems;
    let lo = 0,
      hi = es.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(v, es[mid]);
      if (c === 0) return true;
      if (c < 0) hi = mid;
      else lo = mid + 1;
    }
    return false;
  }

  isFinite(): boolean {
    return true;
  }
  toEnum(): EnumSet {
    this.pending = undefined;
    return this;
  }
  override size(): number {
    this.pending = undefined;
    return this.elems.length;
  }
  describe(): string {
    return 'a finite set';
  }
}

/**
 * A set TLC builds but cannot normalise: sorting its list compares two elements TLC refuses to
 * compare. Nothing goes wrong until TLC sorts it; then the error is the one TLC raises, from the
 * same comparison. Membership, which TLC answers without sorting, works as in TLC.
 */
export class UnsortedSet extends SetValue {
  /** Where the set was built, for the error's place (set by the evaluator). */
  origin: SourceRange | undefined;

  constructor(
    /** The elements in TLC's order, duplicates included. */
    readonly list: readonly Value[],
    private readonly failure: EvalError,
  ) {
    super();
  }

  /** The error TLC raises when it sorts this set, as a fresh error to throw. */
  error(): EvalError {
    const e = new EvalError(this.failure.message, this.failure.kind).explain({
      ...this.failure.details,
      values: [...(this.failure.details.values ?? []), { name: 'set', value: printHook(this) }],
      hint: SORT_HINT,
    });
    if (this.origin) e.addFrame(this.origin);
    return e;
  }

  contains(v: Value): boolean {
    for (const e of this.list) if (equals(e, v)) return true;
    return false;
  }
  isFinite(): boolean {
    return true;
  }
  toEnum(): EnumSet {
    throw this.error();
  }
  override size(): number {
    throw this.error();
  }
  describe(): string {
    return 'a finite set';
  }
}

const SORT_HINT =
  'TLC sorts the elements of a set when it fingerprints a state holding it, enumerates or counts it, compares it or prints it, and it cannot compare values of different kinds (except untyped model values): keep the elements of a set, and the fields of records that can meet in one set, of one kind';

/** The empty set. */
export const EMPTY_SET = new EnumSet([]);
/** BOOLEAN. */
export const BOOLEAN_SET = new EnumSet([false, true]);

/**
 * Builds a normalised finite set from values in any order, removing duplicates. Throws TLC's
 * error when TLC could not sort them.
 */
export function setOf(values: Value[]): EnumSet {
  if (values.length === 0) return EMPTY_SET;
  if (values.length === 1) return new EnumSet(values);
  const shape = elementShape(values);
  const s = new EnumSet(shape === UNSAFE ? tlcSort(values) : sortDistinct(values));
  s.shapeCache = setShape(shape);
  return s;
}

/**
 * The set TLC builds from a list of values (a set literal, `{e : x \in S}`, UNION): not
 * normalised yet, and an {@link UnsortedSet} when TLC would fail to sort it. `known`, when
 * given, is a shape all the values fit (saves examining them).
 */
export function setFromList(values: readonly Value[], known?: Shape): SetValue {
  if (values.length === 0) return EMPTY_SET;
  if (values.length === 1) return EnumSet.unnormalised(values, values);
  const shape = known ?? elementShape(values);
  if (shape === UNSAFE) {
    let sorted: Value[];
    try {
      sorted = tlcSort(values);
    } catch (e) {
      if (e instanceof EvalError) return new UnsortedSet(values, e);
      throw e;
    }
    const s = EnumSet.unnormalised(sorted, values);
    s.shapeCache = UNSAFE;
    return s;
  }
  const s = EnumSet.unnormalised(sortDistinct(values.slice()), values);
  s.shapeCache = setShape(shape);
  return s;
}

/** Sorts values that can all be compared with each other, in place, and drops duplicates. */
function sortDistinct(values: Value[]): Value[] {
  let sorted = true;
  for (let i = 1; i < values.length && sorted; i++) sorted = compare(values[i - 1], values[i]) < 0;
  if (sorted) return values;
  values.sort(compare);
  let w = 1;
  for (let r = 1; r < values.length; r++) {
    if (compare(values[r], values[w - 1]) !== 0) values[w++] = values[r];
  }
  values.length = w;
  return values;
}

/**
 * TLC's normalisation of a list (tlc2.value.impl.ValueVec.sort): insertion sort, each element in
 * turn placed by bisection among the sorted ones before it, `compareTo` called on the element
 * being placed, equal elements dropped. Which pairs it compares, and in which direction, decides
 * whether and how it fails, so this is followed exactly where elements may be incomparable.
 */
export function tlcSort(list: readonly Value[]): Value[] {
  return tlcSortBy(list, (v) => v);
}

/** {@link tlcSort} of items by a key, keeping the first item of each key. */
function tlcSortBy<T>(list: readonly T[], key: (item: T) => Value): T[] {
  const out: T[] = list.length > 0 ? [list[0]] : [];
  for (let i = 1; i < list.length; i++) {
    const x = key(list[i]);
    let lo = 0,
      hi = out.length,
      mid = 0,
      c = 0;
    while (lo < hi) {
      mid = (lo + hi) >> 1;
      c = compare(x, key(out[mid]));
      if (c === 0) break;
      if (c < 0) hi = mid;
      else lo = mid + 1;
    }
    if (c === 0) continue;
    out.splice(c < 0 ? mid : mid + 1, 0, list[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Functions, tuples, records.

let identities = 0;

/**
 * A number naming one object for the life of the process. Large values that share structure
 * with their predecessors (persistent sets, views of them) carry one, so that memo tables can
 * remember which version they computed on without keeping that version, and everything
 * attached to it, alive.
 */
export function newIdentity(): number {
  return ++identities;
}

/** What a memo keeps to recognise a value: its identity number if it has one, else the value. */
export function memoKey(v: Value | undefined): unknown {
  const id = (v as { identity?: unknown } | undefined)?.identity;
  return typeof id === 'number' ? id : v;
}

/** Any TLA+ function: tuples, sequences and records are functions too. */
export abstract class FcnLike {
  readonly kind = Kind.Fcn;
  /** f[arg]; throws an {@link EvalError} of kind `domain` outside the domain. */
  abstract apply(arg: Value): Value;
  /** Whether `arg` is in the domain. */
  abstract inDomain(arg: Value): boolean;
  /** DOMAIN f. */
  abstract domain(): SetValue;
  /** The function as an explicit table (enumerating a lazy one). */
  abstract explicit(): TupleValue | FcnValue;
  /**
   * Derived data kept on an explicit function by owner, carried by EXCEPT to the functions made
   * from it (see `eval/slices.ts`). Declared only: few functions ever carry any.
   */
  declare attached: Map<object, FcnAttachment> | undefined;
}

/** Derived data on a function value that follows it through EXCEPT. */
export interface FcnAttachment {
  /** This attachment for the function with the entry at `index` (domain order) now `value`. */
  updated(index: number, value: Value): FcnAttachment;
}

/**
 * Gives `to` (made from `from` by changing the entry at `index`) what `from` has derived and
 * that follows the change cheaply: its hash, if computed, and its attachments.
 */
export function carryDerived(
  from: TupleValue | FcnValue,
  to: TupleValue | FcnValue,
  index: number,
): void {
  const value = entryValue(to, index);
  const had = from.hashes;
  // Only when the new entry's hash is at hand or cheap (a small fresh record): computing a
  // large one here could cost more than the update saves, for a version never fingerprinted.
  if (had !== undefined && had.length === 4 && cheapToHash(value, { budget: CHEAP_HASH })) {
    const key = from instanceof TupleValue ? index + 1 : from.dom[index];
    to.hashes = fcnHashUpdated(had, key, entryValue(from, index), value, from.size());
  }
  const have = from.attached;
  if (have === undefined || have.size === 0) return;
  const next = new Map<object, FcnAttachment>();
  for (const [owner, att] of have) next.set(owner, att.updated(index, value));
  to.attached = next;
}

/** How many entries a hash computed on the way of an EXCEPT may visit. */
const CHEAP_HASH = 64;

/** Whether `v`'s hash is known, or computing it visits at most `left.budget` entries. */
function cheapToHash(v: Value, left: { budget: number }): boolean {
  if (v instanceof TupleValue || v instanceof FcnValue) {
    if (v.hashes !== undefined) return true;
    const entries = v instanceof TupleValue ? v.elems : v.vals;
    left.budget -= entries.length;
    if (left.budget < 0) return false;
    for (const e of entries) if (!cheapToHash(e, left)) return false;
    return true;
  }
  if (v instanceof SetValue) return v.knowsHash;
  return true; // numbers, booleans, strings and model values hash in O(1)
}

function entryValue(f: TupleValue | FcnValue, index: number): Value {
  return f instanceof TupleValue ? f.elems[index] : f.vals[index];
}

/** Shared error for applying a function outside its domain, worded as TLC words it. */
export function domainError(f: Value, arg: Value): EvalError {
  // Printing lives in print.ts; imported lazily to keep this module at the bottom layer.
  const domain = f instanceof FcnLike ? f.domain() : undefined;
  return new EvalError(
    `Attempted to apply function:\n${printHook(f)}\nto argument ${printHook(arg)}, which is not in the domain of the function.`,
    'domain',
  ).explain({
    summary: `the argument ${printHook(arg)} is not in the domain of the function`,
    values: [
      { name: 'argument', value: printHook(arg) },
      ...(domain ? [{ name: 'domain', value: printHook(domain) }] : []),
    ],
  });
}

let printHook: (v: Value) => string = (v) => String(v);

/** `v` in TLA+ syntax (print.ts's printer, for modules below it). */
export function printed(v: Value): string {
  return printHook(v);
}
/** Installed by print.ts so that errors raised here can show values in TLA+ syntax. */
export function setPrintHook(p: (v: Value) => string): void {
  printHook = p;
}

/** A function with domain 1..n (also the empty function): a tuple or sequence. */
export class TupleValue extends FcnLike implements Hashed {
  /** Computed on first use, or carried from the function this one was made from. */
  hashes: FcnHash | undefined;
  /**
   * The value's shape (what it can be compared with), once computed. Declared only: most
   * values never need one, and a field every instance initialises costs every construction.
   */
  declare shapeCache: Shape | undefined;
  constructor(readonly elems: readonly Value[]) {
    super();
    this.hashes = undefined; // one hidden class whether or not the hash is ever computed
  }
  get h1(): number {
    return (this.hashes ??= fcnHash('index', this.elems))[0];
  }
  get h2(): number {
    return (this.hashes ??= fcnHash('index', this.elems))[1];
  }
  size(): number {
    return this.elems.length;
  }
  apply(arg: Value): Value {
    if (typeof arg === 'number' && arg >= 1 && arg <= this.elems.length) return this.elems[arg - 1];
    if (typeof arg !== 'number' && this.elems.length > 0) {
      throw new EvalError(
        `Attempted to access tuple at a non integral index: ${printHook(arg)}`,
        'type',
      ).explain({
        code: 'TLA408',
        summary: `a tuple applied to ${kindName(arg)} ${printHook(arg)}, not to an integer`,
        values: [
          { name: 'tuple', value: printHook(this) },
          { name: 'argument', value: printHook(arg) },
        ],
      });
    }
    throw domainError(this, arg);
  }
  inDomain(arg: Value): boolean {
    return typeof arg === 'number' && arg >= 1 && arg <= this.elems.length;
  }
  domain(): SetValue {
    return intervalHook(1, this.elems.length);
  }
  explicit(): TupleValue {
    return this;
  }
}

/** The empty tuple, which is also the empty function and the empty sequence. */
export const EMPTY_TUPLE = new TupleValue([]);

let intervalHook: (lo: number, hi: number) => SetValue = () => {
  throw new Error('sets.ts not loaded');
};
/** Installed by sets.ts, which defines intervals (kept there with the other lazy sets). */
export function setIntervalHook(f: (lo: number, hi: number) => SetValue): void {
  intervalHook = f;
}

/** A function whose domain is not 1..n, held as a table sorted by argument. */
export class FcnValue extends FcnLike implements Hashed {
  /** Computed on first use, or carried from the function this one was made from. */
  hashes: FcnHash | undefined;
  /**
   * The value's shape (what it can be compared with), once computed. Declared only: most
   * values never need one, and a field every instance initialises costs every construction.
   */
  declare shapeCache: Shape | undefined;
  /** `dom` sorted canonically and duplicate-free; `vals[i]` is the value at `dom[i]`. */
  constructor(
    readonly dom: readonly Value[],
    readonly vals: readonly Value[],
    /**
     * Built as a record (`[a |-> 1]`, an EXCEPT of one, an element of `[a : S]`): TLC holds it
     * as a RecordValue, which refuses comparison with a non-empty tuple or a function that is
     * not a record, where a function `[x \in {"a"} |-> 1]` (a FcnRcdValue) does not.
     */
    readonly record = false,
  ) {
    super();
    this.hashes = undefined; // one hidden class whether or not the hash is ever computed
  }
  get h1(): number {
    return (this.hashes ??= fcnHash(this.dom, this.vals))[0];
  }
  get h2(): number {
    return (this.hashes ??= fcnHash(this.dom, this.vals))[1];
  }
  size(): number {
    return this.vals.length;
  }
  /** Index of `arg` in the domain, or -1. */
  indexOf(arg: Value): number {
    const d = this.dom;
    // Records are small: a linear scan by identity beats binary search for interned keys.
    if (d.length <= 8) {
      for (let i = 0; i < d.length; i++) if (d[i] === arg) return i;
      if (typeof arg !== 'object') return -1;
    }
    let lo = 0,
      hi = d.length - 1;
    try {
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const c = compare(d[mid], arg);
        if (c === 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
      }
    } catch (e) {
      // A key TLC cannot compare with the domain is not in it; apply() raises TLC's error.
      if (!(e instanceof EvalError)) throw e;
    }
    return -1;
  }
  apply(arg: Value): Value {
    const i = this.indexOf(arg);
    if (i < 0) throw this.missing(arg);
    return this.vals[i];
  }

  /** TLC's error for applying this function to `arg` outside its domain. */
  private missing(arg: Value): EvalError {
    if (this.record) {
      if (!(arg instanceof StrValue)) {
        return new EvalError(
          `Attempted to access record by a non-string argument: ${printHook(arg)}`,
          'type',
        ).explain({
          code: 'TLA408',
          summary: `a record applied to ${kindName(arg)} ${printHook(arg)}, not to a string`,
          values: [
            { name: 'record', value: printHook(this) },
            { name: 'argument', value: printHook(arg) },
          ],
        });
      }
      return domainError(this, arg);
    }
    // TLC looks the argument up in the domain, linearly in a small one: a key of another kind
    // raises its equality error before the search ends.
    const d = this.dom;
    if (d.length <= 32) {
      for (const k of d) if (equals(k, arg)) break;
    } else {
      let lo = 0,
        hi = d.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const c = compare(arg, d[mid]);
        if (c === 0) break;
        if (c < 0) hi = mid;
        else lo = mid + 1;
      }
    }
    return domainError(this, arg);
  }
  inDomain(arg: Value): boolean {
    return this.indexOf(arg) >= 0;
  }
  domain(): SetValue {
    return new EnumSet(this.dom);
  }
  explicit(): FcnValue {
    return this;
  }
  /** Whether every domain element is a string, so TLC prints it as a record. */
  isRecord(): boolean {
    return this.dom.length > 0 && this.dom.every((d) => d instanceof StrValue);
  }
}

/**
 * Builds the function mapping `dom[i]` to `vals[i]` in canonical shape. `dom` must be sorted
 * and duplicate-free (as the elements of an {@link EnumSet} are).
 */
export function fcnFromSorted(
  dom: readonly Value[],
  vals: readonly Value[],
  record = false,
): TupleValue | FcnValue {
  let isTuple = true;
  for (let i = 0; i < dom.length; i++) {
    if (dom[i] !== i + 1) {
      isTuple = false;
      break;
    }
  }
  return isTuple ? new TupleValue(vals) : new FcnValue(dom, vals, record);
}

/**
 * Builds a function from unsorted pairs; later pairs do not override earlier ones. The keys are
 * sorted as TLC sorts a domain, raising its error for keys it cannot compare.
 */
export function fcnFromPairs(pairs: Array<[Value, Value]>, record = false): TupleValue | FcnValue {
  let sorted: Array<[Value, Value]>;
  if (elementShape(pairs.map((p) => p[0])) === UNSAFE) {
    sorted = tlcSortBy(pairs, (p) => p[0]);
  } else {
    pairs.sort((p, q) => compare(p[0], q[0]));
    sorted = [];
    for (const p of pairs) {
      if (sorted.length === 0 || compare(sorted[sorted.length - 1][0], p[0]) !== 0) sorted.push(p);
    }
  }
  return fcnFromSorted(
    sorted.map((p) => p[0]),
    sorted.map((p) => p[1]),
    record,
  );
}

/** Builds a record from field names and values (any order). */
export function recordOf(fields: Array<[string, Value]>): TupleValue | FcnValue {
  return fcnFromPairs(
    fields.map(([k, v]) => [str(k), v]),
    true,
  );
}

// ---------------------------------------------------------------------------------------------
// Kinds, order and equality.

/** The kind of a value. */
export function kindOf(v: Value): Kind {
  switch (typeof v) {
    case 'boolean':
      return Kind.Bool;
    case 'number':
      return Kind.Int;
    default:
      return v.kind;
  }
}

/** The name of a value's kind, as used in error messages. */
export function kindName(v: Value): string {
  switch (kindOf(v)) {
    case Kind.Bool:
      return 'boolean';
    case Kind.Int:
      return 'integer';
    case Kind.Str:
      return 'string';
    case Kind.Model:
      return 'model value';
    case Kind.Set:
      return 'set';
    case Kind.Fcn:
      return isRecordValue(v) ? 'record' : 'function';
  }
}

/** Whether TLC holds `v` as a RecordValue (built as a record), not as another function. */
function isRecordValue(v: Value): boolean {
  return v instanceof FcnValue && v.record;
}

/**
 * The error of a comparison TLC refuses, worded as TLC words it (the receiver of TLC's
 * `compareTo` or `equals`, `a`, decides the wording).
 */
function refusal(message: string, a: Value, b: Value): EvalError {
  return new EvalError(message, 'type').explain({
    code: 'TLA408',
    summary: `TLC cannot compare ${kindName(a)} ${short(a)} with ${kindName(b)} ${short(b)}`,
    values: [
      { name: 'left', value: printHook(a) },
      { name: 'right', value: printHook(b) },
    ],
    hint: COMPARE_HINT,
  });
}

const COMPARE_HINT =
  'TLC compares values only of the same kind (an untyped model value excepted): keep what = compares, the elements of a set, and the fields of records that can meet in one set of one kind';

function short(v: Value): string {
  const text = printHook(v);
  return text.length <= 60 ? text : text.slice(0, 57) + '...';
}

/** A value that is not a model value meets model value `m` in a comparison: TLC lets `m` decide. */
function modelValueCompareTo(m: ModelValue, other: Value): number {
  if (m.type !== 0) {
    throw refusal(
      `Attempted to compare the typed model value ${m.name} and the non-model value\n${printHook(other)}`,
      m,
      other,
    );
  }
  return 1;
}

function modelValueEquals(m: ModelValue, other: Value): boolean {
  if (m.type !== 0) {
    throw refusal(
      `Attempted to check equality of the typed model value ${m.name} and the non-model value\n${printHook(other)}`,
      m,
      other,
    );
  }
  return false;
}

/**
 * TLC's canonical order, `a.compareTo(b)`: integers ascending, FALSE before TRUE, strings and
 * model values by interning order, sets by cardinality then element-wise, functions by domain
 * size, then domain, then values (records: field names, then values). Values of different kinds
 * are an error, worded by the kind of `a`, except that an untyped model value is smaller than
 * any other value; a typed one compares only with model values of its type or untyped ones. A
 * tuple compares with any function as a function, but a record (unless empty) only with records.
 */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  switch (typeof a) {
    case 'number':
      return typeof b === 'number' ? a - b : compareKinds(a, b);
    case 'boolean':
      return typeof b === 'boolean' ? (a ? 1 : -1) : compareKinds(a, b);
  }
  switch (a.kind) {
    case Kind.Str:
      return b instanceof StrValue ? a.id - b.id : compareKinds(a, b);
    case Kind.Model:
      return compareModelValue(a, b);
    case Kind.Set:
      return b instanceof SetValue ? compareSets(a, b) : compareKinds(a, b);
    case Kind.Fcn:
      return b instanceof FcnLike ? compareFcns(a, b) : compareKinds(a, b);
  }
}

/**
 * `a.compareTo(b)` for `b` of another kind than `a` (not a model value): only a model value `b`
 * answers; otherwise TLC's refusal, worded by `a`'s kind. Kept out of {@link compare}, whose
 * common paths stay small.
 */
function compareKinds(a: Exclude<Value, ModelValue>, b: Value): number {
  if (b instanceof ModelValue) return modelValueCompareTo(b, a);
  const x = printHook(a),
    y = printHook(b);
  let message: string;
  if (typeof a === 'number') message = `Attempted to compare integer ${x} with non-integer:\n${y}`;
  else if (typeof a === 'boolean')
    message = `Attempted to compare boolean ${x} with non-boolean:\n${y}`;
  else if (a instanceof StrValue)
    message = `Attempted to compare string ${x} with non-string:\n${y}`;
  else if (a instanceof SetValue)
    message = `Attempted to compare the set ${x} with the value:\n${y}`;
  else if (isRecordValue(a.explicit()))
    message = `Attempted to compare record:\n${x}\nwith non-record\n${y}`;
  else message = `Attempted to compare the function ${x} with the value:\n${y}`;
  throw refusal(message, a, b);
}

function compareModelValue(a: ModelValue, b: Value): number {
  if (a.type === 0) return b instanceof ModelValue ? a.id - b.id : -1;
  if (b instanceof ModelValue) {
    if (b.type === a.type || b.type === 0) return a.id - b.id;
    throw refusal(
      `Attempted to compare the differently-typed model values ${a.name} and ${b.name}`,
      a,
      b,
    );
  }
  throw refusal(
    `Attempted to compare the typed model value ${a.name} and non-model value\n${printHook(b)}`,
    a,
    b,
  );
}

function finiteElems(s: SetValue): readonly Value[] {
  return s.toEnum().elems;
}

function compareSets(a: SetValue, b: SetValue): number {
  if (!a.isFinite() || !b.isFinite()) {
    if (sameInfinite(a, b)) return 0;
    throw new EvalError(
      `Attempted to compare ${a.describe()} with ${b.describe()}: infinite sets cannot be compared.`,
      'type',
    );
  }
  const ea = finiteElems(a),
    eb = finiteElems(b);
  if (ea.length !== eb.length) return ea.length - eb.length;
  for (let i = 0; i < ea.length; i++) {
    const c = compare(ea[i], eb[i]);
    if (c !== 0) return c;
  }
  return 0;
}

let sameInfinite: (a: SetValue, b: SetValue) => boolean = () => false;
/** Installed by sets.ts: decides equality of two infinite sets it can recognise (Nat = Nat). */
export function setSameInfiniteHook(f: (a: SetValue, b: SetValue) => boolean): void {
  sameInfinite = f;
}

/** Whether every key of `f` is a string, so that TLC can read it as a record. */
function stringKeyed(f: TupleValue | FcnValue): boolean {
  if (f instanceof TupleValue) return f.elems.length === 0;
  // A record built as one needs no look at its keys (records are compared often).
  return f.record || f.isRecord();
}

function compareFcns(fa: FcnLike, fb: FcnLike): number {
  const a = fa.explicit(),
    b = fb.explicit();
  if (a instanceof FcnValue) {
    if (b instanceof FcnValue && (a.dom === b.dom || !a.record || stringKeyed(b))) {
      const da = a.dom,
        db = b.dom;
      if (da.length !== db.length) return da.length - db.length;
      // Records built by one record expression share their domain array.
      if (da !== db) {
        for (let i = 0; i < da.length; i++) {
          const c = compare(da[i], db[i]);
          if (c !== 0) return c;
        }
      }
      return compareValues(a.vals, b.vals);
    }
  } else if (b instanceof TupleValue) {
    if (a.elems.length !== b.elems.length) return a.elems.length - b.elems.length;
    return compareValues(a.elems, b.elems);
  }
  return compareOtherFcns(a, b);
}

/**
 * A tuple against another function, or a record against a non-record. TLC compares a tuple with
 * any function as the function on 1..n it is; a record (unless empty) only with records.
 */
function compareOtherFcns(a: TupleValue | FcnValue, b: TupleValue | FcnValue): number {
  if (a instanceof TupleValue) {
    const f = b as FcnValue;
    if (a.elems.length !== f.dom.length) return a.elems.length - f.dom.length;
    for (let i = 0; i < f.dom.length; i++) {
      const d = f.dom[i];
      if (typeof d !== 'number') {
        throw refusal(`Attempted to compare integer with non-integer:\n${printHook(d)}.`, i + 1, d);
      }
      if (d !== i + 1) return i + 1 - d;
    }
    return compareValues(a.elems, f.vals);
  }
  if (a.record && !stringKeyed(b)) {
    throw refusal(
      `Attempted to compare record:\n${printHook(a)}\nwith non-record\n${printHook(b)}`,
      a,
      b,
    );
  }
  const t = b as TupleValue;
  if (a.dom.length !== t.elems.length) return a.dom.length - t.elems.length;
  for (let i = 0; i < a.dom.length; i++) {
    const d = a.dom[i];
    if (typeof d !== 'number') {
      throw refusal(`Attempted to compare integer with non-integer\n${printHook(d)}.`, d, i + 1);
    }
    if (d !== i + 1) return d - (i + 1);
  }
  return compareValues(a.vals, t.elems);
}

function compareValues(va: readonly Value[], vb: readonly Value[]): number {
  for (let i = 0; i < va.length; i++) {
    const c = compare(va[i], vb[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * TLA+ equality as TLC decides it, `a.equals(b)`: values of different kinds are an error, worded
 * by the kind of `a`, except that an untyped model value is unequal to any other value (a typed
 * one may only meet model values of its type or untyped ones). Records with different fields,
 * sets of different sizes and tuples of different lengths are unequal without comparing their
 * elements; otherwise elements are compared in order and the first difference decides.
 */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  switch (typeof a) {
    case 'number':
      return typeof b === 'number' ? false : equalsKinds(a, b);
    case 'boolean':
      return typeof b === 'boolean' ? false : equalsKinds(a, b);
  }
  switch (a.kind) {
    case Kind.Str:
      // Interned: two strings are equal only when identical.
      return b instanceof StrValue ? false : equalsKinds(a, b);
    case Kind.Model:
      return equalsModelValue(a, b);
    case Kind.Set:
      return b instanceof SetValue ? equalSets(a, b) : equalsKinds(a, b);
    case Kind.Fcn:
      return b instanceof FcnLike ? equalFcns(a, b) : equalsKinds(a, b);
  }
}

/** `a.equals(b)` for `b` of another kind than `a` (not a model value), as in {@link compareKinds}. */
function equalsKinds(a: Exclude<Value, ModelValue>, b: Value): boolean {
  if (b instanceof ModelValue) return modelValueEquals(b, a);
  const x = printHook(a),
    y = printHook(b);
  let message: string;
  if (typeof a === 'number')
    message = `Attempted to check equality of integer ${x} with non-integer:\n${y}`;
  else if (typeof a === 'boolean')
    message = `Attempted to compare equality of boolean ${x} with non-boolean:\n${y}`;
  else if (a instanceof StrValue)
    message = `Attempted to check equality of string ${x} with non-string:\n${y}`;
  else if (a instanceof SetValue)
    message = `Attempted to check equality of the set ${x} with the value:\n${y}`;
  else if (isRecordValue(a.explicit()))
    message = `Attempted to check equality of record:\n${x}\nwith non-record\n${y}`;
  else message = `Attempted to check equality of the function ${x} with the value:\n${y}`;
  throw refusal(message, a, b);
}

function equalsModelValue(a: ModelValue, b: Value): boolean {
  if (a.type === 0) return false; // interned: a model value equals only itself
  if (b instanceof ModelValue) {
    if (b.type === a.type || b.type === 0) return false;
    throw refusal(
      `Attempted to check equality of the differently-typed model values ${a.name} and ${b.name}`,
      a,
      b,
    );
  }
  throw refusal(
    `Attempted to check equality of typed model value ${a.name} and non-model value\n${printHook(b)}`,
    a,
    b,
  );
}

/** Unequal hashes prove inequality only when comparing the two cannot raise an error. */
function unequalByHash(
  a: Hashed & { shapeCache: Shape | undefined },
  b: Hashed & { shapeCache: Shape | undefined },
): boolean {
  const sa = a.shapeCache,
    sb = b.shapeCache;
  if (sa === undefined || sb === undefined || join(sa, sb) === UNSAFE) return false;
  return a.h1 !== b.h1 || a.h2 !== b.h2;
}

function equalSets(a: SetValue, b: SetValue): boolean {
  if (!a.isFinite() || !b.isFinite()) return compareSets(a, b) === 0;
  const x = a.toEnum(),
    y = b.toEnum();
  if (x.elems.length !== y.elems.length) return false;
  if (unequalByHash(x, y)) return false;
  for (let i = 0; i < x.elems.length; i++) if (!equals(x.elems[i], y.elems[i])) return false;
  return true;
}

function equalFcns(fa: FcnLike, fb: FcnLike): boolean {
  const a = fa.explicit(),
    b = fb.explicit();
  if (a instanceof FcnValue) {
    if (b instanceof FcnValue && (a.dom === b.dom || !a.record || stringKeyed(b))) {
      if (a.dom.length !== b.dom.length) return false;
      if (unequalByHash(a, b)) return false;
      if (a.dom !== b.dom) {
        for (let i = 0; i < a.dom.length; i++) if (!equals(a.dom[i], b.dom[i])) return false;
      }
      return equalValues(a.vals, b.vals);
    }
  } else if (b instanceof TupleValue) {
    if (a.elems.length !== b.elems.length) return false;
    if (unequalByHash(a, b)) return false;
    return equalValues(a.elems, b.elems);
  }
  return equalOtherFcns(a, b);
}

/** {@link compareOtherFcns} for equality. */
function equalOtherFcns(a: TupleValue | FcnValue, b: TupleValue | FcnValue): boolean {
  if (a instanceof FcnValue && a.record && !stringKeyed(b)) {
    throw refusal(
      `Attempted to check equality of record:\n${printHook(a)}\nwith non-record\n${printHook(b)}`,
      a,
      b,
    );
  }
  const [t, f] = a instanceof TupleValue ? [a, b as FcnValue] : [b as TupleValue, a];
  if (t.elems.length !== f.dom.length) return false;
  for (let i = 0; i < f.dom.length; i++) {
    const d = f.dom[i];
    if (typeof d !== 'number') {
      const [x, y] = a === t ? [i + 1, d] : [d, i + 1];
      throw refusal(`Attempted to compare an integer with non-integer:\n${printHook(d)}.`, x, y);
    }
    if (d !== i + 1) return false;
  }
  return a === t ? equalValues(t.elems, f.vals) : equalValues(f.vals, t.elems);
}

function equalValues(va: readonly Value[], vb: readonly Value[]): boolean {
  for (let i = 0; i < va.length; i++) if (!equals(va[i], vb[i])) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Hashes.

/** First 32-bit lane of a value's fingerprint. */
export function hash1(v: Value): number {
  switch (typeof v) {
    case 'number':
      return fmix32(v ^ SEED1);
    case 'boolean':
      return v ? 0x6b43a9b5 : 0x1f3d5b79;
    default:
      return hashedForm(v).h1;
  }
}

/** Second 32-bit lane of a value's fingerprint. */
export function hash2(v: Value): number {
  switch (typeof v) {
    case 'number':
      return fmix32(Math.imul(v, 0x9e3779b1) ^ SEED2);
    case 'boolean':
      return v ? 0x2545f491 : 0x4f1bbcdd;
    default:
      return hashedForm(v).h2;
  }
}

function hashedForm(v: StrValue | ModelValue | SetValue | FcnLike): Hashed {
  if (v instanceof StrValue || v instanceof ModelValue) return v;
  if (v instanceof SetValue) {
    // Fingerprinting sorts every set in the value, as TLC does; a set TLC cannot sort fails here.
    if (v instanceof UnsortedSet) throw v.error();
    if (!v.isFinite()) {
      throw new EvalError(`Attempted to fingerprint ${v.describe()}, an infinite set.`, 'type');
    }
    return v.fingerprintForm();
  }
  return v.explicit();
}

/**
 * Sorts every set inside `v`, as TLC does before printing a value (its toString normalises):
 * a set TLC cannot sort raises its error here.
 */
export function normaliseDeep(v: Value): void {
  if (typeof v !== 'object') return;
  if (v instanceof UnsortedSet) throw v.error();
  if (v instanceof EnumSet) {
    v.normalise();
    for (const e of v.elems) normaliseDeep(e);
  } else if (v instanceof FcnLike) {
    const f = v.explicit();
    if (f instanceof TupleValue) f.elems.forEach(normaliseDeep);
    else {
      f.dom.forEach(normaliseDeep);
      f.vals.forEach(normaliseDeep);
    }
  }
}

/** Fingerprint of a state (its variables' values in declaration order), as two 32-bit halves. */
export function fingerprint(vars: readonly Value[], out: Int32Array): void {
  let a = SEED1,
    b = SEED2;
  for (const v of vars) {
    a = mix32(a, hash1(v));
    b = mix32(b, hash2(v));
  }
  out[0] = fmix32(a ^ vars.length);
  out[1] = fmix32(b ^ vars.length);
}

// ---------------------------------------------------------------------------------------------
// Small helpers used throughout the evaluator.

/** Whether `v` is a set. */
export function isSet(v: Value): v is SetValue {
  return v instanceof SetValue;
}
/** Whether `v` is a function (including tuples and records). */
export function isFcn(v: Value): v is FcnLike {
  return v instanceof FcnLike;
}

// ---------------------------------------------------------------------------------------------
// Shapes: which values TLC can compare with which.

/**
 * A shape describes a family of values that can all be compared (and tested for equality) with
 * each other without TLC raising an error: integers; booleans; strings; model values of one
 * type; sets whose elements share a shape; functions grouped by what TLC compares first (records
 * by their field names, then field by field; tuples by length, then position by position; other
 * functions by size, then domain, then values). Untyped model values and empty sets compare with
 * anything and have the least shape. UNSAFE is the shape of a family where some comparison may
 * raise, or of a value holding a set TLC cannot sort.
 *
 * Shapes let the common case stay fast: a set whose elements share a shape is sorted with our
 * comparator, since no comparison can fail, and gives TLC's order whatever the order of the
 * comparisons. Only a set that mixes shapes is sorted the way TLC sorts it (tlcSort), because
 * then which pairs are compared decides whether TLC raises an error.
 */
export class Shape {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly parts: ShapeParts,
  ) {}
}

export type ShapeParts =
  | { t: 'least' | 'int' | 'bool' | 'str' | 'unsafe' }
  | { t: 'typed'; type: number }
  | { t: 'set'; elem: Shape }
  | { t: 'fcn'; fam: FcnFamilies };

/** Functions that may meet, grouped by what TLC compares before their values. */
export interface FcnFamilies {
  /** Records (and other string-keyed functions) by field names: the shapes of their fields. */
  readonly recs: ReadonlyMap<string, readonly Shape[]>;
  /** Tuples of up to LONG elements, by length: the shapes of their positions. */
  readonly tups: ReadonlyMap<number, readonly Shape[]>;
  /** Longer tuples, all lengths together: the shape of their elements. */
  readonly long: Shape | undefined;
  /** Other functions by size: the shapes of their keys and of their values. */
  readonly fcns: ReadonlyMap<number, readonly [Shape, Shape]>;
  /** Whether the empty function is among them. */
  readonly empty: boolean;
  /** Whether a record built as one (TLC's RecordValue) is among them. */
  readonly rcd: boolean;
}

const LONG = 16;

let shapeIds = 0;
let shapes = new Map<string, Shape>();
let joins = new Map<number, Shape>();

function shapeOfKey(key: string, parts: () => ShapeParts): Shape {
  let s = shapes.get(key);
  if (s === undefined) {
    s = new Shape(shapeIds++, key, parts());
    shapes.set(key, s);
  }
  return s;
}

const LEAST = shapeOfKey('m', () => ({ t: 'least' }));
/** The shape of no value (the join of none): compares with everything. */
export const NO_SHAPE = LEAST;
const INT = shapeOfKey('i', () => ({ t: 'int' }));
const BOOL = shapeOfKey('b', () => ({ t: 'bool' }));
const STR = shapeOfKey('s', () => ({ t: 'str' }));
/** The shape of values some of which TLC may refuse to compare. */
export const UNSAFE = shapeOfKey('U', () => ({ t: 'unsafe' }));
const FIXED = [LEAST, INT, BOOL, STR, UNSAFE];

function resetShapes(): void {
  // Shapes name record fields by text, not by interning position, so they stay valid; only the
  // memo of joins is bounded here.
  if (joins.size > 100_000) joins = new Map();
  if (shapes.size > 100_000) {
    shapes = new Map(FIXED.map((s) => [s.key, s]));
    joins = new Map();
    tupleShapes = new Map();
    recordShapes = new WeakMap();
  }
}

function typedShape(type: number): Shape {
  return shapeOfKey(`t${type}`, () => ({ t: 'typed', type }));
}

function setShape(elem: Shape): Shape {
  if (elem === UNSAFE) return UNSAFE;
  return shapeOfKey(`S${elem.id}`, () => ({ t: 'set', elem }));
}

const EMPTY_FAMILIES: FcnFamilies = {
  recs: new Map(),
  tups: new Map(),
  long: undefined,
  fcns: new Map(),
  empty: false,
  rcd: false,
};

function fcnShape(fam: FcnFamilies): Shape {
  // A record TLC holds as a RecordValue refuses every non-empty function that is not a record;
  // tuples and other functions of one size compare their keys, which mix integers and strings.
  const others = fam.tups.size > 0 || fam.long !== undefined || fam.fcns.size > 0;
  if (fam.recs.size > 0 && others) return UNSAFE;
  for (const n of fam.fcns.keys()) {
    if (fam.tups.has(n) || (n > LONG && fam.long !== undefined)) return UNSAFE;
  }
  const parts: string[] = [];
  for (const [sig, fields] of fam.recs) {
    if (fields.includes(UNSAFE)) return UNSAFE;
    parts.push(`r${sig}:${shapeIdList(fields)}`);
  }
  for (const [n, elems] of fam.tups) {
    if (elems.includes(UNSAFE)) return UNSAFE;
    parts.push(`p${n}:${shapeIdList(elems)}`);
  }
  if (fam.long === UNSAFE) return UNSAFE;
  if (fam.long) parts.push(`L${fam.long.id}`);
  for (const [n, [d, r]] of fam.fcns) {
    if (d === UNSAFE || r === UNSAFE) return UNSAFE;
    parts.push(`f${n}:${d.id}.${r.id}`);
  }
  parts.sort();
  const key = `F${fam.empty ? 'e' : ''}${fam.rcd ? 'R' : ''}|${parts.join('|')}`;
  return shapeOfKey(key, () => ({ t: 'fcn', fam }));
}

/** The least shape both `a` and `b` fit, or UNSAFE. */
export function join(a: Shape, b: Shape): Shape {
  if (a === b) return a;
  if (a === LEAST) return b;
  if (b === LEAST) return a;
  if (a === UNSAFE || b === UNSAFE) return UNSAFE;
  const memoKey = a.id < b.id ? a.id * 0x100000 + b.id : b.id * 0x100000 + a.id;
  let j = joins.get(memoKey);
  if (j === undefined) {
    j = joinParts(a.parts, b.parts);
    joins.set(memoKey, j);
  }
  return j;
}

function joinParts(a: ShapeParts, b: ShapeParts): Shape {
  if (a.t === 'set' && b.t === 'set') return setShape(join(a.elem, b.elem));
  if (a.t === 'fcn' && b.t === 'fcn') {
    const x = a.fam,
      y = b.fam;
    const recs = new Map(x.recs);
    for (const [sig, fields] of y.recs) {
      const f = recs.get(sig);
      recs.set(sig, f ? f.map((s, i) => join(s, fields[i])) : fields);
    }
    const tups = new Map(x.tups);
    for (const [n, elems] of y.tups) {
      const t = tups.get(n);
      tups.set(n, t ? t.map((s, i) => join(s, elems[i])) : elems);
    }
    const fcns = new Map(x.fcns);
    for (const [n, [d, r]] of y.fcns) {
      const f = fcns.get(n);
      fcns.set(n, f ? [join(f[0], d), join(f[1], r)] : [d, r]);
    }
    const long = x.long && y.long ? join(x.long, y.long) : (x.long ?? y.long);
    return fcnShape({
      recs,
      tups,
      long,
      fcns,
      empty: x.empty || y.empty,
      rcd: x.rcd || y.rcd,
    });
  }
  return UNSAFE;
}

/** The shape of a value. */
export function shapeOf(v: Value): Shape {
  switch (typeof v) {
    case 'number':
      return INT;
    case 'boolean':
      return BOOL;
  }
  if (v instanceof TupleValue) {
    // Not cached on the empty tuple, a shared constant that tests compare structurally.
    return v.elems.length === 0 ? fcnValueShape(v) : (v.shapeCache ??= fcnValueShape(v));
  }
  if (v instanceof FcnValue) return (v.shapeCache ??= fcnValueShape(v));
  if (v instanceof StrValue) return STR;
  if (v instanceof ModelValue) return v.type === 0 ? LEAST : typedShape(v.type);
  if (v instanceof EnumSet) return (v.shapeCache ??= setShape(elementShape(v.elems)));
  if (v instanceof SetValue) {
    const known = v.knownElementShape();
    if (known !== undefined) return setShape(known);
    if (v instanceof UnsortedSet || !v.isFinite()) return UNSAFE;
    return shapeOf(v.toEnum());
  }
  const f = v.explicit();
  if (f.shapeCache !== undefined) return f.shapeCache;
  return (f.shapeCache = fcnValueShape(f));
}

/**
 * The shape of one function. Most are tuples and records whose shape exists already: its key,
 * the one fcnShape would make for a single family, is built directly and looked up.
 */
function fcnValueShape(f: TupleValue | FcnValue): Shape {
  if (f instanceof TupleValue) {
    const n = f.elems.length;
    if (n === 0 || n > LONG) return tupleShapeOf(f.elems.map(shapeOf));
    return positionalShape(tupleShapes, n, f.elems, tupleShapeOf);
  }
  if (f.isRecord()) {
    const rcd = f.record;
    let byFields = recordShapes.get(f.dom);
    if (byFields === undefined) recordShapes.set(f.dom, (byFields = [new Map(), new Map()]));
    return positionalShape(byFields[rcd ? 1 : 0], 0, f.vals, (fields) =>
      recordShapeOf(f.dom, fields, rcd),
    );
  }
  return fcnShape({
    ...EMPTY_FAMILIES,
    fcns: new Map([[f.dom.length, [elementShape(f.dom), elementShape(f.vals)] as const]]),
  });
}

/** The shape of tuples whose elements have these shapes. */
function tupleShapeOf(elems: Shape[]): Shape {
  const n = elems.length;
  if (n === 0) return fcnShape({ ...EMPTY_FAMILIES, empty: true });
  if (n > LONG) return fcnShape({ ...EMPTY_FAMILIES, long: elems.reduce(join, LEAST) });
  if (elems.includes(UNSAFE)) return UNSAFE;
  return shapeOfKey(`F|p${n}:${shapeIdList(elems)}`, () => ({
    t: 'fcn',
    fam: { ...EMPTY_FAMILIES, tups: new Map([[n, elems]]) },
  }));
}

/** The shape of records with fields `dom` whose values have these shapes. */
function recordShapeOf(dom: readonly Value[], fields: Shape[], rcd: boolean): Shape {
  if (fields.includes(UNSAFE)) return UNSAFE;
  const sig = signature(dom);
  return shapeOfKey(`F${rcd ? 'R' : ''}|r${sig}:${shapeIdList(fields)}`, () => ({
    t: 'fcn',
    fam: { ...EMPTY_FAMILIES, recs: new Map([[sig, fields]]), rcd },
  }));
}

/**
 * Shapes of tuples and records by the shapes of their elements, as a trie on shape ids: fresh
 * tuples (`<<x, y>> \\in S` makes one per evaluation) find their shape without building a key.
 */
interface ShapeTrie {
  shape?: Shape;
  next?: Map<number, ShapeTrie>;
}
let tupleShapes = new Map<number, ShapeTrie>();
let recordShapes = new WeakMap<
  readonly Value[],
  [Map<number, ShapeTrie>, Map<number, ShapeTrie>]
>();

function positionalShape(
  root: Map<number, ShapeTrie>,
  first: number,
  values: readonly Value[],
  make: (shapes: Shape[]) => Shape,
): Shape {
  let node = root.get(first);
  if (node === undefined) root.set(first, (node = {}));
  for (let i = 0; i < values.length; i++) {
    const s = shapeOf(values[i]);
    if (s === UNSAFE) return UNSAFE;
    node.next ??= new Map();
    let child: ShapeTrie | undefined = node.next.get(s.id);
    if (child === undefined) node.next.set(s.id, (child = {}));
    node = child;
  }
  if (node.shape === undefined) {
    const shapes = positionShapes(values);
    node.shape = shapes === undefined ? UNSAFE : make(shapes);
  }
  return node.shape;
}

/** The shapes of a tuple's elements or a record's fields, or undefined if one is UNSAFE. */
function positionShapes(values: readonly Value[]): Shape[] | undefined {
  const out = new Array<Shape>(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = shapeOf(values[i]);
    if (s === UNSAFE) return undefined;
    out[i] = s;
  }
  return out;
}

function shapeIdList(shapes: readonly Shape[]): string {
  let key = '';
  for (let i = 0; i < shapes.length; i++) key += (i === 0 ? '' : '.') + shapes[i].id;
  return key;
}

const signatures = new WeakMap<readonly Value[], string>();

/** The field names of a record, as text (stable across renumbering of strings). */
function signature(dom: readonly Value[]): string {
  let s = signatures.get(dom);
  if (s === undefined) {
    s = dom.map((d) => (d as StrValue).text).join('\u0001');
    signatures.set(dom, s);
  }
  return s;
}

/**
 * Whether `v` certainly fits shape `s` (its shape joined with `s` is `s`), found without
 * computing `v`'s shape: a fresh record tested for membership in a set of its kind (`m \\in msgs`)
 * costs no allocation. False means only "not known".
 */
function fits(v: Value, s: Shape): boolean {
  switch (typeof v) {
    case 'number':
      return s === INT;
    case 'boolean':
      return s === BOOL;
  }
  if (v instanceof StrValue) return s === STR;
  if (v instanceof ModelValue) {
    if (v.type === 0) return s !== UNSAFE;
    return s.parts.t === 'typed' && s.parts.type === v.type;
  }
  if (!(v instanceof TupleValue || v instanceof FcnValue)) return false;
  if (v.shapeCache !== undefined) return v.shapeCache === s;
  const p = s.parts;
  if (p.t !== 'fcn') return false;
  if (v instanceof TupleValue) {
    const n = v.elems.length;
    if (n === 0) return p.fam.empty;
    if (n > LONG) return false;
    const positions = p.fam.tups.get(n);
    return positions !== undefined && allFit(v.elems, positions);
  }
  if (v.record ? !p.fam.rcd : !v.isRecord()) return false;
  const fields = p.fam.recs.get(signature(v.dom));
  return fields !== undefined && allFit(v.vals, fields);
}

function allFit(values: readonly Value[], shapes: readonly Shape[]): boolean {
  for (let i = 0; i < values.length; i++) if (!fits(values[i], shapes[i])) return false;
  return true;
}

/** The least shape all of `values` fit, or UNSAFE. */
export function elementShape(values: readonly Value[]): Shape {
  let s = LEAST;
  for (const v of values) {
    s = join(s, shapeOf(v));
    if (s === UNSAFE) break;
  }
  return s;
}

/** The shape every element of `s` fits. */
export function setElementShape(s: SetValue): Shape {
  const set = shapeOf(s);
  return set.parts.t === 'set' ? set.parts.elem : set === UNSAFE ? UNSAFE : LEAST;
}

/**
 * Gives each of `fcns` (functions on the keys `dom`, their value at each key drawn from a set
 * whose elements fit `positions[i]`, as the elements of [S -> T], [a : S] and S \X T are) the
 * shape they all fit, without examining them one by one; returns the shape of the set of them.
 */
export function presetFcnShapes(
  fcns: readonly Value[],
  dom: readonly Value[],
  positions: readonly Shape[],
  record: boolean,
): Shape {
  if (fcns.length === 0) return setShape(LEAST);
  let shape: Shape;
  if (dom.every((d, i) => d === i + 1)) shape = tupleShapeOf(positions.slice());
  else if (dom.every((d) => d instanceof StrValue))
    shape = recordShapeOf(dom, positions.slice(), record);
  else {
    shape = fcnShape({
      ...EMPTY_FAMILIES,
      fcns: new Map([[dom.length, [elementShape(dom), positions.reduce(join, LEAST)] as const]]),
    });
  }
  for (const f of fcns) {
    const e = f instanceof FcnLike ? f.explicit() : undefined;
    if (e && e.shapeCache === undefined && !(e instanceof TupleValue && e.elems.length === 0))
      e.shapeCache = shape;
  }
  return setShape(shape);
}
