/**
 * `timelock lock`: takes a lock from a running cluster through the client library, prints its
 * id, fencing token and term, keeps it (the handle refreshes its lease) for a while or until
 * Ctrl-C/SIGTERM, and releases it. Exits non-zero when the lock is not granted or is lost.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  DEFAULT_ACQUIRE_MS,
  DEFAULT_LEASE_MS,
  LockLostError,
  LockOutcomeUnknownError,
  LockTimeoutError,
  MAX_ACQUIRE_MS,
  MAX_LEASE_MS,
  MIN_LEASE_MS,
  TimelockUnavailableError,
  type LockHandle,
  type TimelockClient,
} from '../src/client/timelock-client.ts';
import { parseDuration } from './chaos.ts';
import {
  clusterClient,
  DEFAULT_TIMEOUT_MS,
  NO_SERVERS,
  SERVERS_ENV,
  SERVERS_HELP,
  serverUrls,
} from './options.ts';

/**
 * Exit codes: held and released; failed (bad option, refused request, invalid answer); no
 * server available, or the grant's outcome unknown; not granted in time; lost while held.
 * Interrupted before the grant: 128 + the signal's number, as shells report it.
 */
export const LOCK_EXIT = {
  released: 0,
  failed: 1,
  unavailable: 3,
  notGranted: 4,
  lost: 5,
  interrupted: { SIGINT: 130, SIGTERM: 143 },
} as const;

interface LockFlags {
  namespace: string;
  descriptor: string[];
  hold?: number;
  servers?: string;
  acquireTimeout: number;
  lease: number;
  timeout: number;
  json?: boolean;
}

/** A commander parser for a duration option within [min, max] milliseconds. */
function durationWithin(option: string, min: number, max: number): (text: string) => number {
  const parse = parseDuration(option);
  return (text) => {
    const ms = parse(text);
    if (ms < min || ms > max)
      throw new InvalidArgumentError(`${option} must be from ${min} ms to ${max} ms, not ${ms} ms`);
    return ms;
  };
}

const seconds = (ms: number) => `${ms / 1000}s`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `lock` to the `timelock` program. */
export function registerLock(program: Command): void {
  program
    .command('lock')
    .description('take a lock from a running Timelock cluster, hold it, and release it')
    .requiredOption('--namespace <ns>', 'the namespace of the lock ([A-Za-z0-9_-]{1,128})')
    .requiredOption(
      '--descriptor <d>',
      'what to lock (repeat for several, all taken at once; 1..1024 printable ASCII characters)',
      collect,
    )
    .option(
      '--hold <time>',
      'how long to hold the lock, e.g. 30s, 5m, 1500ms (default: until Ctrl-C or SIGTERM)',
      durationWithin('--hold', 0, Number.MAX_SAFE_INTEGER),
    )
    .option('--servers <urls>', SERVERS_HELP)
    .addOption(
      new Option(
        '--acquire-timeout <time>',
        'how long the leader may wait for the descriptors to be free (0 to 60s)',
      )
        .argParser(durationWithin('--acquire-timeout', 0, MAX_ACQUIRE_MS))
        .default(DEFAULT_ACQUIRE_MS, seconds(DEFAULT_ACQUIRE_MS)),
    )
    .addOption(
      new Option(
        '--lease <time>',
        'how long the lock lasts unrefreshed; it is refreshed every third of it (100ms to 60s)',
      )
        .argParser(durationWithin('--lease', MIN_LEASE_MS, MAX_LEASE_MS))
        .default(DEFAULT_LEASE_MS, seconds(DEFAULT_LEASE_MS)),
    )
    .addOption(
      new Option(
        '--timeout <time>',
        'give up when no server has answered within this long (or --acquire-timeout, if longer)',
      )
        .argParser(durationWithin('--timeout', 1, Number.MAX_SAFE_INTEGER))
        .default(DEFAULT_TIMEOUT_MS, seconds(DEFAULT_TIMEOUT_MS)),
    )
    .option('--json', 'print the grant, then how it ended, as one JSON object per line')
    .addHelpText(
      'after',
      `
Prints the lock id, the fencing token (pass it to whatever the lock guards, so that a holder
that lost the lock is refused) and the election term. The lock is refreshed in the background;
if it is lost meanwhile (the leader no longer has it, or no refresh succeeded for a lease),
the command says so at once and exits ${LOCK_EXIT.lost}. Bare numbers in durations are seconds.

Exit code: ${LOCK_EXIT.released} when held for --hold (or until Ctrl-C/SIGTERM) and released; ${LOCK_EXIT.failed} on a bad option, a
request a server refused, or an answer that breaks the protocol; ${LOCK_EXIT.unavailable} when no server answered
in time (or one got the request and went silent: it may have granted a lock to nobody, which
expires after its lease); ${LOCK_EXIT.notGranted} when others held a descriptor for all of --acquire-timeout; ${LOCK_EXIT.lost} when
the lock was lost while held; ${LOCK_EXIT.interrupted.SIGINT} or ${LOCK_EXIT.interrupted.SIGTERM} when interrupted before it was granted.

Examples:
  timelock lock --namespace orders --descriptor row-17 --hold 30s --servers http://127.0.0.1:7001,http://127.0.0.1:7002
  ${SERVERS_ENV}=http://10.0.0.1:7001 timelock lock --namespace orders --descriptor a --descriptor b --json
  timelock lock --namespace jobs --descriptor nightly --acquire-timeout 0 --lease 30s   # try once, hold until Ctrl-C`,
    )
    .action(async (flags: LockFlags) => {
      process.exitCode = await runLock(flags);
    });
}

type Say = (line: string) => void;

async function runLock(flags: LockFlags): Promise<number> {
  const say: Say = (line) => process.stderr.write(`timelock lock: ${line}\n`);
  const servers = serverUrls(flags.servers);
  if (servers.length === 0) {
    say(NO_SERVERS);
    return LOCK_EXIT.failed;
  }
  const stop = new AbortController();
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => stop.abort(signal);
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  let client: TimelockClient | undefined;
  try {
    client = clusterClient(servers, flags.timeout);
    let handle: LockHandle;
    try {
      handle = await client.lock(flags.namespace, flags.descriptor, {
        acquireTimeoutMs: flags.acquireTimeout,
        leaseMs: flags.lease,
        signal: stop.signal,
      });
    } catch (e) {
      if (stop.signal.aborted) {
        say(`interrupted (${String(stop.signal.reason)}) before the lock was granted`);
        return LOCK_EXIT.interrupted[stop.signal.reason as 'SIGINT' | 'SIGTERM'];
      }
      say(e instanceof Error ? e.message : String(e));
      return exitCodeOf(e);
    }
    printGrant(handle, flags);
    return await holdThenRelease(handle, flags, stop.signal, say);
  } catch (e) {
    say(e instanceof Error ? e.message : String(e));
    return LOCK_EXIT.failed;
  } finally {
    for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
    client?.close();
  }
}

function exitCodeOf(e: unknown): number {
  if (e instanceof LockTimeoutError) return LOCK_EXIT.notGranted;
  if (e instanceof TimelockUnavailableError || e instanceof LockOutcomeUnknownError)
    return LOCK_EXIT.unavailable;
  if (e instanceof LockLostError) return LOCK_EXIT.lost;
  return LOCK_EXIT.failed;
}

function printGrant(handle: LockHandle, flags: LockFlags): void {
  if (flags.json) {
    const grant = {
      granted: true,
      namespace: handle.namespace,
      descriptors: handle.descriptors,
      lockId: handle.lockId,
      fencingToken: handle.fencingToken,
      term: handle.term,
      leaseMs: handle.leaseMs,
      server: handle.server,
    };
    process.stdout.write(JSON.stringify(grant) + '\n');
    return;
  }
  process.stdout.write(
    `lock id        ${handle.lockId}\n` +
      `fencing token  ${handle.fencingToken}\n` +
      `term           ${handle.term}\n`,
  );
}

/**
 * Waits for the end of --hold, a signal, or the loss of the lock, whichever comes first, then
 * releases. The wait keeps a timer that holds the process open: the handle's own timers do not.
 */
async function holdThenRelease(
  handle: LockHandle,
  flags: LockFlags,
  stop: AbortSignal,
  say: Say,
): Promise<number> {
  const heldFrom = performance.now();
  if (!flags.json)
    say(
      `holding ${flags.hold === undefined ? 'until Ctrl-C or SIGTERM' : `for ${flags.hold} ms`}` +
        ` (lease ${handle.leaseMs} ms, refreshed every ${Math.round(handle.leaseMs / 3)} ms at ${handle.server})`,
    );
  const ended = await new Promise<'held' | 'stopped' | 'lost'>((resolve) => {
    const timer =
      flags.hold === undefined
        ? setInterval(() => {}, 1 << 30)
        : setTimeout(() => finish('held'), flags.hold);
    const onStop = () => finish('stopped');
    const onLoss = () => finish('lost');
    function finish(how: 'held' | 'stopped' | 'lost') {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      handle.signal.removeEventListener('abort', onLoss);
      resolve(how);
    }
    if (handle.signal.aborted) return finish('lost');
    if (stop.aborted) return finish('stopped');
    stop.addEventListener('abort', onStop);
    handle.signal.addEventListener('abort', onLoss);
  });
  const heldMs = Math.round(performance.now() - heldFrom);
  // Whatever the end, the server should forget the lock now rather than at the lease's end.
  await handle.release();
  if (ended === 'lost') {
    const reason = handle.signal.reason as Error;
    if (flags.json)
      process.stdout.write(JSON.stringify({ lost: true, reason: reason.message, heldMs }) + '\n');
    say(reason.message);
    return LOCK_EXIT.lost;
  }
  if (flags.json) process.stdout.write(JSON.stringify({ released: true, heldMs }) + '\n');
  else say(`released after ${heldMs} ms${ended === 'stopped' ? ` (${String(stop.reason)})` : ''}`);
  return LOCK_EXIT.released;
}
