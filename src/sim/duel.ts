/**
 * The duelling-proposers experiment: a cluster that starts with no leader, so that every
 * server suspects the (missing) leader at the same virtual instant, and the virtual time and
 * the leader-election rounds it takes until a leader is elected, for a given random backoff
 * (`Timings.backoffMs`). Pure and deterministic: one set of options, one result. The script
 * `scripts/duel.ts` (`npm run experiment:duel`) runs it over many seeds; docs/duel.md reads
 * the result.
 *
 * How "everyone suspects at once" comes about: every server's election timer starts at
 * virtual time 0 (the time its {@link ../election/election.ts Election} is created, as if it
 * had just heard from a leader), and the simulator wakes a server exactly when its timer is
 * due, so every server suspects at `suspicionMs` to the millisecond. Each then waits its own
 * random backoff in [0, backoffMs): with a backoff of 0 every first proposal is made at that
 * same instant ({@link DuelRun.firstProposalSpreadMs} is 0).
 */
import { LEADER_LOG, type LeaderValue, type ServerId } from '../paxos/types.ts';
import { DEFAULT_TIMINGS, type Timings } from '../server/timings.ts';
import type { TraceEvent, TraceSink } from '../trace/events.ts';
import { NO_FAULTS } from './faults.ts';
import { DEFAULT_LATENCY, type Latency } from './network.ts';
import { DEFAULT_SIMULATION, runSimulation } from './simulation.ts';

/** What one run of the experiment is given. */
export interface DuelOptions {
  readonly seed: number;
  readonly servers: number;
  /** The longest random backoff before a proposal or a retry, in ms (may be fractional). */
  readonly backoffMs: number;
  /** How long a proposer waits for its round before it retries; default: the servers' own. */
  readonly roundMs?: number;
  /** How long after the common suspicion to wait for a leader, in virtual ms. */
  readonly capMs?: number;
}

/** The default cap on a run: 10 virtual seconds after every server suspected. */
export const DUEL_CAP_MS = 10_000;

/** What one run of the experiment measured. */
export interface DuelRun {
  readonly seed: number;
  readonly servers: number;
  readonly backoffMs: number;
  readonly roundMs: number;
  /** Whether a leader was elected within the cap. */
  readonly elected: boolean;
  /**
   * Virtual ms from the instant every server suspected to the instant the elected server
   * learned that it leads (a value chosen at the leader log's first sequence, and learned by
   * the server it names); the cap when no leader was elected in time.
   */
  readonly timeToElectMs: number;
  /** The elected server, or 0. */
  readonly leader: ServerId;
  /** Leader-election proposals (ProposeLeadership steps, each a new ballot) until then. */
  readonly proposals: number;
  /**
   * Of those, the retries: proposals a server made after its own earlier round timed out (all
   * but each server's first). Zero when the first proposals settled the election.
   */
  readonly retries: number;
  /** Virtual ms between the first and the last server's first proposal. */
  readonly firstProposalSpreadMs: number;
}

/** Runs the experiment once. */
export function runDuel(options: DuelOptions): DuelRun {
  const { seed, servers, backoffMs } = options;
  const capMs = options.capMs ?? DUEL_CAP_MS;
  const timings: Timings = {
    ...DEFAULT_TIMINGS,
    backoffMs,
    roundMs: options.roundMs ?? DEFAULT_TIMINGS.roundMs,
  };
  const suspectedAt = timings.suspicionMs;
  let electedAt: number | null = null;
  let leader: ServerId = 0;
  let proposals = 0;
  const firstProposal = new Map<ServerId, number>();
  const sink: TraceSink = {
    header: () => {},
    write: (e: TraceEvent) => {
      if (e.action === 'ProposeLeadership') {
        proposals++;
        if (!firstProposal.has(e.server)) firstProposal.set(e.server, e.time);
      } else if (e.action === 'Learn' && e.params.L === LEADER_LOG && electedAt === null) {
        const named = (e.params.v as LeaderValue).leader;
        if (named === e.server) {
          electedAt = e.time;
          leader = named;
        }
      }
    },
  };
  runSimulation(
    {
      ...DEFAULT_SIMULATION,
      seed,
      servers,
      clients: 0,
      faults: NO_FAULTS,
      schedule: [],
      steps: Number.MAX_SAFE_INTEGER,
      timings,
      untilTime: suspectedAt + capMs,
      stopWhen: () => electedAt !== null,
    },
    { sinkFor: () => sink },
  );
  const firsts = [...firstProposal.values()];
  return {
    seed,
    servers,
    backoffMs,
    roundMs: timings.roundMs,
    elected: electedAt !== null,
    timeToElectMs: electedAt === null ? capMs : electedAt - suspectedAt,
    leader,
    proposals,
    retries: proposals - firsts.length,
    firstProposalSpreadMs: firsts.length === 0 ? 0 : Math.max(...firsts) - Math.min(...firsts),
  };
}

/** A typical round trip between two servers in the simulator: twice the mean message delay. */
export function typicalRoundTripMs(latency: Latency = DEFAULT_LATENCY): number {
  return latency.min + latency.max;
}

/** Figures over many runs of one configuration. */
export interface DuelSummary {
  readonly runs: number;
  /** Time to elect, in virtual ms; a capped run counts as the cap. */
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
  /** Mean proposals (ballots) per election. */
  readonly meanProposals: number;
  /** Mean retries per election (see {@link DuelRun.retries}). */
  readonly meanRetries: number;
  /** Share of runs that elected no leader within the cap, 0..1. */
  readonly cappedShare: number;
}

/** Summarises runs (at least one). */
export function summarizeDuel(runs: readonly DuelRun[]): DuelSummary {
  if (runs.length === 0) throw new Error('summarizeDuel: no runs');
  const times = runs.map((r) => r.timeToElectMs).sort((a, b) => a - b);
  const mean = (f: (r: DuelRun) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return {
    runs: runs.length,
    medianMs: quantile(times, 0.5),
    p90Ms: quantile(times, 0.9),
    maxMs: times[times.length - 1]!,
    meanProposals: mean((r) => r.proposals),
    meanRetries: mean((r) => r.retries),
    cappedShare: mean((r) => (r.elected ? 0 : 1)),
  };
}

/** The nearest-rank quantile `q` of sorted numbers. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
