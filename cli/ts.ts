/**
 * `timelock ts`: fresh timestamps from a running cluster, through the client library
 * (src/client/timelock-client.ts), which finds the leader and retries until the timeout.
 */
import type { Command } from 'commander';
import {
  MAX_RANGE,
  TimelockUnavailableError,
  type TimelockClient,
  type TimestampRange,
} from '../src/client/timelock-client.ts';
import {
  clusterClient,
  DEFAULT_TIMEOUT_MS,
  MAX_ATTEMPT_MS,
  NO_SERVERS,
  SERVERS_ENV,
  SERVERS_HELP,
  serverUrls,
} from './options.ts';
import { wholeNumber } from './simulate.ts';

/** Exit codes: served, failed (bad option, refused or invalid answer), no server available. */
export const TS_EXIT = { served: 0, failed: 1, unavailable: 3 } as const;

interface TsFlags {
  namespace: string;
  count: number;
  servers?: string;
  timeoutMs: number;
  json?: boolean;
}

/** Adds `ts` to the `timelock` program. */
export function registerTs(program: Command): void {
  program
    .command('ts')
    .description('get fresh timestamps from a running Timelock cluster')
    .requiredOption('--namespace <ns>', 'the namespace to get timestamps of ([A-Za-z0-9_-]{1,128})')
    .option(
      '-n, --count <n>',
      `how many consecutive timestamps, 1..${MAX_RANGE}`,
      wholeNumber('-n', 1, MAX_RANGE),
      1,
    )
    .option('--servers <urls>', SERVERS_HELP)
    .option(
      '--timeout-ms <ms>',
      'give up when no server has answered within this long, retries included',
      wholeNumber('--timeout-ms', 1),
      DEFAULT_TIMEOUT_MS,
    )
    .option('--json', 'print {"lower": first, "upper": last} as JSON')
    .addHelpText(
      'after',
      `
Prints the timestamp, or with -n above 1 the first and last of the range ("lower upper").
The servers are asked in turn, following a follower's hint to the leader, until one hands
out timestamps; each attempt takes at most ${MAX_ATTEMPT_MS} ms (less with a smaller --timeout-ms).

Exit code: ${TS_EXIT.served} when served; ${TS_EXIT.failed} on a bad option, a request a server refused, or an answer
that breaks the protocol (e.g. timestamps going backwards); ${TS_EXIT.unavailable} when no server handed out
timestamps within --timeout-ms (the message gives each server's last error).

Examples:
  timelock ts --namespace orders --servers http://127.0.0.1:7001,http://127.0.0.1:7002
  ${SERVERS_ENV}=http://10.0.0.1:7001,http://10.0.0.2:7001 timelock ts --namespace orders -n 100 --json`,
    )
    .action(async (flags: TsFlags) => {
      process.exitCode = await runTs(flags);
    });
}

async function runTs(flags: TsFlags): Promise<number> {
  const servers = serverUrls(flags.servers);
  if (servers.length === 0) {
    process.stderr.write(`timelock ts: ${NO_SERVERS}\n`);
    return TS_EXIT.failed;
  }
  let client: TimelockClient | undefined;
  try {
    client = clusterClient(servers, flags.timeoutMs);
    const range = await client.freshTimestamps(flags.namespace, flags.count);
    process.stdout.write(formatRange(range, flags.json === true) + '\n');
    return TS_EXIT.served;
  } catch (e) {
    process.stderr.write(`timelock ts: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof TimelockUnavailableError ? TS_EXIT.unavailable : TS_EXIT.failed;
  } finally {
    client?.close();
  }
}

function formatRange(range: TimestampRange, json: boolean): string {
  if (json) return JSON.stringify({ lower: range.lower, upper: range.upper });
  return range.lower === range.upper ? `${range.lower}` : `${range.lower} ${range.upper}`;
}
