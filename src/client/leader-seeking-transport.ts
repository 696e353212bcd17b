/**
 * Requests to whichever server of a cluster is the leader, for timestamps and locks alike:
 * start from the last known leader, follow a follower's hint to the leader, move on
 * round-robin from servers that are down, slow or without a leader, and back off with jitter
 * after a round in which every server failed, until the deadline.
 *
 * Most requests are POSTs that a non-leader refuses without doing anything, and that do no
 * harm when the leader does them twice because an answer was lost (the lost answer's range of
 * timestamps is merely wasted), so any server may be asked again. A request marked
 * {@link LeaderRequest.oncePerServer} is not: a server that may have acted on it without its
 * answer arriving is not asked again in the same call, nor followed to when another server
 * names it leader (src/client/lock-handle.ts says why locks need this).
 */
import { fullJitterDelay, sleep, type BackoffOptions } from './backoff.ts';
import { TimelockClosedError, TimelockProtocolError, TimelockRequestError } from './errors.ts';

/** What the attempts of one request were: how many, and the last failure per server. */
export interface AttemptLog {
  attempts: number;
  readonly lastErrorByServer: Map<string, string>;
}

/** An empty log. */
export function newAttemptLog(): AttemptLog {
  return { attempts: 0, lastErrorByServer: new Map() };
}

/** Adds the attempts of `from` to `into`; later failures replace earlier ones per server. */
export function mergeAttemptLog(into: AttemptLog, from: AttemptLog): void {
  into.attempts += from.attempts;
  for (const [server, error] of from.lastErrorByServer) into.lastErrorByServer.set(server, error);
}

/**
 * `text` as a server base URL without a trailing slash (so paths can be appended), or a
 * TypeError saying why it is not one.
 */
export function normaliseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`a server must be an http:// or https:// URL, not ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`a server must be an http:// or https:// URL, not ${JSON.stringify(text)}`);
  if (url.search !== '' || url.hash !== '')
    throw new TypeError(`a server URL takes no query or fragment: ${JSON.stringify(text)}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** What a {@link LeaderSeekingTransport} needs. */
export interface TransportOptions {
  /** Base URLs, normalised by {@link normaliseServerUrl}; at least one. */
  readonly servers: readonly string[];
  readonly requestTimeoutMs: number;
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  readonly fetch: typeof fetch;
  /** Aborts every attempt and wait when the client closes. */
  readonly closed: AbortSignal;
}

/** One request to the leader (see {@link LeaderSeekingTransport.request}). */
export interface LeaderRequest<T> {
  /** What follows a server's base URL, e.g. `/ts/orders/fresh-timestamps`. */
  readonly path: string;
  /**
   * The body of an attempt made when `serverWaitMs` is left of the time the server may wait
   * before answering (0 without {@link LeaderRequest.waitUntil}).
   */
  readonly body: (serverWaitMs: number) => string;
  /**
   * What a 200 answer means; throws (say a {@link TimelockProtocolError}) when it is not
   * valid. Every other answer is judged the same way for every request.
   */
  readonly parse: (text: string, server: string) => T;
  /** When the call gives up, as a `performance.now()` time. */
  readonly deadline: number;
  /**
   * When the server's own wait ends (a lock's acquire timeout), as a `performance.now()` time:
   * an attempt is given what is left of that wait on top of the request timeout.
   */
  readonly waitUntil?: number;
  /**
   * Whether a server that may have acted on the request without answering must not be asked
   * again in this call (see the module comment). Such an attempt also gets its whole time
   * even past the deadline: cutting it short would only leave its outcome unknown.
   */
  readonly oncePerServer?: boolean;
  /** Cancels the call, as closing the client does: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Where every attempt is recorded. */
  readonly log: AttemptLog;
}

/**
 * How a request ended, short of an error: answered (with when the attempt that was answered
 * was sent), or not, because the deadline passed or every server may have acted on a
 * {@link LeaderRequest.oncePerServer} request without answering.
 */
export type LeaderOutcome<T> =
  | {
      readonly kind: 'served';
      readonly value: T;
      readonly server: string;
      readonly sentAt: number;
    }
  | {
      readonly kind: 'not-served';
      /** Per server that may have acted on the request without answering, what happened. */
      readonly unanswered: ReadonlyMap<string, string>;
    };

/** How a fresh-timestamps request ended, short of an error. */
export type RangeOutcome =
  | {
      readonly kind: 'served';
      readonly lower: number;
      readonly upper: number;
      readonly server: string;
    }
  | { readonly kind: 'deadline-passed' };

/** What one HTTP exchange gave. */
export type Exchange =
  | { readonly kind: 'answered'; readonly status: number; readonly text: string }
  /** `sent`: whether the server may have received the request (else it surely did not). */
  | { readonly kind: 'no-answer'; readonly reason: string; readonly sent: boolean };

/** Makes requests to the leader of a cluster (see the module comment). */
export class LeaderSeekingTransport {
  /** The server that answered last, or that a follower named as leader since. */
  private knownLeader: string | undefined;

  constructor(readonly options: TransportOptions) {}

  /**
   * Asks the leader for `count` fresh timestamps of `namespace`, trying until `deadline` (a
   * `performance.now()` time), and records every attempt in `log`.
   *
   * @throws {@link TimelockRequestError} when a server refuses the request as malformed
   * @throws {@link TimelockProtocolError} when a server answers 200 with no valid range
   * @throws {@link TimelockClosedError} when the client closes meanwhile
   */
  async freshRange(
    namespace: string,
    count: number,
    deadline: number,
    log: AttemptLog,
  ): Promise<RangeOutcome> {
    const outcome = await this.request({
      path: `/ts/${encodeURIComponent(namespace)}/fresh-timestamps`,
      body: () => JSON.stringify({ n: count }),
      parse: (text, server) => rangeIn(text, count, server),
      deadline,
      log,
    });
    // Unlike a grant, a range that arrives as the client closes needs no undoing: dropped.
    if (this.options.closed.aborted) throw new TimelockClosedError();
    if (outcome.kind === 'not-served') return { kind: 'deadline-passed' };
    return { kind: 'served', ...outcome.value, server: outcome.server };
  }

  /**
   * Makes `request` to the leader (see the module comment). A 200 answer is returned even
   * when the call was cancelled while it was on its way: it may have done something, such as
   * grant a lock, that the caller must then undo.
   *
   * @throws {@link TimelockRequestError} when a server refuses the request as malformed
   * @throws what `request.parse` throws
   * @throws {@link TimelockClosedError} when the client closes meanwhile, or the reason of
   *   `request.signal`
   */
  async request<T>(request: LeaderRequest<T>): Promise<LeaderOutcome<T>> {
    const { servers, requestTimeoutMs, backoff, random, closed } = this.options;
    const { deadline, log, signal } = request;
    const cancel = signal ? AbortSignal.any([closed, signal]) : closed;
    const unanswered = new Map<string, string>();
    const rotation = new Rotation(servers, this.knownLeader);
    let server = this.knownLeader ?? rotation.next(unanswered);
    const triedThisRound = new Set<string>();
    let failedRounds = 0;
    for (;;) {
      this.throwIfCancelled(signal);
      const now = performance.now();
      if (now >= deadline) return { kind: 'not-served', unanswered };
      const serverWaitMs =
        request.waitUntil === undefined ? 0 : Math.max(0, Math.floor(request.waitUntil - now));
      log.attempts += 1;
      triedThisRound.add(server);
      const exchange = await this.exchange(
        server + request.path,
        request.body(serverWaitMs),
        serverWaitMs +
          (request.oncePerServer ? requestTimeoutMs : Math.min(requestTimeoutMs, deadline - now)),
        cancel,
      );
      if (exchange.kind === 'answered' && exchange.status === 200) {
        const value = request.parse(exchange.text, server);
        this.knownLeader = server;
        return { kind: 'served', value, server, sentAt: now };
      }
      this.throwIfCancelled(signal);
      const failure = judgeFailure(exchange, server);
      log.lastErrorByServer.set(server, failure.reason);
      if (request.oncePerServer && failure.mayHaveActed) unanswered.set(server, failure.reason);
      if (this.knownLeader === server) this.knownLeader = undefined;
      const hint =
        failure.leaderUrl !== undefined && !unanswered.has(failure.leaderUrl)
          ? failure.leaderUrl
          : undefined;
      if (hint !== undefined) this.knownLeader = hint;
      const candidates = servers.filter((s) => !unanswered.has(s));
      if (candidates.length === 0 && hint === undefined) return { kind: 'not-served', unanswered };
      // A hint to a server already tried this round is stale (two followers naming each
      // other, say); following it again would keep the other servers from being tried,
      // unless there are no others.
      server =
        hint !== undefined && (!triedThisRound.has(hint) || candidates.length === 0)
          ? rotation.jumpTo(hint)
          : rotation.next(unanswered);
      if (candidates.every((s) => triedThisRound.has(s))) {
        failedRounds += 1;
        triedThisRound.clear();
        const wait = fullJitterDelay(failedRounds, backoff, random);
        await sleep(Math.min(wait, deadline - performance.now()), cancel);
      }
    }
  }

  /** POSTs `body` to `url`, giving up after `timeoutMs` or when `cancel` fires; never throws. */
  async exchange(
    url: string,
    body: string,
    timeoutMs: number,
    cancel: AbortSignal = this.options.closed,
  ): Promise<Exchange> {
    const controller = new AbortController();
    // A timer we clear ourselves rather than AbortSignal.timeout, whose timer outlives the
    // attempt and would keep running after the call completes.
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
 * What an exchange other than a 200 means: why the server did not serve (with the leader's
 * URL when a follower named one), and whether it may have acted on the request all the same.
 * Only a 503 and a connection never made prove it did not.
 *
 * @throws {@link TimelockRequestError} on a 4xx
 */
function judgeFailure(
  exchange: Exchange,
  server: string,
): { reason: string; leaderUrl?: string; mayHaveActed: boolean } {
  if (exchange.kind === 'no-answer')
    return { reason: exchange.reason, mayHaveActed: exchange.sent };
  const { status, text } = exchange;
  if (status >= 400 && status < 500) throw new TimelockRequestError(status, errorIn(text), server);
  const leaderUrl = status === 503 ? leaderUrlIn(text) : undefined;
  const mayHaveActed = status !== 503;
  if (leaderUrl !== undefined)
    return { reason: `not the leader (leader: ${leaderUrl})`, leaderUrl, mayHaveActed };
  return { reason: `HTTP ${status}: ${errorIn(text)}`, mayHaveActed };
}

/** @throws {@link TimelockProtocolError} unless `text` is a range of 1 to `count` timestamps */
function rangeIn(text: string, count: number, server: string): { lower: number; upper: number } {
  const { lower, upper } = (parseJson(text) ?? {}) as { lower?: unknown; upper?: unknown };
  if (!Number.isSafeInteger(lower) || !Number.isSafeInteger(upper))
    throw new TimelockProtocolError(
      server,
      `expected {"lower": integer, "upper": integer}, got ${abbreviate(text)}`,
    );
  const [first, last] = [lower as number, upper as number];
  if (last < first)
    throw new TimelockProtocolError(server, `the range [${first}, ${last}] ends before it starts`);
  if (last - first + 1 > count)
    throw new TimelockProtocolError(
      server,
      `the range [${first}, ${last}] holds ${last - first + 1} timestamps; ${count} were asked for`,
    );
  return { lower: first, upper: last };
}

/** The server's `error` field, or the body itself when it has none. */
export function errorIn(text: string): string {
  const error = (parseJson(text) as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : abbreviate(text);
}

/** A non-leader's hint, when it names a usable URL. */
function leaderUrlIn(text: string): string | undefined {
  const hint = (parseJson(text) as { leaderUrl?: unknown } | undefined)?.leaderUrl;
  if (typeof hint !== 'string') return undefined;
  try {
    return normaliseServerUrl(hint);
  } catch {
    return undefined;
  }
}

/** `text` parsed as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `text` quoted for a message, cut short when long. */
export function abbreviate(text: string): string {
  if (text.trim() === '') return '(an empty body)';
  return text.length > 200 ? `${JSON.stringify(text.slice(0, 200))}...` : JSON.stringify(text);
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

/** Undici reports every network failure as "fetch failed"; the cause says which. */
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
