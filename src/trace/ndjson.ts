/**
 * Traces as NDJSON: one event per line, one file per server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerId } from '../paxos/types.ts';
import type { TraceEvent, TraceSink } from './events.ts';

/** A sink that keeps a server's events as NDJSON lines in memory. */
export class NdjsonLines implements TraceSink {
  readonly lines: string[] = [];

  write(event: TraceEvent): void {
    this.lines.push(JSON.stringify(event));
  }
}

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
