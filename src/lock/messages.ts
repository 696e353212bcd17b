/**
 * What clients ask of a server's lock service, and what it answers. Modelled on AtlasDB's lock
 * service: lock a set of descriptors (all or nothing, waiting up to an acquire timeout), refresh
 * a lock's lease, unlock; an immutable-timestamp lock is a lock on no descriptors, whose fencing
 * token is the timestamp it holds back.
 */
import type { ServerId } from '../paxos/types.ts';
import type { ClientId } from '../server/messages.ts';

/** A lock id: random, 128 bits as 32 hex digits, so that one client cannot guess another's. */
export type LockId = string;

/** Lock `descriptors` of `namespace` under the new id `id`. */
export interface LockRequest {
  readonly namespace: ClientId;
  readonly id: LockId;
  /** Sorted and distinct; empty for an immutable-timestamp lock. */
  readonly descriptors: readonly string[];
  /** How long the request may wait for the descriptors. */
  readonly acquireMs: number;
  /** How long a grant or a refresh keeps the lock without another refresh. */
  readonly leaseMs: number;
}

/** One command of the lock service. */
export type LockCommand =
  | { readonly kind: 'lock'; readonly request: LockRequest }
  | { readonly kind: 'refresh'; readonly namespace: ClientId; readonly id: LockId }
  | { readonly kind: 'unlock'; readonly namespace: ClientId; readonly id: LockId };

/** How a command ended. */
export type LockOutcome =
  | {
      readonly kind: 'granted';
      /** The fencing token: a timestamp of the namespace, above every earlier grant's. */
      readonly fencing: number;
      /** The election term the lock was granted under. */
      readonly term: number;
    }
  | { readonly kind: 'refreshed' }
  | { readonly kind: 'released' }
  /** The server does not hold the lock (never granted here, released, expired, or lost). */
  | { readonly kind: 'not-held' }
  | { readonly kind: 'refused'; readonly leader: ServerId; readonly reason: string };

/** The reason a lock request is refused when it waited its acquire timeout out. */
export const ACQUIRE_TIMED_OUT = 'timed out waiting for the lock';

/** The answer to command `command` on lock `id`. */
export interface LockReply {
  readonly namespace: ClientId;
  readonly id: LockId;
  readonly command: LockCommand['kind'];
  readonly outcome: LockOutcome;
}
