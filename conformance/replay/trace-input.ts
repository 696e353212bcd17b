/**
 * Reading traces: NDJSON files (one event per line) or folders of them as
 * `timelock simulate --trace-dir` writes (`server-1.ndjson`, ...). Files are read in chunks as
 * the replay goes, never whole, so a trace of millions of events costs memory for the events
 * being replayed, not for the file. Every event is checked against the trace schema as it is
 * read, so that the replay only ever sees well-formed events and a broken line is reported with
 * its file and line rather than as a confusing spec failure.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TRACE_VERSION, type TraceEvent, type TraceHeader } from '../../src/trace/events.ts';
import { TRACE_EVENT_SCHEMA, TRACE_HEADER_SCHEMA } from '../../src/trace/schema.ts';
import { validate } from '../../src/trace/validate.ts';
import { clockSum, type VectorTime } from '../../src/trace/vector-clock.ts';

/**
 * An event together with where it was logged. The line's text is kept (for reports) and the
 * event parsed from it; a replay holds only the events near the one it is replaying.
 */
export class LoggedEvent {
  /** The sum of the vector clock: larger than that of every event that happened before. */
  readonly order: number;

  constructor(
    /** The file it came from (or the name given to an in-memory trace). */
    readonly file: string,
    /** 1-based line number in that file. */
    readonly line: number,
    /** The line as logged, for reports. */
    readonly text: string,
    /** The event (checked against the schema when it was read). */
    readonly event: TraceEvent,
  ) {
    this.order = clockSum(event.vc);
  }

  /** The server that logged it. */
  get server(): number {
    return this.event.server;
  }

  /** Its vector clock. */
  get vc(): VectorTime {
    return this.event.vc;
  }
}

/**
 * One server's trace, or several servers' traces merged in one file. `events` can be iterated
 * more than once (a file is read again from the start each time).
 */
export interface TraceStream {
  readonly file: string;
  /** The trace's first line, when it has one (traces written by hand may not). */
  readonly header?: TraceHeader;
  readonly events: Iterable<LoggedEvent>;
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

/**
 * A trace file, read lazily: its header now, its events each time they are iterated (the
 * file is read and checked from the start then).
 */
export function readTraceFile(file: string): TraceStream {
  try {
    closeSync(openSync(file, 'r'));
  } catch {
    throw new TraceInputError(`${file}: cannot read this trace file (missing or unreadable)`);
  }
  return {
    file,
    header: headerOf(fileLines(file), file),
    events: { [Symbol.iterator]: () => parseLines(fileLines(file), file) },
  };
}

/** Parses NDJSON trace text held in memory; `file` names it in reports. */
export function parseTrace(text: string, file: string): TraceStream {
  return {
    file,
    header: headerOf(textLines(text), file),
    events: [...parseLines(textLines(text), file)],
  };
}

/** The header, if the first line that is not blank is one. */
function headerOf(lines: Iterable<string>, file: string): TraceHeader | undefined {
  let index = 0;
  for (const raw of lines) {
    index++;
    const line = raw.trim();
    if (line === '') continue;
    return isHeaderLine(line) ? parseHeader(line, file, index) : undefined;
  }
  return undefined;
}

function isHeaderLine(line: string): boolean {
  return line.startsWith('{"trace"');
}

function parseHeader(line: string, file: string, lineNumber: number): TraceHeader {
  const where = `${file}:${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new TraceInputError(`${where}: not JSON (${(e as Error).message})`);
  }
  const version = (value as { version?: unknown }).version;
  if (version !== undefined && version !== TRACE_VERSION)
    throw new TraceInputError(
      `${where}: a trace of format version ${String(version)}; this validator reads version ${TRACE_VERSION} (traces written by this version of timelock)`,
    );
  const errors = validate(TRACE_HEADER_SCHEMA, value);
  if (errors.length > 0)
    throw new TraceInputError(
      `${where}: not a trace header: at ${errors[0].path}: ${errors[0].message}`,
    );
  return value as TraceHeader;
}

/** Turns lines into checked events; blank lines and the header are skipped. */
function* parseLines(lines: Iterable<string>, file: string): Generator<LoggedEvent> {
  let index = 0;
  let first = true;
  for (const raw of lines) {
    index++;
    const line = raw.trim();
    if (line === '') continue;
    const isFirst = first;
    first = false;
    if (isFirst && isHeaderLine(line)) continue;
    yield parseLine(line, file, index);
  }
}

/** One line as an event, or a {@link TraceInputError} naming `file:line`. */
export function parseLine(line: string, file: string, lineNumber: number): LoggedEvent {
  const where = `${file}:${lineNumber}`;
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
  return new LoggedEvent(file, lineNumber, line, value as TraceEvent);
}

function* textLines(text: string): Generator<string> {
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      yield text.slice(start);
      return;
    }
    yield text.slice(start, end);
    start = end + 1;
  }
}

/** How much of a file is read at a time. */
const CHUNK = 1 << 20;

/** The lines of a file, read a chunk at a time. */
function* fileLines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    // Bytes after the last newline read so far (a line, or a UTF-8 sequence, cut by a chunk).
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const lastNewline = buffer.lastIndexOf(10, n - 1);
      if (lastNewline < 0) {
        carry = Buffer.concat([carry, buffer.subarray(0, n)]);
        continue;
      }
      const text = Buffer.concat([carry, buffer.subarray(0, lastNewline)]).toString('utf8');
      carry = Buffer.from(buffer.subarray(lastNewline + 1, n));
      yield* text.split('\n');
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A short name for a trace file in reports (`server-1.ndjson`). */
export function shortName(file: string): string {
  return basename(file);
}
