/**
 * `timelock serve` refuses what it cannot run on, before it serves anything, with a message
 * that says what is wrong and an exit code that says which kind of problem: bad settings (2),
 * or a data folder it must not use (3): one in use by another server, one holding a file that
 * is not our database (left as it was).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SERVE_EXIT } from '../../cli/serve.ts';
import { freePorts } from '../../src/cluster/local-cluster.ts';
import { DATABASE_FILE } from '../../src/storage/sqlite-store.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'timelock.js');
const dir = mkdtempSync(join(tmpdir(), 'serve-cli-'));
const secret = join(dir, 'secret');
writeFileSync(secret, 'a cluster secret of enough bytes');
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'serve', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, err: r.stderr };
}
const peers = (ports: number[]) => ports.map((p, i) => `${i + 1}=http://127.0.0.1:${p}`).join(',');

describe('timelock serve refuses bad settings and unusable state', () => {
  it('exits 2 naming the setting that is missing or wrong', () => {
    const base = ['--id', '1', '--data', join(dir, 'unused'), '--secret-file', secret];
    expect(serve(base)).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/--peers is required/),
    });
    expect(serve([...base, '--peers', '1=http://127.0.0.1:1,3=http://127.0.0.1:3'])).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/servers 1\.\.N/),
    });
    expect(serve([...base, '--peers', '2=http://127.0.0.1:2,1=ftp://x'])).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/expected N=http:\/\/host:port, got "1=ftp:\/\/x"/),
    });
    const two = ['--peers', '1=http://127.0.0.1:1,2=http://127.0.0.1:2'];
    expect(serve([...base, ...two, '--peer-routes', '1=http://127.0.0.1:5'])).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/--peer-routes must list the same servers as --peers/),
    });
    expect(
      serve([...base, ...two, '--peer-routes', '1=http://127.0.0.1:5,2=tcp://x']),
    ).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/--peer-routes: expected N=http:\/\/host:port/),
    });
    const short = join(dir, 'short');
    writeFileSync(short, 'tiny');
    expect(
      serve([
        '--id',
        '1',
        '--data',
        join(dir, 'unused'),
        '--secret-file',
        short,
        '--peers',
        '1=http://127.0.0.1:1',
      ]),
    ).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/at least 16 bytes/),
    });
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ id: 1, colour: 'blue' }));
    expect(serve(['--config', config])).toMatchObject({
      code: SERVE_EXIT.badSettings,
      err: expect.stringMatching(/unknown setting "colour"/),
    });
  }, 60_000);

  it('exits 3 on a data folder in use by another server, and on a file that is not our database', async () => {
    const ports = await freePorts(2);
    const data = join(dir, 'held');
    const args = (port: number) => [
      '--id',
      '1',
      '--data',
      data,
      '--secret-file',
      secret,
      '--peers',
      peers([port]),
    ];
    const first = spawn(process.execPath, [bin, 'serve', ...args(ports[0])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(first);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the first server did not start in 30 s')),
        30_000,
      );
      first.stdout!.on('data', (b: Buffer) => {
        if (b.toString().includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const second = serve(args(ports[1]));
    expect(second.code).toBe(SERVE_EXIT.badState);
    expect(second.err).toMatch(/in use by another process/);

    const foreign = join(dir, 'foreign');
    const file = join(foreign, DATABASE_FILE);
    const bytes = 'not an SQLite database\n'.repeat(100);
    mkdirSync(foreign);
    writeFileSync(file, bytes);
    const corrupt = serve([
      '--id',
      '1',
      '--data',
      foreign,
      '--secret-file',
      secret,
      '--peers',
      peers([ports[1]]),
    ]);
    expect(corrupt.code).toBe(SERVE_EXIT.badState);
    expect(corrupt.err).toMatch(/not an SQLite database/);
    expect(readFileSync(file, 'utf8')).toBe(bytes);
  }, 90_000);
});
