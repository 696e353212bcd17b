/**
 * The simulated network between servers: it loses, duplicates and holds back messages at the
 * configured rates, delays every message by a random few milliseconds (so messages overtake
 * each other), and drops messages between servers that a partition separates. Links between
 * clients and servers are connections: delayed, never lost or repeated (a lost connection is
 * reported to the client as an error instead).
 */
import type { ServerId } from '../paxos/types.ts';
import type { FaultRates } from './faults.ts';
import type { Prng } from './prng.ts';

/** How long messages take, in virtual milliseconds. */
export interface Latency {
  readonly min: number;
  readonly max: number;
  /** The longest extra delay of a held-back message. */
  readonly holdBack: number;
}

/** Latency of a local network. */
export const DEFAULT_LATENCY: Latency = { min: 1, max: 5, holdBack: 100 };

/** What the network did to messages, for the run's summary. */
export interface NetworkCounts {
  sent: number;
  lost: number;
  duplicated: number;
  delayed: number;
  cutByPartition: number;
}

/** The network between servers. */
export class Network {
  /** Each server's group while a partition lasts, else null. */
  private groups: Map<ServerId, number> | null = null;
  private partitionId = 0;
  readonly counts: NetworkCounts = {
    sent: 0,
    lost: 0,
    duplicated: 0,
    delayed: 0,
    cutByPartition: 0,
  };

  constructor(
    private readonly rates: FaultRates,
    private readonly random: Prng,
    private readonly latency: Latency = DEFAULT_LATENCY,
  ) {}

  /** When the copies of a message sent now from `src` to `dst` arrive: none, one or two. */
  route(src: ServerId, dst: ServerId, now: number): number[] {
    this.counts.sent++;
    if (this.groups !== null && this.groups.get(src) !== this.groups.get(dst)) {
      this.counts.cutByPartition++;
      return [];
    }
    if (this.random.chance(this.rates.loss)) {
      this.counts.lost++;
      return [];
    }
    const copies = this.random.chance(this.rates.dup) ? 2 : 1;
    if (copies === 2) this.counts.duplicated++;
    const arrivals: number[] = [];
    for (let i = 0; i < copies; i++) arrivals.push(now + this.delay());
    return arrivals;
  }

  /** When a message between a client and a server arrives. */
  clientDelay(now: number): number {
    return now + this.random.int(this.latency.min, this.latency.max);
  }

  /**
   * Splits the servers into `groups` (servers in no group form one more); returns an id that
   * {@link heal} takes, so that healing an old partition leaves a newer one alone.
   */
  partition(groups: readonly (readonly ServerId[])[]): number {
    this.groups = new Map();
    groups.forEach((g, i) => g.forEach((s) => this.groups!.set(s, i)));
    return ++this.partitionId;
  }

  /** Ends partition `id`, if it is still the current one. */
  heal(id: number): void {
    if (id === this.partitionId) this.groups = null;
  }

  /** Whether a partition is in force. */
  get partitioned(): boolean {
    return this.groups !== null;
  }

  private delay(): number {
    const base = this.random.int(this.latency.min, this.latency.max);
    if (!this.random.chance(this.rates.delay)) return base;
    this.counts.delayed++;
    return base + this.random.int(1, this.latency.holdBack);
  }
}
