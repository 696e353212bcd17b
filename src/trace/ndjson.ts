/**
 * Traces as NDJSON: a header line, then one event per line, one file per server.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerId } from '../paxos/types.ts';
import type { TraceEvent, TraceHeader, TraceSink } from './events.ts';

/** A sink that keeps a server's trace as NDJSON lines in memory. */
export class NdjsonLines implements TraceSink {
  readonly lines: string[] = [];

  header(header: TraceHeader): void {
    this.lines.push(JSON.stringify(header));
  }

  write(event: TraceEvent): void {
    this.lines.push(JSON.stringify(event));
  }
}

/** How much a file sink buffers before it writes. */
const FILE_BUFFER = 1 << 20;

/**
 * A sink that writes a server's trace to a file as it goes, so that a long run never holds its
 * trace in memory. Lines are buffered and written in large pieces; {@link close} writes the
 * rest (a run that is killed loses at most the buffer).
 */
export class NdjsonFile implements TraceSink {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  header(header: TraceHeader): void {
    this.line(JSON.stringify(header));
  }

  write(event: TraceEvent): void {
    this.line(JSON.stringify(event));
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private line(text: string): void {
    this.pending.push(text, '\n');
    this.pendingLength += text.length + 1;
    if (this.pendingLength >= FILE_BUFFER) this.flush();
  }
}

/**
 * One trace file per server in `dir` (created if missing), written as the run goes; `close`
 * finishes them. Pass it to `runSimulation` as its output.
 */
export function traceFiles(dir: string): {
  sinkFor: (s: ServerId) => NdjsonFile;
  readonly paths: string[];
  close(): void;
} {
  mkdirSync(dir, { recursive: true });
  const sinks: NdjsonFile[] = [];
  return {
    sinkFor: (s) => {
      const sink = new NdjsonFile(join(dir, traceFileName(s)));
      sinks.push(sink);
      return sink;
    },
    get paths() {
      return sinks.map((sink) => sink.path);
    },
    close: () => sinks.forEach((sink) => sink.close()),
  };
}

/**
 * The file beside a simulated run's traces that lists its crashes and partitions (one JSON
 * period per line, virtual ms): traces record steps, not the faults around them.
 */
export const FAULT_PERIODS_FILE = 'faults.ndjson';

/** The file name of server `s`'s trace. */
export function traceFileName(s: ServerId): string {
  return `server-${s}.ndjson`;
}

/**
 * Writes each server's lines to `dir` (created if missing), as `server-1.ndjson`, ...
 * Returns the paths written.
 */
export function writeTraces(
  dir: string,
  linesByServer: ReadonlyArray<readonly string[]>,
): string[] {
  mkdirSync(dir, { recursive: true });
  return linesByServer.map((lines, i) => {
    const path = join(dir, traceFileName(i + 1));
    writeFileSync(path, lines.length === 0 ? '' : lines.join('\n') + '\n');
    return path;
  });
}

/** Parses an NDJSON trace back into events (no validation; see {@link ./validate.ts}). */
export function parseTrace(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/** The events of a trace's lines, its header left out (no validation). */
export function traceEvents(lines: readonly string[]): TraceEvent[] {
  return lines
    .filter((line) => line.trim() !== '' && !line.startsWith('{"trace"'))
    .map((line) => JSON.parse(line) as TraceEvent);
}
