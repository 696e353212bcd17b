/**
 * Authenticating what servers send each other. Every peer message carries its sender, a
 * per-sender sequence `<boot>.<n>` (the sender's boot time in milliseconds, then a counter
 * from 1) and an HMAC-SHA256, keyed by the cluster secret, over the sender, the sequence and
 * the body. A receiver accepts a message only when the MAC is right and the sequence is new:
 * from a boot later than the last one seen from that sender (a restart), or from the same boot
 * and not seen within the last {@link REPLAY_WINDOW} numbers (HTTP requests may overtake each
 * other, so a strictly increasing rule would refuse honest messages). Anything else is refused
 * with a reason, and changes nothing but the refusal counters.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerId } from '../paxos/types.ts';

/** How far behind the newest sequence number of a boot a message may arrive. */
export const REPLAY_WINDOW = 1024;

/** The headers a peer message travels with. */
export const PEER_HEADERS = {
  sender: 'x-timelock-sender',
  sequence: 'x-timelock-seq',
  mac: 'x-timelock-mac',
} as const;

/** A sender's sequence: its boot, then a counter. */
export interface PeerSequence {
  readonly boot: number;
  readonly n: number;
}

/** Why a peer message was refused. */
export type PeerRefusal =
  | 'missing-headers'
  | 'bad-sender'
  | 'bad-sequence'
  | 'bad-mac'
  | 'replayed'
  | 'oversized'
  | 'malformed';

/** The MAC of a message, hex. */
export function peerMac(
  secret: Buffer,
  sender: ServerId,
  seq: PeerSequence,
  body: string | Buffer,
): string {
  return createHmac('sha256', secret)
    .update(`${sender}\n${seq.boot}.${seq.n}\n`)
    .update(body)
    .digest('hex');
}

/** The headers for a message `body` from `sender` with sequence `seq`. */
export function sealPeerMessage(
  secret: Buffer,
  sender: ServerId,
  seq: PeerSequence,
  body: string,
): Record<string, string> {
  return {
    [PEER_HEADERS.sender]: String(sender),
    [PEER_HEADERS.sequence]: `${seq.boot}.${seq.n}`,
    [PEER_HEADERS.mac]: peerMac(secret, sender, seq, body),
  };
}

/** The sequences a sender hands out: its boot time, then 1, 2, 3, ... */
export class PeerSequencer {
  private n = 0;
  constructor(readonly boot: number) {}
  next(): PeerSequence {
    return { boot: this.boot, n: ++this.n };
  }
}

/** Per sender: the latest boot seen, the greatest number of it, and which recent ones arrived. */
interface SenderWindow {
  boot: number;
  top: number;
  seen: Set<number>;
}

/**
 * Checks peer messages: the MAC with the cluster secret, the sender against the cluster, and
 * the sequence against replays. Counts what it refuses, by reason.
 */
export class PeerGate {
  private readonly windows = new Map<ServerId, SenderWindow>();
  readonly refused = new Map<PeerRefusal, number>();

  constructor(
    private readonly secret: Buffer,
    /** The servers allowed to send (the cluster, without this server or with it). */
    private readonly senders: ReadonlySet<ServerId>,
  ) {}

  /**
   * The sender of an authentic new message, or the reason to refuse it. `headers` as Node
   * gives them (lower-case names).
   */
  admit(
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): { ok: true; sender: ServerId } | { ok: false; reason: PeerRefusal } {
    const sender = single(headers[PEER_HEADERS.sender]);
    const sequence = single(headers[PEER_HEADERS.sequence]);
    const mac = single(headers[PEER_HEADERS.mac]);
    if (sender === undefined || sequence === undefined || mac === undefined)
      return this.refuse('missing-headers');
    const from = Number(sender);
    if (!/^[1-9]\d{0,5}$/.test(sender) || !this.senders.has(from)) return this.refuse('bad-sender');
    const m = /^(\d{1,16})\.([1-9]\d{0,15})$/.exec(sequence);
    if (!m) return this.refuse('bad-sequence');
    const seq = { boot: Number(m[1]), n: Number(m[2]) };
    const expected = Buffer.from(peerMac(this.secret, from, seq, body), 'hex');
    const given = /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : undefined;
    if (given === undefined || !timingSafeEqual(expected, given)) return this.refuse('bad-mac');
    if (!this.fresh(from, seq)) return this.refuse('replayed');
    return { ok: true, sender: from };
  }

  /** Counts a refusal decided elsewhere (a body too large, a body that is not a message). */
  refuse(reason: PeerRefusal): { ok: false; reason: PeerRefusal } {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
    return { ok: false, reason };
  }

  /** Whether `seq` is new from `from`; if so, it is remembered. */
  private fresh(from: ServerId, seq: PeerSequence): boolean {
    let w = this.windows.get(from);
    if (w === undefined || seq.boot > w.boot) {
      w = { boot: seq.boot, top: 0, seen: new Set() };
      this.windows.set(from, w);
    }
    if (seq.boot < w.boot) return false; // from before the sender's latest restart
    if (seq.n <= w.top - REPLAY_WINDOW || w.seen.has(seq.n)) return false;
    w.seen.add(seq.n);
    w.top = Math.max(w.top, seq.n);
    // Forget what fell out of the window now and then, not at every message.
    if (w.seen.size > 2 * REPLAY_WINDOW)
      for (const n of w.seen) if (n <= w.top - REPLAY_WINDOW) w.seen.delete(n);
    return true;
  }
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? undefined : v;
}
