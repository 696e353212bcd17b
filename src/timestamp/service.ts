/**
 * The timestamp-service instances of one server, one per client (`spec/Timestamps.tla`): how
 * each recovers the latest agreed bound, forces agreement when it must, and proposes higher
 * bounds. What a transition does comes from {@link TimestampRules}; this module decides when
 * each is enabled (the spec's guards) and drives the Paxos rounds on the client's log.
 */
import { catchUpRequest } from '../paxos/catch-up.ts';
import type { Learner } from '../paxos/learner.ts';
import type { PromiseMsg } from '../paxos/messages.ts';
import { nextBallotNumber, ProposerRound, type ValueRule } from '../paxos/proposer.ts';
import { quorumSize } from '../paxos/quorum.ts';
import {
  isBoundValue,
  type BoundValue,
  type LogValue,
  type Seq,
  type ServerId,
} from '../paxos/types.ts';
import type { PongMsg } from '../election/messages.ts';
import type { ClientId } from '../server/messages.ts';
import { makeStep, type Outgoing, type Step, type StepEnv } from '../server/step.ts';
import { randomBackoff, type Timings } from '../server/timings.ts';
import { specAction } from '../trace/events.ts';
import { instanceId, OFF, type TimestampRules, type Tsvc } from './tsvc.ts';

/** What the instances of one server share. */
export interface TimestampConfig {
  readonly self: ServerId;
  readonly serverCount: number;
  /** The spec's `Step`: how far an instance extends the bound at a time. */
  readonly boundStep: number;
  readonly timings: Timings;
  readonly rules: TimestampRules;
  readonly valueRule: ValueRule;
}

/** The spec's `tsvc[s][c]` plus what driving it needs (volatile, lost on restart). */
interface Instance {
  tsvc: Tsvc;
  /** Recovery: the `latest` each acceptor answered. */
  readonly pongs: Map<ServerId, Seq>;
  nextRecoveryPingAt: number;
  round: ProposerRound | null;
  roundDeadline: number;
  retryAt: number;
  lastBallotNumber: number;
  nextCatchUpAt: number;
}

/** The largest bound an instance may propose: the implementation's `MaxBound`. */
const MAX_BOUND = Number.MAX_SAFE_INTEGER;

/** A learned value of a client's log. */
function asBound(v: LogValue): BoundValue {
  if (!isBoundValue(v)) throw new Error(`a client log holds a leader (${v.leader}), not a bound`);
  return v;
}

/** The timestamp-service instances of one server. */
export class TimestampService {
  private readonly instances = new Map<ClientId, Instance>();
  /** Each client's `tsvc` as last reported by {@link takeChanges}. */
  private readonly reported = new Map<ClientId, Tsvc>();
  private readonly quorum: number;

  constructor(private readonly config: TimestampConfig) {
    this.quorum = quorumSize(config.serverCount);
  }

  /** The spec's `tsvc[s][c]`. */
  tsvc(c: ClientId): Tsvc {
    return this.instances.get(c)?.tsvc ?? OFF;
  }

  /** Whether some instance of leader term `term` stopped for good. */
  stoppedIn(term: Seq): boolean {
    for (const i of this.instances.values()) {
      if (i.tsvc.phase === 'stopped' && i.tsvc.term === term) return true;
    }
    return false;
  }

  /** The clients with an instance, in the order they first had one. */
  clients(): ClientId[] {
    return [...this.instances.keys()];
  }

  /** The spec's `StartService(s, c)`: a new instance, recovering, with a fresh identity. */
  start(c: ClientId, term: Seq, env: StepEnv): Step {
    const check = env.ids.next();
    const { self, serverCount } = this.config;
    this.instances.set(c, {
      tsvc: this.config.rules.startService(check, instanceId(self, check, serverCount), term),
      pongs: new Map(),
      nextRecoveryPingAt: env.now + this.config.timings.recoveryRetryMs,
      round: null,
      roundDeadline: 0,
      retryAt: 0,
      lastBallotNumber: 0,
      nextCatchUpAt: env.now,
    });
    return makeStep({
      action: specAction('StartService', { s: this.config.self, c }),
      send: [{ to: 'all', body: { type: 'ping', from: self, log: c, id: check } }],
    });
  }

  /**
   * Handles a pong of a recovery check: `Recover` once a quorum answered, from the greatest
   * sequence that quorum touched.
   */
  onPong(m: PongMsg, learner: Learner): Step | null {
    const inst = this.instances.get(m.log);
    if (!inst || inst.tsvc.phase !== 'recovering' || m.id !== inst.tsvc.check) return null;
    inst.pongs.set(m.from, Math.max(inst.pongs.get(m.from) ?? 0, m.latest));
    if (inst.pongs.size < this.quorum) return null;
    const latest = Math.max(...inst.pongs.values());
    const learned = latest === 0 ? null : learner.valueAt(m.log, latest);
    inst.tsvc = this.config.rules.recover(
      inst.tsvc,
      latest,
      learned === null ? null : asBound(learned),
    );
    return makeStep({ action: specAction('Recover', { s: this.config.self, c: m.log }) });
  }

  /** Handles a promise on a client's log: `SendBoundAccept` once a quorum promised. */
  onPromise(m: PromiseMsg, learner: Learner): Step | null {
    const inst = this.instances.get(m.log);
    const round = inst?.round;
    if (!inst || !round || !round.receive(m)) return null;
    const t = inst.tsvc;
    if (!this.proposing(m.log, t, learner) || round.seq !== t.seq || round.ballot[1] !== t.id) {
      return null;
    }
    const previous = t.seq > 1 ? learner.valueAt(m.log, t.seq - 1) : null;
    const own = this.config.rules.ownValue(
      t,
      previous === null ? null : asBound(previous),
      this.config.boundStep,
    );
    const accept = round.accept(own, this.config.valueRule);
    return makeStep({
      action: specAction('SendBoundAccept', {
        s: this.config.self,
        c: m.log,
        q: round.seq,
        b: round.ballot,
      }),
      send: [{ to: 'all', body: accept }],
    });
  }

  /**
   * The next step instance `c` takes on its own, if any: `FinishForcing`, `BoundAgreed`,
   * `Extend`, `ProposeBound`, or (outside the spec) a repeated recovery ping or a catch-up
   * request for the sequence that forcing needs.
   */
  decide(c: ClientId, env: StepEnv, learner: Learner): Step | null {
    const inst = this.instances.get(c);
    if (!inst) return null;
    const t = inst.tsvc;
    const { self, rules, boundStep, timings } = this.config;
    const agreed = t.seq > 0 ? learner.valueAt(c, t.seq) : null;
    if (t.phase === 'forcing' && agreed !== null) {
      inst.tsvc = rules.finishForcing(t, asBound(agreed));
      return makeStep({ action: specAction('FinishForcing', { s: self, c }) });
    }
    if (t.phase === 'extending' && agreed !== null) {
      inst.tsvc = rules.boundAgreed(t, asBound(agreed), boundStep);
      return makeStep({ action: specAction('BoundAgreed', { s: self, c }) });
    }
    if (t.phase === 'serving' && t.counter + 1 > t.limit && t.limit + boundStep <= MAX_BOUND) {
      inst.tsvc = rules.extend(t);
      return makeStep({ action: specAction('Extend', { s: self, c }) });
    }
    if (t.phase === 'recovering' && env.now >= inst.nextRecoveryPingAt) {
      inst.nextRecoveryPingAt = env.now + timings.recoveryRetryMs;
      return makeStep({ send: this.repeatRecoveryPing(c, inst) });
    }
    if (t.phase !== 'forcing' && t.phase !== 'extending') return null;
    if (inst.round !== null && inst.round.seq !== t.seq) inst.round = null;
    if (inst.round !== null && env.now >= inst.roundDeadline) {
      inst.round = null;
      inst.retryAt = env.now + randomBackoff(env.random, timings.backoffMs);
    }
    if (t.phase === 'forcing' && env.now >= inst.nextCatchUpAt) {
      inst.nextCatchUpAt = env.now + timings.catchUpMs;
      // Every server, this one too: after a restart its own acceptor's acceptances may be the
      // ones that complete a quorum (in a one-server cluster, the only ones there are).
      return makeStep({ send: [{ to: 'all', body: catchUpRequest(c, t.seq - 1) }] });
    }
    if (inst.round !== null || env.now < inst.retryAt || !this.proposing(c, t, learner)) {
      return null;
    }
    const n = nextBallotNumber(inst.lastBallotNumber, env.storage.load(c, t.seq).prom);
    inst.lastBallotNumber = n;
    inst.round = new ProposerRound(c, t.seq, [n, t.id], this.quorum);
    inst.roundDeadline = env.now + timings.roundMs;
    return makeStep({
      action: specAction('ProposeBound', { s: self, c, q: t.seq, n }),
      send: [{ to: 'all', body: inst.round.prepare() }],
    });
  }

  /** Applies the spec's `Serve` for up to `count` timestamps; returns the range. */
  serve(c: ClientId, count: number): readonly [number, number] {
    const inst = this.instances.get(c);
    if (!inst) throw new Error(`no timestamp service for ${c}`);
    const { tsvc, first, last } = this.config.rules.serve(inst.tsvc, count);
    inst.tsvc = tsvc;
    return [first, last];
  }

  /** When {@link decide} next has something to do for `c` without new input, or null. */
  nextWakeup(c: ClientId, learner: Learner): number | null {
    const inst = this.instances.get(c);
    if (!inst) return null;
    const t = inst.tsvc;
    if (t.phase === 'recovering') return inst.nextRecoveryPingAt;
    if (t.phase !== 'forcing' && t.phase !== 'extending') return null;
    const proposal = inst.round
      ? inst.roundDeadline
      : this.proposing(c, t, learner)
        ? inst.retryAt
        : Infinity;
    return t.phase === 'forcing' ? Math.min(inst.nextCatchUpAt, proposal) : proposal;
  }

  /** Whether every instance is the spec's `Off`. */
  isEmpty(): boolean {
    return this.instances.size === 0;
  }

  /**
   * The entries of the spec's `tsvc[s]` that changed since the last call, or null if none, for
   * traces. Instances are replaced, never mutated, so a change is a new object.
   */
  takeChanges(): Record<ClientId, Tsvc> | null {
    let out: Record<ClientId, Tsvc> | null = null;
    for (const [c, inst] of this.instances) {
      if (this.reported.get(c) === inst.tsvc) continue;
      this.reported.set(c, inst.tsvc);
      (out ??= {})[c] = inst.tsvc;
    }
    return out;
  }

  /**
   * The spec's `Proposing(s, c)`: forcing or extending, and when forcing, the bound at the
   * previous sequence is known (it is the value forcing proposes).
   */
  private proposing(c: ClientId, t: Tsvc, learner: Learner): boolean {
    if (t.phase === 'extending') return true;
    return t.phase === 'forcing' && (t.seq === 1 || learner.valueAt(c, t.seq - 1) !== null);
  }

  private repeatRecoveryPing(c: ClientId, inst: Instance): Outgoing[] {
    const ping = { type: 'ping', from: this.config.self, log: c, id: inst.tsvc.check } as const;
    const silent: Outgoing[] = [];
    for (let a = 1; a <= this.config.serverCount; a++) {
      if (!inst.pongs.has(a)) silent.push({ to: a, body: ping });
    }
    return silent;
  }
}
