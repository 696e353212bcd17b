/**
 * Locks for a {@link TimelockClient}: the requests to the lock endpoints (`/lock/{namespace}/...`)
 * and the handle of a held lock, which keeps its lease alive and says when it is lost.
 *
 * **Finding the leader.** Lock requests go to the leader the way timestamp requests do, through
 * the same {@link LeaderSeekingTransport}.
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
 * (wait-for-locks, immutable-timestamp) are retried anywhere. The transport keeps the rule for
 * every request that {@link requestLock} marks as not idempotent (`oncePerServer`).
 *
 * **Proving the lease.** A lease is measured from when a request that established or refreshed
 * it was sent, not answered: the server started the lease no earlier, so the client's proof
 * ends no later than the server's lease. The handle's signal fires when the proof runs out.
 */
import {
  LockLostError,
  LockOutcomeUnknownError,
  LockReleasedError,
  TimelockClosedError,
  TimelockProtocolError,
  TimelockUnavailableError,
  type LockLossCause,
} from './errors.ts';
import {
  DEFAULT_LEASE_MS,
  isDescriptor,
  MAX_DESCRIPTOR_LENGTH,
  MAX_DESCRIPTORS,
} from '../net/lock-api.ts';
import {
  abbreviate,
  errorIn,
  newAttemptLog,
  parseJson,
  type Exchange,
  type LeaderSeekingTransport,
} from './leader-seeking-transport.ts';

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
    if (!isDescriptor(d))
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

/** One request to a lock endpoint of the leader (see {@link requestLock}). */
export interface LockRequest<T> {
  readonly namespace: string;
  /** The last path segment: `lock`, `wait-for-locks`, ... */
  readonly endpoint: string;
  /** The body of an attempt made when `serverWaitMs` is left of the server's wait. */
  readonly body: (serverWaitMs: number) => string;
  /** How long the leader may wait for the descriptors; 0, the default, when it answers at once. */
  readonly acquireTimeoutMs?: number;
  /** The client's deadline: the call may take the longer of it and the acquire timeout. */
  readonly deadlineMs: number;
  /** Whether sending it twice is harmless (else see the module comment). */
  readonly idempotent: boolean;
  /** The lease a non-idempotent request asks for, for {@link LockOutcomeUnknownError}. */
  readonly leaseMs?: number;
  /** What a 200 answer means; throws {@link TimelockProtocolError} when it is not valid. */
  readonly parse: (body: unknown, text: string, server: string) => T;
  /** For {@link TimelockUnavailableError}'s message: what no server did. */
  readonly served: string;
  readonly signal?: AbortSignal;
}

/**
 * Makes `request` to the leader (see the module comment) and returns what its 200 answer
 * means, with the server that gave it and when the attempt it answered was sent. An answer
 * that arrives after the call was cancelled is returned all the same: it may be a grant, which
 * the caller then unlocks rather than leave to expire.
 *
 * @throws {@link TimelockUnavailableError} when no server answered before the deadline
 * @throws {@link LockOutcomeUnknownError} when a non-idempotent request may have been
 *   granted by a server that did not answer, and no other server answered instead
 * @throws {@link TimelockRequestError}, {@link TimelockProtocolError},
 *   {@link TimelockClosedError}, or the reason of `request.signal`
 */
export async function requestLock<T>(
  transport: LeaderSeekingTransport,
  request: LockRequest<T>,
): Promise<{ value: T; server: string; sentAt: number }> {
  const { namespace } = request;
  const start = performance.now();
  const acquireTimeoutMs = request.acquireTimeoutMs ?? 0;
  const budgetMs = Math.max(request.deadlineMs, acquireTimeoutMs);
  const log = newAttemptLog();
  const outcome = await transport.request({
    path: `/lock/${encodeURIComponent(namespace)}/${request.endpoint}`,
    body: request.body,
    parse: (text, server) => request.parse(parseJson(text), text, server),
    deadline: start + budgetMs,
    waitUntil: start + acquireTimeoutMs,
    oncePerServer: !request.idempotent,
    signal: request.signal,
    log,
  });
  if (outcome.kind === 'served') return outcome;
  throw outcome.unanswered.size > 0
    ? new LockOutcomeUnknownError(
        namespace,
        request.leaseMs ?? DEFAULT_LEASE_MS,
        outcome.unanswered,
        log.lastErrorByServer,
      )
    : new TimelockUnavailableError(
        namespace,
        log.attempts,
        log.lastErrorByServer,
        budgetMs,
        request.served,
      );
}

/**
 * Asks `server`, the one that granted `lockId`, to refresh or unlock it, giving up after
 * `timeoutMs`; never throws.
 */
export function callForLock(
  transport: LeaderSeekingTransport,
  server: string,
  namespace: string,
  action: 'refresh' | 'unlock',
  lockId: string,
  timeoutMs = transport.options.requestTimeoutMs,
): Promise<Exchange> {
  return transport.exchange(
    `${server}/lock/${encodeURIComponent(namespace)}/${action}`,
    JSON.stringify({ lockIds: [lockId] }),
    timeoutMs,
  );
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
  transport: LeaderSeekingTransport,
  namespace: string,
  server: string,
  grant: Grant,
): Promise<number> {
  const sentAt = performance.now();
  const exchange = await callForLock(transport, server, namespace, 'refresh', grant.lockId);
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
  await callForLock(transport, server, namespace, 'unlock', grant.lockId);
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
  readonly transport: LeaderSeekingTransport;
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
  private readonly transport: LeaderSeekingTransport;
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
      await callForLock(this.transport, this.server, this.namespace, 'unlock', this.lockId);
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
    const exchange = await callForLock(
      this.transport,
      this.server,
      this.namespace,
      'refresh',
      this.lockId,
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
