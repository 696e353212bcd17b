/**
 * Traces saved by `check --json` (an NDJSON stream whose violation record holds the trace) and
 * by `validate --json` (one report document with the trace inside), read back for `explain`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A trace file that cannot be used: missing, not JSON, or holding no trace. */
export class SavedTraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedTraceError';
  }
}

/** One state of a saved trace, as `check --json` and `validate --json` write it. */
export interface SavedStep {
  index: number;
  action: string;
  location: string | null;
  state: Record<string, string>;
}

/** A saved trace and the spec and cfg it was found with (paths as the run was given them). */
export interface SavedTrace {
  spec?: string;
  config?: string;
  /** The cfg itself, when the trace was saved with it rather than with a path (`validate --json`). */
  configText?: string;
  steps: SavedStep[];
  /** After the last state, the behaviour continues at this state (1-based), if it is a lasso. */
  loopStart?: number;
}

/**
 * Reads a trace file: NDJSON (the first record holding a `trace` is explained; `spec` and
 * `config` may come from another record, such as the stream's start record) or one JSON
 * document, in which the trace may sit inside a report (the first one found is explained).
 */
export function readSavedTrace(file: string): SavedTrace {
  if (!existsSync(file)) throw new SavedTraceError(`cannot read ${file}: no such file`);
  const records = parseRecords(readFileSync(file, 'utf8'), file);
  let found: { holder: JsonRecord; paths: Paths } | undefined;
  for (const r of records) if ((found = findTrace(r, {}))) break;
  if (!found) {
    throw new SavedTraceError(
      `${file} holds no trace: expected the output of "timelock check --json" with a violation, or of "timelock validate --json" with a failure`,
    );
  }
  const fallback = (key: keyof Paths) =>
    found.paths[key] ?? (records.find((r) => typeof r[key] === 'string')?.[key] as string);
  const steps = (found.holder.trace as unknown[]).map((s, i) => savedStep(s, i, file));
  if (steps.length === 0) throw new SavedTraceError(`${file}: the trace has no states`);
  const spec = fallback('spec');
  const config = fallback('config');
  const configText = fallback('configText');
  return {
    spec: spec === undefined ? undefined : resolveBeside(spec, file),
    config: config === undefined ? undefined : resolveBeside(config, file),
    configText,
    steps,
    loopStart: loopStartOf(found.holder.lasso, steps.length),
  };
}

interface Paths {
  spec?: string;
  config?: string;
  configText?: string;
}

/** The first object (depth first) with a `trace` array, and the nearest spec and cfg paths. */
function findTrace(v: unknown, outer: Paths): { holder: JsonRecord; paths: Paths } | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const hit = findTrace(x, outer);
      if (hit) return hit;
    }
    return undefined;
  }
  const r = v as JsonRecord;
  const paths: Paths = {
    spec: typeof r.spec === 'string' ? r.spec : outer.spec,
    config: typeof r.config === 'string' ? r.config : outer.config,
    configText: typeof r.configText === 'string' ? r.configText : outer.configText,
  };
  if (Array.isArray(r.trace)) return { holder: r, paths };
  for (const x of Object.values(r)) {
    const hit = findTrace(x, paths);
    if (hit) return hit;
  }
  return undefined;
}

type JsonRecord = Record<string, unknown>;

function parseRecords(text: string, file: string): JsonRecord[] {
  try {
    return [JSON.parse(text) as JsonRecord];
  } catch {
    // Not one JSON document: an NDJSON stream, one record per line.
  }
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as JsonRecord;
      } catch (e) {
        throw new SavedTraceError(`${file}:${n}: not JSON (${(e as Error).message})`);
      }
    });
}

/** Paths in a trace file are as the run was given them; fall back to the trace file's folder. */
function resolveBeside(path: string, traceFile: string): string {
  if (existsSync(path)) return path;
  const beside = resolve(dirname(traceFile), path);
  return existsSync(beside) ? beside : path;
}

function savedStep(s: unknown, i: number, file: string): SavedStep {
  const step = s as Partial<SavedStep> | null;
  if (!step || typeof step.state !== 'object' || step.state === null) {
    throw new SavedTraceError(`${file}: trace step ${i + 1} has no "state" object`);
  }
  return {
    index: typeof step.index === 'number' ? step.index : i + 1,
    action: typeof step.action === 'string' ? step.action : '?',
    location: typeof step.location === 'string' ? step.location : null,
    state: step.state,
  };
}

function loopStartOf(lasso: unknown, length: number): number | undefined {
  if (!lasso || typeof lasso !== 'object') return undefined;
  const l = lasso as { loopStart?: unknown; stuttering?: unknown };
  if (typeof l.loopStart === 'number') return l.loopStart;
  return l.stuttering === true ? length : undefined;
}
