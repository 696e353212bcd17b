/**
 * Opening a server's durable state for a run: its data folder (SQLite) and, when traced, its
 * trace file, made to agree with each other.
 *
 * The host records each event before it persists what the event wrote, and sends nothing before
 * both are done (../server/host.ts); fresh numbers are reserved on disk before they are taken,
 * and taken before the event that records them. So a crash can leave the trace ahead of the
 * database by the acceptor record of its last event, and the counter ahead of the trace by
 * numbers no message carried. Booting redoes the first (the record is written as the trace says)
 * and undoes the second (the counter goes back to the trace's: the numbers after it were never
 * recorded, so never sent, and are handed out again), after which every durable state matches
 * the trace exactly.
 *
 * A trace must cover the data folder's whole life, or it would not replay: a folder with state
 * and a new trace file, or a trace file with events and a new folder, is refused.
 */
import { sameBallot, sameValue } from '../paxos/ballot.ts';
import type { AcceptorRecord, ServerId } from '../paxos/types.ts';
import { SqliteStore } from '../storage/sqlite-store.ts';
import { AppendingTraceFile, readTraceFile, type RecordedRun } from '../trace/trace-file.ts';

/** Why a server cannot boot on the state it was given; the message says what to do. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootError';
  }
}

/** A server's durable state, open and consistent. */
export interface BootedState {
  readonly store: SqliteStore;
  /** The trace file, when the server is traced. */
  readonly trace: AppendingTraceFile | null;
  /** What the trace says the previous run did, when there was one. */
  readonly previousRun: RecordedRun | null;
}

/** Fresh numbers a real server reserves on disk at a time (one write per this many checks). */
export const FRESH_BLOCK = 1024;

/** Opens the data folder of server `self` and, if given, its trace file; see the module comment. */
export function bootState(dataDir: string, self: ServerId, tracePath?: string): BootedState {
  const store = SqliteStore.open(dataDir, self, FRESH_BLOCK);
  try {
    if (tracePath === undefined) return { store, trace: null, previousRun: null };
    const previousRun = readTraceFile(tracePath);
    if (previousRun === null && store.hasState())
      throw new BootError(
        `${dataDir} holds the state of an earlier run but ${tracePath} is new: a trace must cover a data folder's whole life (use a new data folder, or run without --trace)`,
      );
    if (previousRun !== null) {
      if (previousRun.header.server !== self)
        throw new BootError(
          `${tracePath} is the trace of server ${previousRun.header.server}, not of server ${self}`,
        );
      if (previousRun.events > 0 && !store.hasState())
        throw new BootError(
          `${tracePath} records ${previousRun.events} events but ${dataDir} is new: the trace belongs to another data folder (use a new trace file)`,
        );
      reconcile(store, previousRun, tracePath);
    }
    return { store, trace: new AppendingTraceFile(tracePath, previousRun), previousRun };
  } catch (e) {
    store.close();
    throw e;
  }
}

function reconcile(store: SqliteStore, run: RecordedRun, tracePath: string): void {
  for (const { log, seq, record } of run.acceptor) {
    if (!sameRecord(store.load(log, seq), record)) store.save(log, seq, record);
  }
  if (store.last() < run.fresh)
    throw new BootError(
      `${tracePath} records fresh number ${run.fresh} but the data folder's counter is at ${store.last()}: they belong to different runs`,
    );
  store.rewindFresh(run.fresh);
}

function sameRecord(a: AcceptorRecord, b: AcceptorRecord): boolean {
  return sameBallot(a.prom, b.prom) && sameBallot(a.bal, b.bal) && sameValue(a.val, b.val);
}
