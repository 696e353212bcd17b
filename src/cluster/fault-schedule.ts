/**
 * The faults of a campaign, planned from a seed before it starts: which kind, when, for how
 * long, and on whom. The plan names targets by role ("the leader", "server 3") where the
 * published campaigns do: the leader is the preferred target, and which server leads is only
 * known when the fault starts. So a seed fixes what is injected and when; which process that
 * hits, and how the processes' timing unfolds, is up to the run.
 *
 * One fault at a time, with a quiet gap after each, so that each fault's effect (and the time
 * the cluster takes to come back) can be told apart in the history. Kinds are dealt from a
 * shuffled deck, every kind once before any twice, so a campaign long enough for N faults
 * covers every kind as soon as N reaches the number of kinds.
 *
 * Pure: no clock, no I/O; the campaign runs the plan (./nemesis.ts).
 */
import type { ServerId } from '../paxos/types.ts';
import { Prng } from '../sim/prng.ts';

/** The kinds of fault a campaign injects. */
export const CAMPAIGN_FAULTS = [
  'kill',
  'pause',
  'partition',
  'bridge',
  'isolate',
  'delay',
  'loss',
  'slow-disk',
] as const;

export type FaultKind = (typeof CAMPAIGN_FAULTS)[number];

/** What each kind does, for `--help` and the docs. */
export const CAMPAIGN_FAULT_HELP: Record<FaultKind, string> = {
  kill: 'kill -9 a server (the leader, mostly), restart it when the fault ends',
  pause:
    'SIGSTOP a server (the leader, mostly) for longer than the election timeouts, then SIGCONT',
  partition:
    'split the servers into a majority and a minority (the leader, mostly, in the minority)',
  bridge: 'two halves that only one server (the bridge) still connects',
  isolate: 'cut the leader off from every other server',
  delay: 'hold every server-to-server message for a while, with jitter (messages reorder)',
  loss: 'lose a share of the server-to-server messages',
  'slow-disk': 'make every durable write of a server (the leader, mostly) slow',
};

/** Whom a fault acts on: the leader when it starts, or a fixed server. */
export type FaultTarget =
  { readonly role: 'leader' } | { readonly role: 'server'; readonly id: ServerId };

/** One planned fault. Times are ms from the start of the workload. */
export interface PlannedFault {
  readonly index: number;
  readonly kind: FaultKind;
  readonly atMs: number;
  readonly durationMs: number;
  /** kill, pause, slow-disk: whom. */
  readonly target?: FaultTarget;
  /**
   * partition, bridge: the servers in a seeded order; the first `minority` (partition) or the
   * first half (bridge) go to one side. With `leaderAside`, the leader is swapped into the
   * first side when the fault starts.
   */
  readonly order?: readonly ServerId[];
  readonly leaderAside?: boolean;
  /** delay: hold each message `delayMs` plus up to `jitterMs`. */
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** loss: the probability a message is lost. */
  readonly loss?: number;
  /** slow-disk: extra time per durable write. */
  readonly diskDelayMs?: number;
}

/** What a plan is made from. */
export interface FaultPlanOptions {
  readonly seed: number;
  readonly servers: number;
  /** How long the workload runs; every fault ends `tailMs` before it. */
  readonly durationMs: number;
  readonly kinds?: readonly FaultKind[];
  /** How long a fault lasts: uniform between the two. */
  readonly faultMs?: readonly [number, number];
  /** The quiet time after a fault (and before the first): uniform between the two. */
  readonly gapMs?: readonly [number, number];
  /** Quiet time kept at the end, for the cluster to come back before the checks. */
  readonly tailMs?: number;
  /** The probability that a fault with a target aims at the leader. */
  readonly leaderBias?: number;
}

export const DEFAULT_FAULT_MS: readonly [number, number] = [1500, 5000];
export const DEFAULT_GAP_MS: readonly [number, number] = [1000, 4000];

/** The plan for `options`; see the module comment. */
export function planFaults(options: FaultPlanOptions): PlannedFault[] {
  const kinds = options.kinds ?? CAMPAIGN_FAULTS;
  if (kinds.length === 0) return [];
  const random = new Prng(options.seed, 11);
  const between = ([lo, hi]: readonly [number, number]) =>
    Math.round(lo + random.next() * Math.max(0, hi - lo));
  const faultMs = options.faultMs ?? DEFAULT_FAULT_MS;
  const gapMs = options.gapMs ?? DEFAULT_GAP_MS;
  const endBy = options.durationMs - (options.tailMs ?? gapMs[0]);
  const bias = options.leaderBias ?? 0.7;
  const servers = Array.from({ length: options.servers }, (_, i) => i + 1);
  const plan: PlannedFault[] = [];
  let deck: FaultKind[] = [];
  let at = between(gapMs);
  for (;;) {
    if (deck.length === 0) deck = shuffle([...kinds], random);
    const kind = deck.shift()!;
    const durationMs = between(faultMs);
    if (at + durationMs > endBy) break;
    const leaderOrServer = (): FaultTarget =>
      random.next() < bias
        ? { role: 'leader' }
        : { role: 'server', id: servers[Math.floor(random.next() * servers.length)]! };
    const base = { index: plan.length, kind, atMs: at, durationMs };
    switch (kind) {
      case 'kill':
      case 'pause':
        plan.push({ ...base, target: leaderOrServer() });
        break;
      case 'slow-disk':
        plan.push({ ...base, target: leaderOrServer(), diskDelayMs: between([50, 400]) });
        break;
      case 'partition':
      case 'bridge':
        plan.push({
          ...base,
          order: shuffle([...servers], random),
          leaderAside: random.next() < bias,
        });
        break;
      case 'isolate':
        plan.push({ ...base, target: { role: 'leader' } });
        break;
      case 'delay':
        // Below the peers' 1 s timeout per attempt, or every message would also be sent again.
        plan.push({ ...base, delayMs: between([50, 300]), jitterMs: between([0, 300]) });
        break;
      case 'loss':
        plan.push({ ...base, loss: Math.round((0.2 + random.next() * 0.4) * 100) / 100 });
        break;
    }
    at += durationMs + between(gapMs);
  }
  return plan;
}

/**
 * The two sides of a partition or bridge fault for `order` (the leader, when `leaderAside` and
 * known, swapped to the front): a partition puts the first minority of servers on one side; a
 * bridge splits the rest in two halves that only the middle server joins. Returns groups of
 * servers that can still talk among themselves.
 */
export function sidesOf(
  fault: Pick<PlannedFault, 'kind' | 'order' | 'leaderAside'>,
  leader: ServerId | null,
): ServerId[][] {
  const order = [...(fault.order ?? [])];
  if (fault.leaderAside && leader !== null && order.includes(leader)) {
    order.splice(order.indexOf(leader), 1);
    order.unshift(leader);
  }
  if (fault.kind === 'bridge') {
    // The leader aside is at one end, not the bridge: a bridged leader would notice nothing.
    const middle = Math.floor(order.length / 2);
    return [order.slice(0, middle + 1), order.slice(middle)];
  }
  const minority = Math.floor((order.length - 1) / 2) || 1;
  return [order.slice(0, minority), order.slice(minority)];
}

function shuffle<T>(items: T[], random: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
