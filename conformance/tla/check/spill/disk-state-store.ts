/**
 * The explorer's states under a memory limit. The newest states stay in memory, as a tail of the
 * sequence; when that tail's estimated size passes the limit it is written to disk in one go
 * (states in the compact form of value-codec.ts, appended to a log; per state a fixed record of
 * its place in the log, parent, action and level), and memory holds only what comes after.
 * The BFS reads the queue back in order, in batches of bounded size; an error trace reads its
 * states back one by one by following the parent records, so traces are exactly those of an
 * in-memory run.
 *
 * The log keeps every state, also those already explored: error traces need them. Disk use is
 * therefore about the encoded size of every distinct state, plus 32 bytes each.
 *
 * What a state costs in memory cannot be read off a JavaScript object, so it is estimated: the
 * mean encoded size of a sample of states (one in {@link SAMPLE_EVERY}) times {@link EXPANSION}.
 */
import type { Value } from '../../values/value.ts';
import { byteView, readFully, writeFully } from './io.ts';
import type { KeepingStore } from './state-store.ts';
import { ValueCodec, ValueReader, ValueWriter } from './value-codec.ts';

/** Float64s per state record: offset in the log, parent, action, level. */
const RECORD = 4;
const RECORD_BYTES = RECORD * 8;
/** One state in this many is encoded to learn the mean encoded size. */
const SAMPLE_EVERY = 16;
/**
 * Bytes of heap per encoded byte, roughly: a record of a few fields is about a hundred bytes of
 * objects and arrays, and about a dozen encoded. States in memory share much of their values,
 * so this overestimates what they cost, and errs towards spilling early.
 */
export const EXPANSION = 6;
/** Bytes gathered before a write while spilling. */
const WRITE_CHUNK = 1 << 20;
/** Most states read back at once for the queue. */
const MAX_BATCH = 4096;

export class DiskStateStore implements KeepingStore {
  readonly keepsExplored = true;
  private memBase = 0;
  private mem: Value[][] = [];
  private memParent: number[] = [];
  private memAction: number[] = [];
  private memLevel: number[] = [];
  private logBytes = 0;
  private sampledBytes = 0;
  private sampled = 0;
  private readonly codec = new ValueCodec();
  private readonly writer = new ValueWriter(this.codec);
  private readonly reader = new ValueReader(this.codec);
  /** States read back from disk: numbers batchBase.., with their records. */
  private batchBase = 0;
  private batch: Value[][] = [];
  private batchRecords = new Float64Array(0);
  private readBytes = Buffer.alloc(0);
  /** How many times the tail was written to disk. */
  spills = 0;

  /**
   * `vars`: variables per state; `budgetBytes`: memory for states in memory (the tail and a
   * batch read back); `log` and `records`: two empty files (spill-dir.ts).
   */
  constructor(
    private readonly vars: number,
    private readonly budgetBytes: number,
    private readonly log: number,
    private readonly records: number,
    private readonly onSpill?: (store: DiskStateStore) => void,
  ) {}

  get count(): number {
    return this.memBase + this.mem.length;
  }

  /** States written to disk. */
  get onDisk(): number {
    return this.memBase;
  }

  get diskBytes(): number {
    return this.logBytes + this.memBase * RECORD_BYTES;
  }

  /** Values kept in memory by reference because they have no compact form (lazy sets). */
  get keptValues(): number {
    return this.codec.keptCount;
  }

  add(state: Value[], parent: number, action: number, level: number): void {
    if (this.count % SAMPLE_EVERY === 0) {
      this.writer.reset();
      this.writer.writeState(state);
      this.sampledBytes += this.writer.length;
      this.sampled++;
    }
    this.mem.push(state);
    this.memParent.push(parent);
    this.memAction.push(action);
    this.memLevel.push(level);
    // Half the budget for the tail, the rest for a batch read back (see batchBytes).
    if (this.mem.length * this.meanStateBytes() > this.budgetBytes / 2) this.spillTail();
  }

  /** Estimated heap bytes of a state in memory. */
  private meanStateBytes(): number {
    return (this.sampledBytes / this.sampled) * EXPANSION;
  }

  // Each accessor finds the slot before reading the batch: finding it may read a new batch.
  state(i: number): Value[] {
    if (i >= this.memBase) return this.mem[i - this.memBase];
    const k = this.slot(i);
    return this.batch[k];
  }
  parent(i: number): number {
    return i >= this.memBase ? this.memParent[i - this.memBase] : this.recordField(i, 1);
  }
  action(i: number): number {
    return i >= this.memBase ? this.memAction[i - this.memBase] : this.recordField(i, 2);
  }
  level(i: number): number {
    return i >= this.memBase ? this.memLevel[i - this.memBase] : this.recordField(i, 3);
  }

  private recordField(i: number, field: number): number {
    const k = this.slot(i);
    return this.batchRecords[k * RECORD + field];
  }

  explored(): void {}

  /** Writes every state in memory to disk and forgets them. */
  private spillTail(): void {
    const n = this.mem.length;
    const recs = new Float64Array(n * RECORD);
    let flushedTo = this.logBytes;
    this.writer.reset();
    for (let k = 0; k < n; k++) {
      recs[k * RECORD] = flushedTo + this.writer.length;
      recs[k * RECORD + 1] = this.memParent[k];
      recs[k * RECORD + 2] = this.memAction[k];
      recs[k * RECORD + 3] = this.memLevel[k];
      this.writer.writeState(this.mem[k]);
      if (this.writer.length >= WRITE_CHUNK || k === n - 1) {
        writeFully(this.log, this.writer.bytes(), flushedTo);
        flushedTo += this.writer.length;
        this.writer.reset();
      }
    }
    writeFully(this.records, new Uint8Array(recs.buffer), this.memBase * RECORD_BYTES);
    this.logBytes = flushedTo;
    this.memBase += n;
    this.mem = [];
    this.memParent = [];
    this.memAction = [];
    this.memLevel = [];
    this.spills++;
    this.onSpill?.(this);
  }

  /** Where state `i` (on disk) is in the current batch, reading the batch first if need be. */
  private slot(i: number): number {
    const k = i - this.batchBase;
    if (k >= 0 && k < this.batch.length) return k;
    // The BFS reads the queue in order: read ahead then. Anything else (a trace) reads one.
    this.load(i, k === this.batch.length ? MAX_BATCH : 1);
    return 0;
  }

  /** Encoded bytes a batch read back may hold: what the tail leaves of the budget. */
  private batchBytes(): number {
    return this.budgetBytes / 2 / EXPANSION;
  }

  /**
   * `length` bytes of one buffer reused by every batch: a fresh one per batch would leave the
   * garbage collector megabytes of external memory to find.
   */
  private readBuffer(length: number): Buffer {
    if (this.readBytes.length < length)
      this.readBytes = Buffer.allocUnsafe(Math.max(length, 2 * this.readBytes.length));
    return this.readBytes.subarray(0, length);
  }

  /** Reads states i, i+1, ... (at most `most`, within the batch budget, at least one). */
  private load(i: number, most: number): void {
    const end = Math.min(this.memBase, i + most);
    // One record more than the states read: its offset is where the last state ends.
    const withNext = Math.min(this.memBase, end + 1);
    const recs = new Float64Array((withNext - i) * RECORD);
    readFully(this.records, byteView(recs, recs.byteLength), i * RECORD_BYTES);
    const offset = (j: number) => (j < withNext ? recs[(j - i) * RECORD] : this.logBytes);
    let last = i + 1;
    while (last < end && offset(last + 1) - offset(i) <= this.batchBytes()) last++;
    const bytes = this.readBuffer(offset(last) - offset(i));
    readFully(this.log, bytes, offset(i));
    this.reader.from(bytes).shareWithin(new Map());
    const states = new Array<Value[]>(last - i);
    for (let k = 0; k < states.length; k++) states[k] = this.reader.readState(this.vars);
    this.batchBase = i;
    this.batch = states;
    this.batchRecords = recs;
  }
}
