/**
 * The driver of one server: it feeds inputs to the protocol core ({@link Server}) and carries
 * out each step through the ports, in the order safety needs: persist the acceptor record,
 * then record the spec action in the trace, then send. It also keeps the Lamport clock, runs
 * the core's own decisions until there are none, and delivers the server's messages to itself
 * at once, before the step's input is done: a proposer's own acceptor then always holds the
 * durable promise that keeps a restarted proposer from reusing a ballot (see `nextBallotNumber`
 * in ../paxos/proposer.ts).
 */
import type { ServerId } from '../paxos/types.ts';
import type {
  AcceptorStorage,
  Clock,
  IdSource,
  Random,
  SharedIdSource,
  Transport,
} from '../ports.ts';
import { specAction, type SpecAction, type TraceEvent, type TraceSink } from '../trace/events.ts';
import { LamportClock } from '../trace/lamport.ts';
import type { Envelope, ServerMsg, TimestampRequest } from './messages.ts';
import { Server, type PendingRequest, type ServerConfig, type ServerRules } from './server.ts';
import { makeStep, type Step, type StepEnv } from './step.ts';

/** The ports a host works through. */
export interface HostPorts {
  readonly storage: AcceptorStorage;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  readonly ids: IdSource | SharedIdSource;
  /** Where trace events go; none means no trace is built. */
  readonly trace?: TraceSink;
  /** Told of every spec action, after it was persisted and before its messages go out. */
  readonly observe?: (server: ServerId, action: SpecAction, step: Step) => void;
}

/** Steps one input may cause before the host decides the core is looping. */
const MAX_STEPS_PER_INPUT = 100_000;

/** A running server: a core plus the ports it acts through. */
export class ServerHost {
  private core: Server;
  private readonly lamport = new LamportClock();
  private readonly loopback: Array<{ from: ServerId; body: ServerMsg }> = [];
  private readonly env: StepEnv;
  private idsTouched = false;
  private running = true;

  constructor(
    readonly config: ServerConfig,
    private readonly rules: ServerRules,
    private readonly ports: HostPorts,
  ) {
    this.core = new Server(config, rules, ports.clock.now());
    const shared = 'lamport' in ports.ids ? ports.ids : null;
    const touch = () => {
      if (shared) this.lamport.receive(shared.lamport);
      this.idsTouched = true;
    };
    this.env = {
      get now() {
        return ports.clock.now();
      },
      random: ports.random,
      ids: {
        next: () => (touch(), ports.ids.next()),
        last: () => (touch(), ports.ids.last()),
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

  /** The Lamport clock's value now. */
  get clock(): number {
    return this.lamport.time;
  }

  /** Delivers a message from another server. */
  receive(envelope: Envelope): void {
    if (!this.running) return;
    this.lamport.receive(envelope.clock);
    this.run(
      this.core.handle({ kind: 'message', from: envelope.src, body: envelope.body }, this.env),
    );
  }

  /** Delivers a client's request; `clock` is the client's Lamport clock. */
  request(request: TimestampRequest, clock: number): void {
    if (!this.running) return;
    this.lamport.receive(clock);
    this.run(this.core.handle({ kind: 'request', request }, this.env));
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
   * Crashes the server: the requests it held are given up (the spec's `GiveUp`), its volatile
   * state is lost (the spec's `Restart`, recorded only if there was something to lose, as the
   * spec's guard requires), and it takes no step until {@link restart}. Storage is kept.
   * Returns the requests that were given up, whose clients must be told.
   */
  crash(): PendingRequest[] {
    if (!this.running) return [];
    const dropped = this.core.pendingRequests();
    for (const r of dropped)
      this.apply(makeStep({ action: specAction('GiveUp', { c: r.client }) }));
    const lostSomething = this.core.hasVolatileSpecState();
    this.core = new Server(this.config, this.rules, this.ports.clock.now());
    this.loopback.length = 0;
    if (lostSomething) this.apply(makeStep({ action: specAction('Restart', { s: this.self }) }));
    this.running = false;
    return dropped;
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

  private apply(step: Step): void {
    const { storage, transport, trace, observe } = this.ports;
    if (step.persist !== null)
      storage.save(step.persist.log, step.persist.seq, step.persist.record);
    if (step.action !== null) {
      const clock = this.lamport.tick();
      if (trace) trace.write(this.event(step, clock));
      if (observe) observe(this.self, step.action, step);
    }
    if (this.idsTouched) {
      const shared = this.ports.ids as Partial<SharedIdSource>;
      if (shared.lamport !== undefined)
        shared.lamport = Math.max(shared.lamport, this.lamport.time);
      this.idsTouched = false;
    }
    for (const out of step.send) {
      const toSelf = out.to === 'all' || out.to === this.self;
      if (toSelf) this.loopback.push({ from: this.self, body: out.body });
      if (out.to === this.self) continue;
      for (let dst = 1; dst <= this.config.serverCount; dst++) {
        if (dst === this.self || (typeof out.to === 'number' && out.to !== dst)) continue;
        transport.send({ src: this.self, dst, clock: this.lamport.time, body: out.body });
      }
    }
    for (const reply of step.replies) transport.reply(reply, this.lamport.time);
  }

  private event(step: Step, clock: number): TraceEvent {
    const action = step.action!;
    return {
      action: action.name,
      params: action.params,
      server: this.self,
      clock,
      time: this.ports.clock.now(),
      state: this.core.specState(this.ports.storage),
      ...(step.served ? { served: step.served } : {}),
    } as TraceEvent;
  }
}
