/**
 * `timelock chaos`: a fault campaign on a local cluster of real server processes (see
 * campaign/run.ts), then the terminal summary and the HTML report. Exits 0 only when every
 * history checker and the replay of every trace hold.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCampaign } from '../campaign/run.ts';
import { campaignHtml } from '../report/campaign-html.ts';
import { campaignSummary } from '../report/campaign-summary.ts';
import {
  CAMPAIGN_FAULT_HELP,
  CAMPAIGN_FAULTS,
  type FaultKind,
} from '../src/cluster/fault-schedule.ts';
import { wholeNumber } from './simulate.ts';

/** Exit codes: everything held, a checker or the replay failed, bad arguments, no campaign. */
export const CHAOS_EXIT = { passed: 0, failed: 1, badArguments: 2, couldNotRun: 3 } as const;

interface ChaosFlags {
  servers: number;
  clients: number;
  duration: number;
  seed: number;
  faults: FaultKind[];
  rate: number;
  faultTime?: [number, number];
  gap?: [number, number];
  dir?: string;
  report?: string;
  boundStep?: number;
}

/** `300`, `300s`, `5m`, `1500ms` as milliseconds. */
export function parseDuration(option: string): (text: string) => number {
  return (text) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
    if (!m) throw new InvalidArgumentError(`${option}: expected a duration like 30s, 5m or 1500ms`);
    const unit = m[2] ?? 's';
    return Math.round(Number(m[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
  };
}

function durationRange(option: string): (text: string) => [number, number] {
  const one = parseDuration(option);
  return (text) => {
    const [lo, hi = lo] = text.split('-').map((part) => one(part));
    if (lo! > hi!) throw new InvalidArgumentError(`${option}: the range ${text} is empty`);
    return [lo!, hi!];
  };
}

function faultKinds(text: string): FaultKind[] {
  if (text.trim() === 'all') return [...CAMPAIGN_FAULTS];
  if (text.trim() === 'none') return [];
  const kinds = text.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!(CAMPAIGN_FAULTS as readonly string[]).includes(k))
      throw new InvalidArgumentError(
        `--faults: unknown kind ${JSON.stringify(k)} (kinds: ${CAMPAIGN_FAULTS.join(', ')}, or all, none)`,
      );
  return kinds as FaultKind[];
}

/** Adds `chaos` to the `timelock` program. */
export function registerChaos(program: Command): void {
  program
    .command('chaos')
    .description(
      'run a fault campaign: a local cluster of real servers, concurrent clients, seeded faults (kill -9, SIGSTOP, partitions, message delay and loss, slow disk); then check the history and replay every trace on the spec',
    )
    .option('--servers <n>', 'servers, 1..9', wholeNumber('--servers', 1, 9), 5)
    .option('--clients <n>', 'concurrent clients', wholeNumber('--clients', 1, 1000), 8)
    .option(
      '--duration <time>',
      'how long the clients run (30s, 5m)',
      parseDuration('--duration'),
      60_000,
    )
    .option(
      '--seed <n>',
      'seed of the fault plan and the clients’ choices',
      wholeNumber('--seed', 0, 2 ** 32 - 1),
      1,
    )
    .option('--faults <kinds>', `fault kinds, comma-separated, or all / none`, faultKinds, [
      ...CAMPAIGN_FAULTS,
    ])
    .option(
      '--rate <n>',
      'operations per second over all clients (0: each asks again as soon as answered)',
      wholeNumber('--rate', 0),
      200,
    )
    .option(
      '--fault-time <range>',
      'how long each fault lasts, e.g. 1.5s-5s',
      durationRange('--fault-time'),
    )
    .option('--gap <range>', 'quiet time after each fault, e.g. 1s-4s', durationRange('--gap'))
    .option('--bound-step <n>', 'the servers’ bound step', wholeNumber('--bound-step', 1))
    .option(
      '--dir <dir>',
      'where data folders, traces, history.ndjson and the report go (default: a new temporary folder)',
    )
    .option('--report <file>', 'the HTML report (default: DIR/report.html)')
    .addHelpText(
      'after',
      `
Fault kinds:
${CAMPAIGN_FAULTS.map((k) => `  ${k.padEnd(10)} ${CAMPAIGN_FAULT_HELP[k]}`).join('\n')}

The same seed plans the same faults at the same times and has the clients make the same
choices; the timing of real processes still differs from run to run. Ctrl-C ends the workload
early and still checks what was recorded.

Checks: no timestamp handed out twice, each client's timestamps increasing, real-time order,
one leader per election term, nothing below an earlier term's answers after a leader change;
then every server's trace replayed on spec/Timelock.tla.

Exit codes: ${CHAOS_EXIT.passed} everything held, ${CHAOS_EXIT.failed} a checker or the replay failed, ${CHAOS_EXIT.badArguments} bad arguments,
${CHAOS_EXIT.couldNotRun} the campaign could not run (e.g. the cluster did not start).`,
    )
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : CHAOS_EXIT.badArguments))
    .action(async (flags: ChaosFlags) => {
      const dir = resolve(flags.dir ?? mkdtempSync(join(tmpdir(), 'timelock-chaos-')));
      const reportPath = resolve(flags.report ?? join(dir, 'report.html'));
      const abort = new AbortController();
      let interrupts = 0;
      const onInterrupt = () => {
        if (++interrupts > 1) process.exit(130);
        process.stderr.write('\nending the workload early; Ctrl-C again to quit at once\n');
        abort.abort();
      };
      process.on('SIGINT', onInterrupt);
      // Exiting runs the cluster's exit hook, which kills every server this campaign started.
      process.once('SIGTERM', () => process.exit(143));
      let result;
      try {
        result = await runCampaign({
          servers: flags.servers,
          clients: flags.clients,
          durationMs: flags.duration,
          seed: flags.seed,
          kinds: flags.faults,
          rate: flags.rate,
          dir,
          ...(flags.faultTime ? { faultMs: flags.faultTime } : {}),
          ...(flags.gap ? { gapMs: flags.gap } : {}),
          ...(flags.boundStep ? { boundStep: flags.boundStep } : {}),
          progress: (line) => process.stderr.write(line + '\n'),
          signal: abort.signal,
        });
      } catch (e) {
        process.stderr.write(`timelock chaos: ${(e as Error).message}\n(files in ${dir})\n`);
        process.exit(CHAOS_EXIT.couldNotRun);
      } finally {
        process.off('SIGINT', onInterrupt);
      }
      writeFileSync(reportPath, campaignHtml(result));
      process.stdout.write(campaignSummary(result) + '\n');
      process.stdout.write(`history    ${join(dir, 'history.ndjson')}\nreport     ${reportPath}\n`);
      process.exit(result.ok ? CHAOS_EXIT.passed : CHAOS_EXIT.failed);
    });
}
