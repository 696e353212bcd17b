/**
 * `timelock pipeline`: the project's evidence in one command. It model-checks the CI model of
 * spec/Timelock.tla, simulates a batch of seeds with every fault kind, replays every run's
 * traces on the spec in memory, and prints one summary: states explored, runs, events
 * validated, action coverage and the verdict. One progress line per phase and per seed; the
 * exit code is non-zero when anything failed.
 */
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Option, type Command } from 'commander';
import {
  CoverageTally,
  formatCoverage,
  type ActionCoverage,
} from '../conformance/replay/coverage.ts';
import {
  formatReport,
  parseTrace,
  validateRun,
  type RunReport,
  type TraceStream,
  type ValidateOptions,
} from '../conformance/replay/index.ts';
import { defaultSpecFile } from '../conformance/replay/replay-model.ts';
import { checkModel, type CheckResult } from '../conformance/tla/index.ts';
import { simulateCommand } from '../src/sim/command-line.ts';
import { formatFaults, parseFaults, type FaultRates } from '../src/sim/faults.ts';
import { faultRates, wholeNumber } from './simulate.ts';
import {
  DEFAULT_SIMULATION,
  runSimulation,
  type SimulationConfig,
  type SimulationResult,
} from '../src/sim/simulation.ts';

/** Every fault kind on, at rates that still let a 400-step run elect a leader and serve. */
export const PIPELINE_FAULTS = 'loss=0.1,dup=0.05,delay=0.05,crash=0.01,partition=0.01';

/** What the pipeline runs. */
export interface PipelineOptions {
  /** The spec (default: this repository's spec/Timelock.tla). */
  readonly specFile: string;
  /** The model checked first (default: spec/models/TimelockCI.cfg); null skips model checking. */
  readonly cfgFile: string | null;
  /** Seeds firstSeed .. firstSeed + seeds - 1 are simulated. */
  readonly firstSeed: number;
  readonly seeds: number;
  /** The simulation of each seed; `seed` and `trace` are set per run. */
  readonly simulation: Omit<SimulationConfig, 'seed' | 'trace'>;
  /**
   * Safety is checked on the matched states after every `invariantEvery`-th event (and the
   * last). Checking it costs time linear in the messages sent, so on short runs every state is
   * affordable; long runs may check less often.
   */
  readonly invariantEvery: number;
}

/**
 * The pipeline's defaults: 20 seeds x 400 steps, all fault kinds, batch 1, two lock clients
 * beside the timestamp clients, Safety on every state.
 */
export const DEFAULT_PIPELINE: PipelineOptions = {
  specFile: defaultSpecFile(),
  cfgFile: join(dirname(defaultSpecFile()), 'models', 'TimelockCI.cfg'),
  firstSeed: 1,
  seeds: 20,
  simulation: {
    ...DEFAULT_SIMULATION,
    steps: 400,
    batch: 1,
    // A small Step makes bounds run out often, so extending them is exercised in short runs.
    boundStep: 3,
    lockClients: 2,
    faults: parseFaults(PIPELINE_FAULTS),
  },
  invariantEvery: 1,
};

/** One simulated run whose traces were replayed on the spec. */
export interface ValidatedRun {
  readonly simulation: SimulationResult;
  /** Its servers' traces, as the replay read them. */
  readonly streams: readonly TraceStream[];
  readonly report: RunReport;
}

/** A seed that failed: the simulator's checker or the replay found a problem. */
export interface SeedFailure {
  readonly seed: number;
  /** The failure in one line. */
  readonly reason: string;
  /** The `timelock simulate` command that reproduces the run. */
  readonly replay: string;
}

/** What the pipeline found. */
export interface PipelineSummary {
  readonly ok: boolean;
  /** The model check, or null when skipped. */
  readonly modelCheck: {
    readonly cfgFile: string;
    readonly result: CheckResult['kind'];
    readonly property?: string;
    readonly distinct: number;
    readonly generated: number;
    readonly depth: number;
    readonly elapsedMs: number;
  } | null;
  readonly runs: number;
  /** Simulator steps over all runs. */
  readonly steps: number;
  /** Trace events over all runs, and how many of them conformed. */
  readonly events: number;
  readonly eventsConforming: number;
  readonly invariantEvery: number;
  readonly replayMs: number;
  readonly failures: readonly SeedFailure[];
  readonly coverage: ActionCoverage;
  readonly wallMs: number;
}

/** A simulation's traces as the streams the replay reads (named `seed-S/server-N.ndjson`). */
export function simulationStreams(result: SimulationResult): TraceStream[] {
  if (result.traces === null) throw new Error('the simulation was run without traces');
  return result.traces.map((lines, i) =>
    parseTrace(lines.join('\n'), `seed-${result.config.seed}/server-${i + 1}.ndjson`),
  );
}

/**
 * Simulates `config` with traces and replays them on the spec, in memory. The replay's Step
 * and server count are the simulation's; `options` sets the rest.
 */
export function simulateAndValidate(
  config: SimulationConfig,
  options: Omit<ValidateOptions, 'step' | 'servers'> = {},
): ValidatedRun {
  const simulation = runSimulation({ ...config, trace: true });
  const streams = simulationStreams(simulation);
  const report = validateRun(streams, {
    ...options,
    step: config.boundStep,
    servers: config.servers,
  });
  return { simulation, streams, report };
}

/** Runs the pipeline; `progress` receives one line per phase and per seed as they finish. */
export function runPipeline(
  options: PipelineOptions,
  progress: (line: string) => void,
): PipelineSummary {
  const started = performance.now();
  const modelCheck = options.cfgFile === null ? null : checkCiModel(options, progress);

  progress(
    `simulate and validate: ${options.seeds} seeds from ${options.firstSeed}, ` +
      `${options.simulation.steps} steps each, ${options.simulation.clients} timestamp and ${options.simulation.lockClients ?? 0} lock clients, ` +
      `faults ${formatFaults(options.simulation.faults)}, ` +
      `Safety checked ${options.invariantEvery === 1 ? 'on every matched state' : `every ${options.invariantEvery} matched events`}`,
  );
  const tally = new CoverageTally();
  const failures: SeedFailure[] = [];
  let steps = 0;
  let events = 0;
  let eventsConforming = 0;
  let replayMs = 0;
  for (let seed = options.firstSeed; seed < options.firstSeed + options.seeds; seed++) {
    const config: SimulationConfig = { ...options.simulation, seed };
    const { simulation, report } = simulateAndValidate(config, {
      invariantEvery: options.invariantEvery,
      ...tally.replayOptions(),
    });
    steps += simulation.steps;
    events += report.events;
    eventsConforming += report.matched;
    replayMs += report.elapsedMs;
    const failure = seedFailure(config, simulation, report);
    if (failure) failures.push(failure);
    progress(
      `  seed ${String(seed).padEnd(6)} ${String(simulation.steps).padStart(6)} steps ` +
        `${String(report.events).padStart(6)} events  ` +
        `${failure ? 'FAIL' : 'conform'} (${(report.elapsedMs / 1000).toFixed(2)} s)` +
        (failure ? `\n${indent(failureDetail(simulation, report))}` : ''),
    );
  }
  const modelCheckOk = modelCheck === null || modelCheck.result === 'ok';
  return {
    ok: modelCheckOk && failures.length === 0,
    modelCheck,
    runs: options.seeds,
    steps,
    events,
    eventsConforming,
    invariantEvery: options.invariantEvery,
    replayMs,
    failures,
    coverage: tally.coverage(),
    wallMs: performance.now() - started,
  };
}

function checkCiModel(
  options: PipelineOptions,
  progress: (line: string) => void,
): PipelineSummary['modelCheck'] {
  const cfgFile = options.cfgFile!;
  progress(`model check: ${cfgFile} on ${options.specFile}`);
  const result = checkModel(options.specFile, cfgFile, {
    print: () => {},
    progressIntervalMs: 5000,
    onProgress: (p) =>
      progress(
        `  ${p.distinct} distinct states, ${p.generated} generated, depth ${p.depth}, ` +
          `${p.queue} on queue (${(p.elapsedMs / 1000).toFixed(0)} s)`,
      ),
  });
  progress(
    `  ${result.kind === 'ok' ? 'no error found' : `${result.kind}${result.property ? ` ${result.property}` : ''}`}: ` +
      `${result.distinct} distinct states, ${result.generated} generated, depth ${result.depth} ` +
      `(${(result.elapsedMs / 1000).toFixed(1)} s)`,
  );
  return {
    cfgFile,
    result: result.kind,
    property: result.property,
    distinct: result.distinct,
    generated: result.generated,
    depth: result.depth,
    elapsedMs: result.elapsedMs,
  };
}

function seedFailure(
  config: SimulationConfig,
  simulation: SimulationResult,
  report: RunReport,
): SeedFailure | null {
  const reasons: string[] = [];
  const v = simulation.violation;
  if (v !== null) reasons.push(`checker: ${v.property} violated: ${v.message}`);
  const f = report.failure;
  if (f)
    reasons.push(
      `replay: event #${f.event.index} (${f.event.file}:${f.event.line}, ${f.event.action}): ${f.reason}`,
    );
  if (reasons.length === 0) return null;
  return { seed: config.seed, reason: reasons.join('; '), replay: simulateCommand(config) };
}

function failureDetail(simulation: SimulationResult, report: RunReport): string {
  const lines = [`replay with: ${simulateCommand(simulation.config)}`];
  if (simulation.violation !== null) lines.push(`checker: ${simulation.violation.message}`);
  if (report.failure) lines.push(formatReport({ ok: false, runs: [report] }));
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** The summary for people. */
export function formatPipelineSummary(s: PipelineSummary): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mc = s.modelCheck;
  const lines = [
    '',
    'summary',
    mc === null
      ? '  model check    skipped'
      : `  model check    ${mc.result === 'ok' ? 'OK' : `FAILED (${mc.result}${mc.property ? ` ${mc.property}` : ''})`}: ` +
        `${mc.distinct} distinct states explored (${mc.generated} generated, depth ${mc.depth}) in ${seconds(mc.elapsedMs)}`,
    `  runs           ${s.runs} simulated (${s.steps} steps), ${s.runs - s.failures.length} conform`,
    `  events         ${s.eventsConforming} of ${s.events} validated on the spec in ${seconds(s.replayMs)}` +
      (s.invariantEvery === 1
        ? ' (Safety checked on every matched state)'
        : ` (Safety checked on every ${ordinal(s.invariantEvery)} matched state and the last of each run)`),
    ...formatCoverage(s.coverage)
      .split('\n')
      .map((line) => `  ${line}`),
  ];
  for (const f of s.failures)
    lines.push(`  FAILED seed ${f.seed}: ${f.reason}`, `    replay with: ${f.replay}`);
  lines.push(`  verdict        ${s.ok ? 'PASS' : 'FAIL'} (${seconds(s.wallMs)})`);
  return lines.join('\n');
}

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

interface PipelineFlags {
  seeds: number;
  firstSeed: number;
  steps: number;
  faults: FaultRates;
  boundStep: number;
  servers: number;
  clients: number;
  lockClients: number;
  invariantEvery: number;
  modelCheck: boolean;
  json?: boolean;
}

/** Adds `pipeline` to the `timelock` program. */
export function registerPipeline(program: Command): void {
  const d = DEFAULT_PIPELINE;
  program
    .command('pipeline')
    .description(
      'model-check the CI model, simulate seeds with faults, validate every trace on the spec, and summarise',
    )
    .option('--seeds <n>', 'how many seeds to simulate', wholeNumber('--seeds', 1), d.seeds)
    .option('--first-seed <n>', 'the first seed', wholeNumber('--first-seed', 0), d.firstSeed)
    .option(
      '--steps <n>',
      'simulator steps per seed',
      wholeNumber('--steps', 1),
      d.simulation.steps,
    )
    .addOption(
      new Option('--faults <spec>', 'random faults, as for simulate --faults')
        .argParser(faultRates)
        .default(d.simulation.faults, PIPELINE_FAULTS),
    )
    .option(
      '--bound-step <n>',
      "the spec's Step the servers use",
      wholeNumber('--bound-step', 1),
      d.simulation.boundStep,
    )
    .option(
      '--servers <n>',
      'servers per cluster',
      wholeNumber('--servers', 1),
      d.simulation.servers,
    )
    .option(
      '--clients <n>',
      'clients per cluster',
      wholeNumber('--clients', 1),
      d.simulation.clients,
    )
    .option(
      '--lock-clients <n>',
      'lock clients per cluster (0: timestamps only)',
      wholeNumber('--lock-clients', 0),
      d.simulation.lockClients ?? 0,
    )
    .option(
      '--invariant-every <n>',
      'check Safety on the matched states after every n-th event and the last (0: never)',
      wholeNumber('--invariant-every', 0),
      d.invariantEvery,
    )
    .option('--no-model-check', 'skip model-checking the CI model')
    .option('--json', 'print the summary as JSON (progress still goes to stderr)')
    .addHelpText(
      'after',
      `
Exit code: 0 when the model check finds no error and every run's checker and replay pass, 1
otherwise. A failing seed is printed with its diagnosis and the simulate command that replays it.

Examples:
  timelock pipeline
  timelock pipeline --seeds 100 --steps 1000 --invariant-every 50 --no-model-check`,
    )
    .action((flags: PipelineFlags) => {
      const options: PipelineOptions = {
        ...d,
        cfgFile: flags.modelCheck ? d.cfgFile : null,
        firstSeed: flags.firstSeed,
        seeds: flags.seeds,
        simulation: {
          ...d.simulation,
          steps: flags.steps,
          faults: flags.faults,
          boundStep: flags.boundStep,
          servers: flags.servers,
          clients: flags.clients,
          lockClients: flags.lockClients,
        },
        invariantEvery: flags.invariantEvery,
      };
      // With --json, stdout carries only the summary, so progress goes to stderr.
      const progressOut = flags.json ? process.stderr : process.stdout;
      const summary = runPipeline(options, (line) => progressOut.write(line + '\n'));
      process.stdout.write(
        (flags.json ? JSON.stringify(summary, null, 2) : formatPipelineSummary(summary)) + '\n',
      );
      process.exitCode = summary.ok ? 0 : 1;
    });
}
