/**
 * A simulated lock client: it locks one or two of a few descriptors of its namespace (now and
 * then the immutable timestamp, a lock on none), increments a fenced register per descriptor
 * under the lock (a read at the grant, a write before the unlock), may refresh the lock in
 * between, and unlocks. It asks the server it was last told leads, else a random one.
 */
import type { ServerId } from '../paxos/types.ts';
import type { LockCommand, LockId, LockOutcome } from '../lock/messages.ts';
import { VectorClock } from '../trace/vector-clock.ts';
import type { FencedRead } from './fenced-register.ts';
import type { Prng } from './prng.ts';

/** The descriptors simulated clients contend for. */
export const SIM_DESCRIPTORS = ['a', 'b', 'c'] as const;

/** What the client is doing. */
type Phase =
  | { readonly kind: 'idle' }
  | { readonly kind: 'locking'; readonly id: LockId; readonly descs: readonly string[] }
  | {
      readonly kind: 'holding';
      readonly id: LockId;
      readonly descs: readonly string[];
      readonly fencing: number;
      readonly reads: ReadonlyMap<string, FencedRead>;
      refreshing: boolean;
    };

/** What a client saw, for the run's summary. */
export interface LockCounts {
  requested: number;
  granted: number;
  refused: number;
  refreshed: number;
  lost: number;
  increments: number;
  /** Writes a fenced counter refused: the writer's lock had been superseded. */
  fencedOff: number;
}

/** Counts of a client that has done nothing yet. */
export function noLockCounts(): LockCounts {
  return {
    requested: 0,
    granted: 0,
    refused: 0,
    refreshed: 0,
    lost: 0,
    increments: 0,
    fencedOff: 0,
  };
}

/** The timings of simulated locks, in virtual ms. */
export const SIM_LOCK_TIMINGS = { acquireMs: 150, leaseMs: 120 } as const;

export class SimLockClient {
  readonly clock: VectorClock;
  readonly counts: LockCounts = noLockCounts();
  private phase: Phase = { kind: 'idle' };
  private leaderHint: ServerId = 0;
  /** The server the current lock was asked of. */
  private server: ServerId = 0;

  constructor(
    readonly namespace: string,
    private readonly servers: number,
    private readonly random: Prng,
  ) {
    this.clock = new VectorClock(servers);
  }

  /** The server the current (or last) lock was asked of. */
  get askedOf(): ServerId {
    return this.server;
  }

  /** The lock the client waits on or holds, if any. */
  get current(): LockId | null {
    return this.phase.kind === 'idle' ? null : this.phase.id;
  }

  /** Starts a lock request: the command and the server to send it to. */
  lock(): { readonly server: ServerId; readonly command: LockCommand } {
    if (this.phase.kind !== 'idle') throw new Error('a lock client asks for one lock at a time');
    const descs = this.random.chance(0.1) ? [] : this.pickDescriptors();
    const id = randomLockId(this.random);
    this.server = this.leaderHint !== 0 ? this.leaderHint : this.random.int(1, this.servers);
    this.phase = { kind: 'locking', id, descs };
    this.counts.requested++;
    return {
      server: this.server,
      command: {
        kind: 'lock',
        request: { namespace: this.namespace, id, descriptors: descs, ...SIM_LOCK_TIMINGS },
      },
    };
  }

  private pickDescriptors(): string[] {
    const first = this.random.pick(SIM_DESCRIPTORS);
    if (!this.random.chance(0.3)) return [first];
    const second = this.random.pick(SIM_DESCRIPTORS);
    return [...new Set([first, second])].sort();
  }

  /**
   * Takes the answer to the lock request `id` (null: the connection failed). Returns the
   * grant, for the caller to read the registers with; null when refused; undefined for an
   * answer to a request the client no longer waits on.
   */
  locked(
    id: LockId,
    outcome: LockOutcome | null,
  ): { readonly fencing: number; readonly descs: readonly string[] } | null | undefined {
    const p = this.phase;
    if (p.kind !== 'locking' || p.id !== id) return undefined;
    if (outcome?.kind !== 'granted') {
      this.counts.refused++;
      this.leaderHint = outcome?.kind === 'refused' ? outcome.leader : 0;
      this.phase = { kind: 'idle' };
      return null;
    }
    this.counts.granted++;
    this.leaderHint = this.server;
    return { fencing: outcome.fencing, descs: p.descs };
  }

  /** The client holds its lock, having read the registers (a read refused ends the hold). */
  hold(id: LockId, fencing: number, reads: ReadonlyMap<string, FencedRead> | null): void {
    const p = this.phase;
    if (p.kind !== 'locking' || p.id !== id) return;
    if (reads === null) {
      this.counts.lost++;
      this.phase = { kind: 'idle' };
      return;
    }
    this.phase = { kind: 'holding', id, descs: p.descs, fencing, reads, refreshing: false };
  }

  /** A refresh of the held lock, or null when none is held or one is under way. */
  refresh(): { readonly server: ServerId; readonly command: LockCommand } | null {
    const p = this.phase;
    if (p.kind !== 'holding' || p.refreshing) return null;
    p.refreshing = true;
    return {
      server: this.server,
      command: { kind: 'refresh', namespace: this.namespace, id: p.id },
    };
  }

  /**
   * Takes a refresh's answer; false when the lock is lost (the client then stops using it).
   * An answer to no refresh under way (one that came after the client stopped waiting) is
   * ignored.
   */
  refreshed(id: LockId, outcome: LockOutcome | null): boolean {
    const p = this.phase;
    if (p.kind !== 'holding' || p.id !== id || !p.refreshing) return true;
    p.refreshing = false;
    if (outcome?.kind === 'refreshed') {
      this.counts.refreshed++;
      return true;
    }
    this.counts.lost++;
    this.phase = { kind: 'idle' };
    return false;
  }

  /** What the client holds, to write the registers before it unlocks; null if nothing. */
  holding(): {
    readonly id: LockId;
    readonly fencing: number;
    readonly reads: ReadonlyMap<string, FencedRead>;
  } | null {
    const p = this.phase;
    return p.kind === 'holding' ? p : null;
  }

  /** Ends the hold: the unlock command to send. */
  unlock(): { readonly server: ServerId; readonly command: LockCommand } | null {
    const p = this.phase;
    if (p.kind !== 'holding') return null;
    this.phase = { kind: 'idle' };
    return unlockOf(this, p.id);
  }
}

/** The unlock of lock `id`, sent to the server it was asked of. */
export function unlockOf(
  client: SimLockClient,
  id: LockId,
): { readonly server: ServerId; readonly command: LockCommand } {
  return { server: client.askedOf, command: { kind: 'unlock', namespace: client.namespace, id } };
}

/** 128 random bits as 32 hex digits, from the client's own stream (so runs replay). */
function randomLockId(random: Prng): LockId {
  let id = '';
  for (let i = 0; i < 4; i++) id += random.nextUint32().toString(16).padStart(8, '0');
  return id;
}
