/**
 * The terminal summary of a fault campaign: one labelled line per part, so a run's outcome can be
 * read at a glance, with the first violations and a failed replay's report under their lines
 * because they say what to look at first. The HTML report has the rest.
 */
import type { CampaignResult, InjectedFault } from '../campaign/result.ts';
import {
  duration,
  failedParts,
  failoverStats,
  instant,
  percent,
  PROPERTIES,
  thousands,
  violationsByProperty,
  type PropertyViolations,
} from './format.ts';

/** Violations shown per violated property; the report lists the rest. */
const VIOLATIONS_SHOWN = 3;
/** Lines of a failed replay's report shown; it can be a long explanation. */
const REPLAY_LINES_SHOWN = 20;
/** Labels are padded to the longest one, so the values line up. */
const LABEL_WIDTH = 'availability'.length + 1;

/** The summary of `result` as plain text lines (no colours), ending in a newline. */
export function campaignSummary(result: CampaignResult): string {
  const lines = [
    line('campaign', settingsText(result)),
    line('started', `${result.startedAt}, files in ${result.settings.dir}`),
    line('operations', operationsText(result)),
    line('faults', faultsText(result.faults)),
    ...checkersLines(result),
    line('availability', availabilityText(result)),
    ...replayLines(result),
    line('verdict', verdictText(result)),
  ];
  return lines.join('\n') + '\n';
}

function line(label: string, text: string): string {
  return label.padEnd(LABEL_WIDTH) + text;
}

/** Further lines under a labelled one. */
function indented(text: string): string {
  return ' '.repeat(LABEL_WIDTH + 2) + text;
}

function settingsText({ settings: s }: CampaignResult): string {
  return (
    `${s.servers} servers, ${s.clients} clients, ${duration(s.durationMs)}, seed ${s.seed}, ` +
    `faults ${s.faultKinds.join(',') || 'none'}`
  );
}

function operationsText({ operations, history }: CampaignResult): string {
  const { ok, failed, unknown, timestamps, namespaces } = history.stats;
  return (
    `${thousands(operations.length)} (${thousands(ok)} ok, ${thousands(failed)} failed, ` +
    `${thousands(unknown)} unknown), ${thousands(timestamps)} timestamps, ` +
    `${thousands(namespaces)} namespace${namespaces === 1 ? '' : 's'}`
  );
}

/** How many faults of each kind, in the order the kinds first occurred. */
function faultsText(faults: readonly InjectedFault[]): string {
  if (faults.length === 0) return 'none injected';
  const perKind = new Map<string, number>();
  for (const f of faults) perKind.set(f.kind, (perKind.get(f.kind) ?? 0) + 1);
  const counts = [...perKind].map(([kind, n]) => `${kind} ${thousands(n)}`).join(', ');
  return `${thousands(faults.length)} injected: ${counts}`;
}

/** One verdict per property, then the first violations of each violated one. */
function checkersLines(result: CampaignResult): string[] {
  const violated = violationsByProperty(result);
  const verdicts = PROPERTIES.map((property) =>
    violated.some((v) => v.property === property) ? `${property} VIOLATED` : `${property} ok`,
  );
  return [line('checkers', verdicts.join(', ')), ...violated.flatMap(violationLines)];
}

function violationLines(v: PropertyViolations): string[] {
  const out = v.listed
    .slice(0, VIOLATIONS_SHOWN)
    .map((x) => indented(`${v.property}: ${printable(x.message)}`));
  const rest = v.listed.length - VIOLATIONS_SHOWN;
  if (rest > 0) out.push(indented(`${v.property}: ... ${thousands(rest)} more in the report`));
  if (v.unlisted !== undefined) out.push(indented(`${v.property}: ${printable(v.unlisted)}`));
  return out;
}

function availabilityText({ availability: a }: CampaignResult): string {
  const parts = [`${percent(a.share)} answered`];
  if (a.longestGap !== null) {
    const { fromMs, toMs } = a.longestGap;
    parts.push(`longest gap ${duration(toMs - fromMs)} (from ${instant(fromMs)})`);
  }
  const failover = failoverStats(a);
  if (failover.medianMs !== null && failover.maxMs !== null) {
    parts.push(`failover median ${duration(failover.medianMs)}, max ${duration(failover.maxMs)}`);
  }
  if (failover.unrecovered > 0) {
    parts.push(`${thousands(failover.unrecovered)} fault(s) without an answer after them`);
  }
  return parts.join(', ');
}

function replayLines({ replay }: CampaignResult): string[] {
  const counts = `${thousands(replay.traces)} traces, ${thousands(replay.events)} events`;
  if (replay.ok) return [line('replay', `${counts} conform`)];
  const failure = printable(replay.failure ?? 'no report given')
    .trimEnd()
    .split('\n');
  const shown = failure.slice(0, REPLAY_LINES_SHOWN).map(indented);
  const rest = failure.length - shown.length;
  if (rest > 0) shown.push(indented(`... ${thousands(rest)} more lines in the report`));
  return [line('replay', `FAIL (${counts})`), ...shown];
}

function verdictText(result: CampaignResult): string {
  if (result.ok) return 'PASS';
  const parts = failedParts(result);
  return parts.length > 0 ? `FAIL: ${parts.join(', ')}` : 'FAIL';
}

/**
 * `text` with control characters other than newlines and tabs shown as `?`: messages carry what
 * servers and clients reported, and an escape sequence in them would restyle the terminal.
 */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
