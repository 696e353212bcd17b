/**
 * `-fpmem`: how much memory the explorer may keep its seen fingerprints and stored states in
 * before it moves them to disk. TLC's flag takes a fraction of the Java heap (`-fpmem 0.25`); a
 * JavaScript heap has a limit too (`--max-old-space-size`), so a fraction here is of Node's heap
 * limit. An absolute amount is accepted as well: `64MB`, `512KiB`, `2G` (units are powers of
 * 1024; `B` or no unit for bytes).
 */
import { getHeapStatistics } from 'node:v8';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Node's heap limit in bytes (what a fraction is a fraction of). */
export function heapLimit(): number {
  return getHeapStatistics().heap_size_limit;
}

/**
 * The limit in bytes that `text` asks for: a number in (0, 1] is a fraction of `heap`; any
 * other number, with an optional unit, an amount. Throws a readable message for anything else.
 */
export function parseMemoryLimit(text: string, heap = heapLimit()): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new Error(
      `-fpmem needs a fraction of the heap (such as 0.25) or an amount (such as 64MB), not '${text}'`,
    );
  const n = Number(m[1]);
  if (m[2] === '' && n > 0 && n <= 1) return Math.floor(n * heap);
  const bytes = Math.floor(n * unit);
  if (bytes < 1) throw new Error(`-fpmem must be more than nothing, not '${text}'`);
  return bytes;
}

/** `bytes` for people: 1.5 MiB, 320 KiB, 12 B. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} B`;
}
