/**
 * One fresh-timestamps request to a cluster, made to whichever server is the leader: start
 * from the last known leader, follow a follower's hint to the leader, move on round-robin
 * from servers that are down, slow or without a leader, and back off between rounds of
 * failures until the deadline. Requests are POSTs that a non-leader refuses without handing
 * out anything, so retrying them elsewhere is safe; a lost answer only wastes its range.
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

/** How a request ended, short of an error: a range, or the deadline passed first. */
export type RangeOutcome =
  | {
      readonly kind: 'served';
      readonly lower: number;
      readonly upper: number;
      readonly server: string;
    }
  | { readonly kind: 'deadline-passed' };

/** What one attempt's HTTP exchange gave. */
type Exchange =
  | { readonly kind: 'answered'; readonly status: number; readonly text: string }
  | { readonly kind: 'no-answer'; readonly reason: string };

/** What one attempt means for the request. */
type Verdict =
  | { readonly kind: 'served'; readonly lower: number; readonly upper: number }
  | { readonly kind: 'not-served'; readonly reason: string; readonly leaderUrl?: string };

/** Makes fresh-timestamps requests to the leader of a cluster (see the module comment). */
export class LeaderSeekingTransport {
  /** The server that served last, or that a follower named as leader since. */
  private knownLeader: string | undefined;

  constructor(private readonly options: TransportOptions) {}

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
    const { servers, requestTimeoutMs, backoff, random, closed } = this.options;
    const path = `/ts/${encodeURIComponent(namespace)}/fresh-timestamps`;
    const body = JSON.stringify({ n: count });
    const rotation = new Rotation(servers, this.knownLeader);
    let server = this.knownLeader ?? rotation.next();
    const triedThisRound = new Set<string>();
    let failedRounds = 0;
    for (;;) {
      if (closed.aborted) throw new TimelockClosedError();
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { kind: 'deadline-passed' };
      log.attempts += 1;
      triedThisRound.add(server);
      const exchange = await this.exchange(
        server + path,
        body,
        Math.min(requestTimeoutMs, remaining),
      );
      if (closed.aborted) throw new TimelockClosedError();
      const verdict = judge(exchange, count, server);
      if (verdict.kind === 'served') {
        this.knownLeader = server;
        return { kind: 'served', lower: verdict.lower, upper: verdict.upper, server };
      }
      log.lastErrorByServer.set(server, verdict.reason);
      if (this.knownLeader === server) this.knownLeader = undefined;
      if (verdict.leaderUrl !== undefined) this.knownLeader = verdict.leaderUrl;
      // A hint to a server already tried this round is stale (two followers naming each
      // other, say); following it again would keep the other servers from being tried.
      server =
        verdict.leaderUrl !== undefined && !triedThisRound.has(verdict.leaderUrl)
          ? rotation.jumpTo(verdict.leaderUrl)
          : rotation.next();
      if (servers.every((s) => triedThisRound.has(s))) {
        failedRounds += 1;
        triedThisRound.clear();
        const wait = fullJitterDelay(failedRounds, backoff, random);
        await sleep(Math.min(wait, deadline - performance.now()), closed);
      }
    }
  }

  /** POSTs `body` to `url`, giving up after `timeoutMs`; never throws. */
  private async exchange(url: string, body: string, timeoutMs: number): Promise<Exchange> {
    const controller = new AbortController();
    // A timer we clear ourselves rather than AbortSignal.timeout, whose timer outlives the
    // attempt and would keep running after the call completes.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const abortOnClose = () => controller.abort();
    this.options.closed.addEventListener('abort', abortOnClose, { once: true });
    try {
      const response = await this.options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: controller.signal,
      });
      return { kind: 'answered', status: response.status, text: await response.text() };
    } catch (e) {
      return {
        kind: 'no-answer',
        reason: controller.signal.aborted
          ? `no answer within ${Math.ceil(timeoutMs)} ms`
          : describeNetworkError(e),
      };
    } finally {
      clearTimeout(timer);
      this.options.closed.removeEventListener('abort', abortOnClose);
    }
  }
}

/** Round-robin over the configured servers, remembering where the last jump landed. */
class Rotation {
  private index: number;

  constructor(
    private readonly servers: readonly string[],
    start: string | undefined,
  ) {
    this.index = start === undefined ? -1 : servers.indexOf(start);
  }

  /** The server after the current one. */
  next(): string {
    this.index = (this.index + 1) % this.servers.length;
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
 * What an exchange means: a range, or a failure to note (with the leader's URL when a
 * follower named one).
 *
 * @throws {@link TimelockRequestError} on a 4xx
 * @throws {@link TimelockProtocolError} on a 200 without a valid range of at most `count`
 */
function judge(exchange: Exchange, count: number, server: string): Verdict {
  if (exchange.kind === 'no-answer') return { kind: 'not-served', reason: exchange.reason };
  const { status, text } = exchange;
  if (status === 200) return { kind: 'served', ...rangeIn(text, count, server) };
  if (status >= 400 && status < 500) throw new TimelockRequestError(status, errorIn(text), server);
  const leaderUrl = status === 503 ? leaderUrlIn(text) : undefined;
  if (leaderUrl !== undefined)
    return { kind: 'not-served', reason: `not the leader (leader: ${leaderUrl})`, leaderUrl };
  return { kind: 'not-served', reason: `HTTP ${status}: ${errorIn(text)}` };
}

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
function errorIn(text: string): string {
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

/** Undici reports every network failure as "fetch failed"; the cause says which. */
function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  if (typeof cause?.message === 'string') return `connection failed (${cause.message})`;
  return `connection failed (${e instanceof Error ? e.message : String(e)})`;
}
