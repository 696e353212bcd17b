/**
 * A client of a Timelock cluster's HTTP API (src/net/client-api.ts) that finds the leader
 * itself, serves concurrent callers with few requests without giving up real-time order,
 * and refuses timestamps that go backwards.
 */
import { MAX_RANGE, parseClientRequest } from '../net/client-api.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { batchSize, divideRange } from '../timestamp/coalescing.ts';
import type { TimestampRange } from '../timestamp/range-batcher.ts';
import {
  LockTimeoutError,
  TimelockClosedError,
  TimelockProtocolError,
  TimelockUnavailableError,
  TimestampRegressionError,
} from './errors.ts';
import {
  DEFAULT_ACQUIRE_MS,
  DEFAULT_LEASE_MS,
  MAX_ACQUIRE_MS,
  MAX_LEASE_MS,
  MIN_LEASE_MS,
} from '../net/lock-api.ts';
import {
  callForLock,
  checkDescriptors,
  checkLockDuration,
  confirmGrant,
  ImmutableTimestampLockHandle,
  LockHandle,
  parseLockAnswer,
  requestLock,
  type Grant,
  type ImmutableTimestampLockOptions,
  type LockOptions,
  type WaitForLocksOptions,
} from './lock-handle.ts';
import {
  LeaderSeekingTransport,
  mergeAttemptLog,
  newAttemptLog,
  normaliseServerUrl,
  type AttemptLog,
} from './leader-seeking-transport.ts';

export { MAX_RANGE } from '../net/client-api.ts';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export * from './errors.ts';
export {
  ImmutableTimestampLockHandle,
  LockHandle,
  type ImmutableTimestampLockOptions,
  type LockOptions,
  type WaitForLocksOptions,
} from './lock-handle.ts';
// The server's limits, so that client and server cannot disagree on them.
export {
  DEFAULT_ACQUIRE_MS,
  DEFAULT_LEASE_MS,
  MAX_ACQUIRE_MS,
  MAX_DESCRIPTOR_LENGTH,
  MAX_DESCRIPTORS,
  MAX_LEASE_MS,
  MIN_LEASE_MS,
} from '../net/lock-api.ts';

/** How a {@link TimelockClient} reaches the cluster and how patient it is. */
export interface TimelockClientOptions {
  /**
   * Base URLs of the cluster's servers, e.g. `http://10.0.0.1:7001`. Any of them may be the
   * leader; the client finds out which.
   */
  readonly servers: readonly string[];
  /** How long one HTTP attempt may take before the next server is tried. Default 1000 ms. */
  readonly requestTimeoutMs?: number;
  /**
   * How long one call may take in all, retries and waiting included, before it fails with
   * {@link TimelockUnavailableError}. Default 10,000 ms.
   */
  readonly deadlineMs?: number;
  /** The wait after each round in which every server failed. Default {@link DEFAULT_BACKOFF}. */
  readonly backoff?: BackoffOptions;
  /** The source of backoff jitter, returning numbers in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** The `fetch` to make requests with. Default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export type { TimestampRange } from '../timestamp/range-batcher.ts';

const DEFAULT_REQUEST_TIMEOUT_MS = 1000;
const DEFAULT_DEADLINE_MS = 10_000;

/** A call waiting for its timestamps. */
interface Waiter {
  readonly count: number;
  /** When the call fails if not served, as a `performance.now()` time. */
  readonly deadline: number;
  /** Every attempt made on the call's behalf, for the error if it is never served. */
  readonly log: AttemptLog;
  readonly resolve: (range: TimestampRange) => void;
  readonly reject: (error: unknown) => void;
}

/** What the client keeps per namespace. */
interface NamespaceState {
  /** Calls not yet part of a request, in arrival order. */
  readonly queue: Waiter[];
  /** Whether a request is in flight, or about to be sent. */
  busy: boolean;
  /** The greatest timestamp a server handed this client, to detect regressions. */
  greatestIssued: number | undefined;
}

/**
 * A client of a Timelock cluster: fresh timestamps per namespace, unique and increasing in
 * real time across all callers of all clients, as long as the servers keep their promise,
 * which the client checks.
 *
 * **Finding the leader.** Only the leader hands out timestamps. The client starts from the
 * server that served it last, follows a follower's hint to the leader, moves on round-robin
 * from servers that are down, slow (see {@link TimelockClientOptions.requestTimeoutMs}) or
 * have no leader, and after a round in which every server failed waits a jittered,
 * exponentially growing time. A call fails with {@link TimelockUnavailableError} when its
 * deadline passes, with {@link TimelockRequestError} at once when a server calls the request
 * malformed.
 *
 * **Coalescing.** Per namespace, at most one request is in flight. Calls made meanwhile wait
 * for the next request, which asks for all their timestamps at once (up to {@link MAX_RANGE})
 * and divides the range among them in arrival order. They are never served from the request
 * already in flight: it may have been answered before they were made, and a timestamp handed
 * out before a call began must be smaller than the call's. For the same reason, timestamps
 * left over are dropped rather than kept for later calls. A server may answer with fewer
 * timestamps than asked; callers that do not fit are asked for again, so a call for `n`
 * timestamps always gets exactly `n`.
 *
 * **Checking.** A range that does not lie above every timestamp handed to this client before
 * for the namespace fails every call it was meant for with {@link TimestampRegressionError};
 * an answer that is not a range of at most the count asked for, with
 * {@link TimelockProtocolError}.
 *
 * **Locks.** {@link lock} takes an exclusive lock on descriptors from the leader; the
 * {@link LockHandle} keeps its lease alive and its `signal` fires when the lock is lost.
 * {@link withLock} runs a function under a lock and always releases it.
 *
 * @example
 * ```ts
 * const client = new TimelockClient({ servers: ['http://10.0.0.1:7001', 'http://10.0.0.2:7001'] });
 * const t = await client.freshTimestamp('orders');
 * const { lower, upper } = await client.freshTimestamps('orders', 100);
 * await client.withLock('orders', ['row-17'], async (lock) => {
 *   await store.write('row-17', value, { fencingToken: lock.fencingToken, signal: lock.signal });
 * });
 * client.close();
 * ```
 */
export class TimelockClient {
  /** For timestamps and locks alike: both come from the leader, found once for both. */
  private readonly transport: LeaderSeekingTransport;
  private readonly deadlineMs: number;
  private readonly namespaces = new Map<string, NamespaceState>();
  private readonly closing = new AbortController();
  /** Handles not yet released or lost, abandoned on close. */
  private readonly handles = new Set<LockHandle>();

  /**
   * @throws TypeError when `servers` is empty or holds something that is not an http(s) URL
   * @throws RangeError when a duration is not a positive number of milliseconds
   */
  constructor(options: TimelockClientOptions) {
    if (!Array.isArray(options.servers) || options.servers.length === 0)
      throw new TypeError('a TimelockClient needs at least one server URL');
    const servers = [...new Set(options.servers.map(normaliseServerUrl))];
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    checkDuration('requestTimeoutMs', requestTimeoutMs, 1);
    checkDuration('deadlineMs', this.deadlineMs, 1);
    checkDuration('backoff.baseMs', backoff.baseMs, 0);
    checkDuration('backoff.maxMs', backoff.maxMs, backoff.baseMs);
    this.transport = new LeaderSeekingTransport({
      servers,
      requestTimeoutMs,
      backoff,
      random: options.random ?? Math.random,
      fetch: options.fetch ?? globalThis.fetch,
      closed: this.closing.signal,
    });
  }

  /**
   * One fresh timestamp of `namespace`: greater than every timestamp of the namespace handed
   * out (to any client) before this call was made.
   *
   * @param namespace - matching `[A-Za-z0-9_-]{1,128}`
   * @throws TypeError (as a rejection) when `namespace` is not a valid namespace
   * @throws {@link TimelockUnavailableError}, {@link TimelockRequestError},
   *   {@link TimelockProtocolError}, {@link TimestampRegressionError} or
   *   {@link TimelockClosedError} (see {@link TimelockClient})
   */
  async freshTimestamp(namespace: string): Promise<number> {
    return (await this.freshTimestamps(namespace, 1)).lower;
  }

  /**
   * `n` consecutive fresh timestamps of `namespace`: each greater than every timestamp of the
   * namespace handed out (to any client) before this call was made.
   *
   * @param namespace - matching `[A-Za-z0-9_-]{1,128}`
   * @param n - how many, an integer from 1 to {@link MAX_RANGE}
   * @returns the range, holding exactly `n` timestamps
   * @throws TypeError (as a rejection) when `namespace` is not a valid namespace or `n` is not
   *   a number
   * @throws RangeError (as a rejection) when `n` is not an integer from 1 to {@link MAX_RANGE}
   * @throws {@link TimelockUnavailableError}, {@link TimelockRequestError},
   *   {@link TimelockProtocolError}, {@link TimestampRegressionError} or
   *   {@link TimelockClosedError} (see {@link TimelockClient})
   */
  async freshTimestamps(namespace: string, n: number): Promise<TimestampRange> {
    checkNamespace(namespace);
    checkCount(n);
    if (this.closing.signal.aborted) throw new TimelockClosedError();
    // No await before this point: the call joins the queue when it is made, which is what
    // keeps it out of any request sent before.
    return new Promise((resolve, reject) => {
      const state = this.stateOf(namespace);
      const deadline = performance.now() + this.deadlineMs;
      state.queue.push({ count: n, deadline, log: newAttemptLog(), resolve, reject });
      if (!state.busy) {
        state.busy = true;
        // Calls made in the same tick share the first request.
        queueMicrotask(() => void this.drain(namespace, state));
      }
    });
  }

  /**
   * An exclusive lock on all of `descriptors` in `namespace`, granted by the leader once no
   * other lock holds any of them (waiters are served first come, first served per descriptor).
   * The handle keeps the lease alive until released; its `signal` fires if the lock is lost.
   * Prefer {@link withLock}, which always releases.
   *
   * A lock request is never sent twice to a server that may have granted it without answering
   * (see src/client/lock-handle.ts): the call tries the other servers instead, and fails with
   * {@link LockOutcomeUnknownError} if none answers. A lock granted to nobody that way, or to a
   * call aborted meanwhile, is never refreshed and expires after its lease.
   *
   * @param namespace - matching `[A-Za-z0-9_-]{1,128}`
   * @param descriptors - 1 to 100 distinct strings of 1 to 1024 printable ASCII characters
   * @param options - the acquire timeout and lease, and a signal that cancels the call
   * @throws TypeError or RangeError (as a rejection) on an invalid argument
   * @throws {@link LockTimeoutError} when the descriptors stayed locked for the acquire timeout
   * @throws {@link TimelockUnavailableError} when no server answered in time (the client's
   *   deadline or the acquire timeout, whichever is longer)
   * @throws {@link LockLostError} when the grant came so late that too little of its lease was
   *   provable and the refresh that was to confirm it failed
   * @throws {@link LockOutcomeUnknownError}, {@link TimelockRequestError},
   *   {@link TimelockProtocolError}, {@link TimelockClosedError}, or the signal's reason
   */
  async lock(
    namespace: string,
    descriptors: readonly string[],
    options: LockOptions = {},
  ): Promise<LockHandle> {
    const { list, acquireTimeoutMs } = checkWaitArguments(namespace, descriptors, options);
    const leaseMs = leaseOf(options.leaseMs);
    const { grant, server, sentAt } = await this.acquire(
      namespace,
      'lock',
      (wait) => JSON.stringify({ descriptors: list, acquireTimeoutMs: wait, leaseMs }),
      acquireTimeoutMs,
      leaseMs,
      options.signal,
      (answer, s) => {
        if (answer.granted) return answer.grant;
        throw new LockTimeoutError(namespace, list, acquireTimeoutMs, s, answer.reason);
      },
    );
    return this.hold(new LockHandle(this.handleContext(namespace, list, server, grant, sentAt)));
  }

  /**
   * Locks `descriptors`, runs `fn` with the handle, and releases the lock however `fn` ends.
   * `fn` should stop when `handle.signal` fires: the lock was lost.
   *
   * @returns what `fn` returned
   * @throws what {@link lock} throws, or what `fn` threw
   */
  async withLock<T>(
    namespace: string,
    descriptors: readonly string[],
    fn: (handle: LockHandle) => Promise<T>,
    options: LockOptions = {},
  ): Promise<T> {
    const handle = await this.lock(namespace, descriptors, options);
    try {
      return await fn(handle);
    } finally {
      await handle.release();
    }
  }

  /**
   * Waits until `descriptors` could be locked, without locking them.
   *
   * @returns whether they became free within the acquire timeout
   * @throws what {@link lock} throws, except {@link LockTimeoutError} and
   *   {@link LockOutcomeUnknownError} (this request is retried anywhere)
   */
  async waitForLocks(
    namespace: string,
    descriptors: readonly string[],
    options: WaitForLocksOptions = {},
  ): Promise<boolean> {
    const { list, acquireTimeoutMs } = checkWaitArguments(namespace, descriptors, options);
    const { value } = await requestLock(this.transport, {
      namespace,
      endpoint: 'wait-for-locks',
      body: (wait) => JSON.stringify({ descriptors: list, acquireTimeoutMs: wait }),
      acquireTimeoutMs,
      deadlineMs: this.deadlineMs,
      idempotent: true,
      parse: (body, text, server) => {
        const free = (body as { free?: unknown } | undefined)?.free;
        if (typeof free !== 'boolean')
          throw new TimelockProtocolError(
            server,
            `expected {"free": boolean}, got ${text}`,
            'lock',
          );
        return free;
      },
      served: 'answered a wait-for-locks request',
      signal: options.signal,
    });
    return value;
  }

  /**
   * A lock on a fresh timestamp of `namespace` that holds the namespace's immutable timestamp
   * at or below it while the lock is held: a transaction's start. The handle is refreshed and
   * released like any lock's.
   *
   * @throws what {@link lock} throws, except {@link LockTimeoutError}: it never waits
   */
  async lockImmutableTimestamp(
    namespace: string,
    options: ImmutableTimestampLockOptions = {},
  ): Promise<ImmutableTimestampLockHandle> {
    checkNamespace(namespace);
    const leaseMs = leaseOf(options.leaseMs);
    const { grant, server, sentAt } = await this.acquire(
      namespace,
      'lock-immutable-timestamp',
      () => JSON.stringify({ leaseMs }),
      0,
      leaseMs,
      options.signal,
      (answer) => {
        if (!answer.granted) throw new Error('unreachable: immutable answers are always granted');
        return answer.grant;
      },
    );
    const context = this.handleContext(namespace, [], server, grant, sentAt);
    return this.hold(
      new ImmutableTimestampLockHandle({
        ...context,
        immutableTimestamp: grant.immutableTimestamp!,
      }),
    );
  }

  /**
   * The immutable timestamp of `namespace`: the least timestamp an immutable-timestamp lock
   * still holds, or a fresh timestamp when none is held.
   *
   * @throws TypeError (as a rejection) when `namespace` is not valid
   * @throws {@link TimelockUnavailableError}, {@link TimelockRequestError},
   *   {@link TimelockProtocolError} or {@link TimelockClosedError}
   */
  async getImmutableTimestamp(namespace: string): Promise<number> {
    checkNamespace(namespace);
    const { value } = await requestLock(this.transport, {
      namespace,
      endpoint: 'immutable-timestamp',
      body: () => '{}',
      deadlineMs: this.deadlineMs,
      idempotent: true,
      parse: (body, text, server) => {
        const t = (body as { immutableTimestamp?: unknown } | undefined)?.immutableTimestamp;
        if (!Number.isSafeInteger(t))
          throw new TimelockProtocolError(
            server,
            `expected {"immutableTimestamp": integer}, got ${text}`,
            'lock',
          );
        return t as number;
      },
      served: 'answered an immutable-timestamp request',
    });
    return value;
  }

  /**
   * Fails every pending call with {@link TimelockClosedError}, aborts requests in flight and
   * refuses further calls. Idempotent. Held locks are abandoned, not unlocked: their signals
   * fire with {@link TimelockClosedError} and they expire after their lease (release them first
   * to free them at once).
   */
  close(): void {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    for (const state of this.namespaces.values()) rejectAsClosed(state.queue.splice(0));
    for (const handle of [...this.handles]) handle.abandon(new TimelockClosedError());
  }

  /** Sends a lock or lock-immutable-timestamp request to the leader. */
  private async acquire(
    namespace: string,
    endpoint: 'lock' | 'lock-immutable-timestamp',
    body: (wait: number) => string,
    acquireTimeoutMs: number,
    leaseMs: number,
    signal: AbortSignal | undefined,
    granted: (answer: ReturnType<typeof parseLockAnswer>, server: string) => Grant,
  ): Promise<{ grant: Grant; server: string; sentAt: number }> {
    if (this.closing.signal.aborted) throw new TimelockClosedError();
    signal?.throwIfAborted();
    const immutable = endpoint === 'lock-immutable-timestamp';
    const { value, server, sentAt } = await requestLock(this.transport, {
      namespace,
      endpoint,
      body,
      acquireTimeoutMs,
      deadlineMs: this.deadlineMs,
      idempotent: false,
      leaseMs,
      parse: (answer, text, s) => parseLockAnswer(answer, text, s, immutable),
      served: `answered the ${endpoint} request`,
      signal,
    });
    if (signal?.aborted || this.closing.signal.aborted) {
      // Cancelled while the answer was on its way: a grant is unlocked, not left to expire.
      if (value.granted && !this.closing.signal.aborted)
        await callForLock(this.transport, server, namespace, 'unlock', value.grant.lockId);
      if (this.closing.signal.aborted) throw new TimelockClosedError();
      signal!.throwIfAborted();
    }
    const grant = granted(value, server);
    // The lease is proven from when the request was sent; after a long wait at the leader
    // little of that proof may be left, so a refresh starts a new one before the lock is used.
    const provenFrom =
      sentAt + grant.leaseMs - performance.now() < grant.leaseMs / 3
        ? await confirmGrant(this.transport, namespace, server, grant)
        : sentAt;
    return { grant, server, sentAt: provenFrom };
  }

  private handleContext(
    namespace: string,
    descriptors: readonly string[],
    server: string,
    grant: Grant,
    provenFrom: number,
  ) {
    return {
      transport: this.transport,
      namespace,
      descriptors,
      server,
      grant,
      provenFrom,
      onEnd: (handle: LockHandle) => this.handles.delete(handle),
    };
  }

  /** Tracks `handle` until it ends. */
  private hold<H extends LockHandle>(handle: H): H {
    this.handles.add(handle);
    if (this.closing.signal.aborted) handle.abandon(new TimelockClosedError());
    return handle;
  }

  private stateOf(namespace: string): NamespaceState {
    let state = this.namespaces.get(namespace);
    if (state === undefined) {
      state = { queue: [], busy: false, greatestIssued: undefined };
      this.namespaces.set(namespace, state);
    }
    return state;
  }

  /** Sends one request after another for the queued calls of `namespace` until none is left. */
  private async drain(namespace: string, state: NamespaceState): Promise<void> {
    try {
      while (state.queue.length > 0 && !this.closing.signal.aborted) {
        this.rejectExpired(namespace, state);
        const batch = state.queue.splice(0, batchSize(state.queue, MAX_RANGE));
        if (batch.length > 0) await this.serve(namespace, state, batch);
      }
    } finally {
      state.busy = false;
      if (this.closing.signal.aborted) rejectAsClosed(state.queue.splice(0));
    }
  }

  /**
   * Fails the queued calls whose deadline has passed: those left over when a request ran out
   * of time, and those asked for again after short ranges until time ran out.
   */
  private rejectExpired(namespace: string, state: NamespaceState): void {
    const now = performance.now();
    let kept = 0;
    for (const waiter of state.queue) {
      if (waiter.deadline > now) {
        state.queue[kept++] = waiter;
        continue;
      }
      const { attempts, lastErrorByServer } = waiter.log;
      waiter.reject(
        new TimelockUnavailableError(namespace, attempts, lastErrorByServer, this.deadlineMs),
      );
    }
    state.queue.length = kept;
  }

  /** Makes one request for `batch` and settles the calls it can; the rest go back in front. */
  private async serve(namespace: string, state: NamespaceState, batch: Waiter[]): Promise<void> {
    const asked = batch.reduce((total, waiter) => total + waiter.count, 0);
    const log = newAttemptLog();
    const deadline = Math.min(...batch.map((waiter) => waiter.deadline));
    let outcome;
    try {
      outcome = await this.transport.freshRange(namespace, asked, deadline, log);
    } catch (e) {
      for (const waiter of batch) waiter.reject(e);
      return;
    } finally {
      for (const waiter of batch) mergeAttemptLog(waiter.log, log);
    }
    if (outcome.kind === 'deadline-passed') {
      // The earliest deadline passed; the calls with time left are asked for again.
      state.queue.unshift(...batch);
      return;
    }
    const { lower, upper, server } = outcome;
    const previous = state.greatestIssued;
    if (previous !== undefined && lower <= previous) {
      const error = new TimestampRegressionError(namespace, server, lower, upper, previous);
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    state.greatestIssued = upper;
    const shares = divideRange(lower, upper, batch);
    shares.forEach((share, i) => batch[i].resolve(share));
    const unserved = batch.slice(shares.length);
    const shortfall = `handed out ${upper - lower + 1} of the ${asked} timestamps asked for`;
    for (const waiter of unserved) waiter.log.lastErrorByServer.set(server, shortfall);
    state.queue.unshift(...unserved);
  }
}

function rejectAsClosed(waiters: readonly Waiter[]): void {
  const error = new TimelockClosedError();
  for (const waiter of waiters) waiter.reject(error);
}

function checkNamespace(namespace: unknown): void {
  if (typeof namespace !== 'string')
    throw new TypeError(`the namespace must be a string, not ${typeof namespace}`);
  // The API's own parser decides, so that client and server cannot disagree on what a
  // valid namespace is.
  const path = `/ts/${encodeURIComponent(namespace)}/fresh-timestamp`;
  const parsed = parseClientRequest('POST', path, undefined);
  if ('status' in parsed) throw new TypeError(parsed.error);
}

function checkCount(n: unknown): void {
  if (typeof n !== 'number')
    throw new TypeError(`the count must be a number from 1 to ${MAX_RANGE}, not ${typeof n}`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RANGE)
    throw new RangeError(`the count must be an integer from 1 to ${MAX_RANGE}, not ${n}`);
}

/**
 * The arguments of a call that waits for descriptors, checked, with the descriptors copied so
 * that the caller cannot change them while the call runs.
 */
function checkWaitArguments(
  namespace: string,
  descriptors: readonly string[],
  options: WaitForLocksOptions,
): { list: string[]; acquireTimeoutMs: number } {
  checkNamespace(namespace);
  checkDescriptors(descriptors);
  const acquireTimeoutMs = checkLockDuration(
    'acquireTimeoutMs',
    options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_MS,
    0,
    MAX_ACQUIRE_MS,
  );
  return { list: [...descriptors], acquireTimeoutMs };
}

function leaseOf(leaseMs: unknown): number {
  return checkLockDuration('leaseMs', leaseMs ?? DEFAULT_LEASE_MS, MIN_LEASE_MS, MAX_LEASE_MS);
}

function checkDuration(name: string, ms: number, min: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < min)
    throw new RangeError(`${name} must be a number of milliseconds of at least ${min}, not ${ms}`);
}
