/**
 * The errors a {@link TimelockClient} call can end with. Each says what a caller can do about
 * it: retry later (unavailable), fix the request (refused), or stop trusting the cluster
 * (protocol violation, regression).
 */
/** Base class of every error a {@link TimelockClient} reports (besides argument errors). */
export class TimelockClientError extends Error {
  override name = 'TimelockClientError';
}

/**
 * No server handed out timestamps before the call's deadline: every server was unreachable,
 * too slow, without a leader, or pointed at a leader that did not answer either. Retrying
 * later may succeed.
 */
export class TimelockUnavailableError extends TimelockClientError {
  override name = 'TimelockUnavailableError';

  /**
   * @param namespace - the namespace asked for
   * @param attempts - how many HTTP requests were made for the call
   * @param lastErrorByServer - per server URL, why its last attempt failed (in the order
   *   the servers were first tried)
   * @param deadlineMs - the call's deadline, for the message
   * @param served - what no server did, for the message
   */
  constructor(
    readonly namespace: string,
    readonly attempts: number,
    readonly lastErrorByServer: ReadonlyMap<string, string>,
    readonly deadlineMs: number,
    served = 'handed out timestamps',
  ) {
    super(
      `no Timelock server ${served} for namespace "${namespace}" within ` +
        `${deadlineMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'})` +
        (lastErrorByServer.size > 0 ? `; last errors: ${perServer(lastErrorByServer)}` : ''),
    );
  }
}

/**
 * A server refused the request as malformed (HTTP 4xx). Retrying the same request cannot
 * succeed, so none is made.
 */
export class TimelockRequestError extends TimelockClientError {
  override name = 'TimelockRequestError';

  /**
   * @param status - the HTTP status the server answered with
   * @param serverError - the server's explanation (its `error` field, or the raw body)
   * @param server - the URL of the server that refused
   */
  constructor(
    readonly status: number,
    readonly serverError: string,
    readonly server: string,
  ) {
    super(`${server} refused the request with HTTP ${status}: ${serverError}`);
  }
}

/**
 * A server answered 200 with something that is not a valid range for the request: not JSON,
 * not two safe integers, upper below lower, or more timestamps than asked for. The cluster is
 * not speaking the protocol, so the answer is not used and no other server is tried.
 */
export class TimelockProtocolError extends TimelockClientError {
  override name = 'TimelockProtocolError';

  /**
   * @param server - the URL of the server that answered
   * @param problem - what is wrong with the answer
   * @param protocol - which protocol, for the message
   */
  constructor(
    readonly server: string,
    readonly problem: string,
    protocol: 'timestamp' | 'lock' = 'timestamp',
  ) {
    super(`${server} violated the ${protocol} protocol: ${problem}`);
  }
}

/**
 * A server handed out a range that does not lie above every timestamp this client was given
 * before for the namespace. Timestamps would no longer be unique and increasing, so the
 * range is handed to no caller.
 */
export class TimestampRegressionError extends TimelockClientError {
  override name = 'TimestampRegressionError';

  /**
   * @param namespace - the namespace of the range
   * @param server - the URL of the server that handed it out
   * @param lower - the range's first timestamp
   * @param upper - the range's last timestamp
   * @param previousGreatest - the greatest timestamp handed to this client before
   */
  constructor(
    readonly namespace: string,
    readonly server: string,
    readonly lower: number,
    readonly upper: number,
    readonly previousGreatest: number,
  ) {
    super(
      `${server} handed out [${lower}, ${upper}] for namespace "${namespace}", but ` +
        `${previousGreatest} was handed out before: timestamps went backwards`,
    );
  }
}

/** The call was pending when {@link TimelockClient.close} was called, or came after it. */
export class TimelockClosedError extends TimelockClientError {
  override name = 'TimelockClosedError';

  constructor() {
    super('the TimelockClient is closed');
  }
}

/**
 * The lock was not granted: the server waited the acquire timeout while others held one of
 * its descriptors. Nothing is held; trying again later may succeed.
 */
export class LockTimeoutError extends TimelockClientError {
  override name = 'LockTimeoutError';

  /**
   * @param namespace - the namespace of the lock
   * @param descriptors - what was asked for
   * @param acquireTimeoutMs - how long the call was willing to wait
   * @param server - the URL of the leader that refused
   * @param reason - the leader's explanation
   */
  constructor(
    readonly namespace: string,
    readonly descriptors: readonly string[],
    readonly acquireTimeoutMs: number,
    readonly server: string,
    readonly reason: string,
  ) {
    super(
      `the lock on ${describeDescriptors(descriptors)} in namespace "${namespace}" was not ` +
        `granted within ${acquireTimeoutMs} ms (${server}: ${reason})`,
    );
  }
}

/**
 * A lock request reached a server that then gave no answer (it went silent, dropped the
 * connection or failed), so it may have granted a lock whose id nobody knows. Such a lock is
 * never refreshed and expires after its lease; until then it blocks its descriptors. The
 * client does not ask that server again in the same call (see {@link TimelockClient.lock}).
 */
export class LockOutcomeUnknownError extends TimelockClientError {
  override name = 'LockOutcomeUnknownError';

  /**
   * @param namespace - the namespace of the lock
   * @param leaseMs - the lease asked for: how long a lock granted to nobody can block others
   * @param unanswered - per server that got the request but gave no answer, what happened
   * @param lastErrorByServer - per server URL, why its last attempt failed
   */
  constructor(
    readonly namespace: string,
    readonly leaseMs: number,
    readonly unanswered: ReadonlyMap<string, string>,
    readonly lastErrorByServer: ReadonlyMap<string, string>,
  ) {
    const others = [...lastErrorByServer].filter(([url]) => !unanswered.has(url));
    super(
      `a lock request in namespace "${namespace}" got no answer (${perServer(unanswered)}); ` +
        `it may have been granted to nobody, in which case it expires within ${leaseMs} ms` +
        (others.length > 0 ? `; other servers: ${perServer(others)}` : ''),
    );
  }
}

/** Why a {@link LockHandle} stopped proving its lease. */
export type LockLossCause = 'refused' | 'expired' | 'leader-changed';

/**
 * The reason a {@link LockHandle}'s signal fires when the lock is lost: the leader answered a
 * refresh without the lock (`refused`), no refresh sent within the last lease succeeded
 * (`expired`), or the granting server named another leader (`leader-changed`; locks live at
 * the leader and end with its leadership). Work fenced by the lock must stop.
 */
export class LockLostError extends TimelockClientError {
  override name = 'LockLostError';

  /**
   * @param lockId - the lost lock
   * @param lossCause - why it counts as lost
   * @param detail - what the client saw, for the message
   */
  constructor(
    readonly lockId: string,
    readonly lossCause: LockLossCause,
    detail: string,
  ) {
    super(`lock ${lockId} lost: ${detail}`);
  }
}

/** The reason a {@link LockHandle}'s signal fires when its holder releases it. */
export class LockReleasedError extends TimelockClientError {
  override name = 'LockReleasedError';

  /** @param lockId - the released lock */
  constructor(readonly lockId: string) {
    super(`lock ${lockId} was released`);
  }
}

/** Each server's URL with what it did, for a message. */
function perServer(errors: Iterable<readonly [string, string]>): string {
  return [...errors].map(([url, error]) => `${url}: ${error}`).join('; ');
}

function describeDescriptors(descriptors: readonly string[]): string {
  const shown = descriptors
    .slice(0, 3)
    .map((d) => JSON.stringify(d.length > 60 ? d.slice(0, 60) + '...' : d));
  return descriptors.length > 3
    ? `${shown.join(', ')} and ${descriptors.length - 3} more`
    : shown.join(', ');
}
