/**
 * What `timelock report` draws, told from the files it is given: the output of
 * `check --json` (an error trace), of `validate --json` (a conformance failure), or trace files
 * and folders of them (`simulate --trace-dir`, a cluster's `server-N.ndjson`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readHistoryFile } from '../../conformance/history/index.ts';
import type { ValidationReport } from '../../conformance/replay/index.ts';
import { readTraceFile, runsOf } from '../../conformance/replay/trace-input.ts';
import { spaceTimeOfViolation, type ViolationRecord } from './from-check.ts';
import { spaceTimeOfTraces, type TimedPeriod } from './from-traces.ts';
import type { FaultPeriod } from '../../src/sim/simulation.ts';
import { FAULT_PERIODS_FILE } from '../../src/trace/ndjson.ts';
import { spaceTimeOfValidation } from './from-validation.ts';
import type { SpaceTime } from './model.ts';

/** An input `timelock report` cannot draw; the message names the file and what was expected. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

const EXPECTED =
  'expected the output of "timelock check --json" with a violation, of "timelock validate --json", or trace files (server-N.ndjson) or folders of them';

/** The diagram of `paths`; see the module comment. */
export function loadSpaceTime(paths: readonly string[]): SpaceTime {
  if (paths.length === 0) throw new ReportInputError(`nothing to draw: ${EXPECTED}`);
  const [first] = paths;
  if (paths.length === 1 && !isFolder(first!)) {
    const text = readText(first!);
    const kind = kindOf(text);
    if (kind === 'check') return spaceTimeOfViolation(violationIn(text, first!), first!);
    if (kind === 'validation')
      return spaceTimeOfValidation(JSON.parse(text) as ValidationReport, first!);
    if (kind === undefined)
      throw new ReportInputError(`${first}: not something to draw: ${EXPECTED}`);
  }
  const runs = runsOf(paths);
  if (runs.length > 1)
    throw new ReportInputError(
      `${paths.join(', ')}: ${runs.length} runs; a diagram shows one (give one folder, or the files of one run)`,
    );
  const folder = paths.length === 1 ? first! : dirname(runs[0]![0]!);
  return spaceTimeOfTraces(runs[0]!.map(readTraceFile), {
    source: paths.join(', '),
    periods: faultsBeside(folder),
  });
}

/**
 * The faults recorded beside a run's traces, in the traces' clock: a simulated run's
 * `faults.ndjson` (virtual ms), or a campaign's `history.ndjson` (its nemesis records, in ms
 * since the campaign started, put on the wall clock the servers' traces use).
 */
function faultsBeside(folder: string): TimedPeriod[] {
  const simulated = join(folder, FAULT_PERIODS_FILE);
  if (existsSync(simulated)) {
    return readText(simulated)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const p = JSON.parse(l) as FaultPeriod;
        const label =
          p.kind === 'crash'
            ? `server ${p.server} down`
            : `partition ${p.groups.map((g) => `{${g.join(',')}}`).join(' | ')}`;
        return { label, from: p.from, to: p.to };
      });
  }
  const campaign = join(folder, 'history.ndjson');
  if (existsSync(campaign)) {
    const history = readHistoryFile(campaign);
    const zero = Date.parse(history.header.startedAt);
    return history.faults.map((f) => ({
      label: f.description,
      from: zero + f.startMs,
      to: f.endMs === null ? null : zero + f.endMs,
    }));
  }
  return [];
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new ReportInputError(`${path}: no such file or folder`);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReportInputError(`${path}: cannot read it (${(e as Error).message})`);
  }
}

/** Which input `text` is, from its first record. */
function kindOf(text: string): 'check' | 'validation' | 'traces' | undefined {
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  let first: Record<string, unknown>;
  try {
    first = JSON.parse(firstLine) as Record<string, unknown>;
  } catch {
    // A pretty-printed JSON document: a validation report.
    try {
      first = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  if (first.trace === 'timelock' || typeof first.action === 'string') return 'traces';
  if (Array.isArray(first.runs)) return 'validation';
  if (typeof first.type === 'string' && typeof first.version === 'number') return 'check';
  return undefined;
}

/** The violation record of a `check --json` stream. */
function violationIn(text: string, file: string): ViolationRecord {
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"type":"violation"')) continue;
    return JSON.parse(line) as ViolationRecord;
  }
  throw new ReportInputError(
    `${file}: this check found no error, so there is no trace to draw (${EXPECTED})`,
  );
}
