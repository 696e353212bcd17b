/**
 * The `timelock simulate` command line that replays a configuration exactly: what a failing
 * property test prints, and what `simulate` prints after a violation.
 */
import { formatFaults, formatSchedule } from './faults.ts';
import type { SimulationConfig } from './simulation.ts';

/**
 * The command line for `config`. Protocol rules and timings are not part of it: a run with
 * substituted rules (a test double) replays only from its test.
 */
export function simulateCommand(config: SimulationConfig): string {
  const args = [
    'timelock simulate',
    `--seed ${config.seed}`,
    `--steps ${config.steps}`,
    `--servers ${config.servers}`,
    `--clients ${config.clients}`,
    `--faults ${formatFaults(config.faults)}`,
    `--batch ${config.batch}`,
    `--bound-step ${config.boundStep}`,
  ];
  if (config.schedule.length > 0) args.push(`--schedule '${formatSchedule(config.schedule)}'`);
  return args.join(' ');
}
