/**
 * The client API a server offers, modelled on AtlasDB Timelock's: per namespace, one fresh
 * timestamp or a fresh range of up to 10,000; and the leader, status and health of the server.
 *
 *   POST /ts/{namespace}/fresh-timestamp              -> 200 {"lower": t, "upper": t, ...}
 *   POST /ts/{namespace}/fresh-timestamps {"n": N}    -> 200 {"lower": a, "upper": b, ...}, 1 <= b - a + 1 <= N
 *
 * An answer also names the server that served it and the election term it served under
 * (`"server": 2, "term": 7`): what a history checker needs to tell leaderships apart.
 *   GET  /leader   GET /status   GET /health
 *
 * A server that is not the leader answers at once with 503 and the leader it knows (as AtlasDB
 * answers with a hint). A bad request (a namespace not matching `[A-Za-z0-9_-]{1,128}`, N out
 * of range, a body that is not that JSON or is too large, a wrong method or path) gets a 4xx
 * with `{"error": ...}` that says what was expected, and reaches no server logic.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerId } from '../paxos/types.ts';
import { isLockPath, MAX_LOCK_BODY, parseLockRequest, type LockApiRequest } from './lock-api.ts';
import type { ClientRefusal } from './refusal.ts';

/** The most timestamps one request may ask for (AtlasDB's limit for a range). */
export const MAX_RANGE = 10_000;
/** Request bodies larger than this are refused unread. */
export const MAX_CLIENT_BODY = 1024;
const NAMESPACE = /^[A-Za-z0-9_-]{1,128}$/;

/** A request the API understood. */
export type ClientRequest =
  | { readonly kind: 'fresh'; readonly namespace: string; readonly count: number }
  | { readonly kind: 'locks'; readonly request: LockApiRequest }
  | { readonly kind: 'leader' | 'status' | 'health' };

export type { ClientRefusal } from './refusal.ts';

/** What answering a fresh-timestamp request gave. */
export type FreshOutcome =
  | {
      readonly kind: 'served';
      readonly lower: number;
      readonly upper: number;
      /** The server that served, and the election term it served under. */
      readonly server: ServerId;
      readonly term: number;
    }
  | NotServed;

/** Why a server did not serve a request: it does not lead, or it cannot now. */
export type NotServed =
  | { readonly kind: 'not-leader'; readonly leader: ServerId | null; readonly leaderUrl?: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** What answering a lock request gave: the 200 answer's body, or why not served. */
export type LockApiOutcome =
  { readonly kind: 'answer'; readonly body: Record<string, unknown> } | NotServed;

/** The server behind the API. */
export interface ClientBackend {
  fresh(namespace: string, count: number): Promise<FreshOutcome>;
  locks(request: LockApiRequest): Promise<LockApiOutcome>;
  leader(): { readonly leader: ServerId | null; readonly leaderUrl?: string };
  status(): Record<string, unknown>;
  health(): { readonly ok: boolean } & Record<string, unknown>;
}

/**
 * The request for `method` and `path` with body `body` (undefined: none was read), or why it
 * is refused. Pure: the HTTP handler and the tests share it.
 */
export function parseClientRequest(
  method: string,
  path: string,
  body: string | undefined,
): ClientRequest | ClientRefusal {
  const lockRoute = /^\/lock\/([^/]*)\/([^/]*)$/.exec(path);
  const route = lockRoute ?? /^\/ts\/([^/]*)\/(fresh-timestamp|fresh-timestamps)$/.exec(path);
  if (route !== null) {
    if (method !== 'POST') return { status: 405, error: `use POST for ${path}`, allow: 'POST' };
    const namespace = decodeSafely(route[1]);
    if (namespace === undefined || !NAMESPACE.test(namespace))
      return {
        status: 400,
        error: `the namespace must match [A-Za-z0-9_-]{1,128}, not ${JSON.stringify(route[1])}`,
      };
    if (lockRoute !== null) {
      const request = parseLockRequest(namespace, route[2], body);
      return 'status' in request ? request : { kind: 'locks', request };
    }
    if (route[2] === 'fresh-timestamp') return { kind: 'fresh', namespace, count: 1 };
    const count = countIn(body);
    if (typeof count !== 'number') return count;
    return { kind: 'fresh', namespace, count };
  }
  const simple = { '/leader': 'leader', '/status': 'status', '/health': 'health' } as const;
  if (path in simple) {
    if (method !== 'GET') return { status: 405, error: `use GET for ${path}`, allow: 'GET' };
    return { kind: simple[path as keyof typeof simple] };
  }
  return {
    status: 404,
    error: `no such endpoint ${path}: POST /ts/{namespace}/fresh-timestamp, POST /ts/{namespace}/fresh-timestamps, POST /lock/{namespace}/{lock,wait-for-locks,refresh,unlock,lock-immutable-timestamp,immutable-timestamp}, GET /leader, /status, /health`,
  };
}

function countIn(body: string | undefined): number | ClientRefusal {
  const expected = `a JSON body {"n": N} with N an integer from 1 to ${MAX_RANGE}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { status: 400, error: `expected ${expected}; the body is not JSON` };
  }
  const n = (parsed as { n?: unknown } | null)?.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_RANGE)
    return { status: 400, error: `expected ${expected}, got ${JSON.stringify(parsed)}` };
  return n;
}

function decodeSafely(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Handles one HTTP request of the client API (see the module comment). */
export function handleClientRequest(
  req: IncomingMessage,
  res: ServerResponse,
  backend: ClientBackend,
): void {
  const path = (req.url ?? '/').split('?')[0];
  const answer = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  const refuse = (r: ClientRefusal) =>
    answer(r.status, { error: r.error }, r.allow ? { allow: r.allow } : {});
  const notServed = (outcome: NotServed) =>
    outcome.kind === 'not-leader'
      ? answer(503, {
          error: 'not the leader',
          leader: outcome.leader,
          ...(outcome.leaderUrl ? { leaderUrl: outcome.leaderUrl } : {}),
        })
      : answer(503, { error: outcome.reason });
  const failed = (e: unknown) => answer(500, { error: e instanceof Error ? e.message : String(e) });
  const maxBody = isLockPath(path) ? MAX_LOCK_BODY : MAX_CLIENT_BODY;
  const tooLargeRefusal: ClientRefusal = {
    status: 413,
    error: `request bodies at ${path} are at most ${maxBody} bytes`,
  };
  if (Number(req.headers['content-length'] ?? 0) > maxBody) {
    req.resume();
    return refuse(tooLargeRefusal);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBody && !tooLarge) {
      tooLarge = true;
      refuse(tooLargeRefusal);
    }
    if (!tooLarge) chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return;
    const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
    const request = parseClientRequest(req.method ?? 'GET', path, body);
    if ('status' in request) return refuse(request);
    switch (request.kind) {
      case 'leader':
        return answer(200, backend.leader());
      case 'status':
        return answer(200, backend.status());
      case 'health': {
        const h = backend.health();
        return answer(h.ok ? 200 : 503, h);
      }
      case 'fresh':
        backend.fresh(request.namespace, request.count).then((outcome) => {
          if (outcome.kind !== 'served') return notServed(outcome);
          answer(200, {
            lower: outcome.lower,
            upper: outcome.upper,
            server: outcome.server,
            term: outcome.term,
          });
        }, failed);
        return;
      case 'locks':
        backend.locks(request.request).then((outcome) => {
          if (outcome.kind !== 'answer') return notServed(outcome);
          answer(200, outcome.body);
        }, failed);
    }
  });
}
