/**
 * States in a compact binary form, so that the parallel explorer's worker threads can hand
 * states to each other (each thread has its own heap: a value object cannot cross).
 *
 * A batch of states is a sequence of 32-bit words plus a table of the texts of its strings and
 * model values, each text written once per batch (record field names recur in every record).
 * Decoding rebuilds values in their canonical shapes directly: set elements and function
 * domains are written in canonical order, so nothing is sorted again, and strings and model
 * values are interned in the receiving thread (identity equality holds there).
 *
 * Sharing is kept within a batch: a set or function met again (the same object, as the
 * unchanged variables of sibling states are) is written as a reference to its first copy, and
 * decoded as the same object. Without it every decoded state is a deep copy, and a worker that
 * explores from received states holds several times the memory and recomputes what the
 * evaluator remembers on values.
 *
 * What is kept: equality, hashes (hence fingerprints), TLC's order, whether a function was built
 * as a record, and sharing within a batch. What is not: caches, and how a set is held (a
 * persistent set comes back as a sorted array, a finite lazy set other than an interval as its
 * elements).
 */
import { IntervalSet } from './sets.ts';
import {
  EMPTY_SET,
  EMPTY_TUPLE,
  EnumSet,
  FcnLike,
  FcnValue,
  ModelValue,
  SetValue,
  StrValue,
  TupleValue,
  UnsortedSet,
  type Value,
  modelValue,
  str,
} from './value.ts';

const enum Tag {
  False = 0,
  True = 1,
  Int = 2,
  Str = 3,
  Model = 4,
  Set = 5,
  Tuple = 6,
  Fcn = 7,
  Record = 8,
  Interval = 9,
  /** The n-th set or function of the batch again. */
  Ref = 10,
}

/** States encoded by {@link encodeStates}; both parts can be posted to another thread. */
export interface EncodedStates {
  /** Words: the number of states, then each state's values, depth first. */
  readonly words: Int32Array;
  /** Texts of strings and model values, indexed by the words. */
  readonly texts: readonly string[];
}

/** Writes words into a growing buffer. */
class Writer {
  words = new Int32Array(1024);
  length = 0;
  readonly texts: string[] = [];
  private readonly textIndex = new Map<string, number>();
  /** Sets and functions written so far, numbered in the order they were started. */
  private readonly written = new Map<object, number>();

  push(w: number): void {
    if (this.length === this.words.length) {
      const bigger = new Int32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    this.words[this.length++] = w;
  }

  text(t: string): void {
    let i = this.textIndex.get(t);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(t);
      this.textIndex.set(t, i);
    }
    this.push(i);
  }

  value(v: Value): void {
    if (typeof v === 'boolean') return this.push(v ? Tag.True : Tag.False);
    if (typeof v === 'number') {
      this.push(Tag.Int);
      return this.push(v);
    }
    if (v instanceof StrValue) {
      this.push(Tag.Str);
      return this.text(v.text);
    }
    if (v instanceof ModelValue) {
      this.push(Tag.Model);
      return this.text(v.name);
    }
    // A lazy function is written as its table (one compound, numbered as the decoder will).
    if (v instanceof FcnLike && !(v instanceof TupleValue) && !(v instanceof FcnValue))
      v = v.explicit();
    const seen = this.written.get(v);
    if (seen !== undefined) {
      this.push(Tag.Ref);
      return this.push(seen);
    }
    this.written.set(v, this.written.size);
    this.compound(v);
  }

  /** A set or function met for the first time. */
  private compound(v: SetValue | FcnLike): void {
    if (v instanceof TupleValue) return this.list(Tag.Tuple, v.elems);
    if (v instanceof FcnValue) {
      this.list(v.record ? Tag.Record : Tag.Fcn, v.dom);
      for (const x of v.vals) this.value(x);
      return;
    }
    if (v instanceof IntervalSet) {
      this.push(Tag.Interval);
      this.push(v.lo);
      return this.push(v.hi);
    }
    if (v instanceof UnsortedSet) {
      // Fingerprinting a state sorts its sets, so a stored state cannot hold one.
      throw new Error('a set TLC cannot sort cannot be passed between worker threads');
    }
    if (v instanceof SetValue) return this.list(Tag.Set, v.toEnum().elems);
    throw new Error(`cannot encode value ${String(v)}`);
  }

  private list(tag: Tag, items: readonly Value[]): void {
    this.push(tag);
    this.push(items.length);
    for (const x of items) this.value(x);
  }
}

/** Encodes `states` (each an array of variable values) for another thread. */
export function encodeStates(states: readonly (readonly Value[])[]): EncodedStates {
  const w = new Writer();
  w.push(states.length);
  for (const s of states) {
    w.push(s.length);
    for (const v of s) w.value(v);
  }
  return { words: w.words.slice(0, w.length), texts: w.texts };
}

/** The states {@link encodeStates} encoded, as values of this thread. */
export function decodeStates(encoded: EncodedStates): Value[][] {
  const { words, texts } = encoded;
  const strings = new Map<number, StrValue>();
  const models = new Map<number, ModelValue>();
  /** Sets and functions decoded so far, by number (see Writer.written). */
  const decoded: Value[] = [];
  let at = 0;
  const value = (): Value => {
    const tag = words[at++] as Tag;
    if (tag <= Tag.Model) return scalar(tag);
    if (tag === Tag.Ref) return decoded[words[at++]];
    // Numbered before its parts are decoded, as the writer numbered it before writing them.
    const n = decoded.length;
    decoded.push(false);
    return (decoded[n] = compound(tag));
  };
  const scalar = (tag: Tag): Value => {
    switch (tag) {
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int:
        return words[at++];
      case Tag.Str: {
        const i = words[at++];
        let s = strings.get(i);
        if (s === undefined) strings.set(i, (s = str(texts[i])));
        return s;
      }
      case Tag.Model: {
        const i = words[at++];
        let m = models.get(i);
        if (m === undefined) models.set(i, (m = modelValue(texts[i])));
        return m;
      }
    }
    throw new Error(`corrupt encoded state: tag ${String(tag)} at word ${at - 1}`);
  };
  const compound = (tag: Tag): Value => {
    switch (tag) {
      case Tag.Set: {
        const elems = list();
        return elems.length === 0 ? EMPTY_SET : new EnumSet(elems);
      }
      case Tag.Tuple: {
        const elems = list();
        return elems.length === 0 ? EMPTY_TUPLE : new TupleValue(elems);
      }
      case Tag.Fcn:
      case Tag.Record: {
        const dom = list();
        const vals = dom.map(() => value());
        return new FcnValue(dom, vals, tag === Tag.Record);
      }
      case Tag.Interval: {
        const lo = words[at++];
        return new IntervalSet(lo, words[at++]);
      }
    }
    throw new Error(`corrupt encoded state: tag ${String(tag)} at word ${at - 1}`);
  };
  const list = (): Value[] => {
    const n = words[at++];
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = value();
    return out;
  };
  const count = words[at++];
  const states = new Array<Value[]>(count);
  for (let k = 0; k < count; k++) states[k] = list();
  return states;
}
