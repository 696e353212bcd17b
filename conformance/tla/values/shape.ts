/**
 * Shapes: what the fast paths of persistent sets and their indexes must know about values to be
 * sure that comparing them cannot raise an error.
 *
 * TLC (and `compare`/`equals` here) raise an error when asked to compare values of different
 * kinds: an integer with a string, a tuple with a record of as many fields, a typed model value
 * with anything but a model value of its type. An ordinary set operation compares elements as
 * it goes, so whether it raises, and with which pair, depends on the values it happens to
 * compare. A fast path that skips those comparisons (a hash lookup) is only exact when no
 * comparison it skips could have raised. A shape over-approximates the pairs that could raise:
 * when two shapes are compatible ({@link compatible}), comparing any value of one with any value
 * of the other cannot raise. Everything else falls back to the ordinary path.
 *
 * Shapes are canonical (equal values have the same shape) except for values with a lazy part we
 * do not look into (infinite sets, lazily computed functions, lazy finite sets other than
 * intervals): those are marked `hasTop` and never take a fast path.
 *
 * Shapes and summaries (sets of shapes) are hash-consed, so compatibility is memoised per pair
 * of ids and a persistent set keeps the summary of its elements in O(1) per insert.
 *
 * The rules follow TLC's comparison order conservatively: records are compared field by field
 * in TLC (name, then value) and domain first here, so a value pair before the first differing
 * field name must be compatible too. `test/conformance/tla/values/shape.test.ts` checks on
 * random values that compatible values compare without error: if `compare` or `equals` start
 * raising in more cases, that test says which rule here must follow.
 */
import {
  EnumSet,
  FcnValue,
  ModelValue,
  SetValue,
  StrValue,
  TupleValue,
  type Value,
} from './value.ts';
import { IntervalSet } from './sets.ts';

const enum K {
  Model,
  TypedModel,
  Int,
  Bool,
  Str,
  Set,
  Fcn,
  Top,
}

/** The shape of a value: its kind, and the shapes of its parts. Hash-consed: compare by identity. */
export class Shape {
  /** For sets: the summary of the element shapes. */
  elems: Summary | undefined;
  /** For functions: number of domain elements. */
  n = 0;
  /** For functions whose domain is made of atoms: the domain (tuples: undefined, 1..n). */
  dom: readonly Value[] | undefined;
  /** For functions: the shape of the domain element and of the value at each position. */
  domShapes: readonly Shape[] = [];
  valShapes: readonly Shape[] = [];
  /** For functions: 't' for tuples, the domain's atom key, or undefined when not all atoms. */
  domKey: string | undefined;
  /** A typed model value's type letter. */
  typeLetter = '';
  /** Whether some part is lazy or unusual: such a value never takes a fast path. */
  hasTop = false;
  private selfCompat: boolean | undefined;
  constructor(
    readonly id: number,
    readonly kind: number,
  ) {}

  /** Whether two values of this shape can always be compared without an error. */
  isSelfCompatible(): boolean {
    return (this.selfCompat ??= !this.hasTop && compatible(this, this));
  }
}

/** A set of shapes (the shapes of a set's elements), hash-consed. */
export class Summary {
  private readonly joins = new Map<number, Summary>();
  private selfCompat: boolean | undefined;
  readonly hasTop: boolean;
  constructor(
    readonly id: number,
    /** Sorted by id. */
    readonly shapes: readonly Shape[],
  ) {
    this.hasTop = shapes.some((s) => s.hasTop);
  }

  private readonly compatCache = new Map<number, boolean>();

  /** Whether a value of shape `s` compares without error with every value summarised here. */
  compatibleWith(s: Shape): boolean {
    let r = this.compatCache.get(s.id);
    if (r === undefined) {
      r = true;
      for (const t of this.shapes) if (!compatible(s, t)) r = false;
      this.compatCache.set(s.id, r);
    }
    return r;
  }

  /** This summary with `s` in it. */
  with(s: Shape): Summary {
    for (const t of this.shapes) if (t === s) return this;
    let j = this.joins.get(s.id);
    if (j === undefined) {
      j = summaryOf([...this.shapes, s]);
      this.joins.set(s.id, j);
    }
    return j;
  }

  /** Whether every pair of values with shapes in this summary compares without error. */
  isSelfCompatible(): boolean {
    if (this.selfCompat === undefined) {
      let ok = !this.hasTop;
      for (let i = 0; ok && i < this.shapes.length; i++)
        for (let j = i; ok && j < this.shapes.length; j++)
          ok = compatible(this.shapes[i], this.shapes[j]);
      this.selfCompat = ok;
    }
    return this.selfCompat;
  }
}

let nextId = 0;
const shapes = new Map<string, Shape>();
const summaries = new Map<string, Summary>();

function atom(kind: number): Shape {
  return new Shape(nextId++, kind);
}
const MODEL = atom(K.Model);
const INT = atom(K.Int);
const BOOL = atom(K.Bool);
const STR = atom(K.Str);
const TOP = atom(K.Top);
TOP.hasTop = true;

/** The summary of no values. */
export const EMPTY_SUMMARY = new Summary(nextId++, []);
summaries.set('', EMPTY_SUMMARY);

function summaryOf(list: Shape[]): Summary {
  list.sort((a, b) => a.id - b.id);
  const key = list.map((s) => s.id).join(',');
  let s = summaries.get(key);
  if (s === undefined) {
    s = new Summary(nextId++, list);
    summaries.set(key, s);
  }
  return s;
}

function interned(key: string, make: (id: number) => Shape): Shape {
  let s = shapes.get(key);
  if (s === undefined) {
    s = make(nextId++);
    shapes.set(key, s);
  }
  return s;
}

function typedModel(letter: string): Shape {
  return interned(`M${letter}`, (id) => {
    const s = new Shape(id, K.TypedModel);
    s.typeLetter = letter;
    return s;
  });
}

function setShape(elems: Summary): Shape {
  return interned(`S${elems.id}`, (id) => {
    const s = new Shape(id, K.Set);
    s.elems = elems;
    s.hasTop = elems.hasTop;
    return s;
  });
}

/** The key of an atom (integer, boolean, string, model value), or undefined for other values. */
function atomKey(v: Value): string | undefined {
  switch (typeof v) {
    case 'number':
      return `i${v}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
  }
  if (v instanceof StrValue) return `s${v.id}`;
  if (v instanceof ModelValue) return `m${v.id}`;
  return undefined;
}

/**
 * Domains built by one record expression share their array, so the last one's key is kept. (A
 * WeakMap over every domain would hold an entry per message of a million-message set, and
 * weak tables that large make every garbage collection slow.)
 */
let lastDom: readonly Value[] | undefined;
let lastDomKey: string | undefined;

function domKeyOf(dom: readonly Value[]): string | undefined {
  if (dom === lastDom) return lastDomKey;
  const parts: string[] = [];
  let key: string | undefined;
  for (const d of dom) {
    const a = atomKey(d);
    if (a === undefined) {
      parts.length = 0;
      key = undefined;
      break;
    }
    parts.push(a);
  }
  if (parts.length === dom.length) key = parts.join(';');
  lastDom = dom;
  lastDomKey = key;
  return key;
}

function fcnShape(
  domKey: string | undefined,
  dom: readonly Value[] | undefined,
  domShapes: Shape[],
  valShapes: Shape[],
): Shape {
  const vals = valShapes.map((s) => s.id).join(',');
  const key =
    domKey === undefined
      ? `F${domShapes.map((s) => s.id).join(',')}|${vals}`
      : `R${domKey}|${vals}`;
  return interned(key, (id) => {
    const s = new Shape(id, K.Fcn);
    s.n = valShapes.length;
    s.domKey = domKey;
    s.dom = dom;
    s.domShapes = domShapes;
    s.valShapes = valShapes;
    s.hasTop = domShapes.some((d) => d.hasTop) || valShapes.some((d) => d.hasTop);
    return s;
  });
}

/**
 * Shapes of large values (sets, long functions) are cached; small ones are recomputed, which is
 * cheaper than keeping a weak entry for each of a million messages.
 */
const cache = new WeakMap<object, Shape>();
const CACHED_FROM = 16;

/** Something that knows the summary of its elements without enumerating them. */
export interface Summarised {
  readonly summary: Summary;
}

function isSummarised(v: SetValue): v is SetValue & Summarised {
  return (v as Partial<Summarised>).summary instanceof Summary;
}

/** The shape of a value. Walks the value once; results for sets and functions are cached. */
export function shapeOf(v: Value): Shape {
  switch (typeof v) {
    case 'number':
      return INT;
    case 'boolean':
      return BOOL;
  }
  if (v instanceof StrValue) return STR;
  if (v instanceof ModelValue) {
    // TLC types a model value named like `a_x`: it may only be compared with model values.
    const n = v.name;
    return n.length > 2 && n[1] === '_' && /[A-Za-z]/.test(n[0]) ? typedModel(n[0]) : MODEL;
  }
  const large =
    v instanceof EnumSet
      ? v.elems.length >= CACHED_FROM
      : v instanceof TupleValue
        ? v.elems.length >= CACHED_FROM
        : v instanceof FcnValue && v.dom.length >= CACHED_FROM;
  if (large) {
    const hit = cache.get(v);
    if (hit !== undefined) return hit;
  }
  let s: Shape;
  if (v instanceof EnumSet) {
    let sum = EMPTY_SUMMARY;
    for (const e of v.elems) sum = sum.with(shapeOf(e));
    s = setShape(sum);
  } else if (v instanceof SetValue) {
    if (isSummarised(v)) s = setShape(v.summary);
    else if (v instanceof IntervalSet)
      s = setShape(v.size() > 0 ? EMPTY_SUMMARY.with(INT) : EMPTY_SUMMARY);
    else s = TOP;
  } else if (v instanceof TupleValue) {
    const vals = v.elems.map(shapeOf);
    s = fcnShape(
      't',
      undefined,
      vals.map(() => INT),
      vals,
    );
  } else if (v instanceof FcnValue) {
    const dk = domKeyOf(v.dom);
    s = fcnShape(dk, dk === undefined ? undefined : v.dom, v.dom.map(shapeOf), v.vals.map(shapeOf));
  } else {
    s = TOP;
  }
  if (large) cache.set(v, s);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Compatibility.

const compatMemo = new Map<number, boolean>();
const MAX_MEMO_ID = 1 << 20;

/** Whether comparing a value of shape `a` with one of shape `b` can never raise an error. */
export function compatible(a: Shape, b: Shape): boolean {
  if (a.kind === K.Model || b.kind === K.Model) return true;
  if (a.kind === K.Top || b.kind === K.Top) return false;
  const lo = a.id < b.id ? a : b,
    hi = lo === a ? b : a;
  const memoable = hi.id < MAX_MEMO_ID;
  const key = lo.id * MAX_MEMO_ID + hi.id;
  if (memoable) {
    const hit = compatMemo.get(key);
    if (hit !== undefined) return hit;
  }
  const r = decide(lo, hi);
  if (memoable) compatMemo.set(key, r);
  return r;
}

function decide(a: Shape, b: Shape): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case K.TypedModel:
      return a.typeLetter === b.typeLetter;
    case K.Int:
    case K.Bool:
    case K.Str:
      return true;
    case K.Set:
      return summariesCompatible(a.elems!, b.elems!);
    case K.Fcn:
      return fcnsCompatible(a, b);
  }
  return false;
}

/** Sets are compared element by element after their sizes: any cross pair may be compared. */
function summariesCompatible(a: Summary, b: Summary): boolean {
  for (const x of a.shapes) for (const y of b.shapes) if (!compatible(x, y)) return false;
  return true;
}

function fcnsCompatible(a: Shape, b: Shape): boolean {
  if (a.n !== b.n) return true; // decided by the domain sizes
  // Up to the first differing domain element, both domain elements and values may be compared.
  const upTo = firstDomainDifference(a, b);
  for (let i = 0; i < a.n; i++) {
    if (i <= upTo && !compatible(a.domShapes[i], b.domShapes[i])) return false;
    if (i < upTo && !compatible(a.valShapes[i], b.valShapes[i])) return false;
  }
  return true;
}

/** The first position where the domains may differ (n when they are the same). */
function firstDomainDifference(a: Shape, b: Shape): number {
  if (a.domKey === undefined || b.domKey === undefined) return a.n; // unknown: assume the worst
  if (a.domKey === b.domKey) return a.n;
  for (let i = 0; i < a.n; i++) if (domAt(a, i) !== domAt(b, i)) return i;
  return a.n;
}

function domAt(s: Shape, i: number): Value {
  return s.dom === undefined ? i + 1 : s.dom[i];
}

/** Whether a value of shape `s` compares without error with every value summarised by `u`. */
export function compatibleWithAll(s: Shape, u: Summary): boolean {
  return u.compatibleWith(s);
}
