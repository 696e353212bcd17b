/**
 * The deterministic simulator: N servers and M clients in one process, on virtual time, with
 * one seeded generator per concern (network, faults, each client, each server). It owns the
 * timeline, the network, the servers' storage and every fault, so one configuration replays
 * one run exactly, trace for trace. The {@link Checker} watches every run.
 */
import type { ServerId } from '../paxos/types.ts';
import { MemoryIdSource } from '../memory-ids.ts';
import { MemoryAcceptorStorage } from '../memory-storage.ts';
import { ServerHost } from '../server/host.ts';
import type { Envelope, TimestampOutcome, TimestampRequest } from '../server/messages.ts';
import { SPEC_RULES, type ServerRules } from '../server/server.ts';
import { DEFAULT_TIMINGS, type Timings } from '../server/timings.ts';
import { NdjsonLines } from '../trace/ndjson.ts';
import type { TraceSink } from '../trace/events.ts';
import type { VectorTime } from '../trace/vector-clock.ts';
import type { LockCommand, LockId, LockOutcome } from '../lock/messages.ts';
import { Checker, type Violation } from './checker.ts';
import { FencedRegister, type FencedRead } from './fenced-register.ts';
import {
  noLockCounts,
  SIM_LOCK_TIMINGS,
  SimLockClient,
  unlockOf,
  type LockCounts,
} from './lock-client.ts';
import { SimClient, type ClientCounts, type RequestRecord } from './client.ts';
import { NO_FAULTS, type FaultRates, type ScheduledFault } from './faults.ts';
import { Network, type NetworkCounts } from './network.ts';
import { Prng } from './prng.ts';
import { Scheduler } from './scheduler.ts';

/** Everything that determines a run. */
export interface SimulationConfig {
  readonly seed: number;
  /** How many events (message deliveries, timers, client actions, faults) to process. */
  readonly steps: number;
  readonly servers: number;
  readonly clients: number;
  readonly faults: FaultRates;
  readonly schedule: readonly ScheduledFault[];
  /** Timestamps each request asks for. */
  readonly batch: number;
  /** Lock clients, besides the timestamp clients (none unless given). */
  readonly lockClients?: number;
  /** The spec's `Step`: how far a bound is extended at a time. */
  readonly boundStep: number;
  /** Whether to build traces (costs time and memory). */
  readonly trace?: boolean;
  /** The protocol rules; tests substitute faulty ones. */
  readonly rules?: ServerRules;
  /** The servers' timeouts and intervals (`timelock simulate --backoff` sets `backoffMs`). */
  readonly timings?: Timings;
  /** Ends the run before the first event later than this virtual time, in ms; none: no limit. */
  readonly untilTime?: number;
  /**
   * Ends the run after the first event for which this returns true: for experiments that wait
   * for one outcome (see ./duel.ts). It must be deterministic for the run to replay.
   */
  readonly stopWhen?: () => boolean;
}

/** The defaults of `timelock simulate`. */
export const DEFAULT_SIMULATION: SimulationConfig = {
  seed: 1,
  steps: 10_000,
  servers: 3,
  clients: 2,
  faults: NO_FAULTS,
  schedule: [],
  batch: 1,
  boundStep: 100,
};

/** Faults the simulator injected, for the summary. */
export interface FaultCounts extends NetworkCounts {
  crashes: number;
  partitions: number;
}

/** What a run did and whether it was safe. */
export interface SimulationResult {
  readonly config: SimulationConfig;
  readonly steps: number;
  /** Virtual time at the end, in milliseconds. */
  readonly virtualTime: number;
  readonly requests: ClientCounts;
  /** What the lock clients saw (all zero without lock clients). */
  readonly locks: LockCounts;
  /** Leader-log sequences agreed: how many times a leader was elected. */
  readonly elections: number;
  /** ProposeLeadership steps taken. */
  readonly proposals: number;
  readonly faults: FaultCounts;
  readonly violation: Violation | null;
  readonly responsesChecked: number;
  /** Each client's requests, as it saw them. */
  readonly histories: ReadonlyArray<readonly RequestRecord[]>;
  /** Each server's trace as NDJSON lines (index 0 is server 1), if traces were asked for. */
  readonly traces: ReadonlyArray<readonly string[]> | null;
  /**
   * The crashes and partitions, when each began and ended (virtual ms; `to` null when the run
   * ended first): what the traces do not record, for pictures of the run.
   */
  readonly faultPeriods: readonly FaultPeriod[];
}

/** A crash of one server, or a partition of the cluster, over a span of virtual time. */
export type FaultPeriod =
  | { readonly kind: 'crash'; readonly server: ServerId; readonly from: number; to: number | null }
  | {
      readonly kind: 'partition';
      readonly groups: readonly (readonly ServerId[])[];
      readonly from: number;
      to: number | null;
    };

type SimEvent =
  | { readonly kind: 'deliver'; readonly envelope: Envelope }
  | { readonly kind: 'invoke'; readonly client: number }
  | {
      readonly kind: 'request';
      readonly server: ServerId;
      readonly request: TimestampRequest;
      readonly clock: VectorTime;
      readonly client: number;
    }
  | {
      readonly kind: 'reply';
      readonly client: number;
      readonly id: number;
      readonly outcome: TimestampOutcome | null;
      readonly clock: VectorTime;
    }
  | { readonly kind: 'wake'; readonly server: ServerId; readonly generation: number }
  | { readonly kind: 'lock-invoke'; readonly client: number }
  | {
      readonly kind: 'lock-command';
      readonly server: ServerId;
      readonly command: LockCommand;
      readonly clock: VectorTime;
      readonly client: number;
    }
  | {
      readonly kind: 'lock-reply';
      readonly client: number;
      readonly id: LockId;
      readonly command: LockCommand['kind'];
      /** Null: the connection failed or the client stopped waiting. */
      readonly outcome: LockOutcome | null;
      readonly clock: VectorTime | null;
    }
  | { readonly kind: 'lock-hold'; readonly client: number; readonly id: LockId }
  | { readonly kind: 'crash'; readonly server: ServerId; readonly duration: number }
  | { readonly kind: 'restart'; readonly server: ServerId }
  | {
      readonly kind: 'partition';
      readonly groups: readonly (readonly ServerId[])[];
      readonly duration: number;
    }
  | { readonly kind: 'heal'; readonly id: number };

/** Random streams, one per concern, so that one drawing more does not shift the others. */
const STREAM = { network: 1, faults: 2, client: 100, lockClient: 500, server: 1000 } as const;

/** The namespace simulated lock clients lock in. */
const LOCK_NAMESPACE = 'n1';

/** How long a lock client holds before it refreshes or unlocks, and how long it waits more. */
const HOLD_MS = { min: 0, max: 80 } as const;
const ANSWER_SLACK_MS = 60;

/** How long random crashes and partitions last, in virtual ms. */
const CRASH_MS = { min: 20, max: 300 } as const;
const PARTITION_MS = { min: 50, max: 500 } as const;

/** Client think time after a response, and backoff after a refusal or failure. */
const THINK_MS = { min: 0, max: 1 } as const;
const RETRY_MS = { min: 1, max: 10 } as const;

/** Where a simulation's traces go, when not to memory. */
export interface TraceOutput {
  /** The sink of server `s`'s trace (the run's `traces` are then null). */
  readonly sinkFor: (s: ServerId) => TraceSink;
}

/** Runs one simulation; with `output`, traces stream to its sinks instead of memory. */
export function runSimulation(config: SimulationConfig, output?: TraceOutput): SimulationResult {
  return new Simulation(config, output).run();
}

class Simulation {
  private readonly queue = new Scheduler<SimEvent>();
  private readonly network: Network;
  private readonly faultRandom: Prng;
  private readonly checker: Checker;
  private readonly hosts: ServerHost[] = [];
  private readonly clients: SimClient[] = [];
  private readonly clientRandom: Prng[] = [];
  private readonly lockClients: SimLockClient[] = [];
  private readonly lockRandom: Prng[] = [];
  private readonly lockOwners = new Map<LockId, number>();
  private readonly registers = new Map<string, FencedRegister>();
  private readonly sinks: NdjsonLines[] = [];
  private readonly wakes: Array<{ at: number; generation: number; pending: boolean }> = [];
  private readonly faultCounts = { crashes: 0, partitions: 0 };
  private readonly faultPeriods: FaultPeriod[] = [];
  /** The open period of each partition (by the network's id) and each crashed server. */
  private readonly openPeriods = new Map<string, FaultPeriod>();
  private now = 0;
  private proposals = 0;

  constructor(
    private readonly config: SimulationConfig,
    private readonly output?: TraceOutput,
  ) {
    const { seed, servers, clients } = config;
    this.network = new Network(config.faults, new Prng(seed, STREAM.network));
    this.faultRandom = new Prng(seed, STREAM.faults);
    this.checker = new Checker(servers);
    const rules = config.rules ?? SPEC_RULES;
    for (let s = 1; s <= servers; s++) {
      const sink = new NdjsonLines();
      this.sinks.push(sink);
      const traceSink = output ? output.sinkFor(s) : config.trace ? sink : undefined;
      this.wakes.push({ at: Infinity, generation: 0, pending: false });
      this.hosts.push(
        new ServerHost(
          {
            self: s,
            serverCount: servers,
            boundStep: config.boundStep,
            timings: config.timings ?? DEFAULT_TIMINGS,
          },
          rules,
          {
            storage: new MemoryAcceptorStorage(),
            transport: {
              send: (envelope) => this.send(envelope),
              reply: (reply, clock) =>
                this.queue.at(this.network.clientDelay(this.now), {
                  kind: 'reply',
                  client: this.clientIndex(reply.client),
                  id: reply.id,
                  outcome: reply.outcome,
                  clock,
                }),
              lockReply: (reply, clock) => {
                const client = this.lockOwners.get(reply.id);
                if (client === undefined) return;
                this.queue.at(this.network.clientDelay(this.now), {
                  kind: 'lock-reply',
                  client,
                  id: reply.id,
                  command: reply.command,
                  outcome: reply.outcome,
                  clock,
                });
              },
            },
            clock: { now: () => this.now },
            random: new Prng(seed, STREAM.server + s),
            ids: new MemoryIdSource(),
            trace: traceSink,
            observe: (server, action) => {
              if (action.name === 'Accept') {
                const { a, L, q, b, v } = action.params;
                this.checker.onAccepted(
                  { type: 'accepted', log: L, seq: q, bal: b, from: a, val: v },
                  this.now,
                );
              } else if (action.name === 'Learn') {
                const { L, q, v } = action.params;
                this.checker.onLearn(server, L, q, v, this.now);
              } else if (action.name === 'ProposeLeadership') {
                this.proposals++;
              }
            },
          },
        ),
      );
    }
    for (let c = 1; c <= clients; c++) {
      const random = new Prng(seed, STREAM.client + c);
      this.clientRandom.push(random);
      this.clients.push(new SimClient(`c${c}`, servers, random));
      this.queue.at(random.int(0, 5), { kind: 'invoke', client: c - 1 });
    }
    for (let c = 1; c <= (config.lockClients ?? 0); c++) {
      const random = new Prng(seed, STREAM.lockClient + c);
      this.lockRandom.push(random);
      this.lockClients.push(new SimLockClient(LOCK_NAMESPACE, servers, random));
      this.queue.at(random.int(0, 5), { kind: 'lock-invoke', client: c - 1 });
    }
    for (const f of config.schedule) {
      this.queue.at(
        f.at,
        f.kind === 'crash'
          ? { kind: 'crash', server: f.server, duration: f.duration }
          : { kind: 'partition', groups: f.groups, duration: f.duration },
      );
    }
  }

  run(): SimulationResult {
    for (const host of this.hosts) this.settled(host);
    let steps = 0;
    while (steps < this.config.steps && this.checker.violation === null) {
      const next = this.queue.pop();
      if (next === null) break;
      if (next.event.kind === 'wake' && !this.isCurrentWake(next.event)) continue;
      if (next.time > (this.config.untilTime ?? Infinity)) break;
      this.now = next.time;
      steps++;
      this.injectRandomFaults();
      this.handle(next.event);
      if (this.config.stopWhen?.()) break;
    }
    const requests: ClientCounts = { invoked: 0, served: 0, refused: 0, failed: 0, timestamps: 0 };
    for (const client of this.clients) {
      for (const k of Object.keys(requests) as (keyof ClientCounts)[])
        requests[k] += client.counts[k];
    }
    return {
      config: this.config,
      steps,
      virtualTime: this.now,
      requests,
      locks: this.lockCounts(),
      elections: this.checker.chosenCount(),
      proposals: this.proposals,
      faults: { ...this.network.counts, ...this.faultCounts },
      violation: this.checker.violation,
      responsesChecked: this.checker.responsesChecked,
      histories: this.clients.map((c) => c.history),
      traces: this.config.trace && !this.output ? this.sinks.map((s) => s.lines) : null,
      faultPeriods: this.faultPeriods,
    };
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'deliver': {
        const host = this.host(event.envelope.dst);
        host.receive(event.envelope);
        return this.settled(host);
      }
      case 'invoke':
        return this.invoke(event.client);
      case 'request': {
        const host = this.host(event.server);
        if (!host.up) return this.failRequest(event.client, event.request.id, event.clock);
        host.request(event.request, event.clock);
        return this.settled(host);
      }
      case 'reply':
        return this.answer(event.client, event.id, event.outcome, event.clock);
      case 'lock-invoke':
        return this.lockInvoke(event.client);
      case 'lock-command': {
        const host = this.host(event.server);
        if (!host.up) return;
        host.lock(event.command, event.clock);
        return this.settled(host);
      }
      case 'lock-reply':
        return this.lockAnswer(event);
      case 'lock-hold':
        return this.lockHold(event.client, event.id);
      case 'wake': {
        const host = this.host(event.server);
        this.wakes[event.server - 1]!.pending = false;
        host.wake();
        return this.settled(host);
      }
      case 'crash':
        return this.crash(event.server, event.duration);
      case 'restart': {
        this.closePeriod(`crash ${event.server}`);
        const host = this.host(event.server);
        host.restart();
        return this.settled(host);
      }
      case 'partition': {
        const id = this.network.partition(event.groups);
        this.faultCounts.partitions++;
        this.openPeriod(`partition ${id}`, {
          kind: 'partition',
          groups: event.groups,
          from: this.now,
          to: null,
        });
        return this.queue.at(this.now + event.duration, { kind: 'heal', id });
      }
      case 'heal':
        this.closePeriod(`partition ${event.id}`);
        return this.network.heal(event.id);
    }
  }

  private send(envelope: Envelope): void {
    for (const at of this.network.route(envelope.src, envelope.dst, this.now)) {
      this.queue.at(at, { kind: 'deliver', envelope });
    }
  }

  private invoke(index: number): void {
    const client = this.clients[index]!;
    const floor = this.checker.onInvoke(client.name);
    const out = client.freshTimestamps(this.config.batch, this.now, floor);
    this.queue.at(this.network.clientDelay(this.now), {
      kind: 'request',
      server: out.server,
      request: out.request,
      clock: client.clock.time,
      client: index,
    });
  }

  private answer(
    index: number,
    id: number,
    outcome: TimestampOutcome | null,
    clock: VectorTime,
  ): void {
    const client = this.clients[index]!;
    const done = client.answer(id, outcome, clock, this.now);
    if (done === null) return;
    if (outcome?.kind === 'served') {
      this.checker.onServed(client.name, outcome.first, outcome.last, done.floor, this.now);
    }
    const random = this.clientRandom[index]!;
    const pause = outcome?.kind === 'served' ? THINK_MS : RETRY_MS;
    this.queue.at(this.now + random.int(pause.min, pause.max), { kind: 'invoke', client: index });
  }

  private lockCounts(): LockCounts {
    const total = noLockCounts();
    for (const client of this.lockClients)
      for (const k of Object.keys(total) as (keyof LockCounts)[]) total[k] += client.counts[k];
    return total;
  }

  /**
   * Sends a lock client's command, and gives up waiting for its answer after a while (a real
   * client's request timeout): a crashed server never answers.
   */
  private sendLockCommand(
    index: number,
    out: { readonly server: ServerId; readonly command: LockCommand },
    waitMs: number,
  ): void {
    const client = this.lockClients[index]!;
    const { command } = out;
    const id = command.kind === 'lock' ? command.request.id : command.id;
    this.lockOwners.set(id, index);
    this.queue.at(this.network.clientDelay(this.now), {
      kind: 'lock-command',
      server: out.server,
      command,
      clock: client.clock.time,
      client: index,
    });
    if (command.kind !== 'unlock')
      this.queue.at(this.now + waitMs + ANSWER_SLACK_MS, {
        kind: 'lock-reply',
        client: index,
        id,
        command: command.kind,
        outcome: null,
        clock: null,
      });
  }

  private lockInvoke(index: number): void {
    this.sendLockCommand(index, this.lockClients[index]!.lock(), SIM_LOCK_TIMINGS.acquireMs);
  }

  private lockAnswer(event: Extract<SimEvent, { kind: 'lock-reply' }>): void {
    const index = event.client;
    const client = this.lockClients[index]!;
    const random = this.lockRandom[index]!;
    if (event.clock !== null) client.clock.receive(event.clock);
    if (event.command === 'lock') {
      const grant = client.locked(event.id, event.outcome);
      if (grant === undefined) return;
      if (grant === null) return this.nextLock(index, RETRY_MS);
      const reads = new Map<string, FencedRead>();
      for (const d of grant.descs) {
        const read = this.register(d).read(grant.fencing);
        if (read === null) break;
        reads.set(d, read);
      }
      const held = reads.size === grant.descs.length;
      client.hold(event.id, grant.fencing, held ? reads : null);
      if (!held) return this.release(index, event.id);
      this.queue.at(this.now + random.int(HOLD_MS.min, HOLD_MS.max), {
        kind: 'lock-hold',
        client: index,
        id: event.id,
      });
    } else if (event.command === 'refresh') {
      if (client.current === event.id && !client.refreshed(event.id, event.outcome))
        this.release(index, event.id);
    }
  }

  /** The client held a while: it refreshes now and then, else writes and unlocks. */
  private lockHold(index: number, id: LockId): void {
    const client = this.lockClients[index]!;
    const random = this.lockRandom[index]!;
    const held = client.holding();
    if (held === null || held.id !== id) return;
    if (random.chance(0.3)) {
      const refresh = client.refresh();
      if (refresh !== null) this.sendLockCommand(index, refresh, 200);
      this.queue.at(this.now + random.int(HOLD_MS.min, HOLD_MS.max), {
        kind: 'lock-hold',
        client: index,
        id,
      });
      return;
    }
    for (const [d, read] of held.reads) {
      const written = this.register(d).increment(held.fencing, read);
      if (written === 'lost-update')
        this.checker.onLostUpdate(
          `lock ${id} (fencing token ${held.fencing}) wrote descriptor ${d} over a write it did not read`,
          this.now,
        );
      if (written === 'fenced-off') client.counts.fencedOff++;
      else client.counts.increments++;
    }
    const unlock = client.unlock();
    if (unlock !== null) this.sendLockCommand(index, unlock, 0);
    this.nextLock(index, THINK_MS);
  }

  /** The client stopped using a lock it no longer trusts: it unlocks it and goes on. */
  private release(index: number, id: LockId): void {
    this.sendLockCommand(index, unlockOf(this.lockClients[index]!, id), 0);
    this.nextLock(index, RETRY_MS);
  }

  private nextLock(index: number, pause: { readonly min: number; readonly max: number }): void {
    const random = this.lockRandom[index]!;
    this.queue.at(this.now + random.int(pause.min, pause.max), {
      kind: 'lock-invoke',
      client: index,
    });
  }

  private register(descriptor: string): FencedRegister {
    let register = this.registers.get(descriptor);
    if (register === undefined) this.registers.set(descriptor, (register = new FencedRegister()));
    return register;
  }

  private failRequest(index: number, id: number, clock: VectorTime): void {
    this.queue.at(this.network.clientDelay(this.now), {
      kind: 'reply',
      client: index,
      id,
      outcome: null,
      clock,
    });
  }

  private openPeriod(key: string, period: FaultPeriod): void {
    this.faultPeriods.push(period);
    this.openPeriods.set(key, period);
  }

  private closePeriod(key: string): void {
    const period = this.openPeriods.get(key);
    if (period !== undefined) period.to = this.now;
    this.openPeriods.delete(key);
  }

  private crash(server: ServerId, duration: number): void {
    const host = this.host(server);
    if (!host.up) return;
    this.faultCounts.crashes++;
    this.openPeriod(`crash ${server}`, { kind: 'crash', server, from: this.now, to: null });
    for (const r of host.crash()) this.failRequest(this.clientIndex(r.client), r.id, host.clock);
    this.queue.at(this.now + duration, { kind: 'restart', server });
  }

  private injectRandomFaults(): void {
    const { crash, partition } = this.config.faults;
    const random = this.faultRandom;
    if (random.chance(crash)) {
      const up = this.hosts.filter((h) => h.up);
      if (up.length > 0) this.crash(random.pick(up).self, random.int(CRASH_MS.min, CRASH_MS.max));
    }
    if (!this.network.partitioned && this.config.servers > 1 && random.chance(partition)) {
      const order = this.hosts.map((h) => h.self);
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const cut = random.int(1, order.length - 1);
      this.handle({
        kind: 'partition',
        groups: [order.slice(0, cut), order.slice(cut)],
        duration: random.int(PARTITION_MS.min, PARTITION_MS.max),
      });
    }
  }

  /** Schedules the host's next wake-up if it moved earlier or the last one fired. */
  private settled(host: ServerHost): void {
    const wake = this.wakes[host.self - 1]!;
    const next = host.nextWakeup();
    if (next === null) return;
    const at = next > this.now ? next : this.now + 1;
    if (wake.pending && wake.at <= at) return;
    wake.at = at;
    wake.pending = true;
    wake.generation++;
    this.queue.at(at, { kind: 'wake', server: host.self, generation: wake.generation });
  }

  private isCurrentWake(event: { server: ServerId; generation: number }): boolean {
    return this.wakes[event.server - 1]!.generation === event.generation;
  }

  private host(s: ServerId): ServerHost {
    return this.hosts[s - 1]!;
  }

  private clientIndex(name: string): number {
    return Number(name.slice(1)) - 1;
  }
}
