/**
 * A real server's trace file: one NDJSON file that lives as long as the server's data folder.
 * Each event is written with its own `write` call as it happens, so a process killed with
 * `kill -9` loses no event it recorded (the bytes are in the operating system's cache); the
 * file is fsync'd before each acceptor write and otherwise in batches ({@link AppendingTraceFile.sync}
 * on a timer), so a power loss can cut off only events that left nothing durable behind: the
 * trace then describes a shorter run, still one the spec allows (answers sent in the lost events
 * are missing from it).
 *
 * A server that boots on an existing data folder goes on in the same file: {@link readTraceFile}
 * reads what the previous run recorded (the header, the last vector clock, the last fresh
 * number, the latest acceptor records, the requests it held, whether its volatile state was
 * empty), so the new run continues the vector clock, records the crash as the spec's `GiveUp`
 * and `Restart`, and the validator replays the whole life of the server as one trace.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import type { AcceptorRecord, LogName, Seq } from '../paxos/types.ts';
import type { ClientId } from '../server/messages.ts';
import type { TraceEvent, TraceHeader, TraceSink } from './events.ts';
import type { VectorTime } from './vector-clock.ts';

/** Why a trace file cannot be continued; the message names the file and line. */
export class TraceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFileError';
  }
}

/** What a previous run of a server recorded in its trace file. */
export interface RecordedRun {
  readonly header: TraceHeader;
  readonly events: number;
  /** The vector clock of the last event, or null if there was none. */
  readonly lastClock: VectorTime | null;
  /** The last fresh number an event recorded (the spec's `fresh[s]`), or 0. */
  readonly fresh: number;
  /** The latest acceptor record the trace holds for each (log, sequence). */
  readonly acceptor: ReadonlyArray<{ log: LogName; seq: Seq; record: AcceptorRecord }>;
  /** Clients whose request at this server was taken and never served or given up. */
  readonly heldRequests: readonly ClientId[];
  /** Whether the volatile state (`learned[s]`, `tsvc[s]`) changed since the last restart. */
  readonly volatileStateSet: boolean;
  /** Bytes of an unfinished last line that were dropped (a write cut off by a power loss). */
  readonly droppedTail: number;
}

/**
 * Reads the trace file at `path`, or returns null when there is none (or it is empty). An
 * unfinished last line is cut off the file, so that appending continues on a line boundary.
 */
export function readTraceFile(path: string): RecordedRun | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length === 0) return null;
  const end = text.lastIndexOf('\n') + 1;
  const droppedTail = Buffer.byteLength(text.slice(end));
  if (droppedTail > 0) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
    } finally {
      closeSync(fd);
    }
  }
  const lines = text.slice(0, end).split('\n');
  let header: TraceHeader | null = null;
  let events = 0;
  let lastClock: VectorTime | null = null;
  let fresh = 0;
  const acceptor = new Map<string, { log: LogName; seq: Seq; record: AcceptorRecord }>();
  const held = new Set<ClientId>();
  let volatileStateSet = false;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new TraceFileError(`${path}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (header === null) {
      header = value as TraceHeader;
      if (header.trace !== 'timelock')
        throw new TraceFileError(`${path}:${i + 1}: not a timelock trace header`);
      return;
    }
    const event = value as TraceEvent;
    if (event.server !== header.server) return;
    events++;
    lastClock = event.vc;
    if (event.reset) volatileStateSet = false;
    const { changes } = event;
    if (changes.fresh !== undefined) fresh = changes.fresh;
    if (changes.learned ?? changes.tsvc ?? changes.locks) volatileStateSet = true;
    for (const [log, records] of Object.entries(changes.acc ?? {}))
      for (const [seq, record] of Object.entries(records))
        acceptor.set(`${log}/${seq}`, { log, seq: Number(seq), record });
    if (event.action === 'Request') held.add(event.params.c);
    if (event.action === 'Serve' || event.action === 'GiveUp') held.delete(event.params.c);
  });
  if (header === null) return null;
  return {
    header,
    events,
    lastClock,
    fresh,
    acceptor: [...acceptor.values()],
    heldRequests: [...held],
    volatileStateSet,
    droppedTail,
  };
}

/** The header fields that must match for a run to go on in an existing trace file. */
function sameRun(a: TraceHeader, b: TraceHeader): boolean {
  return (
    a.version === b.version && a.server === b.server && a.servers === b.servers && a.step === b.step
  );
}

/** Appends a server's events to its trace file; see the module comment. */
export class AppendingTraceFile implements TraceSink {
  private readonly fd: number;
  private dirty = false;

  /**
   * Opens `path` for appending. `previous` is what {@link readTraceFile} found in it: the new
   * run's header must then match it, and is not written again.
   */
  constructor(
    readonly path: string,
    private readonly previous: RecordedRun | null,
  ) {
    this.fd = openSync(path, 'a');
  }

  header(header: TraceHeader): void {
    if (this.previous === null) return this.line(JSON.stringify(header));
    if (!sameRun(this.previous.header, header))
      throw new TraceFileError(
        `${this.path}: the trace was written by ${JSON.stringify(this.previous.header)}, ` +
          `but this server runs as ${JSON.stringify(header)}; use a new trace file (and data folder) for a different configuration`,
      );
  }

  write(event: TraceEvent): void {
    this.line(JSON.stringify(event));
  }

  /** Makes the events written since the last sync durable (nothing to do if none). */
  sync(): void {
    if (!this.dirty) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    this.sync();
    closeSync(this.fd);
  }

  private line(text: string): void {
    writeSync(this.fd, text + '\n');
    this.dirty = true;
  }
}
