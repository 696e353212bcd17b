/**
 * One real Timelock server: the same host and protocol core the simulator drives, given real
 * ports. Storage and fresh numbers are SQLite in the data folder, peers are reached over
 * authenticated HTTP, time is the wall clock, and a timer wakes the core when it asked to be
 * woken. One HTTP listener serves the peers (`/peer`), the client API (`/ts/...`, `/leader`,
 * `/status`, `/health`) and Prometheus (`/metrics`).
 *
 * Clients are coalesced per namespace (../timestamp/range-batcher.ts): the callers that arrive
 * while a namespace's core request is pending become one core request (one spec `Request`),
 * served after one leadership check that started after they all arrived. A server that does not
 * act as the leader refuses at once with the leader it knows, without taking a spec step.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { LEADER_LOG, type ServerId } from '../paxos/types.ts';
import {
  handleClientRequest,
  MAX_RANGE,
  type ClientBackend,
  type FreshOutcome,
  type NotServed,
} from '../net/client-api.ts';
import { LOCK_ENDPOINTS } from '../net/lock-api.ts';
import { PeerGate } from '../net/peer-auth.ts';
import { handlePeerRequest, PEER_PATH, PeerSender } from '../net/peer-http.ts';
import { ServerHost } from '../server/host.ts';
import type { TimestampReply } from '../server/messages.ts';
import { SPEC_RULES, type ServerRules } from '../server/server.ts';
import { delayingDurableWrites } from '../storage/slow-storage.ts';
import { FaultControl } from './fault-control.ts';
import type { Timings } from '../server/timings.ts';
import { RangeBatcher, type TimestampRange } from '../timestamp/range-batcher.ts';
import type { SpecAction } from '../trace/events.ts';
import type { Step } from '../server/step.ts';
import { bootState, type BootedState } from './boot.ts';
import { LockBackend } from './lock-backend.ts';
import { ServerMetrics } from './metrics.ts';

/** Timings for servers on one machine or a LAN, talking HTTP. */
export const NODE_TIMINGS: Timings = {
  heartbeatMs: 50,
  suspicionMs: 300,
  backoffMs: 100,
  roundMs: 200,
  checkMs: 200,
  requestMs: 2000,
  catchUpMs: 200,
  recoveryRetryMs: 200,
};

/** How far a bound is extended at a time (the spec's `Step`) unless configured. */
export const DEFAULT_BOUND_STEP = 1_000_000;

/** What a server is started with. */
export interface NodeOptions {
  /** This server's number, 1..servers.size. */
  readonly self: ServerId;
  /** The base URL of every server of the cluster (this one included), e.g. `http://127.0.0.1:7001`. */
  readonly servers: ReadonlyMap<ServerId, string>;
  /** Where to listen; port 0 picks a free port. */
  readonly listen: { readonly host: string; readonly port: number };
  /**
   * Where peer messages to each server are sent, when not to its address in `servers` (a
   * campaign routes them through proxies it controls). Clients are still told `servers`.
   */
  readonly peerRoutes?: ReadonlyMap<ServerId, string>;
  /** A fault campaign's control file (./fault-control.ts), read while the server runs. */
  readonly faultControlPath?: string;
  /** The protocol rules; a test may pass faulty ones to see a campaign catch them. */
  readonly rules?: ServerRules;
  readonly dataDir: string;
  /** The cluster secret that authenticates peer messages. */
  readonly secret: Buffer;
  /** The trace file, when the server writes its trace. */
  readonly tracePath?: string;
  readonly timings?: Timings;
  readonly boundStep?: number;
  readonly logger?: Logger;
  /** How often the trace is fsync'd when nothing forced it sooner. */
  readonly traceSyncMs?: number;
  /** Called when a step fails (storage gone, a disk error): the server stops taking steps. */
  readonly onFatal?: (error: Error) => void;
}

/** A request the core refused: the namespace's callers are told who leads, or why not served. */
class RefusedError extends Error {
  constructor(
    readonly leader: ServerId,
    reason: string,
  ) {
    super(reason);
  }
}

/** A running server; see the module comment. */
export class TimelockNode {
  readonly metrics = new ServerMetrics();
  private readonly log: Logger;
  private readonly state: BootedState;
  private readonly host: ServerHost;
  private readonly sender: PeerSender;
  private readonly batcher: RangeBatcher;
  private readonly replies = new Map<string, (reply: TimestampReply) => void>();
  private readonly http: Server;
  private nextRequestId = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private readonly syncTimer: NodeJS.Timeout | null;
  private failed: Error | null = null;
  /** True while the server learns again, at boot, what it had learned before. */
  private relearning = false;
  private stopped = false;
  private readonly startedAt = Date.now();
  private readonly faultControl: FaultControl | null;
  private readonly locks: LockBackend;

  private constructor(private readonly opts: NodeOptions) {
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.state = bootState(opts.dataDir, opts.self, opts.tracePath);
    const { store, trace, previousRun } = this.state;
    this.sender = new PeerSender({
      self: opts.self,
      secret: opts.secret,
      peers: opts.peerRoutes ?? opts.servers,
      boot: Date.now(),
    });
    const control = opts.faultControlPath ? new FaultControl(opts.faultControlPath) : null;
    this.faultControl = control;
    this.host = new ServerHost(
      {
        self: opts.self,
        serverCount: opts.servers.size,
        boundStep: opts.boundStep ?? DEFAULT_BOUND_STEP,
        timings: opts.timings ?? NODE_TIMINGS,
      },
      opts.rules ?? SPEC_RULES,
      {
        storage: control ? delayingDurableWrites(store, () => control.faults.diskDelayMs) : store,
        ids: store,
        clock: { now: () => Date.now() },
        random: { next: () => Math.random() },
        transport: {
          send: (envelope) => {
            void this.sender.send(envelope).then((delivered) => {
              if (!delivered) this.metrics.droppedPeerMessages.inc();
            });
          },
          reply: (reply) => this.replies.get(`${reply.client}:${reply.id}`)?.(reply),
          lockReply: (reply) => this.locks.onReply(reply),
        },
        ...(trace ? { trace } : {}),
        observe: (_server, action, step) => this.observe(action, step),
        ...(previousRun?.lastClock ? { resumeClock: previousRun.lastClock } : {}),
      },
    );
    if (previousRun !== null) {
      this.host.recordCrash(previousRun.heldRequests, previousRun.volatileStateSet);
      this.log.info(
        { events: previousRun.events, gaveUp: previousRun.heldRequests.length },
        'restarted on an existing data folder and trace',
      );
    }
    this.relearning = true;
    this.host.relearn(store.learnedValues());
    this.relearning = false;
    this.batcher = new RangeBatcher((ns, count) => this.coreRequest(ns, count), MAX_RANGE);
    this.locks = new LockBackend({
      self: opts.self,
      host: this.host,
      drive: (input) => this.drive(input),
      notLeader: (leader) => this.notLeader(leader),
      freshTimestamp: async (ns) => (await this.batcher.take(ns, 1)).lower,
      onRefreshFailed: () => this.metrics.lockRefreshFailures.inc(),
      failed: () => this.failed !== null,
    });
    this.metrics.watchLocks(() => this.host.lockCounts());
    const gate = new PeerGate(opts.secret, new Set(opts.servers.keys()));
    const backend = this.backend();
    this.http = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === PEER_PATH) {
        handlePeerRequest(req, res, {
          gate,
          self: opts.self,
          deliver: (envelope) => this.drive(() => this.host.receive(envelope)),
          onRefused: (reason, from) => {
            this.metrics.refusedPeerMessages.inc({ reason });
            this.log.warn({ reason, from }, 'refused a peer message');
          },
        });
      } else if (path === '/metrics' && req.method === 'GET') {
        void this.answerMetrics(res);
      } else {
        this.measure(req, res, path);
        handleClientRequest(req, res, backend);
      }
    });
    this.http.keepAliveTimeout = 60_000;
    const syncMs = opts.traceSyncMs ?? 100;
    this.syncTimer = trace ? setInterval(() => this.drive(() => trace.sync()), syncMs) : null;
    this.syncTimer?.unref();
  }

  /** Boots a server on its data folder and starts listening. */
  static async start(opts: NodeOptions): Promise<TimelockNode> {
    const node = new TimelockNode(opts);
    await new Promise<void>((resolve, reject) => {
      node.http.once('error', reject);
      node.http.listen(opts.listen.port, opts.listen.host, () => resolve());
    }).catch((e: unknown) => {
      node.closeState();
      throw e;
    });
    node.log.info({ url: node.url, self: opts.self }, 'listening');
    node.drive(() => node.host.wake());
    return node;
  }

  /** The URL this server listens on. */
  get url(): string {
    const { address, port } = this.http.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  /** Who this server believes leads, and whether it acts as the leader. */
  leadership(): { readonly leader: ServerId; readonly acting: boolean } {
    return this.host.leadership();
  }

  /** Stops listening, answers what is pending as unavailable, and closes the data folder. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.syncTimer) clearInterval(this.syncTimer);
    for (const answer of this.replies.values())
      answer({ client: '', id: 0, outcome: { kind: 'refused', leader: 0, reason: 'stopping' } });
    this.locks.stop();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.sender.close();
    this.closeState();
  }

  private closeState(): void {
    this.faultControl?.close();
    this.state.trace?.close();
    this.state.store.close();
  }

  /** Runs an input through the host, then schedules the next wake-up; a failure is fatal. */
  private drive(input: () => void): void {
    if (this.failed !== null || this.stopped) return;
    try {
      input();
    } catch (e) {
      this.failed = e instanceof Error ? e : new Error(String(e));
      this.log.fatal({ err: this.failed }, 'a step failed; the server takes no more steps');
      (
        this.opts.onFatal ??
        ((err) =>
          setImmediate(() => {
            throw err;
          }))
      )(this.failed);
      return;
    }
    this.scheduleWake();
  }

  private scheduleWake(): void {
    const at = this.host.nextWakeup();
    if (at === null || !Number.isFinite(at)) return;
    if (this.wakeTimer !== null && this.wakeAt <= at) return;
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = Infinity;
        this.drive(() => this.host.wake());
      },
      Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1),
    );
  }

  /** One core request for `count` timestamps of `namespace`, for a batch of callers. */
  private coreRequest(namespace: string, count: number): Promise<TimestampRange> {
    const id = ++this.nextRequestId;
    const key = `${namespace}:${id}`;
    return new Promise<TimestampRange>((resolve, reject) => {
      this.replies.set(key, (reply) => {
        this.replies.delete(key);
        const o = reply.outcome;
        if (o.kind === 'served') resolve({ lower: o.first, upper: o.last, term: o.term });
        else reject(new RefusedError(o.leader, o.reason));
      });
      this.drive(() => this.host.request({ client: namespace, id, count }, this.host.clock));
      if (this.failed !== null)
        this.replies.get(key)?.({
          client: namespace,
          id,
          outcome: { kind: 'refused', leader: 0, reason: 'the server failed' },
        });
    });
  }

  private backend(): ClientBackend {
    return {
      fresh: async (namespace, count): Promise<FreshOutcome> => {
        const { leader, acting } = this.host.leadership();
        if (!acting) return this.notLeader(leader);
        try {
          const { lower, upper, term } = await this.batcher.take(namespace, count);
          return { kind: 'served', lower, upper, server: this.opts.self, term: term ?? 0 };
        } catch (e) {
          if (e instanceof RefusedError && e.leader !== 0 && e.leader !== this.opts.self)
            return this.notLeader(e.leader);
          return { kind: 'unavailable', reason: (e as Error).message };
        }
      },
      locks: async (request) => {
        try {
          return await this.locks.answer(request);
        } catch (e) {
          return { kind: 'unavailable', reason: (e as Error).message };
        }
      },
      leader: () => {
        const { leader } = this.host.leadership();
        return leader === 0
          ? { leader: null }
          : { leader, leaderUrl: this.opts.servers.get(leader) };
      },
      status: () => {
        const { leader, acting } = this.host.leadership();
        return {
          self: this.opts.self,
          url: this.opts.servers.get(this.opts.self),
          leader: leader === 0 ? null : leader,
          acting,
          waiting: this.batcher.pending,
          locks: this.host.lockCounts(),
          uptimeMs: Date.now() - this.startedAt,
          trace: this.opts.tracePath ?? null,
          peerMessagesDropped: this.sender.dropped,
        };
      },
      health: () => {
        const { leader } = this.host.leadership();
        return { ok: this.failed === null && leader !== 0, leader: leader === 0 ? null : leader };
      },
    };
  }

  private notLeader(leader: ServerId): NotServed {
    return leader === 0
      ? { kind: 'not-leader', leader: null }
      : { kind: 'not-leader', leader, leaderUrl: this.opts.servers.get(leader) };
  }

  /** Metrics and the durable learner log, for each spec action (after it was recorded). */
  private observe(action: SpecAction, step: Step): void {
    this.metrics.actions.inc({ action: action.name });
    switch (action.name) {
      case 'Learn': {
        const { L, q, v } = action.params;
        this.state.store.learn(L, q, v);
        // What a restarted server learns again from its own disk is not a leadership change.
        if (L === LEADER_LOG && !this.relearning) {
          this.metrics.leadershipChanges.inc();
          this.log.info(
            { term: q, leader: (v as { leader: ServerId }).leader },
            'learned a new leader',
          );
        }
        break;
      }
      case 'Extend':
        this.metrics.boundExtensions.inc();
        this.log.info({ namespace: action.params.c }, 'extending the timestamp bound');
        break;
      case 'BoundAgreed':
        this.log.info({ namespace: action.params.c }, 'timestamp bound agreed');
        break;
      case 'ProposeLeadership':
        this.metrics.paxosRounds.inc({ log: 'leader' });
        break;
      case 'ProposeBound':
        this.metrics.paxosRounds.inc({ log: 'client' });
        break;
      case 'Serve':
        if (step.served) this.metrics.timestamps.inc(step.served[1] - step.served[0] + 1);
        break;
      case 'LockGrant':
        this.metrics.lockGrants.inc();
        break;
      case 'LockRelease':
        if (step.lockEnd === undefined) break;
        this.metrics.lockEnds.inc({ reason: step.lockEnd });
        if (step.lockEnd === 'lost' || step.lockEnd === 'expired')
          this.log.info(
            { namespace: action.params.c, lock: action.params.h, reason: step.lockEnd },
            step.lockEnd === 'lost'
              ? 'dropped a lock: this server no longer leads under its term'
              : 'a lock lease expired',
          );
        break;
      default:
    }
  }

  /** Counts a client request by endpoint and status when its answer is sent. */
  private measure(req: IncomingMessage, res: ServerResponse, path: string): void {
    const endpoint =
      /\/fresh-timestamps?$/.exec(path)?.[0].slice(1) ??
      /^\/lock\/[^/]*\/([a-z-]+)$/.exec(path)?.[1] ??
      path.slice(1);
    const known = [
      'fresh-timestamp',
      'fresh-timestamps',
      ...LOCK_ENDPOINTS,
      'leader',
      'status',
      'health',
    ];
    const label = known.includes(endpoint) ? endpoint : 'other';
    const stop = this.metrics.latency.startTimer();
    res.once('finish', () => {
      const outcome = String(res.statusCode);
      this.metrics.requests.inc({ endpoint: label, outcome });
      stop({ endpoint: label, outcome });
      if (res.statusCode >= 400 && res.statusCode < 500)
        this.log.info(
          { method: req.method, path, status: res.statusCode },
          'refused a client request',
        );
    });
  }

  private async answerMetrics(res: ServerResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
    res.end(text);
  }
}
