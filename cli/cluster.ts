/**
 * `timelock cluster up --servers N`: starts N local servers (127.0.0.1, free ports, fresh data
 * folders), prints their endpoints, forwards their logs with a `[sN]` prefix, prints a status
 * line every few seconds, and stops them all on Ctrl-C or SIGTERM.
 */
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalCluster } from '../src/cluster/local-cluster.ts';
import { wholeNumber } from './simulate.ts';

interface UpFlags {
  servers: number;
  dir?: string;
  trace?: boolean;
  statusEvery: number;
  boundStep?: number;
  logLevel: string;
}

/** A pino JSON line as `[sN] message key=value ...`; other lines as they are. */
export function formatServerLine(server: number, line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `[s${server}] ${line}`;
  }
  const { level, time, msg, ...rest } = entry;
  // The prefix names the server; pid and host are the same for every line of a local cluster.
  const fields = Object.entries(rest).filter(([k]) => !['server', 'pid', 'hostname'].includes(k));
  const levels: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    40: 'WARN',
    50: 'ERROR',
    60: 'FATAL',
  };
  const tag = levels[level as number];
  const shown = fields
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) + ' ' : '';
  return `[s${server}] ${at}${tag ? tag + ' ' : ''}${String(msg ?? '')}${shown ? ' ' + shown : ''}`;
}

async function statusLine(cluster: LocalCluster): Promise<string> {
  const parts = await Promise.all(
    [...cluster.urls].map(async ([id, url]) => {
      try {
        const res = await fetch(url + '/status', { signal: AbortSignal.timeout(1000) });
        const s = (await res.json()) as { acting: boolean; leader: number | null };
        return s.acting ? `s${id}:leader` : `s${id}:up`;
      } catch {
        return `s${id}:down`;
      }
    }),
  );
  const leader = await cluster.leader();
  return `status ${new Date().toISOString().slice(11, 19)}  leader ${leader ?? 'none'}  ${parts.join(' ')}`;
}

async function up(flags: UpFlags): Promise<void> {
  const dir = resolve(flags.dir ?? mkdtempSync(join(tmpdir(), 'timelock-cluster-')));
  const out = (line: string) => process.stdout.write(line + '\n');
  let stopping = false;
  const cluster = await LocalCluster.start({
    servers: flags.servers,
    dir,
    trace: flags.trace ?? false,
    logLevel: flags.logLevel,
    ...(flags.boundStep ? { boundStep: flags.boundStep } : {}),
    onLine: (id, line) => out(formatServerLine(id, line)),
    onExit: (id, code, signal) => {
      if (!stopping) out(`[s${id}] exited (${signal ?? `code ${code}`})`);
    },
  });
  out(`cluster of ${flags.servers} up; data in ${dir}`);
  for (const [id, url] of cluster.urls) out(`  server ${id}: ${url}`);
  const servers = [...cluster.urls.values()].join(',');
  out(`get a timestamp: timelock ts --servers ${servers} --namespace demo`);
  out(`or:              curl -X POST ${cluster.urls.get(1)}/ts/demo/fresh-timestamp`);
  if (flags.trace)
    out(`traces: timelock validate ${cluster.tracePaths.join(' ')} (after stopping)`);
  const timer = setInterval(() => {
    void statusLine(cluster).then((line) => {
      if (!stopping) out(line);
    });
  }, flags.statusEvery * 1000);
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    out(`${signal}: stopping the cluster`);
    void cluster.stop().then(() => {
      out('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function registerCluster(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('Run a local cluster of Timelock servers (for trying it out, tests, benchmarks).');
  cluster
    .command('up')
    .description(
      'Start N servers on 127.0.0.1 (free ports, fresh data folders), print the endpoints, forward their logs with a prefix and a status line, and stop them all on Ctrl-C or SIGTERM.',
    )
    .option('--servers <n>', 'how many servers', wholeNumber('--servers', 1), 3)
    .option(
      '--dir <dir>',
      'where data folders, traces and the secret go (default: a new temp folder)',
    )
    .option('--trace', 'each server writes its NDJSON trace into --dir')
    .option(
      '--status-every <seconds>',
      'seconds between status lines',
      wholeNumber('--status-every', 1),
      5,
    )
    .option(
      '--bound-step <n>',
      'how far a timestamp bound is extended at a time',
      wholeNumber('--bound-step', 1),
    )
    .option('--log-level <level>', 'the servers’ log level', 'info')
    .action(async (flags: UpFlags) => {
      try {
        await up(flags);
      } catch (e) {
        process.stderr.write(`timelock cluster up: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
