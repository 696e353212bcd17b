/**
 * Which faults a simulation injects: random ones at given rates (`--faults`), and an explicit
 * schedule of crashes and partitions (`--schedule`) that property tests generate and shrink.
 * Both have a text form that parses back to the same value, so a run can be replayed from its
 * command line.
 */

/** Fault rates, each a probability in [0, 1]. */
export interface FaultRates {
  /** A message between servers is lost. */
  readonly loss: number;
  /** A message between servers is delivered twice. */
  readonly dup: number;
  /** A message between servers is held back long enough to arrive after later ones. */
  readonly delay: number;
  /** At a step, a random running server crashes (and restarts a little later). */
  readonly crash: number;
  /** At a step with no partition, the servers split into two groups for a while. */
  readonly partition: number;
}

/** The fault kinds, in the order their text form lists them. */
export const FAULT_KINDS = ['loss', 'dup', 'delay', 'crash', 'partition'] as const;

/** No faults at all. */
export const NO_FAULTS: FaultRates = { loss: 0, dup: 0, delay: 0, crash: 0, partition: 0 };

/** A crash or partition at a fixed virtual time (milliseconds), lasting `duration` ms. */
export type ScheduledFault =
  | {
      readonly kind: 'crash';
      readonly server: number;
      readonly at: number;
      readonly duration: number;
    }
  | {
      readonly kind: 'partition';
      readonly groups: readonly (readonly number[])[];
      readonly at: number;
      readonly duration: number;
    };

/** A fault specification that cannot be understood; the message says what to write instead. */
export class FaultSyntaxError extends Error {
  override name = 'FaultSyntaxError';
}

/**
 * Parses `--faults`: `none`, or comma-separated `kind=probability` pairs such as
 * `loss=0.1,dup=0.05,crash=0.01`. Kinds not named are off.
 */
export function parseFaults(text: string): FaultRates {
  const trimmed = text.trim();
  if (trimmed === 'none') return NO_FAULTS;
  const rates: Record<string, number> = { ...NO_FAULTS };
  for (const part of trimmed.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(part);
    if (!match) {
      throw new FaultSyntaxError(
        `cannot read "${part}" in --faults: write kind=probability pairs separated by commas, e.g. loss=0.1,dup=0.05, or "none"`,
      );
    }
    const [, kind, value] = match as unknown as [string, string, string];
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new FaultSyntaxError(
        `unknown fault kind "${kind}" in --faults: the kinds are ${FAULT_KINDS.join(', ')}`,
      );
    }
    const p = Number(value);
    if (!Number.isFinite(p) || p < 0 || p > 1) {
      throw new FaultSyntaxError(`${kind}=${value} in --faults: a probability must be from 0 to 1`);
    }
    rates[kind] = p;
  }
  return rates as unknown as FaultRates;
}

/** The text form of `rates` that {@link parseFaults} reads back. */
export function formatFaults(rates: FaultRates): string {
  const parts = FAULT_KINDS.filter((k) => rates[k] > 0).map((k) => `${k}=${rates[k]}`);
  return parts.length === 0 ? 'none' : parts.join(',');
}

/**
 * Parses `--schedule`: faults separated by `;`, each `crash:S@T+D` (server S crashes at
 * virtual time T ms and restarts D ms later) or `partition:G/G...@T+D` (from T for D ms,
 * servers in different groups cannot reach each other; a group is comma-separated servers;
 * servers named in no group form one more group). Server numbers must be in 1..`servers`.
 */
export function parseSchedule(text: string, servers: number): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const match = /^(crash|partition):([0-9,/]+)@(\d+)\+(\d+)$/.exec(part);
    if (!match) {
      throw new FaultSyntaxError(
        `cannot read "${part}" in --schedule: write crash:S@T+D or partition:1,2/3@T+D (T and D in ms), separated by ";"`,
      );
    }
    const [, kind, who, at, duration] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const fault = { at: Number(at), duration: Number(duration) };
    if (kind === 'crash') {
      out.push({ kind: 'crash', server: serverNumber(who, servers, part), ...fault });
    } else {
      const groups = who
        .split('/')
        .map((g) => g.split(',').map((s) => serverNumber(s, servers, part)));
      const named = groups.flat();
      if (new Set(named).size !== named.length) {
        throw new FaultSyntaxError(`"${part}" in --schedule names a server in two groups`);
      }
      out.push({ kind: 'partition', groups, ...fault });
    }
  }
  return out;
}

/** The text form of `schedule` that {@link parseSchedule} reads back. */
export function formatSchedule(schedule: readonly ScheduledFault[]): string {
  return schedule
    .map((f) =>
      f.kind === 'crash'
        ? `crash:${f.server}@${f.at}+${f.duration}`
        : `partition:${f.groups.map((g) => g.join(',')).join('/')}@${f.at}+${f.duration}`,
    )
    .join(';');
}

function serverNumber(text: string, servers: number, part: string): number {
  const n = Number(text);
  if (text === '' || !Number.isInteger(n) || n < 1 || n > servers) {
    throw new FaultSyntaxError(
      `"${part}" in --schedule: "${text}" is not a server; servers are 1..${servers}`,
    );
  }
  return n;
}
