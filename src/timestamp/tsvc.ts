/**
 * A timestamp-service instance's state (the spec's `tsvc[s][c]`) and its transitions, as pure
 * functions named after the spec's actions. The guards that decide *whether* a transition is
 * enabled live with the caller ({@link ../server/server.ts}); these functions compute *what* it
 * does, so that a test can substitute a faulty one.
 */
import type { BoundValue, Seq, ServerId } from '../paxos/types.ts';

/** The spec's `Phases`. */
export const PHASES = ['off', 'recovering', 'forcing', 'serving', 'extending', 'stopped'] as const;

/** One of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

/** The spec's `tsvc[s][c]`. */
export interface Tsvc {
  readonly phase: Phase;
  /** The instance's identity: the proposer id of its ballots. */
  readonly id: number;
  /** The leader-log sequence at which this server was leader when the instance started. */
  readonly term: Seq;
  /** The sequence of the client's log the instance is at. */
  readonly seq: Seq;
  /** The agreed bound: no timestamp above it may be handed out. */
  readonly limit: number;
  /** The last timestamp handed out (or the recovered bound). */
  readonly counter: number;
  /** The id of the instance's recovery check. */
  readonly check: number;
}

/** The spec's `Off`. */
export const OFF: Tsvc = {
  phase: 'off',
  id: 0,
  term: 0,
  seq: 0,
  limit: 0,
  counter: 0,
  check: 0,
};

/**
 * The spec's `InstanceId(s, k)`: the identity of the k-th instance server `s` starts, in a
 * cluster of `serverCount`. Distinct across servers without a shared counter, as the proposer
 * ids of one log's ballots must be.
 */
export function instanceId(s: ServerId, k: number, serverCount: number): number {
  return (k - 1) * serverCount + s;
}

/**
 * The spec's `StartService`: a new instance with identity `id`, recovering with check number
 * `check` (the server's fresh number the identity was made from).
 */
export function startService(check: number, id: number, term: Seq): Tsvc {
  return { phase: 'recovering', id, term, seq: 0, limit: 0, counter: 0, check };
}

/**
 * The spec's `Recover`: `latest` is the greatest sequence a quorum touched, `agreed` the bound
 * this server learned there (null if none). Nothing touched: serve from 0; learned: serve from
 * it; otherwise force agreement at `latest` first.
 */
export function recover(t: Tsvc, latest: Seq, agreed: BoundValue | null): Tsvc {
  if (latest === 0) return { ...t, phase: 'serving' };
  if (agreed !== null) {
    return { ...t, phase: 'serving', seq: latest, limit: agreed.bound, counter: agreed.bound };
  }
  return { ...t, phase: 'forcing', seq: latest };
}

/** The spec's `FinishForcing`: serve from the bound agreed at the forced sequence. */
export function finishForcing(t: Tsvc, agreed: BoundValue): Tsvc {
  return { ...t, phase: 'serving', limit: agreed.bound, counter: agreed.bound };
}

/** The spec's `Extend`: move to the next sequence to propose a higher bound there. */
export function extend(t: Tsvc): Tsvc {
  return { ...t, phase: 'extending', seq: t.seq + 1 };
}

/**
 * The spec's `BoundAgreed`: serve up to the agreed bound if this instance won it with at least
 * what it asked, else stop for good (a newer leader owns the log).
 */
export function boundAgreed(t: Tsvc, agreed: BoundValue, step: number): Tsvc {
  return agreed.pid === t.id && agreed.bound >= t.limit + step
    ? { ...t, phase: 'serving', limit: agreed.bound }
    : { ...t, phase: 'stopped' };
}

/**
 * The spec's `Serve`, generalised to a batch: hands out the next `count` timestamps, or as many
 * as are left below the limit. The caller checks that at least one is left.
 */
export function serve(t: Tsvc, count: number): { tsvc: Tsvc; first: number; last: number } {
  const last = Math.min(t.counter + count, t.limit);
  return { tsvc: { ...t, counter: last }, first: t.counter + 1, last };
}

/**
 * The spec's `OwnValue`: forcing proposes the bound agreed at the previous sequence (`previous`,
 * or 0 at sequence 1) so that nothing changes; extending proposes a bound `step` higher.
 */
export function ownValue(t: Tsvc, previous: BoundValue | null, step: number): BoundValue {
  return t.phase === 'forcing'
    ? { bound: previous?.bound ?? 0, pid: t.id }
    : { bound: t.limit + step, pid: t.id };
}

/** The transitions above as one value, so that a test can substitute a faulty one. */
export interface TimestampRules {
  readonly startService: typeof startService;
  readonly recover: typeof recover;
  readonly finishForcing: typeof finishForcing;
  readonly extend: typeof extend;
  readonly boundAgreed: typeof boundAgreed;
  readonly serve: typeof serve;
  readonly ownValue: typeof ownValue;
}

/** The correct transitions. */
export const timestampRules: TimestampRules = {
  startService,
  recover,
  finishForcing,
  extend,
  boundAgreed,
  serve,
  ownValue,
};
