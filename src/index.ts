/**
 * The reference implementation as a library: the protocol cores (pure state machines), the
 * ports they are driven through, the deterministic simulator and the trace format.
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
export * from './server/step.ts';
export * from './server/timings.ts';
export * from './sim/faults.ts';
export * from './sim/client.ts';
export * from './trace/vector-clock.ts';
