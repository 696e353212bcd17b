/**
 * What the commands that talk to a running cluster (`timelock ts`, `timelock lock`) have in
 * common: how they are told where the servers are, and how patient their client is.
 */
import { TimelockClient } from '../src/client/timelock-client.ts';

/** Where the servers are read from when --servers is not given. */
export const SERVERS_ENV = 'TIMELOCK_SERVERS';

/** The help text of --servers. */
export const SERVERS_HELP = `comma-separated base URLs of the servers, any of them the leader (default: $${SERVERS_ENV})`;

/** What to say when neither --servers nor the environment names a server. */
export const NO_SERVERS = `no servers; give --servers URL,URL,... or set ${SERVERS_ENV}`;

/** How long a command waits for the cluster unless told otherwise, retries included. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The longest an attempt on one server waits for its answer (beyond any wait the server was
 * allowed, such as a lock's): a silent server must not use up the whole timeout.
 */
export const MAX_ATTEMPT_MS = 1000;

/** The URLs `servers` lists (a --servers value), else those of {@link SERVERS_ENV}; maybe none. */
export function serverUrls(servers: string | undefined): string[] {
  return (servers ?? process.env[SERVERS_ENV] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
}

/**
 * A client of `servers` whose calls give up after `timeoutMs`.
 *
 * @throws TypeError when a server is not an http(s) URL
 */
export function clusterClient(servers: readonly string[], timeoutMs: number): TimelockClient {
  return new TimelockClient({
    servers,
    deadlineMs: timeoutMs,
    requestTimeoutMs: Math.min(MAX_ATTEMPT_MS, timeoutMs),
  });
}
