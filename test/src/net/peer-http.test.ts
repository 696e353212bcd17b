/**
 * Peer messages between real HTTP endpoints on 127.0.0.1: an authentic message is delivered
 * once; a tampered, unsigned, wrongly signed, replayed, oversized, misaddressed or malformed
 * one is refused with a status that says why, counted, and delivers nothing. The replay
 * window admits messages that overtake each other and a sender's restart, and nothing older.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PEER_HEADERS,
  PeerGate,
  REPLAY_WINDOW,
  sealPeerMessage,
} from '../../../src/net/peer-auth.ts';
import { PEER_PATH, PeerSender, handlePeerRequest } from '../../../src/net/peer-http.ts';
import type { Envelope } from '../../../src/server/messages.ts';

const SECRET = Buffer.from('a cluster secret of the test');
const envelope = (src: number, dst: number, seq = 1): Envelope =>
  ({
    src,
    dst,
    clock: { 1: 3, 2: 1 },
    body: { type: 'prepare', log: 'leader', seq, bal: [1, src] },
  }) as unknown as Envelope;

describe('peer messages over HTTP', () => {
  let server: Server;
  let url: string;
  let gate: PeerGate;
  const delivered: Envelope[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== PEER_PATH) {
        res.writeHead(404).end();
        return;
      }
      handlePeerRequest(req, res, {
        gate,
        self: 2,
        deliver: (e) => delivered.push(e),
        maxBytes: 4096,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    gate = new PeerGate(SECRET, new Set([1, 2, 3]));
    delivered.length = 0;
  });

  const post = async (headers: Record<string, string>, body: string) => {
    const res = await fetch(url + PEER_PATH, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, body: await res.text() };
  };
  const sealed = (body: string, n = 1, secret = SECRET, sender = 1) =>
    sealPeerMessage(secret, sender, { boot: 1000, n }, body);

  it('delivers what a PeerSender sends, once', async () => {
    const sender = new PeerSender({
      self: 1,
      secret: SECRET,
      peers: new Map([[2, url]]),
      boot: Date.now(),
    });
    expect(await sender.send(envelope(1, 2))).toBe(true);
    expect(await sender.send(envelope(1, 2, 2))).toBe(true);
    expect(delivered).toEqual([envelope(1, 2), envelope(1, 2, 2)]);
    expect(sender.dropped).toBe(0);
  });

  it('refuses tampered, unsigned, wrongly signed and unknown senders: 401, nothing delivered', async () => {
    const body = JSON.stringify(envelope(1, 2));
    const tampered = body.replace('"seq":1', '"seq":9');
    expect((await post(sealed(body), tampered)).status).toBe(401);
    expect((await post({}, body)).status).toBe(401);
    expect((await post(sealed(body, 1, Buffer.from('another secret')), body)).status).toBe(401);
    const stranger = JSON.stringify(envelope(7, 2));
    expect((await post(sealed(stranger, 1, SECRET, 7), stranger)).status).toBe(401);
    expect(delivered).toEqual([]);
    expect(Object.fromEntries(gate.refused)).toEqual({
      'bad-mac': 2,
      'missing-headers': 1,
      'bad-sender': 1,
    });
  });

  it('refuses a replayed message (409), an oversized one (413), a malformed one (400)', async () => {
    const body = JSON.stringify(envelope(1, 2));
    expect((await post(sealed(body, 5), body)).status).toBe(204);
    const replay = await post(sealed(body, 5), body);
    expect(replay).toEqual({ status: 409, body: '{"error":"replayed"}' });
    const big = JSON.stringify({ ...envelope(1, 2), pad: 'x'.repeat(5000) });
    expect((await post(sealed(big, 6), big)).status).toBe(413);
    const notJson = 'not a message';
    expect((await post(sealed(notJson, 7), notJson)).status).toBe(400);
    const elsewhere = JSON.stringify(envelope(1, 3));
    expect((await post(sealed(elsewhere, 8), elsewhere)).status).toBe(400);
    expect(delivered).toEqual([envelope(1, 2)]);
    expect(Object.fromEntries(gate.refused)).toEqual({ replayed: 1, oversized: 1, malformed: 2 });
  });

  it('refuses other methods with 405', async () => {
    const res = await fetch(url + PEER_PATH, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(405);
  });

  it('drops, after a bounded number of attempts, what cannot reach its destination', async () => {
    const sender = new PeerSender({
      self: 1,
      secret: SECRET,
      peers: new Map([[2, 'http://127.0.0.1:9']]), // the discard port: nothing listens
      boot: 1,
      timeoutMs: 200,
      attempts: 2,
    });
    expect(await sender.send(envelope(1, 2))).toBe(false);
    expect(sender.dropped).toBe(1);
  });
});

describe('the replay window', () => {
  const admit = (gate: PeerGate, boot: number, n: number) => {
    const body = Buffer.from(`m${boot}.${n}`);
    const headers = sealPeerMessage(SECRET, 1, { boot, n }, body.toString());
    return gate.admit(headers, body).ok;
  };

  it('admits messages that overtake each other, each once, and a restart; nothing older', () => {
    const gate = new PeerGate(SECRET, new Set([1]));
    expect([5, 3, 4, 3, 5].map((n) => admit(gate, 10, n))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(admit(gate, 10, 5 + REPLAY_WINDOW)).toBe(true);
    expect(admit(gate, 10, 4)).toBe(false); // fell out of the window
    expect(admit(gate, 11, 1)).toBe(true); // the sender restarted
    expect(admit(gate, 10, 6 + REPLAY_WINDOW)).toBe(false); // from before the restart
    expect(gate.refused.get('replayed')).toBe(4);
  });

  it('does not accept a MAC made for another sender or sequence', () => {
    const gate = new PeerGate(SECRET, new Set([1, 2]));
    const headers = sealPeerMessage(SECRET, 1, { boot: 1, n: 1 }, 'm');
    expect(gate.admit({ ...headers, [PEER_HEADERS.sender]: '2' }, Buffer.from('m')).ok).toBe(false);
    expect(gate.admit({ ...headers, [PEER_HEADERS.sequence]: '1.2' }, Buffer.from('m')).ok).toBe(
      false,
    );
    expect(gate.admit(headers, Buffer.from('m')).ok).toBe(true);
  });
});
