/**
 * Lazily represented sets and functions: membership without enumeration, and enumeration in
 * TLC's canonical order only when the set is finite and somebody needs its elements.
 */
import { EvalError } from './errors.ts';
import {
  BOOLEAN_SET,
  EMPTY_SET,
  EnumSet,
  FcnLike,
  FcnValue,
  ModelValue,
  SetValue,
  StrValue,
  TupleValue,
  type Value,
  compare,
  domainError,
  equals,
  fcnFromSorted,
  kindName,
  presetFcnShapes,
  printed as printHook,
  setElementShape,
  setIntervalHook,
  setOf,
  setSameInfiniteHook,
} from './value.ts';

/** Enumerating a set bigger than this is almost certainly a modelling mistake. */
export const MAX_ENUMERATION = 50_000_000;

function tooLarge(what: string, n: number): EvalError {
  return new EvalError(`Attempted to enumerate ${what} with ${n} elements, which is too large.`);
}

/**
 * TLC's error for asking whether `v` is in a set it represents lazily, when `v` is of a kind
 * the set cannot hold. An untyped model value is simply not a member; a typed one is refused.
 */
function refusedMember(v: Value, message: string, untypedModelValueIsError = false): false {
  if (v instanceof ModelValue && v.type === 0 && !untypedModelValueIsError) return false;
  throw new EvalError(message, 'type').explain({
    code: 'TLA408',
    summary: `TLC cannot decide whether ${kindName(v)} ${printHook(v)} is in this set`,
    values: [{ name: 'value', value: printHook(v) }],
  });
}

/** The message TLC words for a value its integer sets cannot hold. */
function isInMessage(v: Value, where: string): string {
  return `Attempted to check if the value:\n${printHook(v)}\n${where}`;
}

/** lo..hi. */
export class IntervalSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {
    super();
  }
  contains(v: Value): boolean {
    if (typeof v === 'number') return v >= this.lo && v <= this.hi;
    return refusedMember(
      v,
      isInMessage(v, `is in the integer interval ${this.lo}..${this.hi}`),
      v instanceof ModelValue && v.type !== 0,
    );
  }
  isFinite(): boolean {
    return true;
  }
  override size(): number {
    return Math.max(0, this.hi - this.lo + 1);
  }
  toEnum(): EnumSet {
    if (this.cached) return this.cached;
    const n = this.size();
    if (n > MAX_ENUMERATION) throw tooLarge(`${this.lo}..${this.hi}`, n);
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = this.lo + i;
    this.cached = n === 0 ? EMPTY_SET : new EnumSet(out);
    return this.cached;
  }
  describe(): string {
    return `${this.lo}..${this.hi}`;
  }
}

setIntervalHook((lo, hi) => new IntervalSet(lo, hi));

abstract class InfiniteSet extends SetValue {
  isFinite(): boolean {
    return false;
  }
  toEnum(): EnumSet {
    throw new EvalError(`Attempted to enumerate ${this.describe()}, which is infinite.`);
  }
  override size(): number {
    throw new EvalError(
      `Attempted to compute the cardinality of ${this.describe()}, which is infinite.`,
    );
  }
}

/** Nat. */
export class NatSet extends InfiniteSet {
  contains(v: Value): boolean {
    if (typeof v === 'number') return v >= 0;
    return refusedMember(v, isInMessage(v, 'is an element of Nat.'));
  }
  describe(): string {
    return 'Nat';
  }
}

/** Int. */
export class IntSet extends InfiniteSet {
  contains(v: Value): boolean {
    if (typeof v === 'number') return true;
    return refusedMember(v, isInMessage(v, 'is an element of Int.'));
  }
  describe(): string {
    return 'Int';
  }
}

/** STRING. */
export class StringSet extends InfiniteSet {
  contains(v: Value): boolean {
    if (v instanceof StrValue) return true;
    return refusedMember(v, isInMessage(v, 'is an element of STRING.'));
  }
  describe(): string {
    return 'STRING';
  }
}

export const NAT = new NatSet();
export const INT = new IntSet();
export const STRING = new StringSet();
export { BOOLEAN_SET };

/** Seq(S): all finite sequences over S. */
export class SeqSet extends InfiniteSet {
  constructor(readonly base: SetValue) {
    super();
  }
  contains(v: Value): boolean {
    const t = v instanceof FcnLike ? v.explicit() : undefined;
    if (!(t instanceof TupleValue)) {
      return refusedMember(v, isInMessage(v, `is an element of ${printHook(this)}.`));
    }
    return t.elems.every((e) => this.base.contains(e));
  }
  describe(): string {
    return `Seq(${this.base.describe()})`;
  }
}

setSameInfiniteHook((a, b) => {
  if (a === b) return true;
  if (a instanceof NatSet && b instanceof NatSet) return true;
  if (a instanceof IntSet && b instanceof IntSet) return true;
  if (a instanceof StringSet && b instanceof StringSet) return true;
  if (a instanceof SeqSet && b instanceof SeqSet) return equals(a.base, b.base);
  return false;
});

/**
 * Whether a set is kept as a description (`SUBSET S`, `[S -> T]`, `S \X T`, ...) rather than as
 * its elements. A filter over such a set stays lazy too, as TLC's does: `x \in {y \in SUBSET S :
 * P(y)}` tests `x \subseteq S /\ P(x)` and never lists the subsets of S.
 */
export function isDescribedSet(s: SetValue): boolean {
  return (
    s instanceof SubsetSet ||
    s instanceof FcnSet ||
    s instanceof RecordSet ||
    s instanceof ProductSet ||
    s instanceof FilterSet
  );
}

/** SUBSET S. */
export class SubsetSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(readonly base: SetValue) {
    super();
  }
  contains(v: Value): boolean {
    if (!(v instanceof SetValue)) {
      return refusedMember(
        v,
        `Attempted to check if the non-enumerable value\n${printHook(v)}\nis element of\n${printHook(this)}`,
        true,
      );
    }
    for (const e of v.elements()) if (!this.base.contains(e)) return false;
    return true;
  }
  isFinite(): boolean {
    return this.base.isFinite();
  }
  override size(): number {
    return 2 ** this.base.size();
  }
  toEnum(): EnumSet {
    if (this.cached) return this.cached;
    const base = this.base.toEnum().elems;
    if (base.length > 24)
      throw tooLarge(`SUBSET of a ${base.length}-element set`, 2 ** base.length);
    const out: Value[] = [];
    const n = 1 << base.length;
    for (let mask = 0; mask < n; mask++) {
      const elems: Value[] = [];
      for (let i = 0; i < base.length; i++) if (mask & (1 << i)) elems.push(base[i]);
      out.push(new EnumSet(elems)); // a subsequence of a sorted array is sorted
    }
    this.cached = setOf(out);
    return this.cached;
  }
  describe(): string {
    return `SUBSET ${this.base.describe()}`;
  }
}

/** Calls `visit` with every combination of one element from each list, in lexicographic order. */
function forEachCombination(
  lists: ReadonlyArray<readonly Value[]>,
  visit: (pick: Value[]) => void,
): void {
  const k = lists.length;
  if (lists.some((l) => l.length === 0)) return;
  const idx = new Array<number>(k).fill(0);
  const pick = lists.map((l) => l[0]);
  for (;;) {
    visit(pick.slice());
    let i = k - 1;
    while (i >= 0) {
      idx[i]++;
      if (idx[i] < lists[i].length) {
        pick[i] = lists[i][idx[i]];
        break;
      }
      idx[i] = 0;
      pick[i] = lists[i][0];
      i--;
    }
    if (i < 0) return;
  }
}

function productSize(sizes: number[], what: string): number {
  let n = 1;
  for (const s of sizes) n *= s;
  if (n > MAX_ENUMERATION) throw tooLarge(what, n);
  return n;
}

/** [D -> R]. */
export class FcnSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(
    readonly dom: SetValue,
    readonly rng: SetValue,
  ) {
    super();
  }
  contains(v: Value): boolean {
    if (!(v instanceof FcnLike)) {
      return refusedMember(
        v,
        `Attempted to check if \n${printHook(v)}\nwhich is not a TLC function value, is in the set of functions:\n${printHook(this)}`,
      );
    }
    const f = v.explicit();
    if (!equals(f.domain(), this.dom)) return false;
    const vals = f instanceof TupleValue ? f.elems : f.vals;
    return vals.every((x) => this.rng.contains(x));
  }
  isFinite(): boolean {
    return this.dom.isFinite() && (this.rng.isFinite() || this.dom.size() === 0);
  }
  override size(): number {
    // [{} -> T] = {<<>>} for any T, even an infinite one (see isFinite).
    const d = this.dom.size();
    return d === 0 ? 1 : this.rng.size() ** d;
  }
  toEnum(): EnumSet {
    if (this.cached) return this.cached;
    const dom = this.dom.toEnum().elems;
    const rng = dom.length === 0 ? [] : this.rng.toEnum().elems;
    productSize(
      dom.map(() => rng.length),
      `[${this.dom.describe()} -> ${this.rng.describe()}]`,
    );
    const out: Value[] = [];
    // With the domain sorted, lexicographic order over the values is TLC's canonical order.
    forEachCombination(
      dom.map(() => rng),
      (vals) => out.push(fcnFromSorted(dom, vals)),
    );
    this.cached = new EnumSet(out);
    const elem = setElementShape(this.rng);
    this.cached.shapeCache = presetFcnShapes(
      out,
      dom,
      dom.map(() => elem),
      false,
    );
    return this.cached;
  }
  describe(): string {
    return `[${this.dom.describe()} -> ${this.rng.describe()}]`;
  }
}

/** [a : S, b : T]. `names` must be sorted in canonical (interning) order. */
export class RecordSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(
    readonly names: readonly StrValue[],
    readonly sets: readonly SetValue[],
  ) {
    super();
  }
  contains(v: Value): boolean {
    const f = v instanceof FcnLike ? v.explicit() : undefined;
    if (f === undefined || (f instanceof TupleValue && f.elems.length > 0)) {
      return refusedMember(
        v,
        `Attempted to check if non-record\n${printHook(v)}\nis in the set of records:\n${printHook(this)}`,
      );
    }
    if (!(f instanceof FcnValue) || f.dom.length !== this.names.length) return false;
    for (let i = 0; i < this.names.length; i++) {
      if (f.dom[i] !== this.names[i]) return false;
      if (!this.sets[i].contains(f.vals[i])) return false;
    }
    return true;
  }
  isFinite(): boolean {
    return this.sets.every((s) => s.isFinite());
  }
  override size(): number {
    return this.sets.reduce((n, s) => n * s.size(), 1);
  }
  toEnum(): EnumSet {
    if (this.cached) return this.cached;
    const lists = this.sets.map((s) => s.toEnum().elems);
    productSize(
      lists.map((l) => l.length),
      this.describe(),
    );
    const out: Value[] = [];
    forEachCombination(lists, (vals) => out.push(new FcnValue(this.names, vals, true)));
    this.cached = new EnumSet(out);
    this.cached.shapeCache = presetFcnShapes(out, this.names, this.sets.map(setElementShape), true);
    return this.cached;
  }
  describe(): string {
    return `[${this.names.map((n, i) => `${n.text} : ${this.sets[i].describe()}`).join(', ')}]`;
  }
}

/** S1 \X S2 \X ... (a flat product of tuples). */
export class ProductSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(readonly sets: readonly SetValue[]) {
    super();
  }
  contains(v: Value): boolean {
    const t = v instanceof FcnLike ? v.explicit() : undefined;
    if (!(t instanceof TupleValue)) {
      return refusedMember(
        v,
        `Attempted to check if non-tuple\n${printHook(v)}\nis in the set of tuples:\n${printHook(this)}`,
      );
    }
    if (t.elems.length !== this.sets.length) return false;
    return t.elems.every((e, i) => this.sets[i].contains(e));
  }
  isFinite(): boolean {
    return (
      this.sets.every((s) => s.isFinite()) || this.sets.some((s) => s.isFinite() && s.size() === 0)
    );
  }
  override size(): number {
    // An empty factor makes the product empty, even with an infinite one (see isFinite).
    if (this.sets.some((s) => s.isFinite() && s.size() === 0)) return 0;
    return this.sets.reduce((n, s) => n * s.size(), 1);
  }
  toEnum(): EnumSet {
    if (this.cached) return this.cached;
    if (this.sets.some((s) => s.isFinite() && s.size() === 0)) return (this.cached = EMPTY_SET);
    const lists = this.sets.map((s) => s.toEnum().elems);
    productSize(
      lists.map((l) => l.length),
      this.describe(),
    );
    const out: Value[] = [];
    forEachCombination(lists, (vals) => out.push(new TupleValue(vals)));
    this.cached = new EnumSet(out);
    this.cached.shapeCache = presetFcnShapes(
      out,
      this.sets.map((_, i) => i + 1),
      this.sets.map(setElementShape),
      false,
    );
    return this.cached;
  }
  describe(): string {
    return this.sets.map((s) => s.describe()).join(' \\X ');
  }
}

/** S \cup T where one side is infinite. */
export class CupSet extends SetValue {
  constructor(
    readonly a: SetValue,
    readonly b: SetValue,
  ) {
    super();
  }
  contains(v: Value): boolean {
    return this.a.contains(v) || this.b.contains(v);
  }
  isFinite(): boolean {
    return this.a.isFinite() && this.b.isFinite();
  }
  toEnum(): EnumSet {
    return setOf([...this.a.toEnum().elems, ...this.b.toEnum().elems]);
  }
  describe(): string {
    return `${this.a.describe()} \\cup ${this.b.describe()}`;
  }
}

/** S \cap T where both sides are infinite (else the evaluator filters the finite side). */
export class CapSet extends SetValue {
  constructor(
    readonly a: SetValue,
    readonly b: SetValue,
  ) {
    super();
  }
  contains(v: Value): boolean {
    return this.a.contains(v) && this.b.contains(v);
  }
  isFinite(): boolean {
    return this.a.isFinite() || this.b.isFinite();
  }
  toEnum(): EnumSet {
    const [fin, other] = this.a.isFinite() ? [this.a, this.b] : [this.b, this.a];
    return new EnumSet(fin.toEnum().elems.filter((e) => other.contains(e)));
  }
  describe(): string {
    return `${this.a.describe()} \\cap ${this.b.describe()}`;
  }
}

/** S \ T where S is infinite. */
export class DiffSet extends SetValue {
  constructor(
    readonly a: SetValue,
    readonly b: SetValue,
  ) {
    super();
  }
  contains(v: Value): boolean {
    return this.a.contains(v) && !this.b.contains(v);
  }
  isFinite(): boolean {
    return this.a.isFinite();
  }
  toEnum(): EnumSet {
    return new EnumSet(this.a.toEnum().elems.filter((e) => !this.b.contains(e)));
  }
  describe(): string {
    return `${this.a.describe()} \\ ${this.b.describe()}`;
  }
}

/** {x \in S : P(x)} over an infinite S: membership only. */
export class FilterSet extends SetValue {
  private cached: EnumSet | undefined;
  constructor(
    readonly base: SetValue,
    readonly pred: (v: Value) => boolean,
  ) {
    super();
  }
  contains(v: Value): boolean {
    if (this.cached) return this.cached.contains(v);
    return this.base.contains(v) && this.pred(v);
  }
  isFinite(): boolean {
    return this.base.isFinite();
  }
  toEnum(): EnumSet {
    this.cached ??= new EnumSet(this.base.toEnum().elems.filter((e) => this.pred(e)));
    return this.cached;
  }
  describe(): string {
    return `a subset of ${this.base.describe()}`;
  }
}

/**
 * A function computed point by point: recursive function definitions (`f[n \in Nat] == ...`)
 * and functions over infinite domains. Points are memoised, which turns naive recursive
 * definitions such as Fibonacci into linear work.
 */
export class LazyFcn extends FcnLike {
  private readonly memo = new Map<Value, Value>();
  private table: TupleValue | FcnValue | undefined;
  constructor(
    readonly dom: SetValue,
    private readonly compute: (arg: Value) => Value,
  ) {
    super();
  }
  apply(arg: Value): Value {
    const memoKey = typeof arg !== 'object' || arg instanceof StrValue || arg instanceof ModelValue;
    if (memoKey) {
      const hit = this.memo.get(arg);
      if (hit !== undefined) return hit;
    }
    if (!this.dom.contains(arg)) throw domainError(this, arg);
    const v = this.compute(arg);
    if (memoKey) this.memo.set(arg, v);
    return v;
  }
  inDomain(arg: Value): boolean {
    return this.dom.contains(arg);
  }
  domain(): SetValue {
    return this.dom;
  }
  explicit(): TupleValue | FcnValue {
    if (!this.table) {
      if (!this.dom.isFinite()) {
        throw new EvalError(
          `Attempted to enumerate a function over ${this.dom.describe()}, which is infinite.`,
        );
      }
      const dom = this.dom.toEnum().elems;
      this.table = fcnFromSorted(
        dom,
        dom.map((d) => this.apply(d)),
      );
    }
    return this.table;
  }
}

/** The kind of a set for messages: "1..3", "Nat", "a finite set". */
export function describeSet(s: SetValue): string {
  return s.describe();
}

/** Order of two values, re-exported for modules that only deal with sets. */
export { compare };
