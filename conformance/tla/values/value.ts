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
 *   enumerated when finite and needed.
 */
import { EvalError } from './errors.ts';

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

type HashPair = readonly [number, number];
const SET_TAG = 0x5e7;
const FCN_TAG = 0xf7;

/**
 * The hash pair of a set's elements (no keys) or of a function's values with their keys. A tuple
 * hashes with keys 1..n (`'index'`), exactly as the equal function over 1..n would.
 */
function hashValues(
  tag: number,
  keys: readonly Value[] | 'index' | undefined,
  vals: readonly Value[],
): HashPair {
  let a = SEED1 ^ tag,
    b = SEED2 ^ tag;
  for (let i = 0; i < vals.length; i++) {
    if (keys !== undefined) {
      const k = keys === 'index' ? i + 1 : keys[i];
      a = mix32(a, hash1(k));
      b = mix32(b, hash2(k));
    }
    a = mix32(a, hash1(vals[i]));
    b = mix32(b, hash2(vals[i]));
  }
  return [fmix32(a ^ vals.length), fmix32(b ^ vals.length)];
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
}

/** A finite set held as a sorted array of distinct elements. */
export class EnumSet extends SetValue implements Hashed {
  private hashes: HashPair | undefined;

  /** `elems` must already be sorted and free of duplicates; use {@link setOf} otherwise. */
  constructor(readonly elems: readonly Value[]) {
    super();
  }

  get h1(): number {
    return (this.hashes ??= hashValues(SET_TAG, undefined, this.elems))[0];
  }
  get h2(): number {
    return (this.hashes ??= hashValues(SET_TAG, undefined, this.elems))[1];
  }

  contains(v: Value): boolean {
    const es = this.elems;
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
  isFinite(): boolean {
    return true;
  }
  toEnum(): EnumSet {
    return this;
  }
  override size(): number {
    return this.elems.length;
  }
  describe(): string {
    return 'a finite set';
  }
}

/** The empty set. */
export const EMPTY_SET = new EnumSet([]);
/** BOOLEAN. */
export const BOOLEAN_SET = new EnumSet([false, true]);

/** Builds a finite set from values in any order, removing duplicates. */
export function setOf(values: Value[]): EnumSet {
  if (values.length === 0) return EMPTY_SET;
  if (values.length > 1) {
    values.sort(compare);
    let w = 1;
    for (let r = 1; r < values.length; r++) {
      if (compare(values[r], values[w - 1]) !== 0) values[w++] = values[r];
    }
    values.length = w;
  }
  return new EnumSet(values);
}

// ---------------------------------------------------------------------------------------------
// Functions, tuples, records.

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
/** Installed by print.ts so that errors raised here can show values in TLA+ syntax. */
export function setPrintHook(p: (v: Value) => string): void {
  printHook = p;
}

/** A function with domain 1..n (also the empty function): a tuple or sequence. */
export class TupleValue extends FcnLike implements Hashed {
  private hashes: HashPair | undefined;
  constructor(readonly elems: readonly Value[]) {
    super();
  }
  get h1(): number {
    return (this.hashes ??= hashValues(FCN_TAG, 'index', this.elems))[0];
  }
  get h2(): number {
    return (this.hashes ??= hashValues(FCN_TAG, 'index', this.elems))[1];
  }
  apply(arg: Value): Value {
    if (typeof arg === 'number' && arg >= 1 && arg <= this.elems.length) return this.elems[arg - 1];
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
  private hashes: HashPair | undefined;
  /** `dom` sorted canonically and duplicate-free; `vals[i]` is the value at `dom[i]`. */
  constructor(
    readonly dom: readonly Value[],
    readonly vals: readonly Value[],
  ) {
    super();
  }
  get h1(): number {
    return (this.hashes ??= hashValues(FCN_TAG, this.dom, this.vals))[0];
  }
  get h2(): number {
    return (this.hashes ??= hashValues(FCN_TAG, this.dom, this.vals))[1];
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
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(d[mid], arg);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
  apply(arg: Value): Value {
    const i = this.indexOf(arg);
    if (i < 0) throw domainError(this, arg);
    return this.vals[i];
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
): TupleValue | FcnValue {
  let isTuple = true;
  for (let i = 0; i < dom.length; i++) {
    if (dom[i] !== i + 1) {
      isTuple = false;
      break;
    }
  }
  return isTuple ? new TupleValue(vals) : new FcnValue(dom, vals);
}

/** Builds a function from unsorted pairs; later pairs do not override earlier ones. */
export function fcnFromPairs(pairs: Array<[Value, Value]>): TupleValue | FcnValue {
  pairs.sort((p, q) => compare(p[0], q[0]));
  const dom: Value[] = [];
  const vals: Value[] = [];
  for (const [k, v] of pairs) {
    if (dom.length > 0 && compare(dom[dom.length - 1], k) === 0) continue;
    dom.push(k);
    vals.push(v);
  }
  return fcnFromSorted(dom, vals);
}

/** Builds a record from field names and values (any order). */
export function recordOf(fields: Array<[string, Value]>): TupleValue | FcnValue {
  return fcnFromPairs(fields.map(([k, v]) => [str(k), v]));
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
      return 'function';
  }
}

function incomparable(a: Value, b: Value): EvalError {
  return new EvalError(
    `Attempted to compare ${kindName(a)} ${printHook(a)} with ${kindName(b)} ${printHook(b)}.`,
    'type',
  );
}

/**
 * TLC's canonical order: integers ascending, FALSE before TRUE, strings and model values by
 * interning order, sets by cardinality then element-wise, functions by domain size, then
 * domain, then values. Comparing values of different kinds is an error, as in TLC, except that
 * a model value may be compared with anything (it is then smaller).
 */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ka = kindOf(a),
    kb = kindOf(b);
  if (ka !== kb) {
    if (ka === Kind.Model) return -1;
    if (kb === Kind.Model) return 1;
    throw incomparable(a, b);
  }
  switch (ka) {
    case Kind.Int:
      return (a as number) - (b as number);
    case Kind.Bool:
      return a ? 1 : -1;
    case Kind.Str:
      return (a as StrValue).id - (b as StrValue).id;
    case Kind.Model:
      return (a as ModelValue).id - (b as ModelValue).id;
    case Kind.Set:
      return compareSets(a as SetValue, b as SetValue);
    case Kind.Fcn:
      return compareFcns(a as FcnLike, b as FcnLike);
  }
}

function compareSets(a: SetValue, b: SetValue): number {
  if (!a.isFinite() || !b.isFinite()) {
    if (sameInfinite(a, b)) return 0;
    throw new EvalError(
      `Attempted to compare ${a.describe()} with ${b.describe()}: infinite sets cannot be compared.`,
      'type',
    );
  }
  const ea = a.toEnum().elems,
    eb = b.toEnum().elems;
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

function compareFcns(fa: FcnLike, fb: FcnLike): number {
  const a = fa.explicit(),
    b = fb.explicit();
  if (a instanceof TupleValue && b instanceof TupleValue) {
    if (a.elems.length !== b.elems.length) return a.elems.length - b.elems.length;
    for (let i = 0; i < a.elems.length; i++) {
      const c = compare(a.elems[i], b.elems[i]);
      if (c !== 0) return c;
    }
    return 0;
  }
  const da = a instanceof TupleValue ? tupleDomain(a) : a.dom;
  const db = b instanceof TupleValue ? tupleDomain(b) : b.dom;
  if (da.length !== db.length) return da.length - db.length;
  // Records built by one record expression share their domain array.
  if (da !== db) {
    for (let i = 0; i < da.length; i++) {
      const c = compare(da[i], db[i]);
      if (c !== 0) return c;
    }
  }
  const va = a instanceof TupleValue ? a.elems : a.vals;
  const vb = b instanceof TupleValue ? b.elems : b.vals;
  for (let i = 0; i < va.length; i++) {
    const c = compare(va[i], vb[i]);
    if (c !== 0) return c;
  }
  return 0;
}

function tupleDomain(t: TupleValue): number[] {
  return t.elems.map((_, i) => i + 1);
}

/**
 * TLA+ equality with TLC's errors: values of different kinds are an error to compare, except
 * that a model value is unequal to anything else.
 */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta !== 'object' || typeof b !== 'object') {
    if (ta === typeof b) return false; // two distinct numbers or booleans
    return compare(a, b) === 0;
  }
  const oa = a as Exclude<Value, number | boolean>;
  const ob = b as Exclude<Value, number | boolean>;
  if (oa.kind !== ob.kind) return compare(a, b) === 0;
  if (oa.kind === Kind.Str || oa.kind === Kind.Model) return false; // interned: identity
  if (hasHash(oa) && hasHash(ob) && (oa.h1 !== ob.h1 || oa.h2 !== ob.h2)) return false;
  return compare(a, b) === 0;
}

function hasHash(v: object): v is Hashed {
  return v instanceof EnumSet || v instanceof TupleValue || v instanceof FcnValue;
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
    if (!v.isFinite()) {
      throw new EvalError(`Attempted to fingerprint ${v.describe()}, an infinite set.`, 'type');
    }
    return v.toEnum();
  }
  return v.explicit();
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
