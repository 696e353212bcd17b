/**
 * The driver of one server: it feeds inputs to the protocol core ({@link Server}) and carries
 * out each step through the ports, in the order safety needs: record the spec action in the
 * trace, then persist the acceptor record, then send. Nothing leaves the process before it is
 * both recorded and durable; recording first means a crash between the two leaves a trace that
 * is ahead of storage, never behind, and a restarted server redoes the change from its trace. It also keeps the vector clock, runs
 * the core's own decisions until there are none, and delivers the server's messages to itself
 * at once, before the step's input is done: a proposer's own acceptor then always holds the
 * durable promise that keeps a restarted proposer from reusing a ballot (see `nextBallotNumber`
 * in ../paxos/proposer.ts).
 */
import type { AcceptorRecord, LogName, LogValue, Seq, ServerId } from '../paxos/types.ts';
import type { AcceptorStorage, Clock, IdSource, Random, Transport } from '../ports.ts';
import {
  RESET_VARIABLES,
  specAction,
  TRACE_VERSION,
  type SpecAction,
  type SpecChanges,
  type TraceEvent,
  type TraceSink,
} from '../trace/events.ts';
import { VectorClock, type VectorTime } from '../trace/vector-clock.ts';
import type { LockCommand } from '../lock/messages.ts';
import type { ClientId, Envelope, ServerMsg, TimestampRequest } from './messages.ts';
import { Server, type PendingRequest, type ServerConfig, type ServerRules } from './server.ts';
import { makeStep, type Step, type StepEnv } from './step.ts';

/** The ports a host works through. */
export interface HostPorts {
  readonly storage: AcceptorStorage;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  /** This server's own durable fresh numbers. */
  readonly ids: IdSource;
  /** Where trace events go; none means no trace is built. */
  readonly trace?: TraceSink;
  /** Told of every spec action, after it was persisted and before its messages go out. */
  readonly observe?: (server: ServerId, action: SpecAction, step: Step) => void;
  /**
   * The vector clock of the server's last event before it restarted, when its trace goes on
   * in an existing file (a real process that reboots); none for a server's first start.
   */
  readonly resumeClock?: VectorTime;
}

/** Steps one input may cause before the host decides the core is looping. */
const MAX_STEPS_PER_INPUT = 100_000;

/** A running server: a core plus the ports it acts through. */
export class ServerHost {
  private core: Server;
  private readonly vc: VectorClock;
  private readonly loopback: Array<{ from: ServerId; body: ServerMsg }> = [];
  private readonly env: StepEnv;
  private running = true;
  /** Acceptor records written since the last trace event (the host is their only writer). */
  private accWrites: Record<LogName, Record<string, AcceptorRecord>> | null = null;
  /** Whether a fresh number was taken since the last trace event. */
  private freshTaken = false;

  constructor(
    readonly config: ServerConfig,
    private readonly rules: ServerRules,
    private readonly ports: HostPorts,
  ) {
    this.core = new Server(config, rules, ports.clock.now());
    this.vc = new VectorClock(config.serverCount, ports.resumeClock);
    ports.trace?.header({
      trace: 'timelock',
      version: TRACE_VERSION,
      server: config.self,
      servers: config.serverCount,
      step: config.boundStep,
    });
    this.env = {
      get now() {
        return ports.clock.now();
      },
      random: ports.random,
      ids: {
        next: () => ((this.freshTaken = true), ports.ids.next()),
        last: () => ports.ids.last(),
      },
      storage: ports.storage,
    };
  }

  /** Whether the server is up (not crashed). */
  get up(): boolean {
    return this.running;
  }

  /** The server's number. */
  get self(): ServerId {
    return this.config.self;
  }

  /** The vector clock's value now. */
  get clock(): VectorTime {
    return this.vc.time;
  }

  /** Delivers a message from another server. */
  receive(envelope: Envelope): void {
    if (!this.running) return;
    this.vc.receive(envelope.clock);
    this.run(
      this.core.handle({ kind: 'message', from: envelope.src, body: envelope.body }, this.env),
    );
  }

  /** Delivers a client's request; `clock` is the client's vector clock. */
  request(request: TimestampRequest, clock: VectorTime): void {
    if (!this.running) return;
    this.vc.receive(clock);
    this.run(this.core.handle({ kind: 'request', request }, this.env));
  }

  /** Delivers a lock command; `clock` is the client's vector clock. */
  lock(command: LockCommand, clock: VectorTime): void {
    if (!this.running) return;
    this.vc.receive(clock);
    this.run(this.core.handle({ kind: 'lock', command }, this.env));
  }

  /** The least timestamp an immutable-timestamp lock of `namespace` holds here, or null. */
  leastImmutableTimestamp(namespace: ClientId): number | null {
    return this.running ? this.core.leastImmutableTimestamp(namespace) : null;
  }

  /** How many locks this server holds, and how many requests wait for one. */
  lockCounts(): { readonly held: number; readonly waiting: number } {
    return this.running ? this.core.lockCounts() : { held: 0, waiting: 0 };
  }

  /** Lets the core take the decisions that time has enabled. */
  wake(): void {
    if (this.running) this.run(null);
  }

  /** When the core next wants {@link wake}, or null if it is down. */
  nextWakeup(): number | null {
    return this.running ? this.core.nextWakeup() : null;
  }

  /**
   * Crashes the server: the requests it held are given up and its volatile state is lost (see
   * {@link recordCrash}), and it takes no step until {@link restart}. Storage and fresh numbers
   * are kept. Returns the requests that were given up, whose clients must be told.
   */
  crash(): PendingRequest[] {
    if (!this.running) return [];
    const dropped = this.core.pendingRequests();
    const lostSomething = this.core.hasVolatileSpecState();
    this.core = new Server(this.config, this.rules, this.ports.clock.now());
    this.loopback.length = 0;
    this.recordCrash(
      dropped.map((r) => r.client),
      lostSomething,
    );
    this.running = false;
    return dropped;
  }

  /**
   * Records in the trace what a crash did: each request held is given up (the spec's
   * `GiveUp`), and the volatile state is lost (the spec's `Restart`, recorded only if there was
   * something to lose, as the spec's guard requires). A real process records this when it
   * boots again, from what its trace says it held; the simulator when it crashes a server.
   */
  recordCrash(heldRequests: readonly ClientId[], lostSomething: boolean): void {
    for (const c of heldRequests)
      this.apply(makeStep({ action: specAction('GiveUp', { c, s: this.self }) }));
    if (lostSomething)
      this.apply(makeStep({ action: specAction('Restart', { s: this.self }) }), RESET_VARIABLES);
  }

  /** Who this server believes leads, and whether it acts as the leader now. */
  leadership(): { readonly leader: ServerId; readonly acting: boolean } {
    return this.core.leadership();
  }

  /** Learns again values this server durably learned before it restarted (the spec's `Learn`). */
  relearn(values: Iterable<{ log: LogName; seq: Seq; val: LogValue }>): void {
    if (!this.running) return;
    for (const { log, seq, val } of values) {
      const step = this.core.relearn(log, seq, val);
      if (step !== null) this.apply(step);
    }
    this.run(null);
  }

  /** Brings a crashed server back, with empty volatile state. */
  restart(): void {
    if (this.running) return;
    this.core = new Server(this.config, this.rules, this.ports.clock.now());
    this.running = true;
    this.run(null);
  }

  private run(first: Step | null): void {
    if (first !== null) this.apply(first);
    for (let i = 0; ; i++) {
      if (i > MAX_STEPS_PER_INPUT) throw new Error(`server ${this.self} does not settle`);
      const local = this.loopback.shift();
      const step = local
        ? this.core.handle({ kind: 'message', from: local.from, body: local.body }, this.env)
        : this.core.decide(this.env);
      if (step === null) return;
      this.apply(step);
    }
  }

  private apply(step: Step, reset?: TraceEvent['reset']): void {
    const { storage, transport, trace, observe } = this.ports;
    if (step.persist !== null) {
      const { log, seq, record } = step.persist;
      ((this.accWrites ??= {})[log] ??= {})[seq] = record;
    }
    const tookFresh = this.freshTaken;
    if (step.action !== null && trace) {
      trace.write(this.event(step, this.vc.tick(this.self), this.takeChanges(), reset));
    } else if (step.action !== null) {
      this.vc.tick(this.self);
      this.takeChanges();
    }
    // The trace is made durable before what it records becomes durable or visible: an
    // acceptor record, or a fresh number going out (a restart hands out again the numbers
    // after the trace's last, see ../cluster/boot.ts).
    if (step.persist !== null || (tookFresh && step.send.length > 0)) trace?.sync?.();
    if (step.persist !== null) {
      const { log, seq, record } = step.persist;
      storage.save(log, seq, record);
    }
    if (step.action !== null && observe) observe(this.self, step.action, step);
    const clock = this.vc.time;
    for (const out of step.send) {
      const toSelf = out.to === 'all' || out.to === this.self;
      if (toSelf) this.loopback.push({ from: this.self, body: out.body });
      if (out.to === this.self) continue;
      for (let dst = 1; dst <= this.config.serverCount; dst++) {
        if (dst === this.self || (typeof out.to === 'number' && out.to !== dst)) continue;
        transport.send({ src: this.self, dst, clock, body: out.body });
      }
    }
    for (const reply of step.replies) transport.reply(reply, clock);
    for (const reply of step.lockReplies) transport.lockReply?.(reply, clock);
  }

  /** Everything of the server's spec state written since the last event. */
  private takeChanges(): SpecChanges {
    const changes: { -readonly [K in keyof SpecChanges]: SpecChanges[K] } = {
      ...this.core.takeSpecChanges(),
    };
    if (this.accWrites !== null) changes.acc = this.accWrites;
    if (this.freshTaken) changes.fresh = this.ports.ids.last();
    this.accWrites = null;
    this.freshTaken = false;
    return changes;
  }

  private event(
    step: Step,
    vc: VectorTime,
    changes: SpecChanges,
    reset: TraceEvent['reset'],
  ): TraceEvent {
    const action = step.action!;
    return {
      action: action.name,
      params: action.params,
      server: this.self,
      vc,
      time: this.ports.clock.now(),
      changes,
      ...(reset ? { reset } : {}),
      ...(step.served ? { served: step.served } : {}),
    } as TraceEvent;
  }
}
