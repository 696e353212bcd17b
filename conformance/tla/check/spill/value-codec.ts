/**
 * A compact binary form of states, for the states the explorer moves to disk under a memory
 * limit (`-fpmem`). Reading a state back must give a value that behaves exactly like the one
 * written: the same equality, hash and order, the same record-ness (TLC compares a record and a
 * function over strings differently), the same interned strings and model values, and for a set
 * TLC has not normalised yet the list it was built from (membership and errors follow it).
 *
 * Strings and model values are written as numbers: they are interned objects that live in memory
 * anyway, so one table of them per codec costs nothing per state. Values without a compact form
 * here (lazy sets such as `1..n` or `[S -> T]`, lazy functions: rare in states) are kept in
 * memory too, by reference, so they come back as the very same objects.
 */
import {
  EMPTY_SET,
  EMPTY_TUPLE,
  EnumSet,
  FcnValue,
  ModelValue,
  StrValue,
  TupleValue,
  UnsortedSet,
  type Value,
  setFromList,
} from '../../values/value.ts';
import { PersistentSet } from '../../values/pset.ts';

const enum Tag {
  False = 0,
  True = 1,
  Int = 2,
  Str = 3,
  Model = 4,
  Set = 5,
  /** A set TLC has not normalised: its sorted elements, then TLC's list. */
  SetWithList = 6,
  Unsorted = 7,
  Tuple = 8,
  Fcn = 9,
  Record = 10,
  /** Anything else, by its number in the table of kept values. */
  Kept = 11,
}

/** Encodings this short (integers, booleans, strings) are cheaper to decode than to look up. */
const SHARE_FROM = 4;

/** Appends values to a growing buffer; {@link ValueWriter.bytes} shows them. */
export class ValueWriter {
  private buf = Buffer.allocUnsafe(1 << 12);
  private pos = 0;

  constructor(private readonly codec: ValueCodec) {}

  get length(): number {
    return this.pos;
  }

  /**
   * Writes a whole state: each variable's value after its length in bytes (4 bytes), so that a
   * reader can recognise a value it has just read without decoding it again (see
   * {@link ValueReader.shareWithin}).
   */
  writeState(state: readonly Value[]): void {
    for (const v of state) {
      this.room(4);
      const at = this.pos;
      this.pos += 4;
      this.value(v);
      this.buf.writeUInt32LE(this.pos - at - 4, at);
    }
  }

  /** The bytes written since the last {@link reset} (a view of a reused buffer: copy to keep). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Reserves room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** An unsigned LEB128 number (counts and table numbers). */
  uint(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  private list(values: readonly Value[]): void {
    this.uint(values.length);
    for (const v of values) this.value(v);
  }

  value(v: Value): void {
    switch (typeof v) {
      case 'boolean':
        return this.byte(v ? Tag.True : Tag.False);
      case 'number':
        // Zigzag: small negative integers stay small. Integers are 32-bit (TLC's range).
        this.byte(Tag.Int);
        return this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
    }
    if (v instanceof StrValue || v instanceof ModelValue) {
      this.byte(v instanceof StrValue ? Tag.Str : Tag.Model);
      return this.uint(this.codec.atomNumber(v));
    }
    if (v instanceof TupleValue) {
      this.byte(Tag.Tuple);
      return this.list(v.elems);
    }
    if (v instanceof FcnValue) {
      this.byte(v.record ? Tag.Record : Tag.Fcn);
      this.list(v.dom);
      for (const x of v.vals) this.value(x);
      return;
    }
    if (v instanceof EnumSet) {
      const pending = v.unnormalisedList();
      this.byte(pending ? Tag.SetWithList : Tag.Set);
      this.list(v.elems);
      if (pending) this.list(pending);
      return;
    }
    if (v instanceof PersistentSet) {
      // Equal, hashed and ordered like the sorted array of its elements (values/pset.ts).
      this.byte(Tag.Set);
      return this.list(v.toEnum().elems);
    }
    if (v instanceof UnsortedSet) {
      this.byte(Tag.Unsorted);
      return this.list(v.list);
    }
    this.byte(Tag.Kept);
    this.uint(this.codec.keptNumber(v));
  }
}

/** Reads values written by a {@link ValueWriter} of the same codec. */
export class ValueReader {
  private pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  private shared: Map<string, Value> | undefined;

  constructor(private readonly codec: ValueCodec) {}

  /** Reads from `bytes`, starting at `offset`; values are not shared until {@link shareWithin}. */
  from(bytes: Buffer, offset = 0): this {
    this.buf = bytes;
    this.pos = offset;
    this.shared = undefined;
    return this;
  }

  /**
   * Makes variables whose encodings are byte for byte the same (an UNCHANGED variable of
   * sibling states, say) come back as one object, keyed in `seen`. States in memory share
   * such values, and the evaluator's memos and the values' cached hashes and shapes rely on
   * that: without it every state read back would recompute them.
   */
  shareWithin(seen: Map<string, Value>): this {
    this.shared = seen;
    return this;
  }

  get offset(): number {
    return this.pos;
  }

  readState(vars: number): Value[] {
    const s = new Array<Value>(vars);
    for (let i = 0; i < vars; i++) {
      const length = this.buf.readUInt32LE(this.pos);
      this.pos += 4;
      s[i] = this.shared && length > SHARE_FROM ? this.sharedValue(length) : this.value();
    }
    return s;
  }

  private sharedValue(length: number): Value {
    const key = this.buf.toString('latin1', this.pos, this.pos + length);
    const known = this.shared!.get(key);
    if (known !== undefined) {
      this.pos += length;
      return known;
    }
    // value() remembers it under the same bytes.
    return this.value();
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }

  private list(): Value[] {
    const n = this.uint();
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }

  /**
   * The next value. While sharing, a set or function whose bytes were met before in the batch
   * comes back as the object made then (the records that many states' message sets hold): the
   * batch then costs in memory about what its states cost before they were written.
   */
  value(): Value {
    const start = this.pos;
    const v = this.decode();
    if (this.shared === undefined || typeof v !== 'object' || this.pos - start <= SHARE_FROM)
      return v;
    const key = this.buf.toString('latin1', start, this.pos);
    const known = this.shared.get(key);
    if (known !== undefined) return known;
    this.shared.set(key, v);
    return v;
  }

  private decode(): Value {
    const tag = this.buf[this.pos++] as Tag;
    switch (tag) {
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int: {
        const z = this.uint();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case Tag.Str:
      case Tag.Model:
        return this.codec.atom(this.uint());
      case Tag.Tuple: {
        const elems = this.list();
        return elems.length === 0 ? EMPTY_TUPLE : new TupleValue(elems);
      }
      case Tag.Fcn:
      case Tag.Record: {
        const dom = this.list();
        const vals = new Array<Value>(dom.length);
        for (let i = 0; i < dom.length; i++) vals[i] = this.value();
        return new FcnValue(dom, vals, tag === Tag.Record);
      }
      case Tag.Set: {
        const elems = this.list();
        return elems.length === 0 ? EMPTY_SET : new EnumSet(elems);
      }
      case Tag.SetWithList: {
        const elems = this.list();
        return EnumSet.unnormalised(elems, this.list());
      }
      case Tag.Unsorted:
        // Building it again finds the same failing comparison, so it raises the same error.
        return setFromList(this.list());
      case Tag.Kept:
        return this.codec.kept(this.uint());
      default:
        throw new Error(`spilled state data is corrupt: unknown tag ${String(tag)}`);
    }
  }
}

/**
 * The tables a writer and a reader share: interned strings and model values, and the values
 * kept by reference. One codec serves one exploration.
 */
export class ValueCodec {
  private readonly atoms: Array<StrValue | ModelValue> = [];
  private readonly atomNumbers = new Map<StrValue | ModelValue, number>();
  private readonly keptValues: Value[] = [];
  private readonly keptNumbers = new Map<Value, number>();

  atomNumber(v: StrValue | ModelValue): number {
    let n = this.atomNumbers.get(v);
    if (n === undefined) {
      n = this.atoms.push(v) - 1;
      this.atomNumbers.set(v, n);
    }
    return n;
  }

  atom(n: number): StrValue | ModelValue {
    return this.atoms[n];
  }

  keptNumber(v: Value): number {
    let n = this.keptNumbers.get(v);
    if (n === undefined) {
      n = this.keptValues.push(v) - 1;
      this.keptNumbers.set(v, n);
    }
    return n;
  }

  kept(n: number): Value {
    return this.keptValues[n];
  }

  /** How many values are kept in memory by reference (lazy sets and functions). */
  get keptCount(): number {
    return this.keptValues.length;
  }
}
