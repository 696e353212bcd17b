/**
 * What a fault campaign found: the settings it ran with, every operation, every fault, the
 * checkers' verdicts, the availability figures and the replay of the servers' traces. The HTML
 * report and the terminal summary are both drawn from this one value.
 */
import type {
  Availability,
  HistoryCheck,
  TimestampOperation,
} from '../conformance/history/index.ts';

/** The settings a campaign ran with. */
export interface CampaignSettings {
  readonly servers: number;
  readonly clients: number;
  /** How long the workload ran, in ms. */
  readonly durationMs: number;
  readonly seed: number;
  /** The fault kinds the schedule drew from. */
  readonly faultKinds: readonly string[];
  /** Where the data folders, traces, history and report are. */
  readonly dir: string;
}

/** One fault as it was injected: when (ms since the campaign started), what, and on whom. */
export interface InjectedFault {
  /** The index in the schedule. */
  readonly index: number;
  readonly kind: string;
  readonly description: string;
  readonly targets: readonly number[];
  readonly startMs: number;
  /** When it was healed; the end of the campaign when it never was. */
  readonly endMs: number;
}

/** The replay of every server's trace on the spec. */
export interface ReplayVerdict {
  readonly ok: boolean;
  /** Traces replayed, and events in them. */
  readonly traces: number;
  readonly events: number;
  /** The replay report as text when a trace does not conform (names the event and action). */
  readonly failure?: string;
}

/** See the module comment. */
export interface CampaignResult {
  readonly settings: CampaignSettings;
  /** Wall-clock time of time 0, ISO 8601. */
  readonly startedAt: string;
  /** Operations, times in ms since the campaign started. */
  readonly operations: readonly TimestampOperation[];
  readonly faults: readonly InjectedFault[];
  readonly history: HistoryCheck;
  readonly availability: Availability;
  readonly replay: ReplayVerdict;
  /** The conjunction: every checker and the replay hold. */
  readonly ok: boolean;
}
