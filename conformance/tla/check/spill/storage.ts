/**
 * Where one exploration keeps its seen fingerprints and its states: in memory (the default,
 * unchanged), or under a memory limit (`-fpmem`) in memory until the limit, then on disk. Half
 * the limit goes to the fingerprints (disk-fpset.ts), half to the states (disk-state-store.ts).
 *
 * Liveness is checked on the whole state graph, its edges and every state, in memory: with
 * temporal properties the limit is not applied at all, and the run says so.
 */
import { dirname } from 'node:path';
import { FingerprintSet } from '../fpset.ts';
import { DiskFingerprintSet, type SeenFingerprints } from './disk-fpset.ts';
import { DiskStateStore } from './disk-state-store.ts';
import { formatBytes } from './memory-limit.ts';
import { SpillDir } from './spill-dir.ts';
import { FrontierStateStore, MemoryStateStore, type StateStore } from './state-store.ts';

export interface SpillOptions {
  /** Bytes for fingerprints and states before they go to disk (`-fpmem`); default: no limit. */
  memoryLimit?: number;
  /** Folder in which to make the folder of temporary files (default: the system's temp folder). */
  spillDir?: string;
  /** Told, in words, when the limit is first reached and when it does not apply. */
  onSpillNote?: (message: string) => void;
}

/** What went to disk so far (progress lines, the run's summary). */
export interface SpillStats {
  /** The limit, in bytes. */
  limit: number;
  fingerprints: number;
  states: number;
  /** Bytes in the temporary files. */
  diskBytes: number;
}

export interface Storage {
  seen: SeenFingerprints;
  store: StateStore;
  /** What was spilled so far, or undefined when there is no limit. */
  spilled(): SpillStats | undefined;
  /** Frees the temporary files (call in a `finally`). */
  close(): void;
}

/** Storage in memory, as without `-fpmem`: every state only when liveness needs the graph. */
function inMemory(keepsGraph: boolean): Storage {
  return {
    seen: new FingerprintSet(),
    store: keepsGraph ? new MemoryStateStore() : new FrontierStateStore(),
    spilled: () => undefined,
    close: () => {},
  };
}

/** The storage for a run with `vars` variables; `keepsGraph` when liveness needs the graph. */
export function openStorage(vars: number, opts: SpillOptions, keepsGraph: boolean): Storage {
  const limit = opts.memoryLimit;
  if (limit === undefined) return inMemory(keepsGraph);
  const note = opts.onSpillNote ?? (() => {});
  if (keepsGraph) {
    note(
      `-fpmem ${formatBytes(limit)} does not apply to this run: temporal properties are checked on the whole state graph, which stays in memory.`,
    );
    return inMemory(true);
  }
  const dir = new SpillDir(opts.spillDir);
  try {
    const fpFiles: [number, number] = [dir.open('fingerprints-a'), dir.open('fingerprints-b')];
    const log = dir.open('states');
    const records = dir.open('records');
    dir.seal();
    const first = (what: string) => (n: number) => {
      if (n === 1)
        note(
          `Memory limit of ${formatBytes(limit)} reached for ${what}: they now go to disk, in temporary files under ${dirname(dir.path)}.`,
        );
    };
    const firstFlush = first('fingerprints');
    const firstSpill = first('states');
    const seen = new DiskFingerprintSet(limit / 2, fpFiles, (s) => firstFlush(s.flushes));
    const store = new DiskStateStore(vars, limit / 2, log, records, (s) => firstSpill(s.spills));
    return {
      seen,
      store,
      spilled: () => ({
        limit,
        fingerprints: seen.onDisk,
        states: store.onDisk,
        diskBytes: seen.diskBytes + store.diskBytes,
      }),
      close: () => dir.close(),
    };
  } catch (e) {
    dir.close();
    throw e;
  }
}
