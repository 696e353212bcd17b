/**
 * Proxies in front of the servers of a local cluster, through which every server-to-server
 * message travels, so that a fault campaign can cut, slow down or lossify each directed link on
 * its own: one proxy per destination server, which tells the link by the message's sender
 * header (every peer message names its sender, `../net/peer-auth.ts`). Clients do not go
 * through them: a partition separates servers, not a client from a server, as in the published
 * campaigns where clients reach every node.
 *
 * A blocked link resets the connection, as a firewall rule that rejects would: the sender sees
 * the error at once and retries a few times, then drops the message. A lost message is answered
 * as delivered and never forwarded: the sender cannot tell, as with a packet lost after the
 * kernel accepted it. A delayed message is held before it is forwarded; with jitter, messages
 * overtake each other. Loss and jitter are drawn from a seeded generator, so a campaign's
 * choices repeat for a seed (their timing, in real processes, does not).
 *
 * Loopback only: the proxies listen on 127.0.0.1.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { PEER_HEADERS } from '../net/peer-auth.ts';
import type { ServerId } from '../paxos/types.ts';
import { Prng } from '../sim/prng.ts';

/** What happens to the messages of one directed link. */
export interface LinkRule {
  /** Messages are refused (connection reset). */
  readonly blocked: boolean;
  /** Each message is held this long before it is forwarded... */
  readonly delayMs: number;
  /** ...plus a uniform extra of up to this much. */
  readonly jitterMs: number;
  /** The probability that a message is silently lost. */
  readonly loss: number;
}

/** A link that passes every message at once. */
export const HEALTHY_LINK: LinkRule = { blocked: false, delayMs: 0, jitterMs: 0, loss: 0 };

/** What the proxies did, over all links. */
export interface LinkStats {
  forwarded: number;
  refused: number;
  lost: number;
  delayed: number;
}

const link = (from: ServerId, to: ServerId) => `${from}->${to}`;

/** The proxies of one cluster; see the module comment. */
export class LinkProxies {
  readonly stats: LinkStats = { forwarded: 0, refused: 0, lost: 0, delayed: 0 };
  private readonly rules = new Map<string, LinkRule>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly random: Prng;

  private constructor(
    /** The real address of each server. */
    private readonly targets: ReadonlyMap<ServerId, string>,
    private readonly servers: Map<ServerId, Server>,
    seed: number,
  ) {
    this.random = new Prng(seed, 7);
  }

  /** Starts one proxy per server of `targets` (server number to its real base URL). */
  static async start(targets: ReadonlyMap<ServerId, string>, seed = 1): Promise<LinkProxies> {
    const proxies = new LinkProxies(targets, new Map(), seed);
    for (const to of targets.keys()) {
      const server = createServer((req, res) => proxies.handle(to, req, res));
      server.keepAliveTimeout = 60_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      proxies.servers.set(to, server);
    }
    return proxies;
  }

  /** The address that peers use to reach server `to` through its proxy. */
  url(to: ServerId): string {
    const server = this.servers.get(to);
    if (server === undefined) throw new RangeError(`no proxy for server ${to}`);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The rule of the link from `from` to `to`. */
  rule(from: ServerId, to: ServerId): LinkRule {
    return this.rules.get(link(from, to)) ?? HEALTHY_LINK;
  }

  /** Changes the rule of one directed link. */
  setRule(from: ServerId, to: ServerId, change: Partial<LinkRule>): void {
    this.rules.set(link(from, to), { ...this.rule(from, to), ...change });
  }

  /** Changes the rule of every link between two different servers. */
  setAll(change: Partial<LinkRule>): void {
    for (const from of this.targets.keys())
      for (const to of this.targets.keys()) if (from !== to) this.setRule(from, to, change);
  }

  /**
   * Blocks every link between two servers that share no group, both ways: `[[1,2],[3,4,5]]`
   * splits the cluster in two; a server in two groups (`[[1,2,3],[3,4,5]]`) bridges them.
   * Links not blocked keep their other settings.
   */
  partition(groups: readonly (readonly ServerId[])[]): void {
    const together = (a: ServerId, b: ServerId) =>
      groups.some((g) => g.includes(a) && g.includes(b));
    for (const from of this.targets.keys())
      for (const to of this.targets.keys())
        if (from !== to) this.setRule(from, to, { blocked: !together(from, to) });
  }

  /** Every link healthy again. */
  heal(): void {
    this.rules.clear();
  }

  /** Stops the proxies and drops their connections. */
  async close(): Promise<void> {
    this.agent.destroy();
    await Promise.all(
      [...this.servers.values()].map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  private handle(to: ServerId, req: IncomingMessage, res: ServerResponse): void {
    const from = Number(req.headers[PEER_HEADERS.sender]);
    const rule = this.rule(from, to);
    if (rule.blocked) return this.refuse(req);
    if (rule.loss > 0 && this.random.next() < rule.loss) {
      this.stats.lost++;
      req.resume();
      req.once('end', () => {
        res.writeHead(204);
        res.end();
      });
      return;
    }
    const hold = rule.delayMs + (rule.jitterMs > 0 ? this.random.next() * rule.jitterMs : 0);
    // Read the body now: a held message must not hold the sender's connection half-sent.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const forward = () => {
        // A link cut while the message was held loses it, as a partition would.
        if (this.rule(from, to).blocked) return this.refuse(req);
        this.forward(to, req, Buffer.concat(chunks), res);
      };
      if (hold <= 0) return forward();
      this.stats.delayed++;
      setTimeout(forward, hold);
    });
  }

  private refuse(req: IncomingMessage): void {
    this.stats.refused++;
    req.socket.destroy();
  }

  private forward(to: ServerId, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const target = this.targets.get(to)!;
    const out = httpRequest(
      target + (req.url ?? '/'),
      {
        method: req.method,
        agent: this.agent,
        headers: { ...req.headers, host: new URL(target).host, 'content-length': body.length },
        timeout: 5000,
      },
      (answer) => {
        this.stats.forwarded++;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.once('timeout', () => out.destroy());
    // The server is down or did not answer: a gateway error, which the sender retries.
    out.once('error', () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { connection: 'close' });
      res.end();
    });
    out.end(body);
  }
}
