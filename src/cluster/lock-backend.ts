/**
 * The lock endpoints of one real server (../net/lock-api.ts) on top of its server core: each
 * HTTP request becomes lock commands (one per lock id for refresh and unlock), whose answers
 * come back through the transport's `lockReply`. Lock ids are made here, from the operating
 * system's random source, so that no client can guess another's; the core only files them.
 */
import { randomBytes } from 'node:crypto';
import {
  ACQUIRE_TIMED_OUT,
  type LockCommand,
  type LockId,
  type LockOutcome,
  type LockReply,
} from '../lock/messages.ts';
import type { LockApiOutcome, NotServed } from '../net/client-api.ts';
import { DEFAULT_ACQUIRE_MS, type LockApiRequest } from '../net/lock-api.ts';
import type { ServerId } from '../paxos/types.ts';
import type { ServerHost } from '../server/host.ts';

/** What the lock endpoints need of the server they run in. */
export interface LockBackendDeps {
  readonly self: ServerId;
  readonly host: ServerHost;
  /** Runs an input through the host (and schedules its next wake-up). */
  readonly drive: (input: () => void) => void;
  /** The answer for a server that does not lead, naming the leader it knows. */
  readonly notLeader: (leader: ServerId) => NotServed;
  /** A fresh timestamp of `namespace`, served as any other. */
  readonly freshTimestamp: (namespace: string) => Promise<number>;
  /** Told of a refresh that found its lock gone. */
  readonly onRefreshFailed: () => void;
  /** Whether the server stopped taking steps after a failure. */
  readonly failed: () => boolean;
}

/** A fresh lock id: 128 random bits as 32 hex digits. */
export function newLockId(): LockId {
  return randomBytes(16).toString('hex');
}

export class LockBackend {
  /** Who waits for the answer to each command, by command kind and lock id. */
  private readonly waiting = new Map<string, Array<(outcome: LockOutcome) => void>>();

  constructor(private readonly deps: LockBackendDeps) {}

  /** Takes an answer from the core. */
  onReply(reply: LockReply): void {
    const key = `${reply.command}:${reply.id}`;
    const waiters = this.waiting.get(key);
    this.waiting.delete(key);
    for (const resolve of waiters ?? []) resolve(reply.outcome);
  }

  /** Answers every command still waiting as refused: the server is stopping. */
  stop(): void {
    const waiters = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const resolve of waiters) resolve({ kind: 'refused', leader: 0, reason: 'stopping' });
  }

  async answer(request: LockApiRequest): Promise<LockApiOutcome> {
    const { leader, acting } = this.deps.host.leadership();
    if (!acting && request.kind !== 'unlock') return this.deps.notLeader(leader);
    const { namespace } = request;
    switch (request.kind) {
      case 'lock':
      case 'lock-immutable': {
        const descriptors = request.kind === 'lock' ? request.descriptors : [];
        // An immutable-timestamp lock waits for nobody, only for a leadership check.
        const acquireMs = request.kind === 'lock' ? request.acquireMs : DEFAULT_ACQUIRE_MS;
        const id = newLockId();
        const outcome = await this.command({
          kind: 'lock',
          request: { namespace, id, descriptors, acquireMs, leaseMs: request.leaseMs },
        });
        if (outcome.kind !== 'granted') return this.notGranted(outcome);
        return answer({
          granted: true,
          lockId: id,
          ...(request.kind === 'lock-immutable' ? { immutableTimestamp: outcome.fencing } : {}),
          fencingToken: outcome.fencing,
          term: outcome.term,
          leaseMs: request.leaseMs,
          server: this.deps.self,
        });
      }
      case 'wait-for-locks': {
        const id = newLockId();
        const outcome = await this.command({
          kind: 'lock',
          request: {
            namespace,
            id,
            descriptors: request.descriptors,
            acquireMs: request.acquireMs,
            leaseMs: request.leaseMs,
          },
        });
        if (outcome.kind === 'granted') await this.command({ kind: 'unlock', namespace, id });
        else if (!timedOut(outcome)) return this.notGranted(outcome);
        return answer({ free: outcome.kind === 'granted' });
      }
      case 'refresh':
      case 'unlock': {
        const kind = request.kind;
        const outcomes = await Promise.all(
          request.lockIds.map((id) => this.command({ kind, namespace, id })),
        );
        const done = request.lockIds.filter((_, i) => outcomes[i].kind !== 'not-held');
        const notHeld = outcomes.filter((o) => o.kind === 'not-held').length;
        if (kind === 'refresh') for (let i = 0; i < notHeld; i++) this.deps.onRefreshFailed();
        return answer(kind === 'refresh' ? { refreshed: done } : { released: done });
      }
      case 'immutable': {
        const least = this.deps.host.leastImmutableTimestamp(namespace);
        const immutableTimestamp = least ?? (await this.deps.freshTimestamp(namespace));
        return answer({ immutableTimestamp });
      }
    }
  }

  /** Sends one command to the core and waits for its answer. */
  private command(command: LockCommand): Promise<LockOutcome> {
    const id = command.kind === 'lock' ? command.request.id : command.id;
    const key = `${command.kind}:${id}`;
    return new Promise<LockOutcome>((resolve) => {
      const waiters = this.waiting.get(key);
      if (waiters === undefined) this.waiting.set(key, [resolve]);
      else waiters.push(resolve);
      this.deps.drive(() => this.deps.host.lock(command, this.deps.host.clock));
      if (this.deps.failed())
        this.onReply({
          namespace: command.kind === 'lock' ? command.request.namespace : command.namespace,
          id,
          command: command.kind,
          outcome: { kind: 'refused', leader: 0, reason: 'the server failed' },
        });
    });
  }

  private notGranted(outcome: LockOutcome): LockApiOutcome {
    if (outcome.kind === 'refused' && outcome.leader !== 0 && outcome.leader !== this.deps.self)
      return this.deps.notLeader(outcome.leader);
    if (outcome.kind !== 'refused')
      return { kind: 'unavailable', reason: `unexpected answer: ${outcome.kind}` };
    if (timedOut(outcome)) return answer({ granted: false, reason: outcome.reason });
    return { kind: 'unavailable', reason: outcome.reason };
  }
}

function timedOut(outcome: LockOutcome): boolean {
  return outcome.kind === 'refused' && outcome.reason.startsWith(ACQUIRE_TIMED_OUT);
}

function answer(body: Record<string, unknown>): LockApiOutcome {
  return { kind: 'answer', body };
}
