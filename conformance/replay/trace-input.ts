/**
 * Reading traces: NDJSON files (one event per line) or folders of them as
 * `timelock simulate --trace-dir` writes (`server-1.ndjson`, ...). Every event is checked
 * against the trace schema, so that the replay only ever sees well-formed events and a broken
 * line is reported with its file and line rather than as a confusing spec failure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TraceEvent } from '../../src/trace/events.ts';
import { TRACE_EVENT_SCHEMA } from '../../src/trace/schema.ts';
import { validate } from '../../src/trace/validate.ts';

/**
 * An event together with where it was logged. Only the line's text and what merging needs are
 * kept; the event is parsed again when it is used. A server logs its whole state with every
 * event, so a long trace parsed once and kept would take several times its size in memory.
 */
export class LoggedEvent {
  constructor(
    /** The file it came from (or the name given to an in-memory trace). */
    readonly file: string,
    /** 1-based line number in that file. */
    readonly line: number,
    /** The line as logged, for reports. */
    readonly text: string,
    /** Its Lamport clock and server, for merging. */
    readonly clock: number,
    readonly server: number,
  ) {}

  /** The event (checked against the schema when the trace was read). */
  get event(): TraceEvent {
    let parsed = recentlyParsed.get(this);
    if (parsed === undefined) {
      parsed = JSON.parse(this.text) as TraceEvent;
      // Replay and reports use the events near the one being replayed, over and over.
      if (recentlyParsed.size >= RECENTLY_PARSED) recentlyParsed.clear();
      recentlyParsed.set(this, parsed);
    }
    return parsed;
  }
}

const recentlyParsed = new Map<LoggedEvent, TraceEvent>();
const RECENTLY_PARSED = 64;

/** One server's trace, or several servers' traces merged in one file. */
export interface TraceStream {
  readonly file: string;
  readonly events: readonly LoggedEvent[];
}

/** A trace that cannot be read: a missing file or a malformed line (`file:line: why`). */
export class TraceInputError extends Error {
  override name = 'TraceInputError';
}

/** The trace files of a folder: `server-N.ndjson`, in server order. */
export function traceFilesIn(dir: string): string[] {
  const serverNumber = (name: string) => Number(/^server-(\d+)\.ndjson$/.exec(name)?.[1]);
  const names = readdirSync(dir)
    .filter((name) => Number.isInteger(serverNumber(name)))
    .sort((x, y) => serverNumber(x) - serverNumber(y));
  if (names.length === 0)
    throw new TraceInputError(`${dir}: no server-N.ndjson trace files in this folder`);
  return names.map((name) => join(dir, name));
}

/**
 * Groups command-line paths into runs: each folder is one run (its servers' files together);
 * all files named directly form one more run, since they are usually the servers of one run.
 */
export function runsOf(paths: readonly string[]): string[][] {
  const looseFiles: string[] = [];
  const runs: string[][] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new TraceInputError(`${path}: no such file or folder`);
    }
    if (isFolder) runs.push(traceFilesIn(path));
    else looseFiles.push(path);
  }
  if (looseFiles.length > 0) runs.push(looseFiles);
  return runs;
}

/** Reads and checks one trace file. */
export function readTraceFile(file: string): TraceStream {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TraceInputError(`${file}: cannot read this trace file (missing or unreadable)`);
  }
  return parseTrace(text, file);
}

/** Parses NDJSON trace text; `file` names it in reports. Blank lines are skipped. */
export function parseTrace(text: string, file: string): TraceStream {
  const events: LoggedEvent[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new TraceInputError(`${where}: not JSON (${(e as Error).message})`);
    }
    const errors = validate(TRACE_EVENT_SCHEMA, value);
    if (errors.length > 0) {
      const first = errors[0];
      throw new TraceInputError(`${where}: not a trace event: at ${first.path}: ${first.message}`);
    }
    const event = value as TraceEvent;
    events.push(new LoggedEvent(file, index + 1, line, event.clock, event.server));
  });
  return { file, events };
}

/** A short name for a trace file in reports (`server-1.ndjson`). */
export function shortName(file: string): string {
  return basename(file);
}
