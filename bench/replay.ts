/**
 * `npm run bench:replay`: how fast the replay harness validates one long simulator trace on
 * spec/Timelock.tla, in events per second, and the process's peak memory. The trace is one run
 * of a 3-server cluster with every fault kind, simulated with as many steps as it takes to log
 * at least --min-events events (100,000 by default); only the replay is timed.
 *
 * The spec's message set only grows, so the per-event cost of actions that search it grows
 * along a run: events/s on one long trace is lower than on many short ones. `--steps N` replays
 * runs of N steps each, seed after seed, until they hold --min-events events in all.
 *
 *   npm run bench:replay -- [--min-events 100000] [--invariant-every 100] [--steps N] [--seed 1]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_PIPELINE, simulateAndValidate } from '../src/cli/pipeline.ts';
import { formatFaults } from '../src/sim/faults.ts';
import { runSimulation, type SimulationConfig } from '../src/sim/simulation.ts';

const { values: opts } = parseArgs({
  options: {
    'min-events': { type: 'string', default: '100000' },
    steps: { type: 'string' },
    'invariant-every': { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
  },
});
const minEvents = Number(opts['min-events']);
const invariantEvery = Number(opts['invariant-every']);
const base: SimulationConfig = { ...DEFAULT_PIPELINE.simulation, seed: Number(opts.seed) };
const say = (line: string) => process.stdout.write(line + '\n');

say(
  `Replay benchmark: ${base.servers} servers, ${base.clients} clients, bound step ${base.boundStep}, ` +
    `faults ${formatFaults(base.faults)}; Safety checked every ${invariantEvery} matched events ` +
    `(and the last); at least ${minEvents} events ` +
    (opts.steps === undefined ? 'in one trace.' : `over runs of ${opts.steps} steps.`),
);

/** Events the run of `config` logs, all servers together (simulation only, no replay). */
function eventsLogged(config: SimulationConfig): number {
  const traces = runSimulation({ ...config, trace: true }).traces!;
  return traces.reduce((n, lines) => n + lines.length, 0);
}

/** Steps for one run of at least `minEvents` events: grow until the simulation logs enough. */
function stepsForOneTrace(): number {
  let steps = 10_000;
  for (;;) {
    const events = eventsLogged({ ...base, steps });
    if (events >= minEvents) return steps;
    // Events per step vary along a run (elections, faults); aim 10% past the target.
    steps = Math.ceil(steps * Math.max(1.2, (minEvents / Math.max(events, 1)) * 1.1));
  }
}

const configs: SimulationConfig[] = [];
if (opts.steps === undefined) {
  const steps = stepsForOneTrace();
  say(`simulating seed ${base.seed} for ${steps} steps`);
  configs.push({ ...base, steps });
}

let runs = 0;
let events = 0;
let replaySeconds = 0;
let largestRun = 0;
let failed = 0;
let maxCandidates = 0;
const started = performance.now();
for (let seed = base.seed; events < minEvents; seed++) {
  const config = configs.shift() ?? { ...base, seed, steps: Number(opts.steps) };
  // simulateAndValidate times its replay itself (report.elapsedMs), excluding the simulation.
  const { report } = simulateAndValidate(config, { invariantEvery });
  if (!report.ok) {
    failed++;
    say(`seed ${config.seed}: does not conform: ${report.failure?.reason}`);
  }
  runs++;
  events += report.events;
  largestRun = Math.max(largestRun, report.events);
  maxCandidates = Math.max(maxCandidates, report.candidates.max);
  replaySeconds += report.elapsedMs / 1000;
}
const wallSeconds = (performance.now() - started) / 1000;
// maxRSS is in kibibytes.
const peakMiB = process.resourceUsage().maxRSS / 1024;

const rows: Array<[string, string]> = [
  [
    'runs',
    `${runs} (largest ${largestRun} events)${failed > 0 ? `, ${failed} NOT conforming` : ''}`,
  ],
  ['events validated', String(events)],
  [
    'replay time',
    `${replaySeconds.toFixed(1)} s (wall ${wallSeconds.toFixed(1)} s with simulation)`,
  ],
  ['events/s', String(Math.round(events / replaySeconds))],
  ['candidates', `largest set ${maxCandidates} spec states`],
  ['Safety checked', `every ${invariantEvery} matched events and each run's last`],
  ['peak memory', `${peakMiB.toFixed(0)} MiB (maxRSS)`],
];
for (const [name, value] of rows) say(`${name.padEnd(18)}${value}`);
if (failed > 0) process.exitCode = 1;
