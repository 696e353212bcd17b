/**
 * Locks for a {@link TimelockClient}: the requests to the lock endpoints (`/lock/{namespace}/...`)
 * and the handle of a held lock, which keeps its lease alive and says when it is lost.
 *
 * **Finding the leader.** Lock requests go to the leader as timestamp requests do: start from
 * the last known leader, follow a follower's hint, move on round-robin from servers that are
 * down or have no leader, and back off with jitter after a round in which every server failed.
 *
 * **No blind retries of a grant.** A lock request is not idempotent: the leader makes a new lock
 * id for each. An attempt whose server may have granted it without the answer arriving (no
 * answer in time, the connection lost after the request was sent, an error status other than
 * 503) is therefore not sent to that server again within the call. Asking it again would queue
 * the new request behind a lock granted to nobody, which blocks everyone for up to a lease
 * before it expires unrefreshed. The call still tries the other servers, since one that grants
 * must have taken over the lead, and with it a newer term that fences any lock the silent
 * server granted; it ends with {@link LockOutcomeUnknownError} when none does. Failures that
 * prove nothing was granted (connection refused, 503) are retried as timestamp requests are.
 * The HTTP timeout of an attempt is the wait the server was asked for plus the client's request
 * timeout, so the client never gives up on a server still within the wait it was allowed, and
 * such an attempt is not cut short at the call's deadline either. Idempotent requests
 * (wait-for-locks, immutable-timestamp) are retried anywhere.
 *
 * **Proving the lease.** A lease is measured from when a request that established or refreshed
 * it was sent, not answered: the server started the lease no earlier, so the client's proof
 * ends no later than the server's lease. The handle's signal fires when the proof runs out.
 */
import { fullJitterDelay, sleep } from './backoff.ts';
import {
  LockLostError,
  LockOutcomeUnknownError,
  LockReleasedError,
  TimelockClosedError,
  TimelockProtocolError,
  TimelockRequestError,
  TimelockUnavailableError,
  type LockLossCause,
} from './errors.ts';
import { DEFAULT_LEASE_MS, MAX_DESCRIPTOR_LENGTH, MAX_DESCRIPTORS } from '../net/lock-api.ts';
import {
  normaliseServerUrl,
  type AttemptLog,
  type TransportOptions,
} from './leader-seeking-transport.ts';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const LOCK_ID = /^[0-9a-f]{32}$/;

/** How a lock is asked for. */
export interface LockOptions {
  /**
   * How long the leader may wait for the descriptors to be free, in whole milliseconds from 0
   * (try once) to 60,000. Default 10,000.
   */
  readonly acquireTimeoutMs?: number;
  /**
   * How long the lock lasts without a refresh, in whole milliseconds from 100 to 60,000; the
   * handle refreshes it every third of it. Default 5,000.
   */
  readonly leaseMs?: number;
  /** Cancels the call: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** How an immutable-timestamp lock is asked for. */
export interface ImmutableTimestampLockOptions {
  readonly leaseMs?: number;
  readonly signal?: AbortSignal;
}

/** How long to wait for descriptors to be free. */
export interface WaitForLocksOptions {
  readonly acquireTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Checking arguments

/** @throws TypeError or RangeError when `descriptors` is not what a server accepts */
export function checkDescriptors(descriptors: unknown): asserts descriptors is readonly string[] {
  if (!Array.isArray(descriptors))
    throw new TypeError(`the descriptors must be an array of strings, not ${typeof descriptors}`);
  if (descriptors.length < 1 || descriptors.length > MAX_DESCRIPTORS)
    throw new RangeError(
      `a lock needs 1 to ${MAX_DESCRIPTORS} descriptors, not ${descriptors.length}`,
    );
  const seen = new Set<string>();
  for (const d of descriptors as unknown[]) {
    if (typeof d !== 'string')
      throw new TypeError(`a descriptor must be a string, not ${typeof d}`);
    if (d.length > MAX_DESCRIPTOR_LENGTH || !PRINTABLE_ASCII.test(d))
      throw new RangeError(
        `a descriptor must be 1 to ${MAX_DESCRIPTOR_LENGTH} printable ASCII characters ` +
          `(0x20-0x7E), not ${JSON.stringify(d.length > 60 ? d.slice(0, 60) + '...' : d)}`,
      );
    if (seen.has(d)) throw new RangeError(`the descriptor ${JSON.stringify(d)} is named twice`);
    seen.add(d);
  }
}

/** @throws RangeError when `ms` is not a whole number of milliseconds in [min, max] */
export function checkLockDuration(name: string, ms: unknown, min: number, max: number): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < min || ms > max)
    throw new RangeError(
      `${name} must be a whole number of milliseconds from ${min} to ${max}, not ${String(ms)}`,
    );
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** What one HTTP exchange gave. */
export type LockExchange =
  | { readonly kind: 'answered'; readonly status: number; readonly text: string }
  /** `sent`: whether the server may have received the request (else it surely did not). */
  | { readonly kind: 'no-answer'; readonly reason: string; readonly sent: boolean };

/** One request to the leader (see {@link LockTransport.seek}). */
export interface SeekRequest<T> {
  readonly namespace: string;
  /** The last path segment: `lock`, `wait-for-locks`, ... */
  readonly endpoint: string;
  /** The body of an attempt made when `serverWaitMs` is left of the server's wait. */
  readonly body: (serverWaitMs: number) => string;
  /** When the server's wait for the descriptors ends (`performance.now()` time), if it waits. */
  readonly waitUntil?: number;
  /** When the call gives up (`performance.now()` time). */
  readonly deadline: number;
  /** How long the call may take in all, for {@link TimelockUnavailableError}'s message. */
  readonly budgetMs: number;
  /** Whether sending it twice is harmless (else see the module comment). */
  readonly idempotent: boolean;
  /** The lease a non-idempotent request asks for, for {@link LockOutcomeUnknownError}. */
  readonly leaseMs?: number;
  /** What a 200 answer means; throws {@link TimelockProtocolError} when it is not valid. */
  readonly parse: (body: unknown, text: string, server: string) => T;
  /** For {@link TimelockUnavailableError}'s message: what no server did. */
  readonly served: string;
  readonly signal?: AbortSignal;
  readonly log: AttemptLog;
}

/** Lock requests to a cluster: to the leader, or to the server that granted a lock. */
export class LockTransport {
  private knownLeader: string | undefined;

  constructor(readonly options: TransportOptions) {}

  /**
   * Makes `request` to the leader (see the module comment) and returns what its 200 answer
   * means, with the server that gave it and when the attempt it answered was sent.
   *
   * @throws {@link TimelockUnavailableError} when no server answered before the deadline
   * @throws {@link LockOutcomeUnknownError} when a non-idempotent request may have been
   *   granted by a server that did not answer, and no other server answered instead
   * @throws {@link TimelockRequestError}, {@link TimelockProtocolError},
   *   {@link TimelockClosedError}, or the reason of `request.signal`
   */
  async seek<T>(request: SeekRequest<T>): Promise<{ value: T; server: string; sentAt: number }> {
    const { servers, requestTimeoutMs, backoff, random, closed } = this.options;
    const cancel = request.signal ? AbortSignal.any([closed, request.signal]) : closed;
    const path = `/lock/${encodeURIComponent(request.namespace)}/${request.endpoint}`;
    const { log } = request;
    // Servers that may hold a grant nobody will learn of: not asked again in this call.
    const unanswered = new Map<string, string>();
    const rotation = new Rotation(servers, this.knownLeader);
    let server = this.knownLeader ?? rotation.next(unanswered);
    const triedThisRound = new Set<string>();
    let failedRounds = 0;
    const giveUp = () =>
      unanswered.size > 0
        ? new LockOutcomeUnknownError(
            request.namespace,
            request.leaseMs ?? DEFAULT_LEASE_MS,
            unanswered,
            log.lastErrorByServer,
          )
        : new TimelockUnavailableError(
            request.namespace,
            log.attempts,
            log.lastErrorByServer,
            request.budgetMs,
            request.served,
          );
    for (;;) {
      this.throwIfCancelled(request.signal);
      const now = performance.now();
      if (now >= request.deadline) throw giveUp();
      const serverWaitMs =
        request.waitUntil === undefined ? 0 : Math.max(0, Math.floor(request.waitUntil - now));
      log.attempts += 1;
      triedThisRound.add(server);
      const exchange = await this.exchange(
        server + path,
        request.body(serverWaitMs),
        // Cutting a grant short at the deadline would leave its outcome unknown for no gain,
        // so such an attempt gets its full time, and the call may overrun by that much.
        serverWaitMs +
          (request.idempotent
            ? Math.min(requestTimeoutMs, request.deadline - now)
            : requestTimeoutMs),
        cancel,
      );
      // An answer that arrived is returned even if the call was cancelled meanwhile: it may
      // be a grant, which the caller then unlocks rather than leave to expire.
      if (exchange.kind === 'answered' && exchange.status === 200) {
        const value = request.parse(parseJson(exchange.text), exchange.text, server);
        this.knownLeader = server;
        return { value, server, sentAt: now };
      }
      this.throwIfCancelled(request.signal);
      if (exchange.kind === 'answered' && exchange.status >= 400 && exchange.status < 500)
        throw new TimelockRequestError(exchange.status, errorIn(exchange.text), server);
      const hint =
        exchange.kind === 'answered' && exchange.status === 503
          ? leaderUrlIn(exchange.text)
          : undefined;
      const reason =
        exchange.kind === 'no-answer'
          ? exchange.reason
          : hint !== undefined
            ? `not the leader (leader: ${hint})`
            : `HTTP ${exchange.status}: ${errorIn(exchange.text)}`;
      log.lastErrorByServer.set(server, reason);
      const mayHaveBeenServed =
        exchange.kind === 'no-answer' ? exchange.sent : exchange.status !== 503;
      if (mayHaveBeenServed && !request.idempotent) unanswered.set(server, reason);
      if (this.knownLeader === server) this.knownLeader = undefined;
      const usableHint = hint !== undefined && !unanswered.has(hint) ? hint : undefined;
      if (usableHint !== undefined) this.knownLeader = usableHint;
      const candidates = servers.filter((s) => !unanswered.has(s));
      if (candidates.length === 0 && usableHint === undefined) throw giveUp();
      // A hint to a server tried this round is stale; following it would starve the others,
      // unless there are no others.
      server =
        usableHint !== undefined && (!triedThisRound.has(usableHint) || candidates.length === 0)
          ? rotation.jumpTo(usableHint)
          : rotation.next(unanswered);
      if (candidates.every((s) => triedThisRound.has(s))) {
        failedRounds += 1;
        triedThisRound.clear();
        const wait = fullJitterDelay(failedRounds, backoff, random);
        await sleep(Math.min(wait, request.deadline - performance.now()), cancel);
      }
    }
  }

  /** POSTs `body` to `url`, giving up after `timeoutMs` or when `cancel` fires; never throws. */
  async exchange(
    url: string,
    body: string,
    timeoutMs: number,
    cancel: AbortSignal = this.options.closed,
  ): Promise<LockExchange> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
    const abort = () => controller.abort();
    cancel.addEventListener('abort', abort, { once: true });
    try {
      const response = await this.options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: controller.signal,
      });
      return { kind: 'answered', status: response.status, text: await response.text() };
    } catch (e) {
      if (controller.signal.aborted)
        return {
          kind: 'no-answer',
          reason: cancel.aborted ? 'cancelled' : `no answer within ${Math.ceil(timeoutMs)} ms`,
          sent: true,
        };
      return { kind: 'no-answer', ...describeNetworkError(e) };
    } finally {
      clearTimeout(timer);
      cancel.removeEventListener('abort', abort);
    }
  }

  private throwIfCancelled(signal: AbortSignal | undefined): void {
    if (this.options.closed.aborted) throw new TimelockClosedError();
    signal?.throwIfAborted();
  }
}

/** Round-robin over the servers from `start`, skipping those excluded. */
class Rotation {
  private index: number;

  constructor(
    private readonly servers: readonly string[],
    start: string | undefined,
  ) {
    this.index = start === undefined ? -1 : servers.indexOf(start);
  }

  /** The next server not in `excluded` (the next one at all when every one is). */
  next(excluded: ReadonlyMap<string, unknown>): string {
    for (let i = 0; i < this.servers.length; i++) {
      this.index = (this.index + 1) % this.servers.length;
      if (!excluded.has(this.servers[this.index])) break;
    }
    return this.servers[this.index];
  }

  /** `url`, continuing the rotation after it when it is one of the servers. */
  jumpTo(url: string): string {
    const index = this.servers.indexOf(url);
    if (index >= 0) this.index = index;
    return url;
  }
}

/**
 * Connection failures that happen before a request is written: the server never saw it. So
 * did failures without a code: fetch's own checks (a blocked port, say), as every error of the
 * socket or of undici carries one.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function describeNetworkError(e: unknown): { reason: string; sent: boolean } {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const what =
    code ??
    (typeof cause?.message === 'string'
      ? cause.message
      : e instanceof Error
        ? e.message
        : String(e));
  return {
    reason: `connection failed (${what})`,
    sent: code !== undefined && !NOT_SENT_CODES.has(code),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function abbreviate(text: string): string {
  if (text.trim() === '') return '(an empty body)';
  return text.length > 200 ? `${JSON.stringify(text.slice(0, 200))}...` : JSON.stringify(text);
}

function errorIn(text: string): string {
  const error = (parseJson(text) as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : abbreviate(text);
}

function leaderUrlIn(text: string): string | undefined {
  const hint = (parseJson(text) as { leaderUrl?: unknown } | undefined)?.leaderUrl;
  if (typeof hint !== 'string') return undefined;
  try {
    return normaliseServerUrl(hint);
  } catch {
    return undefined;
  }
}

/** The `leader` a 503 names, when it names one. */
function leaderIdIn(text: string): number | undefined {
  const leader = (parseJson(text) as { leader?: unknown } | undefined)?.leader;
  return typeof leader === 'number' ? leader : undefined;
}

// ---------------------------------------------------------------------------------------------
// Answers

/** A lock a leader granted, as its answer says. */
export interface Grant {
  readonly lockId: string;
  readonly fencingToken: number;
  readonly term: number;
  readonly leaseMs: number;
  /** The granting server's id. */
  readonly serverId: number;
  /** Only for an immutable-timestamp lock. */
  readonly immutableTimestamp?: number;
}

/** A lock answer: granted, or not with the server's reason. */
export type LockAnswer =
  | { readonly granted: true; readonly grant: Grant }
  | { readonly granted: false; readonly reason: string };

/** @throws {@link TimelockProtocolError} when `body` is not a lock answer */
export function parseLockAnswer(
  body: unknown,
  text: string,
  server: string,
  immutable = false,
): LockAnswer {
  const a = (body ?? {}) as Record<string, unknown>;
  const bad = (what: string) =>
    new TimelockProtocolError(server, `${what}, got ${abbreviate(text)}`, 'lock');
  if (a.granted === false && !immutable)
    return { granted: false, reason: typeof a.reason === 'string' ? a.reason : 'not granted' };
  if (a.granted !== true) throw bad('expected {"granted": true|false, ...}');
  if (typeof a.lockId !== 'string' || !LOCK_ID.test(a.lockId))
    throw bad('expected a "lockId" of 32 lower-case hex digits');
  for (const field of ['fencingToken', 'term', 'server'])
    if (!Number.isSafeInteger(a[field])) throw bad(`expected an integer "${field}"`);
  if (typeof a.leaseMs !== 'number' || !(a.leaseMs > 0)) throw bad('expected a positive "leaseMs"');
  if (immutable && !Number.isSafeInteger(a.immutableTimestamp))
    throw bad('expected an integer "immutableTimestamp"');
  return {
    granted: true,
    grant: {
      lockId: a.lockId,
      fencingToken: a.fencingToken as number,
      term: a.term as number,
      leaseMs: a.leaseMs,
      serverId: a.server as number,
      ...(immutable ? { immutableTimestamp: a.immutableTimestamp as number } : {}),
    },
  };
}

/** The ids a refresh or unlock answer lists under `field`, or undefined when it is malformed. */
function idsIn(text: string, field: 'refreshed' | 'released'): string[] | undefined {
  const ids = (parseJson(text) as Record<string, unknown> | undefined)?.[field];
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : undefined;
}

/**
 * For a lock granted so late that little of the proof its request gave is left (the leader
 * made it wait): refreshes it once and returns when that refresh was sent, the start of a new
 * proof.
 *
 * @throws {@link LockLostError} when the refresh does not confirm the lock (which is then
 *   unlocked, in case the server still holds it)
 */
export async function confirmGrant(
  transport: LockTransport,
  namespace: string,
  server: string,
  grant: Grant,
): Promise<number> {
  const base = `${server}/lock/${encodeURIComponent(namespace)}`;
  const ids = JSON.stringify({ lockIds: [grant.lockId] });
  const sentAt = performance.now();
  const exchange = await transport.exchange(
    `${base}/refresh`,
    ids,
    transport.options.requestTimeoutMs,
  );
  if (exchange.kind === 'answered' && exchange.status === 200) {
    const refreshed = idsIn(exchange.text, 'refreshed');
    if (refreshed?.includes(grant.lockId)) return sentAt;
    if (refreshed !== undefined)
      throw new LockLostError(
        grant.lockId,
        'refused',
        `${server} granted it after a wait longer than its lease can be proven for, and no ` +
          'longer held it when asked to confirm',
      );
  }
  await transport.exchange(`${base}/unlock`, ids, transport.options.requestTimeoutMs);
  if (transport.options.closed.aborted) throw new TimelockClosedError();
  const what =
    exchange.kind === 'no-answer'
      ? exchange.reason
      : `HTTP ${exchange.status}: ${abbreviate(exchange.text)}`;
  throw new LockLostError(
    grant.lockId,
    'expired',
    `${server} granted it after a wait longer than its lease can be proven for, and the ` +
      `refresh that was to confirm it failed (${what})`,
  );
}

// ---------------------------------------------------------------------------------------------
// The handle

/** What a handle needs from its client. */
export interface HandleContext {
  readonly transport: LockTransport;
  readonly namespace: string;
  readonly descriptors: readonly string[];
  /** The URL of the server that granted the lock: the only one that can refresh it. */
  readonly server: string;
  readonly grant: Grant;
  /** When the request that granted (or last confirmed) the lock was sent. */
  readonly provenFrom: number;
  /** Called once, when the handle is released, lost or abandoned. */
  readonly onEnd: (handle: LockHandle) => void;
}

/**
 * A held lock. It refreshes its lease in the background every third of the lease, at the
 * server that granted it, until {@link release} or until it is lost. Its {@link signal} fires
 * (with a {@link LockLostError}) the moment the client can no longer prove the lease: a refresh
 * answered without the lock, the granting server naming another leader, or no refresh sent
 * within the last lease having succeeded. It also fires on release (with a
 * {@link LockReleasedError}) and when the client closes ({@link TimelockClosedError}). Work
 * fenced by the lock should pass {@link fencingToken} to the resources it writes, and stop when
 * the signal fires.
 *
 * Made by {@link TimelockClient.lock}; not constructed directly.
 */
export class LockHandle {
  readonly namespace: string;
  /** What is locked; none for an immutable-timestamp lock. */
  readonly descriptors: readonly string[];
  /** The server-made id: only the holder knows it. */
  readonly lockId: string;
  /** A timestamp of the namespace taken at the grant: greater than every earlier grant's. */
  readonly fencingToken: number;
  /** The election term the lock was granted under. */
  readonly term: number;
  /** The lease the server granted: how long the lock lasts without a refresh. */
  readonly leaseMs: number;
  /** The URL of the server that granted it (the leader then). */
  readonly server: string;
  /** The id of that server. */
  readonly serverId: number;

  private readonly controller = new AbortController();
  private readonly transport: LockTransport;
  private readonly onEnd: (handle: LockHandle) => void;
  private proofEnd: number;
  private refreshTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private lastRefreshError: string | undefined;
  private released: Promise<void> | undefined;

  /** @internal */
  constructor(context: HandleContext) {
    const { grant } = context;
    this.namespace = context.namespace;
    this.descriptors = context.descriptors;
    this.lockId = grant.lockId;
    this.fencingToken = grant.fencingToken;
    this.term = grant.term;
    this.leaseMs = grant.leaseMs;
    this.server = context.server;
    this.serverId = grant.serverId;
    this.transport = context.transport;
    this.onEnd = context.onEnd;
    this.proofEnd = context.provenFrom + this.leaseMs;
    this.armExpiry();
    this.scheduleRefresh(context.provenFrom + this.leaseMs / 3);
  }

  /** Fires when the lock can no longer be relied on; its reason says why. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * The `performance.now()` time until which the lease is proven. The signal fires then
   * unless a refresh extends it, but only as soon as the event loop gets to it: a holder about
   * to act under the lock after a long synchronous stretch can check this instead.
   */
  get provenUntil(): number {
    return this.proofEnd;
  }

  /**
   * Stops refreshing, fires {@link signal}, and asks the server to unlock. Idempotent: later
   * calls return the first call's promise. Never rejects: a lock whose unlock does not arrive
   * is not refreshed any more and expires after its lease.
   */
  release(): Promise<void> {
    this.released ??= (async () => {
      this.end(new LockReleasedError(this.lockId));
      if (this.transport.options.closed.aborted) return;
      await this.transport.exchange(
        `${this.server}/lock/${encodeURIComponent(this.namespace)}/unlock`,
        JSON.stringify({ lockIds: [this.lockId] }),
        this.transport.options.requestTimeoutMs,
      );
    })();
    return this.released;
  }

  /** @internal Ends the handle without unlocking, as when the client closes. */
  abandon(reason: Error): void {
    this.end(reason);
  }

  private scheduleRefresh(at: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), Math.max(0, at - performance.now()));
    this.refreshTimer.unref();
  }

  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(
      () => {
        // Timers round to whole milliseconds and may wake a little early.
        if (performance.now() < this.proofEnd) return this.armExpiry();
        this.expire();
      },
      Math.max(0, this.proofEnd - performance.now()),
    );
    this.expiryTimer.unref();
  }

  private expire(): void {
    this.lose(
      'expired',
      `no refresh sent within the last ${this.leaseMs} ms succeeded (` +
        (this.lastRefreshError === undefined
          ? 'the last one was not answered in time)'
          : `last refresh error: ${this.lastRefreshError})`),
    );
  }

  private async refresh(): Promise<void> {
    if (this.signal.aborted) return;
    const sentAt = performance.now();
    const exchange = await this.transport.exchange(
      `${this.server}/lock/${encodeURIComponent(this.namespace)}/refresh`,
      JSON.stringify({ lockIds: [this.lockId] }),
      // An answer after the proof ran out cannot revive it.
      this.proofEnd - sentAt,
    );
    if (this.signal.aborted) return;
    if (performance.now() >= this.proofEnd) return this.expire();
    if (exchange.kind === 'answered' && exchange.status === 200) {
      const refreshed = idsIn(exchange.text, 'refreshed');
      if (refreshed?.includes(this.lockId)) {
        this.proofEnd = Math.max(this.proofEnd, sentAt + this.leaseMs);
        this.lastRefreshError = undefined;
        this.armExpiry();
        return this.scheduleRefresh(sentAt + this.leaseMs / 3);
      }
      return this.lose(
        'refused',
        refreshed === undefined
          ? `${this.server} answered a refresh with ${abbreviate(exchange.text)}`
          : `${this.server} no longer holds it (it expired or was released)`,
      );
    }
    if (exchange.kind === 'answered' && exchange.status === 503) {
      const leader = leaderIdIn(exchange.text);
      if (leader !== undefined && leader !== this.serverId)
        return this.lose(
          'leader-changed',
          `server ${this.serverId}, which granted it in term ${this.term}, says server ${leader} leads now`,
        );
    }
    this.lastRefreshError =
      exchange.kind === 'no-answer'
        ? exchange.reason
        : `HTTP ${exchange.status}: ${errorIn(exchange.text)}`;
    // Try again well before the proof runs out, but do not hammer a struggling server.
    this.scheduleRefresh(performance.now() + Math.max(10, this.leaseMs / 10));
  }

  private lose(cause: LockLossCause, detail: string): void {
    this.end(new LockLostError(this.lockId, cause, detail));
  }

  private end(reason: Error): void {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.expiryTimer);
    if (this.signal.aborted) return;
    this.controller.abort(reason);
    this.onEnd(this);
  }
}

/** A held immutable-timestamp lock: {@link immutableTimestamp} stays locked while it is held. */
export class ImmutableTimestampLockHandle extends LockHandle {
  /** The timestamp this lock holds back the namespace's immutable timestamp at. */
  readonly immutableTimestamp: number;

  /** @internal */
  constructor(context: HandleContext & { readonly immutableTimestamp: number }) {
    super(context);
    this.immutableTimestamp = context.immutableTimestamp;
  }
}
