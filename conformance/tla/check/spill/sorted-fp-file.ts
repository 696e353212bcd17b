/**
 * Fingerprints on disk, sorted, as TLC's DiskFPSet keeps them: one sorted file, and in memory
 * the first fingerprint of each page of it, so that a lookup reads one page. New fingerprints
 * arrive in sorted batches and are merged into the file; the merge writes a second file and
 * the two swap roles, so the same two descriptors serve the whole run (see spill-dir.ts on why
 * files are opened once).
 *
 * A fingerprint is two 32-bit words stored as one unsigned 64-bit number, so that a batch is
 * sorted by BigUint64Array's native sort without making a BigInt per entry; the word order in
 * memory follows the platform's endianness.
 */
import { endianness } from 'node:os';
import { ftruncateSync } from 'node:fs';
import { byteView, readFully, writeFully } from './io.ts';

/** Index (0 or 1) of the more significant 32-bit word of an entry, as BigUint64Array reads it. */
export const MAJOR = endianness() === 'LE' ? 1 : 0;
/** Index of the less significant word. */
export const MINOR = 1 - MAJOR;

/** Entries per page: one index entry and one disk read per 4 KiB. */
const PAGE = 512;
/** Entries per read or write while merging. */
const CHUNK = 8192;

/** Orders entry `i` of `a` against the key (major, minor), both unsigned. */
function compareAt(a: Uint32Array, i: number, major: number, minor: number): number {
  const x = a[2 * i + MAJOR];
  if (x !== major) return x < major ? -1 : 1;
  const y = a[2 * i + MINOR];
  return y === minor ? 0 : y < minor ? -1 : 1;
}

export class SortedFingerprintFile {
  private count = 0;
  /** First entry of each page: (major, minor) words, as in the file. */
  private index = new Uint32Array(0);
  private readonly page = new Uint32Array(2 * PAGE);
  private pageNo = -1;

  /** `fds`: two empty files, read and write; the current data is in the first. */
  constructor(private fds: [number, number]) {}

  get size(): number {
    return this.count;
  }

  get byteLength(): number {
    return this.count * 8;
  }

  /** Whether the unsigned key (major, minor) is in the file. */
  contains(major: number, minor: number): boolean {
    const pages = this.index.length / 2;
    // The last page whose first entry is <= key.
    let lo = 0,
      hi = pages - 1,
      at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareAt(this.index, mid, major, minor) <= 0) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) return false;
    const n = this.loadPage(at);
    lo = 0;
    hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareAt(this.page, mid, major, minor);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Reads page `p` into `this.page` (unless it is there already); returns its entry count. */
  private loadPage(p: number): number {
    const n = Math.min(PAGE, this.count - p * PAGE);
    if (this.pageNo !== p) {
      readFully(this.fds[0], byteView(this.page, n * 8), p * PAGE * 8);
      this.pageNo = p;
    }
    return n;
  }

  /** Merges `batch` (`n` entries, sorted, none of them in the file) into the file. */
  merge(batch: Uint32Array, n: number): void {
    const [from, to] = this.fds;
    ftruncateSync(to, 0);
    const total = this.count + n;
    const index = new Uint32Array(2 * Math.ceil(total / PAGE));
    const input = new Uint32Array(2 * CHUNK);
    const output = new Uint32Array(2 * CHUNK);
    let inLen = 0,
      inPos = 0,
      readEntries = 0;
    let outLen = 0,
      written = 0;
    let b = 0;
    const refill = () => {
      inLen = Math.min(CHUNK, this.count - readEntries);
      if (inLen > 0) readFully(from, byteView(input, inLen * 8), readEntries * 8);
      readEntries += inLen;
      inPos = 0;
    };
    const emit = (src: Uint32Array, i: number) => {
      const k = written + outLen;
      if (k % PAGE === 0) {
        index[(k / PAGE) * 2] = src[2 * i];
        index[(k / PAGE) * 2 + 1] = src[2 * i + 1];
      }
      output[2 * outLen] = src[2 * i];
      output[2 * outLen + 1] = src[2 * i + 1];
      if (++outLen === CHUNK) flush();
    };
    const flush = () => {
      writeFully(to, byteView(output, outLen * 8), written * 8);
      written += outLen;
      outLen = 0;
    };
    refill();
    while (inPos < inLen || b < n) {
      const takeOld =
        inPos < inLen &&
        (b >= n || compareAt(input, inPos, batch[2 * b + MAJOR], batch[2 * b + MINOR]) < 0);
      if (takeOld) {
        emit(input, inPos);
        if (++inPos === inLen) refill();
      } else emit(batch, b++);
    }
    flush();
    this.fds = [to, from];
    this.count = total;
    this.index = index;
    this.pageNo = -1;
  }
}
