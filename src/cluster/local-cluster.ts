/**
 * A cluster of real `timelock serve` processes on this machine, on 127.0.0.1 with free ports
 * and fresh data folders: what `timelock cluster up`, the end-to-end tests and the cluster
 * benchmark run. It can kill (`SIGKILL`), restart, pause (`SIGSTOP`) and resume servers, and
 * stops every process it started when asked, or when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerId } from '../paxos/types.ts';
import { faultControlText } from './fault-control.ts';

/** How a local cluster is laid out and started. */
export interface LocalClusterOptions {
  readonly servers: number;
  /** A folder for the servers' data folders (`s1/`...), traces and the secret. */
  readonly dir: string;
  /** Whether each server writes its trace (`server-N.ndjson` in `dir`). */
  readonly trace?: boolean;
  readonly boundStep?: number;
  readonly logLevel?: string;
  /** Each line a server prints (its pino log), with the server's number. */
  readonly onLine?: (server: ServerId, line: string) => void;
  /** Called when a server exits without having been told to. */
  readonly onExit?: (server: ServerId, code: number | null, signal: string | null) => void;
  /** How long to wait for a server to listen. */
  readonly startTimeoutMs?: number;
  /**
   * Given each server's address, where its peers should send it messages (e.g. proxies in
   * front of it); by default straight to the address.
   */
  readonly routePeers?: (
    urls: ReadonlyMap<ServerId, string>,
  ) => Promise<ReadonlyMap<ServerId, string>>;
  /** Whether each server reads a fault-control file (see {@link LocalCluster.setDiskDelay}). */
  readonly faultControl?: boolean;
  /**
   * The program and leading arguments that run `timelock` (default: this Node and
   * `bin/timelock.js`); a test may run a server built differently.
   */
  readonly command?: readonly string[];
}

/** The folder of the package (where `bin/timelock.js` is), from this module or its bundle. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'timelock.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find bin/timelock.js above ' + import.meta.url);
    dir = up;
  }
  return dir;
}

/** Free TCP ports on 127.0.0.1 (bound, read, released: another process could still take one). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A running local cluster; see the module comment. */
export class LocalCluster {
  private readonly processes = new Map<ServerId, ChildProcess>();
  private readonly expectedExit = new Set<ServerId>();
  private readonly secretFile: string;
  private readonly exitHook = () => this.killAll();

  private constructor(
    private readonly opts: LocalClusterOptions,
    /** Base URL of each server. */
    readonly urls: ReadonlyMap<ServerId, string>,
    /** Where peers send each server messages. */
    private readonly routes: ReadonlyMap<ServerId, string> | undefined,
  ) {
    mkdirSync(opts.dir, { recursive: true });
    this.secretFile = join(opts.dir, 'secret');
    writeFileSync(this.secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    process.once('exit', this.exitHook);
  }

  /** Starts `servers` processes, one after another, each once it listens. */
  static async start(opts: LocalClusterOptions): Promise<LocalCluster> {
    const ports = await freePorts(opts.servers);
    const urls = new Map(ports.map((port, i) => [i + 1, `http://127.0.0.1:${port}`] as const));
    const routes = opts.routePeers ? await opts.routePeers(urls) : undefined;
    const cluster = new LocalCluster(opts, urls, routes);
    try {
      for (const id of urls.keys()) await cluster.startServer(id);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** The trace file of server `id` (written when the cluster was started with `trace`). */
  tracePath(id: ServerId): string {
    return join(this.opts.dir, `server-${id}.ndjson`);
  }

  /** Every trace file. */
  get tracePaths(): string[] {
    return [...this.urls.keys()].map((id) => this.tracePath(id));
  }

  /** The fault-control file of server `id`. */
  private faultControlPath(id: ServerId): string {
    return join(this.opts.dir, `faults-s${id}.json`);
  }

  /**
   * Makes every durable acceptor write of server `id` take `ms` longer (0: back to normal);
   * needs `faultControl`. The server notices within about 50 ms.
   */
  setDiskDelay(id: ServerId, ms: number): void {
    if (!this.opts.faultControl) throw new Error('the cluster was started without faultControl');
    const path = this.faultControlPath(id);
    // Written aside and renamed, so that the server never reads half a file.
    writeFileSync(path + '.tmp', faultControlText({ diskDelayMs: ms }));
    renameSync(path + '.tmp', path);
  }

  /** The process id of server `id`, if it runs. */
  pid(id: ServerId): number | undefined {
    return this.processes.get(id)?.pid;
  }

  /** Starts server `id` (again, after {@link kill}) and waits until it listens. */
  async startServer(id: ServerId): Promise<void> {
    const { opts } = this;
    const list = (m: ReadonlyMap<ServerId, string>) =>
      [...m].map(([n, url]) => `${n}=${url}`).join(',');
    const peers = list(this.urls);
    const [program, ...leading] = opts.command ?? [
      process.execPath,
      join(packageRoot(), 'bin', 'timelock.js'),
    ];
    const args = [
      ...leading,
      'serve',
      '--id',
      String(id),
      '--data',
      join(opts.dir, `s${id}`),
      '--peers',
      peers,
      '--secret-file',
      this.secretFile,
      ...(opts.trace ? ['--trace', this.tracePath(id)] : []),
      ...(opts.boundStep ? ['--bound-step', String(opts.boundStep)] : []),
      ...(opts.logLevel ? ['--log-level', opts.logLevel] : []),
      ...(this.routes ? ['--peer-routes', list(this.routes)] : []),
      ...(opts.faultControl ? ['--fault-control', this.faultControlPath(id)] : []),
    ];
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.processes.set(id, child);
    this.expectedExit.delete(id);
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => opts.onLine?.(id, line));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) =>
        reject(new Error(`server ${id} exited (${signal ?? `code ${code}`}) before it listened`)),
      ),
    );
    exited.catch(() => undefined);
    child.once('exit', (code, signal) => {
      if (this.processes.get(id) === child) this.processes.delete(id);
      if (!this.expectedExit.has(id)) opts.onExit?.(id, code, signal);
    });
    await Promise.race([this.waitListening(id, opts.startTimeoutMs ?? 30_000), exited]);
  }

  private async waitListening(id: ServerId, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    const url = this.urls.get(id)! + '/health';
    for (;;) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(500) });
        await res.arrayBuffer();
        return;
      } catch {
        if (Date.now() > until)
          throw new Error(`server ${id} did not listen within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Kills server `id` with SIGKILL and waits until it is gone. */
  async kill(id: ServerId): Promise<void> {
    await this.signalAndWait(id, 'SIGKILL');
  }

  /** Stops server `id` (SIGSTOP): it keeps its sockets but takes no step. */
  pause(id: ServerId): void {
    this.processes.get(id)?.kill('SIGSTOP');
  }

  /** Lets a paused server go on (SIGCONT). */
  resume(id: ServerId): void {
    this.processes.get(id)?.kill('SIGCONT');
  }

  /** The leader as the servers that answer report it: the number most of them name. */
  async leader(): Promise<ServerId | null> {
    const votes = new Map<ServerId, number>();
    await Promise.all(
      [...this.urls.values()].map(async (url) => {
        try {
          const res = await fetch(url + '/leader', { signal: AbortSignal.timeout(500) });
          const { leader } = (await res.json()) as { leader: ServerId | null };
          if (leader !== null) votes.set(leader, (votes.get(leader) ?? 0) + 1);
        } catch {
          // a server that does not answer has no say
        }
      }),
    );
    let best: ServerId | null = null;
    for (const [id, n] of votes) if (best === null || n > votes.get(best)!) best = id;
    return best;
  }

  /** Stops every server: SIGTERM (after SIGCONT, in case one is paused), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((id) => this.signalAndWait(id, 'SIGTERM')));
    process.removeListener('exit', this.exitHook);
  }

  private async signalAndWait(id: ServerId, signal: NodeJS.Signals): Promise<void> {
    const child = this.processes.get(id);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    this.expectedExit.add(id);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  private killAll(): void {
    for (const child of this.processes.values()) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  }
}
