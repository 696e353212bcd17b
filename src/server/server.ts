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
import { specAction, type SpecChanges } from '../trace/events.ts';
import type { ClientId, ServerMsg, TimestampReply, TimestampRequest } from './messages.ts';
import { makeStep, type Step, type StepEnv } from './step.ts';
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
}

/** The rules as the spec states them. */
export const SPEC_RULES: ServerRules = {
  acceptor: acceptorRules,
  valueFor,
  timestamps: timestampRules,
  leadershipChecks,
};

/** What a server is configured with. */
export interface ServerConfig {
  readonly self: ServerId;
  readonly serverCount: number;
  /** The spec's `Step`: how far the bound is extended at a time. */
  readonly boundStep: number;
  readonly timings: Timings;
}

/** One input: a message from a server, or a client's request. */
export type ServerInput =
  | { readonly kind: 'message'; readonly from: ServerId; readonly body: ServerMsg }
  | { readonly kind: 'request'; readonly request: TimestampRequest };

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
    const electionStep = this.election.decide(env, this.learner, mayLead);
    if (electionStep !== null || !mayLead) return electionStep;
    for (const r of this.requests.values()) {
      if (this.timestamps.tsvc(r.client).term < term) {
        return this.timestamps.start(r.client, term, env);
      }
    }
    for (const c of this.timestamps.clients()) {
      if (this.timestamps.tsvc(c).term !== term) continue;
      const step = this.timestamps.decide(c, env, this.learner);
      if (step !== null) return step;
    }
    for (const r of this.requests.values()) {
      if (this.checks.needsCheck(r.after) && this.checks.canStart()) {
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
    return null;
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
    return !this.learner.isEmpty() || !this.timestamps.isEmpty();
  }

  /**
   * The entries of this server's volatile part of the spec state (`learned[s]`, `tsvc[s]`)
   * written since the last call, for traces. The acceptor's durable part is written only
   * through {@link Step.persist}, which the driver records itself.
   */
  takeSpecChanges(): Pick<SpecChanges, 'learned' | 'tsvc'> {
    const learned = this.learner.takeChanges();
    const tsvc = this.timestamps.takeChanges();
    return { ...(learned ? { learned } : {}), ...(tsvc ? { tsvc } : {}) };
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
