/**
 * `npm run bench:replay`: how fast the replay harness validates simulator traces on
 * spec/Timelock.tla, in events per second, over at least 100,000 events, and the process's
 * peak memory. Seeds are simulated (all fault kinds, batch 1) until the runs hold enough
 * events; only the replay is timed, one run at a time, so peak memory is that of simulating
 * and replaying one run plus the process.
 *
 * Runs are many rather than one long one: a cluster's message set only grows, and replay cost
 * per event grows with it, so one 100,000-event run measures that growth more than the
 * harness. `--steps 400000 --min-events 1` replays one long run instead.
 *
 *   npm run bench:replay -- [--min-events 100000] [--steps 1000] [--invariant-every 100]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_PIPELINE, simulateAndValidate } from '../src/cli/pipeline.ts';
import { formatFaults } from '../src/sim/faults.ts';

const { values: opts } = parseArgs({
  options: {
    'min-events': { type: 'string', default: '100000' },
    steps: { type: 'string', default: '1000' },
    'invariant-every': { type: 'string', default: '100' },
    'first-seed': { type: 'string', default: '1' },
  },
});
const minEvents = Number(opts['min-events']);
const invariantEvery = Number(opts['invariant-every']);
const simulation = { ...DEFAULT_PIPELINE.simulation, steps: Number(opts.steps) };

process.stdout.write(
  `Replay benchmark: seeds from ${opts['first-seed']}, ${simulation.steps} steps each, ` +
    `${simulation.servers} servers, ${simulation.clients} clients, bound step ${simulation.boundStep}, ` +
    `faults ${formatFaults(simulation.faults)}; Safety checked every ${invariantEvery} matched events ` +
    `(and each run's last); until ${minEvents} events.\n`,
);

let seed = Number(opts['first-seed']);
let runs = 0;
let events = 0;
let replaySeconds = 0;
let largestRun = 0;
let failed = 0;
const started = performance.now();
while (events < minEvents) {
  // simulateAndValidate times its replay itself (report.elapsedMs), excluding the simulation.
  const { report } = simulateAndValidate({ ...simulation, seed }, { invariantEvery });
  if (!report.ok) {
    failed++;
    process.stdout.write(`seed ${seed}: does not conform: ${report.failure?.reason}\n`);
  }
  runs++;
  events += report.events;
  largestRun = Math.max(largestRun, report.events);
  replaySeconds += report.elapsedMs / 1000;
  seed++;
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
  ['Safety checked', `every ${invariantEvery} matched events and each run's last`],
  ['peak memory', `${peakMiB.toFixed(0)} MiB (maxRSS)`],
];
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(18)}${value}\n`);
if (failed > 0) process.exitCode = 1;
