/**
 * The clients of a fault campaign: concurrent callers asking a cluster for fresh timestamps and
 * ranges, each operation written to the history when invoked and when completed.
 *
 * Each caller speaks the client API directly rather than through `TimelockClient`: the library
 * retries, waits out elections and refuses to return a timestamp below one it returned before,
 * which is right for an application and wrong for a test, where every answer a server gave must
 * reach the checkers as it was given. A caller asks the server it last saw serving, or now and
 * then (and when it knows none) a server at random, so that old and new leaders both get asked
 * while leadership moves; it follows "not the leader" hints a few hops, as a client must.
 *
 * Outcomes are classed as the checkers need: `ok` (a range, with the server and the election
 * term it was served under), `fail` (every server asked refused or could not be reached: no
 * effect), `unknown` (a timeout or a connection lost after the request went out: it may have
 * been served).
 */
import { Agent, request as httpRequest } from 'node:http';
import type { ServerId } from '../paxos/types.ts';
import { Prng } from '../sim/prng.ts';
import type { CompletionRecord, InvokeRecord } from './history-log.ts';

/** How a workload runs. */
export interface WorkloadOptions {
  /** Each server's client address. */
  readonly urls: ReadonlyMap<ServerId, string>;
  readonly clients: number;
  readonly seed: number;
  readonly namespaces?: readonly string[];
  /** Operations per second over all clients; 0: each client asks again as soon as answered. */
  readonly rate?: number;
  /** How long one request may go unanswered before its outcome is unknown. */
  readonly requestTimeoutMs?: number;
  /** The probability that an operation asks a server at random. */
  readonly wander?: number;
  /** The campaign's clock (ms since it started). */
  readonly now: () => number;
  /** Writes a history record. */
  readonly record: (r: InvokeRecord | CompletionRecord) => void;
}

/** Counts so far, for progress output. */
export interface WorkloadCounts {
  ok: number;
  fail: number;
  unknown: number;
}

const MAX_HOPS = 3;

type Reply =
  | { readonly status: number; readonly body: Record<string, unknown> }
  | { readonly error: string; readonly sent: boolean };

/** See the module comment. */
export class Workload {
  readonly counts: WorkloadCounts = { ok: 0, fail: 0, unknown: 0 };
  private running = false;
  private loops: Promise<void>[] = [];
  private nextOp = 0;
  private readonly agents: Agent[] = [];

  constructor(private readonly opts: WorkloadOptions) {}

  /** Starts every client. */
  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.opts.clients }, (_, i) => this.client(i));
  }

  /** Lets every client finish its operation, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const agent of this.agents) agent.destroy();
  }

  private async client(index: number): Promise<void> {
    const { opts } = this;
    const random = new Prng(opts.seed, 100 + index);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    this.agents.push(agent);
    const namespaces = opts.namespaces ?? ['alpha', 'beta'];
    const servers = [...opts.urls.keys()];
    const pace = opts.rate && opts.rate > 0 ? (opts.clients * 1000) / opts.rate : 0;
    const caller = `client-${index + 1}`;
    let guess: ServerId | null = null;
    while (this.running) {
      const began = opts.now();
      const namespace = namespaces[Math.floor(random.next() * namespaces.length)]!;
      const n = random.next() < 0.8 ? 1 : 1 + Math.floor(random.next() * 100);
      let server: ServerId =
        guess === null || random.next() < (opts.wander ?? 0.2)
          ? servers[Math.floor(random.next() * servers.length)]!
          : guess;
      const op = ++this.nextOp;
      opts.record({ type: 'invoke', op, caller, namespace, n, at: opts.now() });
      const done = (r: CompletionRecord) => {
        opts.record(r);
        this.counts[r.type]++;
      };
      for (let hop = 0; ; hop++) {
        const reply = await this.ask(agent, server, namespace, n);
        if ('error' in reply) {
          guess = null;
          done({ type: reply.sent ? 'unknown' : 'fail', op, at: opts.now(), error: reply.error });
          break;
        }
        const { status, body } = reply;
        if (status === 200 && typeof body.lower === 'number' && typeof body.upper === 'number') {
          guess = server;
          done({
            type: 'ok',
            op,
            at: opts.now(),
            lower: body.lower,
            upper: body.upper,
            server: typeof body.server === 'number' ? body.server : server,
            ...(typeof body.term === 'number' ? { term: body.term } : {}),
          });
          break;
        }
        const hint = typeof body.leader === 'number' ? body.leader : null;
        guess = hint;
        if (status === 503 && hint !== null && hint !== server && hop < MAX_HOPS) {
          server = hint;
          continue;
        }
        // A refusal is certain to have had no effect; a server error might have had one.
        const error = `${status} from server ${server}: ${String(body.error ?? 'no reason')}`;
        done({
          type: status === 503 || status < 500 ? 'fail' : 'unknown',
          op,
          at: opts.now(),
          error,
        });
        break;
      }
      const wait = pace - (opts.now() - began);
      if (wait > 0 && this.running) await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** One request; `sent` says whether it may have reached the server. */
  private ask(agent: Agent, server: ServerId, namespace: string, n: number): Promise<Reply> {
    const { opts } = this;
    const single = n === 1;
    const url = `${opts.urls.get(server)}/ts/${namespace}/${single ? 'fresh-timestamp' : 'fresh-timestamps'}`;
    const body = single ? '' : JSON.stringify({ n });
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: Reply) => {
        if (settled) return;
        settled = true;
        resolve(r);
      };
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: opts.requestTimeoutMs ?? 1000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () => {
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<
                string,
                unknown
              >;
            } catch {
              // a body that is not JSON leaves only the status to go by
            }
            settle({ status: res.statusCode ?? 0, body: parsed });
          });
          res.once('error', () => settle({ error: 'the answer was cut off', sent: true }));
        },
      );
      req.once('timeout', () => {
        settle({
          error: `no answer from server ${server} within ${opts.requestTimeoutMs ?? 1000} ms`,
          sent: true,
        });
        req.destroy();
      });
      req.once('error', (e: NodeJS.ErrnoException) =>
        // Refused: the connection never opened, so the request never left.
        settle({
          error: `server ${server}: ${e.code ?? e.message}`,
          sent: e.code !== 'ECONNREFUSED',
        }),
      );
      req.end(body);
    });
  }
}
