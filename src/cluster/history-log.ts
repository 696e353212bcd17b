/**
 * The history of a fault campaign as it happens, one JSON object per line (NDJSON), in the
 * style of Jepsen's histories: each client operation is written when it is invoked and again
 * when it completes (ok, fail or unknown), and each fault when it starts and when it is healed.
 * Lines are appended as they happen, so a campaign that dies part-way leaves every operation it
 * started on disk: an invocation without a completion reads back as unknown.
 *
 * Times are milliseconds since the campaign started, from one monotonic clock
 * (`performance.now()` in the campaign's process); the header holds the wall-clock start.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** The first line. */
export interface HistoryHeader {
  readonly type: 'history';
  readonly version: 1;
  /** Wall-clock time of time 0, ISO 8601. */
  readonly startedAt: string;
  /** The campaign's settings, as given (for the report; the checkers do not read them). */
  readonly settings: Record<string, unknown>;
}

/** A client operation was invoked: `n` timestamps of `namespace`, first asked of `server`. */
export interface InvokeRecord {
  readonly type: 'invoke';
  readonly op: number;
  readonly caller: string;
  readonly namespace: string;
  readonly n: number;
  readonly at: number;
}

/**
 * An operation completed. `ok`: it got `lower..upper` from `server`, which served it as leader of
 * election term `term`. `fail`: it certainly took no effect (every server asked refused it).
 * `unknown`: it may or may not have (a timeout or a lost connection after the request was sent).
 */
export type CompletionRecord =
  | {
      readonly type: 'ok';
      readonly op: number;
      readonly at: number;
      readonly lower: number;
      readonly upper: number;
      readonly server: number;
      readonly term?: number;
    }
  | {
      readonly type: 'fail' | 'unknown';
      readonly op: number;
      readonly at: number;
      readonly error: string;
    };

/** A fault started (`phase: 'start'`) or was healed (`'end'`). */
export interface NemesisRecord {
  readonly type: 'nemesis';
  readonly phase: 'start' | 'end';
  /** The fault's index in the campaign's schedule. */
  readonly fault: number;
  readonly kind: string;
  /** What was done, for people: "kill -9 server 2 (the leader)". */
  readonly description: string;
  /** The servers the fault acted on. */
  readonly targets: readonly number[];
  readonly at: number;
}

export type HistoryRecord = HistoryHeader | InvokeRecord | CompletionRecord | NemesisRecord;

/**
 * Appends history records to a file. Each record is one `write` of one line; `close` fsyncs.
 * Synchronous on purpose: a record is written before the operation it describes goes on, so the
 * file never shows a completion before its invocation.
 */
export class HistoryLog {
  private fd: number | null;

  constructor(
    readonly path: string,
    header: Omit<HistoryHeader, 'type' | 'version'>,
  ) {
    this.fd = openSync(path, 'w');
    this.write({ type: 'history', version: 1, ...header });
  }

  write(record: HistoryRecord): void {
    if (this.fd === null) return;
    writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
