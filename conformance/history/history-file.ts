/**
 * Reading a campaign's history file (`src/cluster/history-log.ts` writes it) back into the
 * operations the checkers take and the faults the report shades. An invocation without a
 * completion (the campaign stopped before the answer came) reads as unknown, completed at the
 * last time the file mentions: it may have taken effect, so it constrains nothing.
 */
import { readFileSync } from 'node:fs';
import type {
  CompletionRecord,
  HistoryHeader,
  HistoryRecord,
  InvokeRecord,
  NemesisRecord,
} from '../../src/cluster/history-log.ts';
import type { TimestampOperation } from './timestamp-history.ts';

/** A fault read from a history: started, and healed (or not before the history ends). */
export interface HistoryFault {
  readonly index: number;
  readonly kind: string;
  readonly description: string;
  readonly targets: readonly number[];
  readonly startMs: number;
  /** Null when the history ends before the fault was healed. */
  readonly endMs: number | null;
}

/** A history file's contents. */
export interface ReadHistory {
  readonly header: HistoryHeader;
  readonly operations: TimestampOperation[];
  readonly faults: HistoryFault[];
  /** The last time any record mentions. */
  readonly endMs: number;
}

/** A line of a history file that is not what the format says; names the file and line. */
export class HistoryFileError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'HistoryFileError';
  }
}

/** Reads the history at `path`; see the module comment. */
export function readHistoryFile(path: string): ReadHistory {
  return parseHistory(readFileSync(path, 'utf8'), path);
}

/** Parses a history's text; `file` names it in errors. */
export function parseHistory(text: string, file = 'history'): ReadHistory {
  const lines = text.split('\n');
  let header: HistoryHeader | undefined;
  const invoked = new Map<number, InvokeRecord>();
  const completed = new Map<number, CompletionRecord>();
  const started = new Map<number, NemesisRecord>();
  const ended = new Map<number, number>();
  let endMs = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const at = i + 1;
    let record: HistoryRecord;
    try {
      record = JSON.parse(line) as HistoryRecord;
    } catch (e) {
      // A crash can cut the last line short; anything else broken is an error.
      if (i >= lines.length - 2) return;
      throw new HistoryFileError(file, at, `not JSON: ${(e as Error).message}`);
    }
    if (header === undefined) {
      if (record.type !== 'history' || record.version !== 1)
        throw new HistoryFileError(file, at, 'expected the header {"type":"history","version":1}');
      header = record;
      return;
    }
    if ('at' in record) {
      if (typeof record.at !== 'number' || !Number.isFinite(record.at))
        throw new HistoryFileError(file, at, '"at" must be a finite number');
      endMs = Math.max(endMs, record.at);
    }
    switch (record.type) {
      case 'invoke':
        if (invoked.has(record.op))
          throw new HistoryFileError(file, at, `operation ${record.op} is invoked twice`);
        invoked.set(record.op, record);
        break;
      case 'ok':
      case 'fail':
      case 'unknown':
        if (!invoked.has(record.op))
          throw new HistoryFileError(
            file,
            at,
            `operation ${record.op} completes before it is invoked`,
          );
        completed.set(record.op, record);
        break;
      case 'nemesis':
        if (record.phase === 'start') started.set(record.fault, record);
        else ended.set(record.fault, record.at);
        break;
      default:
        throw new HistoryFileError(
          file,
          at,
          `unknown record type ${JSON.stringify((record as { type?: unknown }).type)}`,
        );
    }
  });
  if (header === undefined) throw new HistoryFileError(file, 1, 'the history is empty');
  const operations = [...invoked.values()].map((inv) =>
    operationOf(inv, completed.get(inv.op), endMs),
  );
  const faults = [...started.values()].map((s) => ({
    index: s.fault,
    kind: s.kind,
    description: s.description,
    targets: s.targets,
    startMs: s.at,
    endMs: ended.get(s.fault) ?? null,
  }));
  return { header, operations, faults, endMs };
}

function operationOf(
  inv: InvokeRecord,
  done: CompletionRecord | undefined,
  endMs: number,
): TimestampOperation {
  const base = { caller: inv.caller, namespace: inv.namespace, invokedAt: inv.at };
  if (done === undefined)
    return {
      ...base,
      completedAt: Math.max(endMs, inv.at),
      outcome: { kind: 'unknown', error: 'no answer before the history ends' },
    };
  if (done.type === 'ok')
    return {
      ...base,
      completedAt: done.at,
      outcome: {
        kind: 'ok',
        lower: done.lower,
        upper: done.upper,
        server: done.server,
        ...(done.term !== undefined ? { term: done.term } : {}),
      },
    };
  return {
    ...base,
    completedAt: done.at,
    outcome: { kind: done.type === 'fail' ? 'failed' : 'unknown', error: done.error },
  };
}
