/**
 * A throwaway single-node etcd for `npm run bench:cluster` and `npm run bench:locks`: started
 * on 127.0.0.1 with free ports and a data folder of the caller's, loaded through its v3
 * HTTP/JSON gateway, and stopped afterwards. An etcd put yields a new cluster-wide revision,
 * so it is the nearest thing etcd has to a fresh timestamp, which bench:cluster compares ours
 * with; bench:locks compares locks with etcd's lock API.
 *
 * Needs an `etcd` binary on PATH (Debian: `apt-get install etcd-server`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePorts } from '../src/cluster/local-cluster.ts';
import { LastLines, type BenchRun } from './support/run.ts';

/** How to install etcd where it is missing, for the message that says it was skipped. */
export const ETCD_INSTALL_HINT = 'apt-get install etcd-server';

/** The key every benchmark put writes: one key keeps the store small however long it runs. */
const BENCH_KEY = 'timelock-bench';

/** A running etcd node. */
export interface EtcdNode {
  /** Base URL of its client API, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** `etcd X.Y.Z`, from `etcd --version`. */
  readonly version: string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** An etcd comparison: skipped, and why, or what was measured on which etcd. */
export type EtcdComparison<R> = { readonly skipped: string } | (R & { readonly version: string });

/**
 * Measures with `measure` on a throwaway etcd with its data in `dataDir`, unless `skip` (the
 * benchmark's --skip-etcd) or there is no etcd on PATH, which is reported rather than failed:
 * the comparison is optional. The etcd is stopped afterwards, and at the run's end should
 * `measure` never return.
 */
export async function compareWithEtcd<R extends object>(
  run: BenchRun,
  skip: boolean,
  dataDir: string,
  measure: (node: EtcdNode) => Promise<R>,
): Promise<EtcdComparison<R>> {
  if (skip) return { skipped: 'skipped (--skip-etcd)' };
  const binary = findEtcd();
  if (binary === undefined)
    return { skipped: `skipped: no etcd on PATH (install it with \`${ETCD_INSTALL_HINT}\`)` };
  run.progress(`starting etcd (${binary})`);
  const node = await startEtcd(binary, dataDir);
  run.atEnd(() => node.stop());
  try {
    return { version: node.version, ...(await measure(node)) };
  } finally {
    await node.stop();
  }
}

/** The path of the `etcd` executable on PATH, or undefined when there is none. */
export function findEtcd(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** The v3 gateway wants keys, values and lock names in base64. */
export function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** The HTTP request of one benchmark put. */
export function etcdPutRequest(value: string): { path: string; body: string } {
  return {
    path: '/v3/kv/put',
    body: JSON.stringify({ key: base64(BENCH_KEY), value: base64(value) }),
  };
}

/**
 * The revision a put answered with (`header.revision`, which the gateway sends as a string
 * because it is an int64), or undefined when the body holds none.
 */
export function revisionOf(body: string): number | undefined {
  try {
    const revision = (JSON.parse(body) as { header?: { revision?: unknown } }).header?.revision;
    const n = Number(revision);
    return revision !== undefined && Number.isSafeInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts etcd with its data in `dataDir` and waits until a put through the gateway succeeds.
 * Its output is kept (the last lines) for the error should it fail to start.
 */
export async function startEtcd(
  binary: string,
  dataDir: string,
  timeoutMs = 20_000,
): Promise<EtcdNode> {
  const [clientPort, peerPort] = await freePorts(2);
  const url = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    binary,
    [
      '--name',
      'default',
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `default=${peerUrl}`,
      // etcd logs every request at info; under load that would cost it CPU the benchmark needs.
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lastLines = keepLastLines(child);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const node: EtcdNode = {
    url,
    version: await etcdVersion(binary),
    stop: async () => {
      await stopChild(child);
      process.removeListener('exit', killOnExit);
    },
  };
  try {
    await waitUntilPutsSucceed(url, child, timeoutMs);
  } catch (e) {
    await node.stop();
    const detail = lastLines.lines().join('\n');
    throw new Error(`${(e as Error).message}${detail ? `; etcd said:\n${detail}` : ''}`, {
      cause: e,
    });
  }
  return node;
}

function keepLastLines(child: ChildProcess): LastLines {
  const lines = new LastLines(20);
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream }).on('line', (line) => lines.add(line));
  return lines;
}

async function etcdVersion(binary: string): Promise<string> {
  const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  await new Promise((resolve) => child.once('close', resolve));
  const version = /Version:\s*(\S+)/.exec(out)?.[1];
  return version ? `etcd ${version}` : 'etcd (unknown version)';
}

/** Polls with a real put, not `/health`: the put is what the benchmark needs to work. */
async function waitUntilPutsSucceed(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const { path, body } = etcdPutRequest('warm');
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`etcd exited (${child.signalCode ?? `code ${child.exitCode}`}) at start`);
    try {
      const res = await fetch(url + path, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok && revisionOf(await res.text()) !== undefined) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`etcd did not accept a put within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
