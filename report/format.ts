/**
 * What the HTML report and the terminal summary of a campaign both say, worded once: numbers and
 * durations as people read them, and the verdict of each part of a campaign.
 */
import type { CampaignResult } from '../campaign/result.ts';
import {
  HISTORY_PROPERTIES,
  type Availability,
  type HistoryViolation,
} from '../conformance/history/index.ts';

/** A checked property. */
export type Property = HistoryViolation['property'];

/** Every property the history checker judges, in its order. */
export const PROPERTIES = HISTORY_PROPERTIES;

/** `61234` as `61,234`: counts in a long campaign run to six digits and more. */
export function thousands(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/**
 * A length of time in the unit it is best read in: `410 ms`, `1.84 s`, `300 s`, `12 min 5 s`.
 * Up to ten minutes stays in seconds, the unit campaigns are configured in.
 */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  // Compared after rounding, so 999.7 ms reads `1 s`, not `1000 ms`.
  if (Math.abs(Number(ms.toPrecision(3))) < 1000) return `${significant(ms, 3)} ms`;
  if (Math.abs(ms) < 600_000) return `${significant(ms / 1000, 3)} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A point in time since the campaign started, in seconds: `120.3 s`. */
export function instant(ms: number, decimals = 1): string {
  return `${(ms / 1000).toFixed(decimals)} s`;
}

/** A share as a percentage with one decimal, never rounding a shortfall up to a full 100%. */
export function percent(share: number): string {
  const shown = (share * 100).toFixed(1);
  return share < 1 && shown === '100.0' ? '99.9%' : `${shown}%`;
}

/** `n` rounded to `digits` significant digits, without trailing zeros (`1.9`, not `1.90`). */
function significant(n: number, digits: number): string {
  if (n === 0) return '0';
  return String(Number(n.toPrecision(digits)));
}

/** The violations of one property, split the way both reports show them. */
export interface PropertyViolations {
  readonly property: Property;
  /** Violations with the operations that commit them, first found first. */
  readonly listed: readonly HistoryViolation[];
  /** The checker's note of how many more it found but did not list, if any. */
  readonly unlisted?: string;
}

/** The violations of each property that has any, in {@link PROPERTIES} order. */
export function violationsByProperty(result: CampaignResult): PropertyViolations[] {
  const out: PropertyViolations[] = [];
  for (const property of PROPERTIES) {
    const all = result.history.violations.filter((v) => v.property === property);
    if (all.length === 0) continue;
    // The checker's overflow entry is the one without operations (see HistoryViolation).
    const unlisted = all.find((v) => v.operations.length === 0)?.message;
    const listed = all.filter((v) => v.operations.length > 0);
    out.push(unlisted === undefined ? { property, listed } : { property, listed, unlisted });
  }
  return out;
}

/** The parts of a campaign that failed (violated properties, then `replay`); empty on a pass. */
export function failedParts(result: CampaignResult): string[] {
  const parts: string[] = violationsByProperty(result).map((p) => p.property);
  if (!result.replay.ok) parts.push('replay');
  return parts;
}

/** Failover times after faults: median and maximum of those that recovered, and how many never did. */
export interface FailoverStats {
  readonly medianMs: number | null;
  readonly maxMs: number | null;
  readonly unrecovered: number;
}

export function failoverStats(availability: Availability): FailoverStats {
  const times = availability.failovers
    .map((f) => f.ms)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const unrecovered = availability.failovers.length - times.length;
  if (times.length === 0) return { medianMs: null, maxMs: null, unrecovered };
  const mid = times.length >> 1;
  const medianMs = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, maxMs: times[times.length - 1]!, unrecovered };
}
