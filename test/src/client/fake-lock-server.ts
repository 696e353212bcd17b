/**
 * A fake Timelock leader speaking the lock endpoints over real HTTP on 127.0.0.1, for the
 * client's and the CLI's tests: an in-memory lock table with leases, FIFO-less waiting by
 * polling, immutable-timestamp locks, and knobs to misbehave (forget a lock, stop answering
 * refreshes, name another leader). Followers and silent servers are plain responders.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake server saw it. */
export interface Received {
  /** The last path segment: `lock`, `refresh`, ... */
  readonly endpoint: string;
  readonly namespace: string;
  readonly body: Record<string, unknown>;
  /** `performance.now()` when it arrived. */
  readonly at: number;
}

/** A lock the fake leader holds. */
export interface FakeLock {
  readonly descriptors: readonly string[];
  readonly leaseMs: number;
  /** `performance.now()` time the lease ends. */
  leaseUntil: number;
  readonly immutableTimestamp?: number;
}

export type Respond = (request: Received, res: ServerResponse) => void;

const openServers: Server[] = [];

/** Closes every server the tests started; for `afterEach`. */
export async function closeAllServers(): Promise<void> {
  await Promise.all(openServers.splice(0).map(closeServer));
}

function closeServer(server: Server): Promise<void> {
  // Silent servers hold requests open; without this, close would wait for them.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export function answer(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** Starts a server on 127.0.0.1 port 0 that answers with `respond`; returns its URL. */
export async function fakeServer(
  respond: Respond,
  received: Received[] = [],
): Promise<{ url: string; received: Received[] }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const [, , namespace = '', endpoint = ''] = (req.url ?? '').split('/');
      let body: Record<string, unknown>;
      try {
        body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        return answer(res, 400, { error: 'not JSON' });
      }
      const request = { endpoint, namespace, body, at: performance.now() };
      received.push(request);
      respond(request, res);
    });
  });
  openServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** The URL of a port nothing listens on any more. */
export async function deadServerUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await closeServer(server);
  return url;
}

export const follower =
  (leaderUrl?: string, leader: number | null = 1): Respond =>
  (_request, res) =>
    answer(res, 503, { error: 'not the leader', leader, ...(leaderUrl ? { leaderUrl } : {}) });

export const silent: Respond = () => {};

/** A fake leader; see the module comment. */
export class FakeLeader {
  readonly locks = new Map<string, FakeLock>();
  readonly received: Received[] = [];
  url = '';
  /** Refreshes get no answer while set. */
  refreshSilent = false;
  /** Refreshes get this 503 answer while set. */
  refreshAnswer: { status: number; body: unknown } | undefined;
  private next = 1;

  constructor(
    readonly serverId = 1,
    readonly term = 3,
  ) {}

  static async start(serverId = 1, term = 3): Promise<FakeLeader> {
    const leader = new FakeLeader(serverId, term);
    leader.url = (await fakeServer((r, res) => leader.respond(r, res), leader.received)).url;
    return leader;
  }

  /** The requests to `endpoint`. */
  requests(endpoint: string): Received[] {
    return this.received.filter((r) => r.endpoint === endpoint);
  }

  /** Whether lock `id` is held now. */
  holds(id: string): boolean {
    const lock = this.locks.get(id);
    return lock !== undefined && lock.leaseUntil > performance.now();
  }

  private expire(): void {
    for (const [id, lock] of this.locks)
      if (lock.leaseUntil <= performance.now()) this.locks.delete(id);
  }

  private free(descriptors: readonly string[]): boolean {
    this.expire();
    const held = new Set([...this.locks.values()].flatMap((l) => l.descriptors));
    return descriptors.every((d) => !held.has(d));
  }

  private respond(request: Received, res: ServerResponse): void {
    const { body } = request;
    switch (request.endpoint) {
      case 'lock':
      case 'wait-for-locks':
        return this.acquire(request, res);
      case 'refresh': {
        if (this.refreshSilent) return;
        if (this.refreshAnswer)
          return answer(res, this.refreshAnswer.status, this.refreshAnswer.body);
        const ids = (body.lockIds as string[]).filter((id) => this.holds(id));
        for (const id of ids) {
          const lock = this.locks.get(id)!;
          lock.leaseUntil = performance.now() + lock.leaseMs;
        }
        return answer(res, 200, { refreshed: ids });
      }
      case 'unlock': {
        const ids = (body.lockIds as string[]).filter((id) => this.holds(id));
        for (const id of ids) this.locks.delete(id);
        return answer(res, 200, { released: ids });
      }
      case 'lock-immutable-timestamp': {
        const leaseMs = (body.leaseMs as number | undefined) ?? 5000;
        const t = this.next++;
        const lockId = randomBytes(16).toString('hex');
        this.locks.set(lockId, {
          descriptors: [],
          leaseMs,
          leaseUntil: performance.now() + leaseMs,
          immutableTimestamp: t,
        });
        return answer(res, 200, {
          granted: true,
          lockId,
          immutableTimestamp: t,
          fencingToken: t,
          term: this.term,
          leaseMs,
          server: this.serverId,
        });
      }
      case 'immutable-timestamp': {
        this.expire();
        const held = [...this.locks.values()].flatMap((l) =>
          l.immutableTimestamp === undefined ? [] : [l.immutableTimestamp],
        );
        return answer(res, 200, {
          immutableTimestamp: held.length > 0 ? Math.min(...held) : this.next++,
        });
      }
      default:
        return answer(res, 404, { error: `no such endpoint ${request.endpoint}` });
    }
  }

  /** Polls until the descriptors are free or the wait is over. */
  private acquire(request: Received, res: ServerResponse): void {
    const descriptors = request.body.descriptors as string[];
    const waitMs = (request.body.acquireTimeoutMs as number | undefined) ?? 10_000;
    const leaseMs = (request.body.leaseMs as number | undefined) ?? 5000;
    const until = performance.now() + waitMs;
    let gone = false;
    res.on('close', () => (gone = true));
    const attempt = () => {
      if (gone) return;
      if (this.free(descriptors)) {
        if (request.endpoint === 'wait-for-locks') return answer(res, 200, { free: true });
        const lockId = randomBytes(16).toString('hex');
        this.locks.set(lockId, { descriptors, leaseMs, leaseUntil: performance.now() + leaseMs });
        const fencingToken = this.next++;
        return answer(res, 200, {
          granted: true,
          lockId,
          fencingToken,
          term: this.term,
          leaseMs,
          server: this.serverId,
        });
      }
      if (performance.now() >= until)
        return answer(
          res,
          200,
          request.endpoint === 'lock'
            ? { granted: false, reason: 'timed out waiting for the lock' }
            : { free: false },
        );
      setTimeout(attempt, 2);
    };
    attempt();
  }
}
