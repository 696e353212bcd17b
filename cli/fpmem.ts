/**
 * `timelock check --fpmem` (TLC spelling `-fpmem`) and `--spill-dir`: the memory limit beyond
 * which the explorer keeps fingerprints and states on disk (conformance/tla/check/spill/).
 */
import { statSync } from 'node:fs';
import { EXIT } from '../conformance/tla/check/report.ts';
import { InputError } from '../conformance/tla/check/run.ts';
import type { CheckResult } from '../conformance/tla/check/explorer.ts';
import type { SpillOptions, SpillStats } from '../conformance/tla/check/spill/storage.ts';
import { formatBytes, parseMemoryLimit } from '../conformance/tla/check/spill/memory-limit.ts';

export interface FpmemFlags {
  fpmem?: string;
  spillDir?: string;
}

export const FPMEM_HELP =
  'memory for seen fingerprints and stored states before they go to disk: a fraction of the Node heap limit (0.25) or an amount (64MB, 2GB); half is for fingerprints, half for states. Not applied with temporal properties (the liveness graph stays in memory) nor with several workers. Default: no limit. TLC spelling -fpmem';
export const SPILL_DIR_HELP =
  'with --fpmem: where to make the folder of temporary files (default: the system temp folder); they are deleted even if the run is killed';

/** The explorer options the flags ask for; `say` prints notes about the limit. */
export function fpmemOptions(flags: FpmemFlags, say: (line: string) => void): SpillOptions {
  if (flags.fpmem === undefined) return {};
  let memoryLimit: number;
  try {
    memoryLimit = parseMemoryLimit(flags.fpmem);
  } catch (e) {
    throw new InputError((e as Error).message, EXIT.failure);
  }
  if (flags.spillDir !== undefined && !isDirectory(flags.spillDir))
    throw new InputError(`--spill-dir ${flags.spillDir} is not a folder`, EXIT.failure);
  return { memoryLimit, spillDir: flags.spillDir, onSpillNote: say };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The line the progress report ends with while spilling. */
export function spillProgress(s: SpillStats | undefined): string {
  return s && (s.fingerprints > 0 || s.states > 0) ? ` ${describeSpill(s)}` : '';
}

/** What a run under a limit moved to disk, for its last lines (nothing when nothing moved). */
export function spillSummary(result: CheckResult): string | undefined {
  const s = result.spilled;
  if (!s) return undefined;
  if (s.fingerprints === 0 && s.states === 0)
    return `Memory limit ${formatBytes(s.limit)} (-fpmem) was not reached: nothing went to disk.`;
  return describeSpill(s);
}

function describeSpill(s: SpillStats): string {
  return `Spilled to disk (-fpmem ${formatBytes(s.limit)}): ${s.fingerprints} fingerprints and ${s.states} states, ${formatBytes(s.diskBytes)}.`;
}
