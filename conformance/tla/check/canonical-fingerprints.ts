/**
 * Under SYMMETRY a state's fingerprint is the least over its images by every permutation, and
 * computing the images is most of the cost of a step. Most generated states are states seen
 * before (a parent's successors overlap those of its neighbours), so the least fingerprint is
 * remembered by the state's own fingerprint: a state met again costs one lookup, not a
 * permutation of every variable. Which representative is least, and so every count, is
 * unchanged: the cache only saves computing it again.
 */
import { FingerprintSet } from './fpset.ts';
import { Int32Columns } from './int-columns.ts';

/** Past this many entries the cache starts again (it stays a cache, not a second state set). */
const MAX_ENTRIES = 1 << 21;

export class CanonicalFingerprints {
  private seen = new FingerprintSet(1 << 12);
  /** By the id `seen` holds: the least fingerprint's two halves. */
  private readonly canonical = new Int32Columns(2, 1 << 12);
  private count = 0;

  /** Writes the remembered least fingerprint of the state printed (r1, r2) into `out`. */
  get(r1: number, r2: number, out: Int32Array): boolean {
    const id = this.seen.get(r1, r2);
    if (id < 0) return false;
    out[0] = this.canonical.get(id, 0);
    out[1] = this.canonical.get(id, 1);
    return true;
  }

  /** Remembers that the state printed (r1, r2) has the least fingerprint `least`. */
  set(r1: number, r2: number, least: Int32Array): void {
    if (this.count === MAX_ENTRIES) {
      this.seen = new FingerprintSet(1 << 12);
      this.count = 0;
    }
    if (this.seen.putIfAbsent(r1, r2, this.count) >= 0) return;
    this.canonical.set(this.count, 1, least[1]); // the last column first: it grows them once
    this.canonical.set(this.count, 0, least[0]);
    this.count++;
  }
}
