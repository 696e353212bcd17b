/**
 * The parity runner: runs every case of a manifest of TLC results (the shape of the shared
 * tlc-parity suite) and compares result kind, property, distinct states, depth and trace length.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkModel, InputError } from './run.ts';

/** One case of a parity manifest (the fields we compare and the ones that say how to run it). */
export interface ParityCase {
  case: string;
  module: string;
  config: string;
  tlcArgs: string[];
  result: string;
  property: string | null;
  distinct: number | null;
  generated: number | null;
  depth: number | null;
  traceLength: number | null;
  /** For liveness counterexamples: `back-to-state K` or `stuttering` (the shape must match). */
  lasso?: string | null;
  scope?: string;
  /** How long TLC took, when the manifest recorded it. */
  wallSeconds?: number;
}

/** How long a case may run before it counts as failed (a run TLC finishes in seconds). */
export const DEFAULT_CASE_TIMEOUT_MS = 300_000;

class CaseTimeout extends Error {}

export type ParityStatus = 'pass' | 'fail' | 'unsupported';

export interface ParityRow {
  name: string;
  status: ParityStatus;
  /** What differed, or why the case is unsupported. */
  detail: string;
  ms: number;
  /** TLC's time for the case, when the manifest has it. */
  tlcSeconds?: number;
}

/**
 * Cases the engine cannot check yet are reported as unsupported, never as passed: the run
 * refuses a cfg whose PROPERTY is a liveness formula (an InputError saying so).
 */
const UNSUPPORTED_MARK = 'does not check';

/** Runs one case from `dir`; after `timeoutMs` of exploring it stops and fails. */
export function runParityCase(
  dir: string,
  c: ParityCase,
  timeoutMs = DEFAULT_CASE_TIMEOUT_MS,
): ParityRow {
  const started = Date.now();
  const folder = join(dir, c.case);
  const row = (status: ParityStatus, detail: string): ParityRow => ({
    name: c.case,
    status,
    detail,
    ms: Date.now() - started,
    tlcSeconds: c.wallSeconds,
  });
  try {
    const r = checkModel(join(folder, c.module), join(folder, c.config), {
      print: () => {},
      checkDeadlock: c.tlcArgs.includes('-deadlock') ? false : undefined,
      progressIntervalMs: 1000,
      onProgress: (p) => {
        if (p.elapsedMs > timeoutMs) throw new CaseTimeout();
      },
    });
    const diffs: string[] = [];
    if (r.kind !== c.result) diffs.push(`result ${r.kind} (TLC: ${c.result})`);
    // TLC names a property inside an instantiated module by its place; names need not match then.
    const namedByPlace = c.property !== null && /^line \d+, col \d+/.test(c.property);
    if (c.property !== null && !namedByPlace && r.property !== c.property) {
      diffs.push(`property ${r.property} (TLC: ${c.property})`);
    }
    if (c.distinct !== null && r.distinct !== c.distinct)
      diffs.push(`distinct ${r.distinct} (TLC: ${c.distinct})`);
    if (c.depth !== null && r.depth !== c.depth) diffs.push(`depth ${r.depth} (TLC: ${c.depth})`);
    if (c.lasso) {
      // Many lassos are correct: only their shape (a loop, or stuttering) must be TLC's.
      const shape = r.lasso?.stuttering ? 'stuttering' : r.lasso?.backTo ? 'back-to-state' : 'none';
      if (!c.lasso.startsWith(shape))
        diffs.push(`counterexample ends in ${shape} (TLC: ${c.lasso})`);
    } else if (c.traceLength !== null && (r.trace?.length ?? 0) !== c.traceLength) {
      diffs.push(`trace length ${r.trace?.length ?? 0} (TLC: ${c.traceLength})`);
    }
    const counts = `${r.kind}${r.property ? ` ${r.property}` : ''}, ${r.distinct} distinct, ${r.generated} generated, depth ${r.depth}`;
    return diffs.length === 0 ? row('pass', counts) : row('fail', diffs.join('; '));
  } catch (e) {
    if (e instanceof CaseTimeout) {
      const tlc = c.wallSeconds === undefined ? '' : ` (TLC: ${c.wallSeconds} s)`;
      return row('fail', `stopped after ${+(timeoutMs / 1000).toFixed(1)} s${tlc}`);
    }
    if (e instanceof InputError) {
      return e.message.includes(UNSUPPORTED_MARK)
        ? row('unsupported', e.message.replace(/^.*: this engine /, 'this engine '))
        : row('fail', e.message);
    }
    throw e;
  }
}

/** Runs every case of `dir/manifest.json`. */
export function runParity(
  dir: string,
  onRow?: (r: ParityRow) => void,
  timeoutMs = DEFAULT_CASE_TIMEOUT_MS,
): ParityRow[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ParityCase[];
  return manifest.map((c) => {
    const r = runParityCase(dir, c, timeoutMs);
    onRow?.(r);
    return r;
  });
}
