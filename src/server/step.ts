/**
 * What a server core decides in one step: at most one spec action, the acceptor record to
 * persist, and the messages and answers to send. The driver records the action, then persists,
 * then sends (see {@link ./host.ts}).
 */
import type { AcceptorRecord, LogName, Seq, ServerId } from '../paxos/types.ts';
import type { AcceptorStorage, IdSource, Random } from '../ports.ts';
import type { SpecAction } from '../trace/events.ts';
import type { LockReply } from '../lock/messages.ts';
import type { ServerMsg, TimestampReply } from './messages.ts';

/** A message to send: to one server, to every server (this one first), or to the others. */
export interface Outgoing {
  readonly to: ServerId | 'all' | 'others';
  readonly body: ServerMsg;
}

/** An acceptor record to store durably before anything of the step is sent. */
export interface Persist {
  readonly log: LogName;
  readonly seq: Seq;
  readonly record: AcceptorRecord;
}

/** The outcome of one step. */
export interface Step {
  /** The spec action this step is, or null for a step the spec does not see. */
  readonly action: SpecAction | null;
  readonly persist: Persist | null;
  readonly send: readonly Outgoing[];
  readonly replies: readonly TimestampReply[];
  readonly lockReplies: readonly LockReply[];
  /** For Serve: the range handed out. */
  readonly served?: readonly [number, number];
  /** For LockRelease: why the lock ended (for metrics and logs). */
  readonly lockEnd?: LockEnd;
}

/**
 * Why a lock entry ended: its holder unlocked it, its lease expired, the request timed out
 * waiting, or the server lost it (it no longer leads, or leads under a newer term).
 */
export type LockEnd = 'unlocked' | 'expired' | 'timed-out' | 'lost';

/** A step with the given parts; the rest empty. */
export function makeStep(parts: Partial<Step>): Step {
  return { action: null, persist: null, send: [], replies: [], lockReplies: [], ...parts };
}

/** What a core may consult during a step besides its own state: injected, never global. */
export interface StepEnv {
  readonly now: number;
  readonly random: Random;
  readonly ids: IdSource;
  /** Read-only use: writes go through {@link Step.persist}. */
  readonly storage: AcceptorStorage;
}
