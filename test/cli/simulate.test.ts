import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACE_VERSION } from '../../src/trace/events.ts';
import { parseFaults } from '../../src/sim/faults.ts';
import {
  DEFAULT_SIMULATION,
  runSimulation,
  type SimulationConfig,
} from '../../src/sim/simulation.ts';
import { formatSummary } from '../../src/sim/summary.ts';
import { simulateCommand } from '../../src/sim/command-line.ts';
import { DEFAULT_TIMINGS } from '../../src/server/timings.ts';
import { servesWithoutFreshCheck } from '../src/support/bug-doubles.ts';
import {
  arbitraryRun,
  assertForAllRuns,
  type PropertyFailure,
} from '../src/support/arbitrary-runs.ts';

const root = join(import.meta.dirname, '..', '..');

function timelock(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A run's summary without the wall time, which differs from run to run. */
const stable = (out: string) => out.replace(/^wall time.*$/m, '');

describe('timelock simulate', () => {
  it('prints requests, timestamps, elections, faults and the verdict, and exits 0', () => {
    const r = timelock([
      'simulate',
      '--seed',
      '5',
      '--steps',
      '3000',
      '--faults',
      'loss=0.1,dup=0.05',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^requests +\d+ sent, [1-9]\d* served/m);
    expect(r.out).toMatch(/^timestamps handed out [1-9]\d*$/m);
    expect(r.out).toMatch(/^elections +[1-9]\d* leaders agreed/m);
    expect(r.out).toMatch(/^faults injected +[1-9]\d* lost, [1-9]\d* duplicated/m);
    expect(r.out).toMatch(/^checker +OK: Agreement, .*RealTimeOrder, WithinAgreedBound hold/m);
  });

  it('writes one NDJSON trace per server, the same bytes for the same seed', () => {
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'timelock-trace-')));
    const args = ['simulate', '--seed', '9', '--steps', '2000', '--faults', 'loss=0.1,crash=0.005'];
    for (const dir of dirs) expect(timelock([...args, '--trace-dir', dir]).code).toBe(0);
    const files = readdirSync(dirs[0]!).sort();
    // Beside the traces, the crashes and partitions they do not record (for timelock report).
    expect(files).toEqual([
      'faults.ndjson',
      'server-1.ndjson',
      'server-2.ndjson',
      'server-3.ndjson',
    ]);
    const faults = readFileSync(join(dirs[0]!, 'faults.ndjson'), 'utf8');
    expect(faults.length).toBeGreaterThan(0);
    expect(readFileSync(join(dirs[1]!, 'faults.ndjson'), 'utf8')).toBe(faults);
    for (const line of faults.split('\n').filter(Boolean))
      expect(JSON.parse(line)).toMatchObject({ kind: 'crash', from: expect.any(Number) });
    for (const f of files.filter((name) => name.startsWith('server-'))) {
      const text = readFileSync(join(dirs[0]!, f), 'utf8');
      expect(text.length).toBeGreaterThan(0);
      expect(readFileSync(join(dirs[1]!, f), 'utf8')).toBe(text);
      const [header, first] = text.split('\n').map((line) => (line ? JSON.parse(line) : null));
      expect(header).toMatchObject({
        trace: 'timelock',
        version: TRACE_VERSION,
        servers: 3,
        step: 100,
      });
      expect(first).toHaveProperty('action');
    }
  });

  it.each([
    [['--servers', '0'], /--servers must be a whole number from 1 to 9/],
    [['--steps', 'many'], /--steps must be a whole number/],
    [['--batch', '10001'], /--batch must be a whole number from 1 to 10000/],
    [['--faults', 'drop=0.1'], /unknown fault kind "drop"/],
    [['--faults', 'loss=1.5'], /a probability must be from 0 to 1/],
    [['--schedule', 'crash:7@10+10'], /"7" is not a server; servers are 1..3/],
    [['--backoff', '-1'], /--backoff must be a whole number from 0 to 60000/],
    [['--backoff', '2.5'], /--backoff must be a whole number from 0 to 60000/],
    [['--backoff', '60001'], /--backoff must be a whole number from 0 to 60000/],
  ])('rejects %j with a clear message and exit code 1', (args, message) => {
    const r = timelock(['simulate', ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });

  it('explains every option and fault kind in --help', () => {
    const r = timelock(['simulate', '--help']);
    expect(r.code).toBe(0);
    for (const option of [
      '--seed',
      '--steps',
      '--servers',
      '--clients',
      '--faults',
      '--schedule',
      '--batch',
      '--bound-step',
      '--backoff',
      '--trace-dir',
    ]) {
      expect(r.out).toContain(option);
    }
    for (const kind of ['loss', 'dup', 'delay', 'crash', 'partition'])
      expect(r.out).toMatch(new RegExp(`^  ${kind} `, 'm'));
  });

  it('takes the backoff from --backoff: the default gives the same traces, another one others', () => {
    const traces = (extra: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'timelock-backoff-'));
      const r = timelock([
        'simulate',
        '--seed',
        '4',
        '--steps',
        '400',
        '--trace-dir',
        dir,
        ...extra,
      ]);
      expect(r.code, r.err).toBe(0);
      return readdirSync(dir)
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8'));
    };
    const byDefault = traces([]);
    expect(traces(['--backoff', '50'])).toEqual(byDefault);
    const atOnce = traces(['--backoff', '0']);
    expect(atOnce).not.toEqual(byDefault);
    // With no backoff, every server proposes itself the instant it suspects (at 100 ms).
    const proposals = atOnce.flatMap((t) =>
      t
        .split('\n')
        .filter((line) => line.includes('"ProposeLeadership"'))
        .slice(0, 1)
        .map((line) => (JSON.parse(line) as { time: number }).time),
    );
    expect(proposals).toEqual([100, 100, 100]);
  });

  it('puts --backoff in the replay command line only when it is not the default', () => {
    expect(simulateCommand(DEFAULT_SIMULATION)).not.toContain('--backoff');
    const timings = { ...DEFAULT_TIMINGS };
    expect(simulateCommand({ ...DEFAULT_SIMULATION, timings })).not.toContain('--backoff');
    expect(
      simulateCommand({ ...DEFAULT_SIMULATION, timings: { ...timings, backoffMs: 7 } }),
    ).toMatch(/ --bound-step 100 --backoff 7$/);
  });

  it('reports a violation with the command line that replays it', () => {
    const config = {
      ...DEFAULT_SIMULATION,
      steps: 5000,
      clients: 4,
      boundStep: 1000,
      faults: parseFaults('partition=0.005'),
    };
    const result = runSimulation({ ...config, rules: servesWithoutFreshCheck });
    const summary = formatSummary(result, 0);
    expect(summary).toMatch(/^checker +VIOLATION of RealTimeOrder at \d+ ms: client c\d got/m);
    expect(summary).toContain(
      'replay with           timelock simulate --seed 1 --steps 5000 --servers 3 --clients 4 --faults partition=0.005 --batch 1 --bound-step 1000',
    );
  });

  it('a failing property prints a command line that replays the shrunk run exactly', () => {
    let message = '';
    let shrunk: SimulationConfig | undefined;
    try {
      assertForAllRuns(arbitraryRun({ maxSteps: 3000 }), 100, (r) =>
        r.faults.crashes > 0 ? 'a server crashed' : null,
      );
    } catch (e) {
      message = (e as PropertyFailure).message;
      shrunk = (e as PropertyFailure).config;
    }
    expect(message).toMatch(/fast-check seed 4242/);
    const command = /^ {2}timelock (simulate .*)$/m.exec(message)?.[1];
    expect(command).toBeDefined();
    const args = command!.match(/'[^']*'|\S+/g)!.map((a) => a.replace(/^'|'$/g, ''));
    const replayed = timelock(args);
    expect(replayed.out).toMatch(/[1-9]\d* crashes/);
    expect(stable(replayed.out)).toBe(stable(formatSummary(runSimulation(shrunk!), 0) + '\n'));
  });
});
