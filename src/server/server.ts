/**
 * One Timelock server's protocol core: acceptor, learner, election, leadership checks,
 * timestamp service and the requests it holds, composed. It is deterministic and does no I/O:
 * {@link Server.handle} takes one input and {@link Server.decide} takes one decision, each a
 * {@link Step} with at most one spec action; a driver ({@link ./host.ts}) persists, records and
 * sends what the step says, in that order.
 */
import { acceptorRules, type AcceptorRules } from '../paxos/acceptor.ts';
import { catchUpAnswer } from '../paxos/catch-up.ts';
import { Learner } from '../paxos/learner.ts';
import type { AcceptMsg, AcceptedMsg, CatchUpMsg, PrepareMsg } from '../paxos/messages.ts';
import { valueFor, type ValueRule } from '../paxos/proposer.ts';
import { quorumSize } from '../paxos/quorum.ts';
import {
  LEADER_LOG,
  type LogName,
  type LogValue,
  type Seq,
  type ServerId,
} from '../paxos/types.ts';
import { Election, leaderOf } from '../election/election.ts';
import {
  leadershipChecks,
  type LeadershipChecks,
  type LeadershipChecksFactory,
} from '../election/leadership-check.ts';
import type { PingMsg, PongMsg } from '../election/messages.ts';
import { PongMemory } from '../election/pong.ts';
import { BatchSizeError, isValidBatchSize } from '../timestamp/batch.ts';
import { TimestampService } from '../timestamp/service.ts';
import { timestampRules, type TimestampRules } from '../timestamp/tsvc.ts';
import { LockTables } from '../lock/lock-tables.ts';
import { LOCK_RULES, type LockRules } from '../lock/rules.ts';
import type { LockSlot, LockTable } from '../lock/lock-table.ts';
import { ACQUIRE_TIMED_OUT, type LockCommand, type LockOutcome } from '../lock/messages.ts';
import { specAction, type SpecChanges } from '../trace/events.ts';
import type { ClientId, ServerMsg, TimestampReply, TimestampRequest } from './messages.ts';
import { makeStep, type LockEnd, type Step, type StepEnv } from './step.ts';
import type { Timings } from './timings.ts';

/**
 * The protocol rules a server follows, as values: the driver takes them as a parameter so that
 * tests can run a server with one rule replaced by a faulty one and watch the checker catch it.
 */
export interface ServerRules {
  readonly acceptor: AcceptorRules;
  readonly valueFor: ValueRule;
  readonly timestamps: TimestampRules;
  readonly leadershipChecks: LeadershipChecksFactory;
  readonly locks: LockRules;
}

/** The rules as the spec states them. */
export const SPEC_RULES: ServerRules = {
  acceptor: acceptorRules,
  valueFor,
  timestamps: timestampRules,
  leadershipChecks,
  locks: LOCK_RULES,
};

/** What a server is configured with. */
export interface ServerConfig {
  readonly self: ServerId;
  readonly serverCount: number;
  /** The spec's `Step`: how far the bound is extended at a time. */
  readonly boundStep: number;
  readonly timings: Timings;
}

/** One input: a message from a server, a client's timestamp request, or a lock command. */
export type ServerInput =
  | { readonly kind: 'message'; readonly from: ServerId; readonly body: ServerMsg }
  | { readonly kind: 'request'; readonly request: TimestampRequest }
  | { readonly kind: 'lock'; readonly command: LockCommand };

/** A client's request the server holds (the spec's `req[c][s]` while it is pending here). */
export interface PendingRequest {
  readonly client: ClientId;
  readonly id: number;
  readonly count: number;
  /** The last fresh id handed out when the request arrived (the spec's `req[c][s].after`). */
  readonly after: number;
  readonly deadline: number;
}

const NOTHING: Step = makeStep({});

/** The protocol core of one server. All of its state is volatile. */
export class Server {
  private readonly self: ServerId;
  private readonly learner: Learner;
  private readonly election: Election;
  private readonly checks: LeadershipChecks;
  private readonly timestamps: TimestampService;
  private readonly pongs = new PongMemory();
  private readonly requests = new Map<ClientId, PendingRequest>();
  private readonly locks = new LockTables();
  /** Locks this server granted since it started (a test's faulty fencing rule may use it). */
  private grants = 0;

  constructor(
    private readonly config: ServerConfig,
    private readonly rules: ServerRules,
    startTime: number,
  ) {
    this.self = config.self;
    const quorum = quorumSize(config.serverCount);
    this.learner = new Learner(quorum);
    this.election = new Election(config.self, config.serverCount, config.timings, startTime);
    this.checks = rules.leadershipChecks(config.self, quorum);
    this.timestamps = new TimestampService({
      self: config.self,
      serverCount: config.serverCount,
      boundStep: config.boundStep,
      timings: config.timings,
      rules: rules.timestamps,
      valueRule: rules.valueFor,
    });
  }

  /** Handles one input. The step has a spec action if the input enabled one. */
  handle(input: ServerInput, env: StepEnv): Step {
    if (input.kind === 'request') return this.onRequest(input.request, env);
    if (input.kind === 'lock') return this.onLockCommand(input.command, env);
    const m = input.body;
    switch (m.type) {
      case 'prepare':
        return this.onPrepare(m, input.from, env);
      case 'accept':
        return this.onAccept(m, env);
      case 'ping':
        return this.onPing(m, env);
      case 'accepted':
        return this.onAccepted(m);
      case 'promise':
        return (
          (m.log === LEADER_LOG
            ? this.election.onPromise(m, this.rules.valueFor)
            : this.timestamps.onPromise(m, this.learner)) ?? NOTHING
        );
      case 'pong':
        return this.onPong(m);
      case 'heartbeat':
        return this.election.onHeartbeat(m, env, this.learner) ?? NOTHING;
      case 'catchUp':
        return this.onCatchUp(m, input.from, env);
    }
  }

  /**
   * The next decision this server takes on its own, or null when there is none now: giving up
   * requests it cannot serve, election steps, starting and driving timestamp services,
   * leadership checks, and serving.
   */
  decide(env: StepEnv): Step | null {
    this.checks.expire(env.now);
    const term = this.learner.greatest(LEADER_LOG);
    const leader = leaderOf(this.learner);
    const mayLead = this.mayLead(leader, term);
    for (const r of this.requests.values()) {
      if (!mayLead) return this.giveUp(r, leader === this.self ? 0 : leader, 'not the leader');
      if (env.now >= r.deadline) return this.giveUp(r, 0, 'timed out');
    }
    const ended = this.endLocks(env.now, mayLead, leader, term);
    if (ended !== null) return ended;
    const electionStep = this.election.decide(env, this.learner, mayLead);
    if (electionStep !== null || !mayLead) return electionStep;
    for (const c of this.namespacesWaiting()) {
      if (this.timestamps.tsvc(c).term < term) return this.timestamps.start(c, term, env);
    }
    for (const c of this.timestamps.clients()) {
      if (this.timestamps.tsvc(c).term !== term) continue;
      const step = this.timestamps.decide(c, env, this.learner);
      if (step !== null) return step;
    }
    for (const after of this.pendingArrivals()) {
      if (this.checks.needsCheck(after) && this.checks.canStart()) {
        const ping = this.checks.start(env.ids.next(), env.now + this.config.timings.checkMs);
        return makeStep({
          action: specAction('CheckLeadership', { s: this.self }),
          send: [{ to: 'all', body: ping }],
        });
      }
    }
    for (const r of this.requests.values()) {
      const k = this.checks.confirmedAfter(r.after);
      const t = this.timestamps.tsvc(r.client);
      if (k === null || t.phase !== 'serving' || t.counter >= t.limit) continue;
      const served = this.timestamps.serve(r.client, r.count);
      this.requests.delete(r.client);
      return makeStep({
        action: specAction('Serve', { s: this.self, c: r.client, k }),
        replies: [
          {
            client: r.client,
            id: r.id,
            outcome: {
              kind: 'served',
              first: served[0],
              last: served[1],
              term: this.learner.greatest(LEADER_LOG),
            },
          },
        ],
        served,
      });
    }
    return this.decideLocks(env.now, term);
  }

  /** When {@link decide} next has something to do without new input. */
  nextWakeup(): number {
    const term = this.learner.greatest(LEADER_LOG);
    const leader = leaderOf(this.learner);
    const mayLead = this.mayLead(leader, term);
    let next = this.election.nextWakeup(leader === this.self, mayLead);
    if (!mayLead) return next;
    next = Math.min(next, this.checks.deadline() ?? Infinity);
    for (const r of this.requests.values()) next = Math.min(next, r.deadline);
    next = Math.min(next, this.locks.nextDeadline());
    for (const c of this.timestamps.clients()) {
      if (this.timestamps.tsvc(c).term === term) {
        next = Math.min(next, this.timestamps.nextWakeup(c, this.learner) ?? Infinity);
      }
    }
    return next;
  }

  /**
   * Who this server believes leads, and whether it acts as the leader now (see `mayLead`): a
   * driver refuses a client at once, with the leader as a hint, when it does not.
   */
  leadership(): { readonly leader: ServerId; readonly acting: boolean } {
    const leader = leaderOf(this.learner);
    return { leader, acting: this.mayLead(leader, this.learner.greatest(LEADER_LOG)) };
  }

  /**
   * Learns again a value this server durably recorded as learned before it restarted: the
   * spec's `Learn`, enabled because the value is chosen. Null if it is known already.
   */
  relearn(log: LogName, seq: Seq, val: LogValue): Step | null {
    if (!this.learner.relearn(log, seq, val)) return null;
    return makeStep({ action: specAction('Learn', { s: this.self, L: log, q: seq, v: val }) });
  }

  /** The requests this server holds, in arrival order. */
  pendingRequests(): PendingRequest[] {
    return [...this.requests.values()];
  }

  /** Whether the spec state a restart loses (`learned[s]`, `tsvc[s]`) is not initial. */
  hasVolatileSpecState(): boolean {
    return !this.learner.isEmpty() || !this.timestamps.isEmpty() || !this.locks.isEmpty();
  }

  /**
   * The entries of this server's volatile part of the spec state (`learned[s]`, `tsvc[s]`)
   * written since the last call, for traces. The acceptor's durable part is written only
   * through {@link Step.persist}, which the driver records itself.
   */
  takeSpecChanges(): Pick<SpecChanges, 'learned' | 'tsvc' | 'locks'> {
    const learned = this.learner.takeChanges();
    const tsvc = this.timestamps.takeChanges();
    const locks = this.locks.takeChanges();
    return {
      ...(learned ? { learned } : {}),
      ...(tsvc ? { tsvc } : {}),
      ...(locks ? { locks } : {}),
    };
  }

  /** The least timestamp an immutable-timestamp lock of `namespace` holds here, or null. */
  leastImmutableTimestamp(namespace: ClientId): number | null {
    return this.locks.table(namespace)?.leastImmutable() ?? null;
  }

  /** How many locks this server holds, and how many requests wait for one. */
  lockCounts(): { readonly held: number; readonly waiting: number } {
    return this.locks.counts();
  }

  /**
   * Whether this server acts as the leader: it learned itself as leader, and none of its
   * timestamp services of this term stopped. A stopped service means another identity won a
   * bound, so a newer leader owns a log: the server then stops heartbeats and refuses
   * requests, so that the others elect a leader that can serve every client.
   */
  private mayLead(leader: ServerId, term: number): boolean {
    return leader === this.self && !this.timestamps.stoppedIn(term);
  }

  private onRequest(request: TimestampRequest, env: StepEnv): Step {
    const refuse = (reason: string): Step => makeStep({ replies: [refusal(request, 0, reason)] });
    if (!isValidBatchSize(request.count)) return refuse(new BatchSizeError(request.count).message);
    if (this.requests.has(request.client)) return refuse('a request of this client is pending');
    this.requests.set(request.client, {
      client: request.client,
      id: request.id,
      count: request.count,
      after: env.ids.last(),
      deadline: env.now + this.config.timings.requestMs,
    });
    return makeStep({
      action: specAction('Request', { c: request.client, s: this.self, n: request.count }),
    });
  }

  private giveUp(r: PendingRequest, leader: ServerId, reason: string): Step {
    this.requests.delete(r.client);
    return makeStep({
      action: specAction('GiveUp', { c: r.client, s: this.self }),
      replies: [refusal(r, leader, reason)],
    });
  }

  /** The namespaces with a request waiting for the service: timestamps, locks or refreshes. */
  private *namespacesWaiting(): Iterable<ClientId> {
    for (const r of this.requests.values()) yield r.client;
    yield* this.locks.namespacesWaiting();
  }

  /** The fresh counter at the arrival of every request that waits for a leadership check. */
  private *pendingArrivals(): Iterable<number> {
    for (const r of this.requests.values()) yield r.after;
    yield* this.locks.pendingArrivals();
  }

  private onLockCommand(command: LockCommand, env: StepEnv): Step {
    const namespace = command.kind === 'lock' ? command.request.namespace : command.namespace;
    const id = command.kind === 'lock' ? command.request.id : command.id;
    const answer = (outcome: LockOutcome, parts: Partial<Step> = {}): Step =>
      makeStep({
        ...parts,
        lockReplies: [{ namespace, id, command: command.kind, outcome }],
      });
    const table = this.locks.table(namespace);
    const slot = table?.get(id);
    switch (command.kind) {
      case 'lock': {
        if (slot !== undefined)
          return answer({ kind: 'refused', leader: 0, reason: 'the lock id is in use' });
        // Only a server acting as the leader files a request: a follower would only drop it.
        const leader = leaderOf(this.learner);
        if (!this.mayLead(leader, this.learner.greatest(LEADER_LOG)))
          return answer({
            kind: 'refused',
            leader: leader === this.self ? 0 : leader,
            reason: 'not the leader',
          });
        const { descriptors, acquireMs, leaseMs } = command.request;
        this.locks
          .tableFor(namespace)
          .request(id, descriptors, env.ids.last(), env.now + acquireMs, leaseMs);
        return makeStep({
          action: specAction('LockRequest', { s: this.self, c: namespace, h: id, D: descriptors }),
        });
      }
      case 'refresh':
        if (slot === undefined || slot.entry.st === 'waiting') return answer({ kind: 'not-held' });
        // A refresh already pending answers this one too.
        if (slot.entry.st === 'refreshing') return NOTHING;
        table!.refreshRequest(slot, env.ids.last(), env.now + this.config.timings.requestMs);
        return makeStep({
          action: specAction('LockRefreshRequest', { s: this.self, c: namespace, h: id }),
        });
      case 'unlock':
        if (slot === undefined) return answer({ kind: 'not-held' });
        return this.releaseLock(namespace, table!, slot, 'unlocked', { kind: 'released' });
    }
  }

  /**
   * Ends the first lock that must end now: every lock when this server does not act as the
   * leader (`notLeading` is then the leader to name, or 0 when unknown or itself), a lock
   * granted under an older term, and a request, lease or refresh past its deadline.
   */
  private endLocks(now: number, mayLead: boolean, leader: ServerId, term: Seq): Step | null {
    for (const [c, table] of this.locks.entries()) {
      for (const slot of table.all()) {
        if (this.rules.locks.keepsLock(slot.entry.term, term, mayLead)) continue;
        return this.releaseLock(
          c,
          table,
          slot,
          'lost',
          slot.entry.st === 'waiting'
            ? {
                kind: 'refused',
                leader: leader === this.self ? 0 : leader,
                reason: 'not the leader',
              }
            : { kind: 'not-held' },
        );
      }
      const expired = table.firstExpired(now);
      if (expired === undefined) continue;
      return expired.entry.st === 'waiting'
        ? this.releaseLock(c, table, expired, 'timed-out', {
            kind: 'refused',
            leader: 0,
            reason: ACQUIRE_TIMED_OUT,
          })
        : this.releaseLock(c, table, expired, 'expired', { kind: 'not-held' });
    }
    return null;
  }

  /**
   * The spec's `LockRelease`, answering whoever waits on the lock: the command that ended it,
   * or the pending lock or refresh request it ends.
   */
  private releaseLock(
    c: ClientId,
    table: LockTable,
    slot: LockSlot,
    why: LockEnd,
    outcome: LockOutcome,
  ): Step {
    const st = slot.entry.st;
    table.release(slot);
    const waiting: LockCommand['kind'] | null =
      why === 'unlocked'
        ? 'unlock'
        : st === 'waiting'
          ? 'lock'
          : st === 'refreshing'
            ? 'refresh'
            : null;
    return makeStep({
      action: specAction('LockRelease', { s: this.self, c, h: slot.id }),
      lockReplies:
        waiting === null ? [] : [{ namespace: c, id: slot.id, command: waiting, outcome }],
      lockEnd: why,
    });
  }

  /**
   * A refresh or a grant that a confirmed leadership check allows: refreshes first (a held
   * lock whose lease cannot be proven is worth more than a new one), then the earliest
   * grantable waiter, whose fencing token is the namespace's next timestamp.
   */
  private decideLocks(now: number, term: Seq): Step | null {
    for (const [c, table] of this.locks.entries()) {
      const t = this.timestamps.tsvc(c);
      if (t.phase !== 'serving' || t.term !== term) continue;
      for (const slot of table.all()) {
        if (slot.entry.st !== 'refreshing') continue;
        if (!this.rules.locks.keepsLock(slot.entry.term, t.term, true)) continue;
        const k = this.checks.confirmedAfter(this.rules.locks.refreshCheckAfter(slot.entry.after));
        if (k === null) continue;
        table.refreshed(slot, now);
        return makeStep({
          action: specAction('LockRefresh', { s: this.self, c, h: slot.id, k }),
          lockReplies: [
            { namespace: c, id: slot.id, command: 'refresh', outcome: { kind: 'refreshed' } },
          ],
        });
      }
      if (t.counter >= t.limit) continue;
      const slot = table.firstGrantable((w) => this.checks.confirmedAfter(w.entry.after) !== null);
      if (slot === undefined) continue;
      const k = this.checks.confirmedAfter(slot.entry.after)!;
      const fencing = this.rules.locks.fencingToken(
        () => this.timestamps.serve(c, 1)[0],
        this.grants++,
      );
      table.grant(slot, fencing, t.term, now);
      return makeStep({
        action: specAction('LockGrant', { s: this.self, c, h: slot.id, k }),
        lockReplies: [
          {
            namespace: c,
            id: slot.id,
            command: 'lock',
            outcome: { kind: 'granted', fencing, term: t.term },
          },
        ],
      });
    }
    return null;
  }

  private onPrepare(m: PrepareMsg, from: ServerId, env: StepEnv): Step {
    const decided = this.rules.acceptor.promise(this.self, env.storage.load(m.log, m.seq), m);
    if (decided === null) return NOTHING;
    return makeStep({
      action: specAction('Promise', { a: this.self, L: m.log, q: m.seq, b: m.bal }),
      persist: { log: m.log, seq: m.seq, record: decided.record },
      send: [{ to: from, body: decided.reply }],
    });
  }

  private onAccept(m: AcceptMsg, env: StepEnv): Step {
    const decided = this.rules.acceptor.accept(this.self, env.storage.load(m.log, m.seq), m);
    if (decided === null) return NOTHING;
    return makeStep({
      action: specAction('Accept', { a: this.self, L: m.log, q: m.seq, b: m.bal, v: m.val }),
      persist: { log: m.log, seq: m.seq, record: decided.record },
      send: [{ to: 'all', body: decided.reply }],
    });
  }

  private onPing(m: PingMsg, env: StepEnv): Step {
    const pong = this.pongs.answer(this.self, env.storage.latestTouched(m.log), m);
    if (pong === null) return NOTHING;
    return makeStep({
      action: specAction('Pong', { a: this.self, s: m.from, L: m.log, k: m.id }),
      send: [{ to: m.from, body: pong }],
    });
  }

  private onAccepted(m: AcceptedMsg): Step {
    const v = this.learner.receive(m);
    if (v === null) return NOTHING;
    return makeStep({ action: specAction('Learn', { s: this.self, L: m.log, q: m.seq, v }) });
  }

  private onPong(m: PongMsg): Step {
    if (m.log !== LEADER_LOG) return this.timestamps.onPong(m, this.learner) ?? NOTHING;
    this.checks.receive(m, this.learner.greatest(LEADER_LOG));
    return NOTHING;
  }

  private onCatchUp(m: CatchUpMsg, from: ServerId, env: StepEnv): Step {
    const answer = catchUpAnswer(this.self, m, this.learner, env.storage);
    return makeStep({ send: answer.map((body) => ({ to: from, body })) });
  }
}

function refusal(
  r: { client: ClientId; id: number },
  leader: ServerId,
  reason: string,
): TimestampReply {
  return { client: r.client, id: r.id, outcome: { kind: 'refused', leader, reason } };
}
