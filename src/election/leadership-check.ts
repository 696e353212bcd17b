/**
 * Leadership checks, coalesced. A check pings every acceptor on the leader log; it confirms
 * this server (the spec's `ConfirmedBy(s, k)`) once a quorum answered with nothing later than
 * what the server learned. One check runs at a time, and a request may use only the result of
 * a check that *started* after the request arrived: a check that was already running may have
 * been answered before a newer leader took over, and a request that trusted it could get a
 * timestamp below one already handed out (the spec's `k > req[c][s].after`).
 */
import type { Seq, ServerId } from '../paxos/types.ts';
import type { PingMsg, PongMsg } from './messages.ts';
import { LEADER_LOG } from '../paxos/types.ts';

interface RunningCheck {
  readonly id: number;
  readonly deadline: number;
  /** The lowest `latest` each acceptor answered. */
  readonly answers: Map<ServerId, Seq>;
}

/** The leadership checks of one server. */
export class LeadershipChecks {
  private running: RunningCheck | null = null;
  /** The greatest id of a check that confirmed this server. */
  protected confirmed = 0;

  constructor(
    private readonly self: ServerId,
    private readonly quorum: number,
  ) {}

  /**
   * The id of a check that started after `after` (the last id handed out when the request
   * arrived) and confirmed this server, or null if there is none yet.
   */
  confirmedAfter(after: number): number | null {
    return this.confirmed > after ? this.confirmed : null;
  }

  /** Whether a request that arrived at `after` needs a check that is not running yet. */
  needsCheck(after: number): boolean {
    if (this.confirmedAfter(after) !== null) return false;
    return this.running === null || this.running.id <= after;
  }

  /** Whether a check can start now (one at a time). */
  canStart(): boolean {
    return this.running === null;
  }

  /** Starts check `id` (a fresh id): the ping to send to every acceptor. */
  start(id: number, deadline: number): PingMsg {
    this.running = { id, deadline, answers: new Map() };
    return { type: 'ping', from: this.self, log: LEADER_LOG, id };
  }

  /**
   * Records a pong; `greatestLearned` is the server's greatest learned leader-log sequence.
   * Returns true if the running check is now confirmed.
   */
  receive(m: PongMsg, greatestLearned: Seq): boolean {
    const check = this.running;
    if (check === null || m.id !== check.id || m.log !== LEADER_LOG || m.to !== this.self) {
      return false;
    }
    const before = check.answers.get(m.from);
    check.answers.set(m.from, before === undefined ? m.latest : Math.min(before, m.latest));
    let upToDate = 0;
    for (const latest of check.answers.values()) if (latest <= greatestLearned) upToDate++;
    if (upToDate < this.quorum) return false;
    this.confirmed = Math.max(this.confirmed, check.id);
    this.running = null;
    return true;
  }

  /** Abandons the running check if its time is up; returns whether it did. */
  expire(now: number): boolean {
    if (this.running === null || now < this.running.deadline) return false;
    this.running = null;
    return true;
  }

  /** When the running check times out, or null. */
  deadline(): number | null {
    return this.running?.deadline ?? null;
  }
}

/** Makes a server's leadership checks; tests substitute faulty ones. */
export type LeadershipChecksFactory = (self: ServerId, quorum: number) => LeadershipChecks;

/** The correct checks. */
export const leadershipChecks: LeadershipChecksFactory = (self, quorum) =>
  new LeadershipChecks(self, quorum);
