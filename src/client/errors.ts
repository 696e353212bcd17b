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
   */
  constructor(
    readonly namespace: string,
    readonly attempts: number,
    readonly lastErrorByServer: ReadonlyMap<string, string>,
    readonly deadlineMs: number,
  ) {
    const perServer = [...lastErrorByServer].map(([url, error]) => `${url}: ${error}`);
    super(
      `no Timelock server handed out timestamps for namespace "${namespace}" within ` +
        `${deadlineMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'})` +
        (perServer.length > 0 ? `; last errors: ${perServer.join('; ')}` : ''),
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
   */
  constructor(
    readonly server: string,
    readonly problem: string,
  ) {
    super(`${server} violated the timestamp protocol: ${problem}`);
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
