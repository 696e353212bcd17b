/**
 * The proposer of one single-decree round: a prepare for (log, seq) at one ballot, the promises
 * it gathers, and the value the first quorum of promises forces (the spec's `ValueFor`). Which
 * rounds to start, when to retry and what the proposer's own value is belong to the layers
 * above (election, timestamp service); this module only keeps the round honest: one accept per
 * ballot, from exactly one quorum of promises.
 */
import { ballotLess, sameBallot } from './ballot.ts';
import type { AcceptMsg, PrepareMsg, PromiseMsg } from './messages.ts';
import type { Ballot, LogName, LogValue, Seq, ServerId } from './types.ts';

/**
 * The spec's `ValueFor(ps, own)`: the value of the highest ballot accepted among the promises,
 * or `own` if none of them accepted anything.
 */
export function valueFor(promises: readonly PromiseMsg[], own: LogValue): LogValue {
  let best: PromiseMsg | null = null;
  for (const p of promises) {
    if (p.accVal === null) continue;
    if (best === null || ballotLess(best.accBal, p.accBal)) best = p;
  }
  return best?.accVal ?? own;
}

/** The rule that picks the value of an accept, as a value so that tests can substitute it. */
export type ValueRule = typeof valueFor;

/**
 * The ballot number for a new round: above the last one this proposer used and above what its
 * own acceptor promised for the sequence. Because a proposer's prepare reaches its own acceptor
 * before anyone else, the promised number is durable proof of every ballot it used there, so a
 * restarted proposer never reuses a ballot (the spec's `SendPrepare` requires a new one).
 */
export function nextBallotNumber(lastUsed: number, promisedHere: Ballot): number {
  return Math.max(lastUsed, promisedHere[0]) + 1;
}

/** One round of a proposer: prepare, gather promises, send one accept. */
export class ProposerRound {
  private readonly promises = new Map<ServerId, PromiseMsg>();
  private quorumReached = false;
  private acceptSent = false;

  constructor(
    readonly log: LogName,
    readonly seq: Seq,
    readonly ballot: Ballot,
    private readonly quorum: number,
  ) {}

  /** The prepare that opens the round. */
  prepare(): PrepareMsg {
    return { type: 'prepare', log: this.log, seq: this.seq, bal: this.ballot };
  }

  /**
   * Records a promise. Returns true exactly once: when this promise completes the first quorum
   * of distinct acceptors for this round. Promises for other rounds and repeats are ignored.
   */
  receive(m: PromiseMsg): boolean {
    if (m.log !== this.log || m.seq !== this.seq || !sameBallot(m.bal, this.ballot)) return false;
    if (this.quorumReached || this.promises.has(m.from)) return false;
    this.promises.set(m.from, m);
    this.quorumReached = this.promises.size >= this.quorum;
    return this.quorumReached;
  }

  /** Whether the round has its quorum of promises and has not sent its accept yet. */
  readyToAccept(): boolean {
    return this.quorumReached && !this.acceptSent;
  }

  /**
   * The round's only accept: for the value the quorum's promises force, else `own`. Throws if
   * called twice or before a quorum promised, which would break Paxos.
   */
  accept(own: LogValue, rule: ValueRule = valueFor): AcceptMsg {
    if (!this.readyToAccept()) {
      throw new Error(
        `round ${this.log}/${this.seq} at ${this.ballot}: accept without a quorum or twice`,
      );
    }
    this.acceptSent = true;
    const val = rule([...this.promises.values()], own);
    return { type: 'accept', log: this.log, seq: this.seq, bal: this.ballot, val };
  }
}
