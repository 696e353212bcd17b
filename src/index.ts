/**
 * The reference implementation as a library: the protocol cores (pure state machines), the
 * ports they are driven through, the deterministic simulator, the trace format, a real server
 * ({@link TimelockNode}: SQLite, authenticated HTTP between servers, the client API), local
 * clusters of server processes, and the client library ({@link TimelockClient}), with
 * locks from the leader fenced by leadership (docs/locks.md).
 *
 * @packageDocumentation
 */
export * from './ports.ts';
export * from './memory-storage.ts';
export * from './memory-ids.ts';
export * from './paxos/types.ts';
export * from './paxos/ballot.ts';
export * from './paxos/quorum.ts';
export * from './paxos/acceptor.ts';
export * from './paxos/proposer.ts';
export * from './paxos/learner.ts';
export * from './election/leadership-check.ts';
export * from './timestamp/batch.ts';
export * from './timestamp/tsvc.ts';
export * from './server/server.ts';
export * from './server/host.ts';
export * from './sim/simulation.ts';
export * from './sim/checker.ts';
export * from './sim/prng.ts';
export * from './trace/events.ts';
export * from './paxos/messages.ts';
export * from './election/messages.ts';
export * from './server/messages.ts';
export * from './lock/messages.ts';
export * from './lock/lock-table.ts';
export * from './lock/lock-tables.ts';
export * from './lock/rules.ts';
export * from './net/lock-api.ts';
export type { ClientRefusal } from './net/refusal.ts';
export * from './server/step.ts';
export * from './server/timings.ts';
export * from './sim/faults.ts';
export * from './sim/client.ts';
export type { LockCounts } from './sim/lock-client.ts';
export * from './trace/vector-clock.ts';
export * from './client/timelock-client.ts';
export * from './timestamp/range-batcher.ts';
export * from './storage/sqlite-store.ts';
export * from './trace/trace-file.ts';
export * from './cluster/boot.ts';
export * from './cluster/timelock-node.ts';
export * from './cluster/local-cluster.ts';
export * from './cluster/metrics.ts';
