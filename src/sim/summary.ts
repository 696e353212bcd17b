/**
 * The human summary of a simulation run.
 */
import { simulateCommand } from './command-line.ts';
import { formatFaults } from './faults.ts';
import type { SimulationResult } from './simulation.ts';

/** The properties the checker checks, as the summary names them. */
const CHECKED =
  'Agreement, LearnedIsChosen, BoundsIncrease, UniqueTimestamps, RealTimeOrder, WithinAgreedBound';

/** The summary lines of `result`; `wallMs` is how long the run took. */
export function formatSummary(result: SimulationResult, wallMs: number): string {
  const { config, requests, faults, violation } = result;
  const lines = [
    `timelock simulate: seed ${config.seed}, ${config.servers} servers, ${config.clients} clients, ` +
      `batch ${config.batch}, bound step ${config.boundStep}, faults ${formatFaults(config.faults)}` +
      (config.schedule.length > 0 ? ` plus ${config.schedule.length} scheduled` : ''),
    `steps                 ${result.steps} (${(result.virtualTime / 1000).toFixed(3)} s simulated)`,
    `requests              ${requests.invoked} sent, ${requests.served} served, ` +
      `${requests.refused} refused or given up, ${requests.failed} failed (server crashed or down)`,
    `timestamps handed out ${requests.timestamps}`,
    ...((config.lockClients ?? 0) > 0
      ? [
          `locks                 ${result.locks.requested} requested, ${result.locks.granted} granted, ` +
            `${result.locks.refused} refused or timed out, ${result.locks.refreshed} refreshed, ` +
            `${result.locks.lost} lost by their holder, ${result.locks.increments} fenced increments, ` +
            `${result.locks.fencedOff} writes fenced off`,
        ]
      : []),
    `elections             ${result.elections} leaders agreed (${result.proposals} proposals)`,
    `faults injected       ${faults.lost} lost, ${faults.duplicated} duplicated, ` +
      `${faults.delayed} delayed, ${faults.cutByPartition} cut by ${faults.partitions} partitions, ` +
      `${faults.crashes} crashes (of ${faults.sent} messages)`,
    violation === null
      ? `checker               OK: ${CHECKED}${(config.lockClients ?? 0) > 0 ? ', NoLostUpdate' : ''} hold (${result.responsesChecked} responses checked)`
      : `checker               VIOLATION of ${violation.property} at ${violation.time} ms: ${violation.message}`,
  ];
  if (violation !== null) lines.push(`replay with           ${simulateCommand(config)}`);
  lines.push(`wall time             ${(wallMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}
