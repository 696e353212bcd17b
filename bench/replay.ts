/**
 * `npm run bench:replay`: how fast `timelock validate` replays one long trace on
 * spec/Timelock.tla, in events per second, and its peak memory, as a user runs it: the trace is
 * written to files by `timelock simulate` (a 3-server cluster with every fault kind) and
 * validated by the CLI in a child process, whose maxRSS is the peak. One trace of about 100,000
 * events and one of about 1,000,000, each with Safety checked every 100th matched state and on
 * every state. Where a TLC jar is given (TLA2TOOLS_JAR), TLC also checks the module
 * `--emit-tlc` writes for the 100,000-event trace, with a time limit.
 *
 * Traces are cached in .cache/bench-replay/ (simulating a million events takes minutes).
 *
 *   npm run bench:replay -- [--sizes 100000,1000000] [--every 100,1] [--tlc-timeout 1800]
 *
 * A linear replay shows the same events/s on both traces: the cost of an event must not
 * depend on how many came before it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tlcOutputVerdict } from '../conformance/replay/trace-verdict.ts';
import { tlcErrorMessage } from '../conformance/tlc/output.ts';
import { TLC_JVM_OPTIONS, classPath } from '../conformance/tlc/runner.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'timelock.js');
const cache = join(root, '.cache', 'bench-replay');

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    every: { type: 'string', default: '100,1' },
    'tlc-timeout': { type: 'string', default: '1800' },
  },
});
const sizes = opts.sizes.split(',').map(Number);
const everies = opts.every.split(',').map(Number);
const say = (line: string) => process.stdout.write(line + '\n');

/** The simulation whose trace the benchmark replays; steps scale with the size wanted. */
const FAULTS = 'loss=0.01,dup=0.01,delay=0.01,crash=0.0005,partition=0.0005';
const EVENTS_PER_STEP = 0.625; // about what this configuration logs; the count logged is reported

/** A trace folder of about `size` events, simulated once and cached. */
function traceOf(size: number): string {
  const dir = join(cache, `events-${size}`);
  if (existsSync(join(dir, 'done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const steps = Math.ceil(size / EVENTS_PER_STEP);
  say(`simulating ${steps} steps for a trace of about ${size} events (cached in ${dir})`);
  const args = ['simulate', '--seed', '1', '--steps', String(steps), '--faults', FAULTS];
  args.push('--batch', '10', '--bound-step', '1000', '--trace-dir', join(dir, 'trace'));
  const r = spawnSync('node', [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`timelock simulate failed (exit ${r.status})`);
  spawnSync('touch', [join(dir, 'done')]);
  return dir;
}

function eventsIn(dir: string): number {
  let n = 0;
  for (const f of readdirSync(join(dir, 'trace'))) {
    const text = readFileSync(join(dir, 'trace', f), 'utf8');
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    n--; // the header line
  }
  return n;
}

/**
 * Runs `command` under /usr/bin/time (and `timeout`, which kills it after `timeoutSeconds`):
 * wall seconds and peak resident memory (MiB).
 */
function timed(command: string[], timeoutSeconds?: number, cwd?: string) {
  const limit =
    timeoutSeconds === undefined ? [] : ['timeout', '-s', 'KILL', String(timeoutSeconds)];
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...limit, ...command], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [seconds, kib] = last.split(' ').map(Number);
  // `timeout -s KILL` makes the command end by SIGKILL: its status is 128 + 9.
  return {
    status: r.status,
    stdout: r.stdout,
    seconds,
    mib: kib / 1024,
    timedOut: r.status === 137,
  };
}

say(`Replay benchmark: \`timelock validate\` on one simulated trace (faults ${FAULTS}).`);
const rows: string[][] = [];
for (const size of sizes) {
  const dir = traceOf(size);
  const events = eventsIn(dir);
  for (const every of everies) {
    const run = timed([
      'node',
      cli,
      'validate',
      '--json',
      '--invariant-every',
      String(every),
      join(dir, 'trace'),
    ]);
    const report = JSON.parse(run.stdout) as { ok: boolean; runs: Array<{ elapsedMs: number }> };
    const replaySeconds = report.runs[0].elapsedMs / 1000;
    rows.push([
      String(events),
      every === 1 ? 'every state' : `every ${every}th`,
      report.ok ? 'conforms' : 'DOES NOT CONFORM',
      replaySeconds.toFixed(1),
      String(Math.round(events / replaySeconds)),
      run.mib.toFixed(0),
    ]);
    say(`  ${rows[rows.length - 1].join('  ')}`);
  }
}
say('');
say('| events | Safety checked | verdict | replay s | events/s | peak MiB |');
say('|---:|---|---|---:|---:|---:|');
for (const r of rows) say(`| ${r.join(' | ')} |`);

const jar = process.env.TLA2TOOLS_JAR;
if (jar && existsSync(jar) && sizes.length > 0) {
  const dir = traceOf(sizes[0]);
  const emitted = join(dir, 'tlc');
  rmSync(emitted, { recursive: true, force: true });
  spawnSync('node', [
    cli,
    'validate',
    '--invariant-every',
    '0',
    '--emit-tlc',
    emitted,
    join(dir, 'trace'),
  ]);
  const module = readdirSync(emitted).find((f) => f.endsWith('.cfg'));
  const limit = Number(opts['tlc-timeout']);
  say('');
  say(
    `TLC on the module --emit-tlc writes for the ${eventsIn(dir)}-event trace (limit ${limit} s):`,
  );
  if (module === undefined) say('  no module was written');
  else {
    const tla = module.replace(/\.cfg$/, '.tla');
    const java = ['java', ...TLC_JVM_OPTIONS, '-cp', classPath(jar), 'tlc2.TLC'];
    const flags = ['-workers', '1', '-noGenerateSpecTE', '-metadir', join(emitted, 'states')];
    const run = timed([...java, ...flags, '-config', module, tla], limit, emitted);
    const log = join(emitted, 'tlc-output.txt');
    writeFileSync(log, run.stdout);
    // TLC prints its progress every minute; in a trace check its depth is the events matched.
    const progress = [...run.stdout.matchAll(/Progress\((\d+)\)/g)].pop();
    const depth = progress ? Number(progress[1]) : undefined;
    // The emitted module makes acceptance an invariant violation (emit-tlc.ts).
    const events = eventsIn(dir);
    const found = tlcOutputVerdict(events, run.stdout);
    const took = `${run.seconds.toFixed(1)} s`;
    const verdict = run.timedOut
      ? `did not finish within ${limit} s` +
        (depth === undefined ? '' : ` (depth ${depth}: ${Math.round(depth / limit)} events/s)`)
      : found.accepted
        ? `accepted in ${took} (${Math.round(events / run.seconds)} events/s)`
        : found.problem === undefined && found.matched > 0
          ? `rejected in ${took}: matched ${found.matched} of ${events} events`
          : `exit ${run.status} after ${took}: ${tlcError(run.stdout)}`;
    say(`  ${verdict}; peak ${run.mib.toFixed(0)} MiB (TLC's output: ${log})`);
  }
} else {
  say('');
  say('TLC: skipped (set TLA2TOOLS_JAR to a tla2tools.jar to time TLC on the same trace).');
}

/** The first line of TLC's error message, or a note that it printed none. */
function tlcError(output: string): string {
  return tlcErrorMessage(output)?.split('\n')[0] ?? 'no error message (see the output)';
}
