/**
 * `timelock serve`: runs one Timelock server until SIGINT or SIGTERM. Settings come from flags
 * or a JSON config file (`--config`), flags winning; logs are pino JSON lines on stdout.
 */
import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { BootError } from '../src/cluster/boot.ts';
import { DEFAULT_BOUND_STEP, TimelockNode } from '../src/cluster/timelock-node.ts';
import type { ServerRules } from '../src/server/server.ts';
import { DataFolderError } from '../src/storage/sqlite-store.ts';
import { TraceFileError } from '../src/trace/trace-file.ts';
import { wholeNumber } from './simulate.ts';

/** Exit codes: stopped by a signal, bad settings, unusable data folder or trace, a failed step. */
export const SERVE_EXIT = { stopped: 0, badSettings: 2, badState: 3, failed: 70 } as const;

/** The shortest cluster secret accepted. */
const MIN_SECRET_BYTES = 16;

interface ServeSettings {
  id?: number;
  data?: string;
  listen?: string;
  peers?: string;
  secretFile?: string;
  trace?: string;
  boundStep?: number;
  logLevel?: string;
  peerRoutes?: string;
  faultControl?: string;
}

class SettingsError extends Error {}

/** `1=http://127.0.0.1:7001,2=...` as a map from server number to base URL. */
export function parsePeers(text: string, flag = '--peers'): Map<number, string> {
  const peers = new Map<number, string>();
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*(\d+)\s*=\s*(http:\/\/[^\s,]+?)\/?\s*$/.exec(part);
    if (!m)
      throw new SettingsError(`${flag}: expected N=http://host:port, got ${JSON.stringify(part)}`);
    const id = Number(m[1]);
    if (peers.has(id)) throw new SettingsError(`${flag}: server ${id} is listed twice`);
    peers.set(id, m[2]);
  }
  const ids = [...peers.keys()].sort((a, b) => a - b);
  if (ids.length === 0 || ids.some((id, i) => id !== i + 1))
    throw new SettingsError(
      `${flag} must list servers 1..N, each once (got ${ids.join(', ') || 'none'})`,
    );
  return peers;
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new SettingsError(`--listen: expected HOST:PORT or PORT, got ${JSON.stringify(text)}`);
  return { host: m[1] || '127.0.0.1', port };
}

function readConfig(file: string): ServeSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SettingsError(`--config ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SettingsError(`--config ${file}: expected a JSON object`);
  const known = [
    'id',
    'data',
    'listen',
    'peers',
    'secretFile',
    'trace',
    'boundStep',
    'logLevel',
    'peerRoutes',
    'faultControl',
  ];
  for (const key of Object.keys(parsed))
    if (!known.includes(key))
      throw new SettingsError(
        `--config ${file}: unknown setting ${JSON.stringify(key)} (known: ${known.join(', ')})`,
      );
  return parsed as ServeSettings;
}

function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined)
    throw new SettingsError(`${flag} is required (as a flag or in --config)`);
  return value;
}

function readSecret(file: string): Buffer {
  let secret: Buffer;
  try {
    secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  } catch (e) {
    throw new SettingsError(`--secret-file ${file}: ${(e as Error).message}`);
  }
  if (secret.length < MIN_SECRET_BYTES)
    throw new SettingsError(
      `--secret-file ${file}: the cluster secret must be at least ${MIN_SECRET_BYTES} bytes`,
    );
  return secret;
}

/**
 * What a test may build into a server beyond its settings: faulty protocol rules, to see a
 * campaign catch them. Never reachable from the command line.
 */
export interface ServeInjection {
  readonly rules?: ServerRules;
}

async function serve(
  flags: ServeSettings & { config?: string },
  injection: ServeInjection,
): Promise<void> {
  const fromFile = flags.config ? readConfig(flags.config) : {};
  const s: ServeSettings = { ...fromFile, ...stripUndefined(flags) };
  const servers = parsePeers(required(s.peers, '--peers'));
  const peerRoutes = s.peerRoutes ? parsePeers(s.peerRoutes, '--peer-routes') : undefined;
  if (peerRoutes && [...servers.keys()].some((id) => !peerRoutes.has(id)))
    throw new SettingsError('--peer-routes must list the same servers as --peers');
  const self = required(s.id, '--id');
  if (!servers.has(self))
    throw new SettingsError(`--id ${self} is not one of the servers in --peers`);
  const logger = pino({ level: s.logLevel ?? 'info', base: { server: self } });
  const node = await TimelockNode.start({
    self,
    servers,
    listen: parseListen(s.listen ?? new URL(servers.get(self)!).port),
    dataDir: required(s.data, '--data'),
    secret: readSecret(required(s.secretFile, '--secret-file')),
    ...(s.trace ? { tracePath: s.trace } : {}),
    ...(peerRoutes ? { peerRoutes } : {}),
    ...(s.faultControl ? { faultControlPath: s.faultControl } : {}),
    ...(injection.rules ? { rules: injection.rules } : {}),
    boundStep: s.boundStep ?? DEFAULT_BOUND_STEP,
    logger,
    onFatal: () => process.exit(SERVE_EXIT.failed),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    void node.stop().then(() => process.exit(SERVE_EXIT.stopped));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function registerServe(program: Command, injection: ServeInjection = {}): void {
  program
    .command('serve')
    .description(
      'Run one Timelock server: Paxos leader election and per-namespace timestamp bounds, locks from the leader, with durable acceptors in --data, peers over authenticated HTTP, and the client API on the same listener.',
    )
    .option('--config <file>', 'a JSON file with any of the settings below (flags win)')
    .option('--id <n>', 'this server’s number in --peers', wholeNumber('--id', 1))
    .option('--data <dir>', 'data folder (SQLite); one server per folder, locked while running')
    .option('--listen <host:port>', 'where to listen (default: the port of this server in --peers)')
    .option(
      '--peers <list>',
      'every server of the cluster, this one included: 1=http://127.0.0.1:7001,2=...',
    )
    .option('--secret-file <file>', `the cluster secret (at least ${MIN_SECRET_BYTES} bytes)`)
    .option('--trace <file>', 'write this server’s NDJSON trace here (continued across restarts)')
    .option(
      '--peer-routes <list>',
      'send peer messages here instead of to --peers (e.g. through proxies): 1=http://...,2=...',
    )
    .option(
      '--fault-control <file>',
      'for fault campaigns: a JSON file read while running; {"diskDelayMs": N} makes every durable acceptor write N ms slower',
    )
    .option(
      '--bound-step <n>',
      `how far a timestamp bound is extended at a time (default ${DEFAULT_BOUND_STEP})`,
      wholeNumber('--bound-step', 1),
    )
    .addOption(
      new Option('--log-level <level>', 'pino log level').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'silent',
      ]),
    )
    .addHelpText(
      'after',
      `
Endpoints: POST /ts/{namespace}/fresh-timestamp, POST /ts/{namespace}/fresh-timestamps {"n": N};
locks (held in the leader's memory, fenced by the namespace's timestamps; docs/locks.md):
POST /lock/{namespace}/lock {"descriptors": [...], "acquireTimeoutMs"?, "leaseMs"?},
/wait-for-locks, /refresh {"lockIds": [...]}, /unlock {"lockIds": [...]},
/lock-immutable-timestamp, /immutable-timestamp;
GET /leader, /status, /health, /metrics (Prometheus); peers POST /peer.

Exit codes: ${SERVE_EXIT.stopped} stopped by SIGINT/SIGTERM, ${SERVE_EXIT.badSettings} bad settings, ${SERVE_EXIT.badState} the data folder or trace
cannot be used (in use, corrupt, foreign, or not matching), ${SERVE_EXIT.failed} a step failed (e.g. the disk).`,
    )
    .action(async (flags: ServeSettings & { config?: string }) => {
      try {
        await serve(flags, injection);
      } catch (e) {
        process.stderr.write(`timelock serve: ${(e as Error).message}\n`);
        const state =
          e instanceof DataFolderError || e instanceof BootError || e instanceof TraceFileError;
        const listenFailed = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
        const code =
          e instanceof SettingsError || listenFailed
            ? SERVE_EXIT.badSettings
            : state
              ? SERVE_EXIT.badState
              : SERVE_EXIT.failed;
        process.exit(code);
      }
    });
}
