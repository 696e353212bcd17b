/**
 * A server's Prometheus metrics (prom-client), on a registry of its own so that several servers
 * in one process (tests) keep theirs apart. Served at `GET /metrics`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics one server keeps. */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Client requests by endpoint and outcome (served, not-leader, unavailable, bad-request). */
  readonly requests = new Counter({
    name: 'timelock_client_requests_total',
    help: 'Client API requests, by endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });
  /** Latency of client requests by endpoint and outcome. */
  readonly latency = new Histogram({
    name: 'timelock_client_request_seconds',
    help: 'Client API request latency, by endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  /** Timestamps handed out. */
  readonly timestamps = new Counter({
    name: 'timelock_timestamps_served_total',
    help: 'Timestamps handed out to clients.',
    registers: [this.registry],
  });
  /** Times this server learned a new leader. */
  readonly leadershipChanges = new Counter({
    name: 'timelock_leadership_changes_total',
    help: 'New leader-log values learned by this server (a new term).',
    registers: [this.registry],
  });
  /** Bound extensions this server proposed, and bounds it agreed. */
  readonly boundExtensions = new Counter({
    name: 'timelock_bound_extensions_total',
    help: 'Timestamp bound extensions proposed by this server.',
    registers: [this.registry],
  });
  /** Paxos rounds (prepare phases) this server started, by log kind. */
  readonly paxosRounds = new Counter({
    name: 'timelock_paxos_rounds_total',
    help: 'Paxos prepare rounds started by this server, by log kind (leader or client).',
    labelNames: ['log'] as const,
    registers: [this.registry],
  });
  /** Spec actions this server took, by action. */
  readonly actions = new Counter({
    name: 'timelock_spec_actions_total',
    help: 'Steps this server took, by the spec action they implement.',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  /** Peer messages refused, by reason. */
  readonly refusedPeerMessages = new Counter({
    name: 'timelock_peer_messages_refused_total',
    help: 'Peer messages refused (unauthenticated, tampered, replayed, oversized, malformed).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Peer messages that could not be delivered after every attempt. */
  readonly droppedPeerMessages = new Counter({
    name: 'timelock_peer_messages_dropped_total',
    help: 'Peer messages dropped after every delivery attempt failed.',
    registers: [this.registry],
  });

  /** Locks granted. */
  readonly lockGrants = new Counter({
    name: 'timelock_lock_grants_total',
    help: 'Locks granted by this server (immutable-timestamp locks included).',
    registers: [this.registry],
  });
  /** Lock entries that ended, by why. */
  readonly lockEnds = new Counter({
    name: 'timelock_lock_ends_total',
    help: 'Lock entries that ended, by reason: unlocked, expired (lease), timed-out (never granted), lost (leadership changed).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Refreshes that found their lock gone. */
  readonly lockRefreshFailures = new Counter({
    name: 'timelock_lock_refresh_failures_total',
    help: 'Lock ids a refresh named that this server no longer holds (released, expired, or lost with a leadership change).',
    registers: [this.registry],
  });
  private lockCounts: () => { readonly held: number; readonly waiting: number } = () => ({
    held: 0,
    waiting: 0,
  });
  /** Locks held now (granted, refreshing included). */
  readonly locksHeld: Gauge = new Gauge({
    name: 'timelock_locks_held',
    help: 'Locks this server holds now.',
    registers: [this.registry],
    collect: (): void => this.locksHeld.set(this.lockCounts().held),
  });
  /** Lock requests waiting now. */
  readonly lockWaiters: Gauge = new Gauge({
    name: 'timelock_lock_waiters',
    help: 'Lock requests waiting for their descriptors or for a leadership check.',
    registers: [this.registry],
    collect: (): void => this.lockWaiters.set(this.lockCounts().waiting),
  });

  /** Where the lock gauges read their values at each scrape. */
  watchLocks(counts: () => { readonly held: number; readonly waiting: number }): void {
    this.lockCounts = counts;
  }

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
