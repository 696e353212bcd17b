/**
 * Leader election on the leader log (`spec/Election.tla`). The leader is the value learned at
 * the greatest learned sequence. A follower that hears no heartbeat from the leader it knows
 * for a while waits a random backoff, then proposes itself at its greatest learned sequence + 1
 * (`ProposeLeadership`), and sends its accept once a quorum promised (`SendLeaderAccept`). If
 * the round is not decided in time it retries, with a higher ballot, after another backoff. A
 * server also asks its peers now and then for leader-log values it is missing (catch-up).
 */
import { catchUpRequest } from '../paxos/catch-up.ts';
import { nextBallotNumber, ProposerRound, type ValueRule } from '../paxos/proposer.ts';
import type { Learner } from '../paxos/learner.ts';
import type { PromiseMsg } from '../paxos/messages.ts';
import { quorumSize } from '../paxos/quorum.ts';
import {
  LEADER_LOG,
  leaderValue,
  type LeaderValue,
  type Seq,
  type ServerId,
} from '../paxos/types.ts';
import { makeStep, type Step, type StepEnv } from '../server/step.ts';
import { randomBackoff, type Timings } from '../server/timings.ts';
import { specAction } from '../trace/events.ts';
import type { HeartbeatMsg } from './messages.ts';

/** The spec's `LeaderOf(s)`: the server named at the greatest learned sequence, or 0. */
export function leaderOf(learner: Learner): ServerId {
  const greatest = learner.greatest(LEADER_LOG);
  return greatest === 0 ? 0 : (learner.valueAt(LEADER_LOG, greatest) as LeaderValue).leader;
}

/** One server's part in leader election. */
export class Election {
  private leaderSeen: ServerId = 0;
  /** When the known leader last showed it is alive (or became the known leader). */
  private lastHeardAt: number;
  private proposeAt: number | null = null;
  private round: ProposerRound | null = null;
  private roundDeadline = 0;
  private lastBallotNumber = 0;
  private nextHeartbeatAt = 0;
  private nextCatchUpAt: number;

  constructor(
    private readonly self: ServerId,
    private readonly serverCount: number,
    private readonly timings: Timings,
    startTime: number,
  ) {
    this.lastHeardAt = startTime;
    this.nextCatchUpAt = startTime;
  }

  /**
   * The election's own next step, if one is due: a heartbeat (when leading), a proposal (when
   * the leader seems gone), or a catch-up request. `mayLead` is false when this server is the
   * leader but must not act as one (see the server's abdication rule).
   */
  decide(env: StepEnv, learner: Learner, mayLead: boolean): Step | null {
    const greatest = learner.greatest(LEADER_LOG);
    const leader = leaderOf(learner);
    if (leader !== this.leaderSeen) {
      this.leaderSeen = leader;
      this.lastHeardAt = env.now;
      this.proposeAt = null;
    }
    if (this.round !== null && this.round.seq <= greatest) this.round = null;
    if (leader === this.self) {
      this.round = null;
      this.proposeAt = null;
      if (mayLead && env.now >= this.nextHeartbeatAt) {
        this.nextHeartbeatAt = env.now + this.timings.heartbeatMs;
        const heartbeat: HeartbeatMsg = { type: 'heartbeat', from: this.self, greatest };
        return makeStep({ send: [{ to: 'others', body: heartbeat }] });
      }
    } else {
      const proposal = this.proposeIfDue(env, greatest);
      if (proposal !== null) return proposal;
    }
    if (env.now >= this.nextCatchUpAt) {
      this.nextCatchUpAt = env.now + this.timings.catchUpMs;
      return makeStep({ send: [{ to: 'others', body: catchUpRequest(LEADER_LOG, greatest + 1) }] });
    }
    return null;
  }

  /** Handles a promise for the leader log: `SendLeaderAccept` once a quorum promised. */
  onPromise(m: PromiseMsg, valueRule: ValueRule): Step | null {
    const round = this.round;
    if (round === null || !round.receive(m)) return null;
    const accept = round.accept(leaderValue(this.self), valueRule);
    return makeStep({
      action: specAction('SendLeaderAccept', { s: this.self, q: round.seq, b: round.ballot }),
      send: [{ to: 'all', body: accept }],
    });
  }

  /** Handles a heartbeat: the leader is alive; catch up if it has learned further. */
  onHeartbeat(m: HeartbeatMsg, env: StepEnv, learner: Learner): Step | null {
    if (m.from === leaderOf(learner)) this.lastHeardAt = env.now;
    const greatest = learner.greatest(LEADER_LOG);
    if (m.greatest <= greatest) return null;
    return makeStep({ send: [{ to: m.from, body: catchUpRequest(LEADER_LOG, greatest + 1) }] });
  }

  /** When {@link decide} next has something to do. */
  nextWakeup(isLeader: boolean, mayLead: boolean): number {
    let next = this.nextCatchUpAt;
    if (isLeader) {
      if (mayLead) next = Math.min(next, this.nextHeartbeatAt);
    } else if (this.round !== null) {
      next = Math.min(next, this.roundDeadline);
    } else {
      next = Math.min(next, this.proposeAt ?? this.lastHeardAt + this.timings.suspicionMs);
    }
    return next;
  }

  private proposeIfDue(env: StepEnv, greatest: Seq): Step | null {
    if (this.round !== null && env.now >= this.roundDeadline) {
      this.round = null;
      this.proposeAt = env.now + randomBackoff(env.random, this.timings.backoffMs);
    }
    if (this.round !== null) return null;
    if (this.proposeAt === null && env.now >= this.lastHeardAt + this.timings.suspicionMs) {
      this.proposeAt = env.now + randomBackoff(env.random, this.timings.backoffMs);
    }
    if (this.proposeAt === null || env.now < this.proposeAt) return null;
    const q = greatest + 1;
    const n = nextBallotNumber(this.lastBallotNumber, env.storage.load(LEADER_LOG, q).prom);
    this.lastBallotNumber = n;
    this.round = new ProposerRound(LEADER_LOG, q, [n, this.self], quorumSize(this.serverCount));
    this.roundDeadline = env.now + this.timings.roundMs;
    this.proposeAt = null;
    return makeStep({
      action: specAction('ProposeLeadership', { s: this.self, q, n }),
      send: [{ to: 'all', body: this.round.prepare() }],
    });
  }
}
