/**
 * The `timelock simulate` command line that replays a configuration exactly: what a failing
 * property test prints, and what `simulate` prints after a violation.
 */
import { DEFAULT_TIMINGS } from '../server/timings.ts';
import { formatFaults, formatSchedule } from './faults.ts';
import type { SimulationConfig } from './simulation.ts';

/**
 * The command line for `config`. Protocol rules and timings other than the backoff are not part
 * of it: a run with substituted rules (a test double) or timings replays only from its test.
 */
export function simulateCommand(config: SimulationConfig): string {
  const args = [
    'timelock simulate',
    `--seed ${config.seed}`,
    `--steps ${config.steps}`,
    `--servers ${config.servers}`,
    `--clients ${config.clients}`,
    ...((config.lockClients ?? 0) > 0 ? [`--lock-clients ${config.lockClients}`] : []),
    `--faults ${formatFaults(config.faults)}`,
    `--batch ${config.batch}`,
    `--bound-step ${config.boundStep}`,
  ];
  const backoffMs = config.timings?.backoffMs ?? DEFAULT_TIMINGS.backoffMs;
  if (backoffMs !== DEFAULT_TIMINGS.backoffMs) args.push(`--backoff ${backoffMs}`);
  if (config.schedule.length > 0) args.push(`--schedule '${formatSchedule(config.schedule)}'`);
  return args.join(' ');
}
