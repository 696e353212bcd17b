/**
 * Peer messages over HTTP: a sender that POSTs each envelope to the destination's `/peer`
 * (node:http, keep-alive connections, a timeout per attempt, a bounded number of attempts: the protocol
 * tolerates loss, so a message that cannot be delivered is dropped and counted), and a request
 * handler that admits only authentic, new, well-formed messages of bounded size
 * (`peer-auth.ts`) and hands them on. A refused message changes no state: it is answered with
 * a status that says why, logged, and counted.
 */
import {
  Agent,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { ServerId } from '../paxos/types.ts';
import type { Envelope } from '../server/messages.ts';
import { type PeerGate, type PeerRefusal, PeerSequencer, sealPeerMessage } from './peer-auth.ts';

/** The path peer messages are posted to. */
export const PEER_PATH = '/peer';

/** Bodies larger than this are refused unread (a Paxos message is a few hundred bytes). */
export const DEFAULT_MAX_PEER_BYTES = 64 * 1024;

const STATUS: Record<PeerRefusal, number> = {
  'missing-headers': 401,
  'bad-sender': 401,
  'bad-sequence': 401,
  'bad-mac': 401,
  replayed: 409,
  oversized: 413,
  malformed: 400,
};

/** What the handler needs. */
export interface PeerHandlerOptions {
  readonly gate: PeerGate;
  /** This server: messages addressed to another are malformed here. */
  readonly self: ServerId;
  readonly deliver: (envelope: Envelope) => void;
  readonly maxBytes?: number;
  /** Told of each refusal, for the log. */
  readonly onRefused?: (reason: PeerRefusal, from: string | undefined) => void;
}

/**
 * Handles a request to {@link PEER_PATH}: 204 when the message was admitted and delivered,
 * else the refusal's status with `{"error": reason}`.
 */
export function handlePeerRequest(
  req: IncomingMessage,
  res: ServerResponse,
  opts: PeerHandlerOptions,
): void {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_PEER_BYTES;
  // Answers a refusal the gate has counted; `refuse` counts one decided here.
  const answer = (reason: PeerRefusal) => {
    opts.onRefused?.(reason, req.headers['x-timelock-sender'] as string | undefined);
    res.writeHead(STATUS[reason], { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ error: reason }));
  };
  const refuse = (reason: PeerRefusal) => answer(opts.gate.refuse(reason).reason);
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'method not allowed' }));
    return;
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    refuse('oversized');
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > maxBytes) {
      done = true;
      refuse('oversized');
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    const body = Buffer.concat(chunks);
    const verdict = opts.gate.admit(req.headers, body);
    if (!verdict.ok) return answer(verdict.reason);
    const envelope = envelopeOf(body, verdict.sender, opts.self);
    if (envelope === undefined) return refuse('malformed');
    opts.deliver(envelope);
    res.writeHead(204);
    res.end();
  });
}

/** The envelope in `body`, if it is one from `sender` to `self`. */
function envelopeOf(body: Buffer, sender: ServerId, self: ServerId): Envelope | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const e = v as Partial<Envelope> | null;
  if (e === null || typeof e !== 'object') return undefined;
  if (e.src !== sender || e.dst !== self) return undefined;
  if (typeof e.body !== 'object' || e.body === null || typeof e.clock !== 'object')
    return undefined;
  return e as Envelope;
}

/** Sends envelopes to the other servers; see the module comment. */
export class PeerSender {
  private readonly sequencer: PeerSequencer;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** Messages dropped after every attempt failed. */
  dropped = 0;

  constructor(
    private readonly opts: {
      readonly self: ServerId;
      readonly secret: Buffer;
      /** Base URL of each server, e.g. `http://127.0.0.1:7001`. */
      readonly peers: ReadonlyMap<ServerId, string>;
      readonly boot: number;
      readonly timeoutMs?: number;
      readonly attempts?: number;
    },
  ) {
    this.sequencer = new PeerSequencer(opts.boot);
  }

  /** Posts `envelope`; resolves once it was delivered or dropped (never rejects). */
  async send(envelope: Envelope): Promise<boolean> {
    const url = this.opts.peers.get(envelope.dst);
    if (url === undefined) {
      this.dropped++;
      return false;
    }
    const body = JSON.stringify(envelope);
    const attempts = this.opts.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // A fresh sequence per attempt: a retry of a message that did arrive is a new message,
      // which the protocol tolerates (messages may be duplicated).
      const headers = sealPeerMessage(
        this.opts.secret,
        this.opts.self,
        this.sequencer.next(),
        body,
      );
      const status = await this.post(url + PEER_PATH, headers, body);
      if (status !== null && status < 300) return true;
      if (status !== null && status < 500) break; // refused: sending it again would be refused again
    }
    this.dropped++;
    return false;
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * One POST on a kept-alive connection; the status, or null when the peer could not be
   * reached or did not answer in time. node:http rather than fetch: a peer message is small and
   * frequent (a leadership check per batch of clients), and fetch costs several times the CPU.
   */
  private post(url: string, headers: Record<string, string>, body: string): Promise<number | null> {
    return new Promise((resolve) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: this.opts.timeoutMs ?? 1000,
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? null));
          res.once('error', () => resolve(null));
        },
      );
      req.once('timeout', () => req.destroy());
      req.once('error', () => resolve(null));
      req.end(body);
    });
  }
}
