/**
 * Whole reads and writes at a position: `readSync` and `writeSync` may move fewer bytes than
 * asked, and every caller here wants all of them.
 */
import { readSync, writeSync } from 'node:fs';

/** Reads exactly `bytes.length` bytes at `position` of `fd` into `bytes`. */
export function readFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    const got = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (got === 0) throw new Error('a spill file ended early: was it changed while checking?');
    done += got;
  }
}

/** Writes all of `bytes` at `position` of `fd`. */
export function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length)
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** The first `bytes` bytes of a typed array, as bytes. */
export function byteView(a: ArrayBufferView, bytes: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, bytes);
}
