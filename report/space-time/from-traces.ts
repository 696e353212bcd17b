/**
 * A space-time diagram of implementation traces (`simulate --trace-dir`, a cluster's
 * `server-N.ndjson`): one lane per server and one per client, the events in their merged
 * causal order.
 *
 * Messages between servers are read off the vector clocks, which every event carries: when an
 * event of server j knows more of server i than j's previous event did, it received a message
 * whose send is i's event with that clock entry (a server's own entry counts its events, 1, 2,
 * 3, ...). So each arrow is a delivery that brought news; a duplicate, or a message older than
 * what the receiver already knew, leaves no arrow. Clients appear where servers log them: a
 * `Request` is a message from the client to the server, a `Serve` one back with the range.
 */
import { mergeCausally } from '../../conformance/replay/merge.ts';
import type { LoggedEvent, TraceStream } from '../../conformance/replay/trace-input.ts';
import type { DiagramArrow, DiagramStep, SpaceTime } from './model.ts';

/** What {@link spaceTimeOfTraces} may be told besides the traces. */
export interface TraceDiagramOptions {
  readonly title?: string;
  readonly source?: string;
  /** Draw only the events up to this 1-based position of the merged order. */
  readonly upTo?: number;
  /** The event (1-based merged position) that failed, and why. */
  readonly failure?: { readonly index: number; readonly summary: string; readonly details: string };
  /** Faults around the events, in the events' time (`time` of each event), to shade. */
  readonly periods?: readonly TimedPeriod[];
}

/** A fault from time `from` to `to` (null: to the end), in the traces' clock. */
export interface TimedPeriod {
  readonly label: string;
  readonly from: number;
  readonly to: number | null;
}

/** The diagram of `streams` (one run); see the module comment. */
export function spaceTimeOfTraces(
  streams: readonly TraceStream[],
  options: TraceDiagramOptions = {},
): SpaceTime {
  const lanes = new Lanes();
  const steps: DiagramStep[] = [];
  const arrows: DiagramArrow[] = [];
  /** The time of each step (a client's step takes its server event's). */
  const times: number[] = [];
  /** Step index of each server's k-th event (1-based), to find the send of a received message. */
  const eventsOf = new Map<number, number[]>();
  const lastClock = new Map<number, readonly number[]>();
  let failingStep: number | undefined;
  let position = 0;
  // Every server gets its lane, in order, even one that logged nothing.
  const servers = Math.max(0, ...streams.map((s) => s.header?.servers ?? 0));
  for (let s = 1; s <= servers; s++) lanes.of(`server ${s}`);
  for (const logged of mergeCausally(streams)) {
    position++;
    if (options.upTo !== undefined && position > options.upTo) break;
    const e = logged.event;
    const server = e.server;
    const before = lastClock.get(server) ?? [];
    if (e.action === 'Request') {
      times.push(e.time);
      const request = push(steps, {
        lane: lanes.of(`client ${e.params.c}`),
        label: `asks for ${e.params.n}`,
        changes: [],
      });
      arrows.push({ from: request, to: steps.length });
    }
    times.push(e.time);
    const step = push(steps, {
      lane: lanes.of(`server ${server}`),
      label: eventLabel(logged),
      place: `${logged.file}:${logged.line}`,
      changes: changeLines(e.changes),
      ...(e.action === 'Restart' ? { crash: true } : {}),
    });
    if (position === options.failure?.index) failingStep = step;
    // Messages from other servers that this event is the first of its server to know of.
    e.vc.forEach((count, i) => {
      const from = i + 1;
      if (from === server || count <= (before[i] ?? 0)) return;
      const send = eventsOf.get(from)?.[count - 1];
      if (send !== undefined) arrows.push({ from: send, to: step });
    });
    let mine = eventsOf.get(server);
    if (mine === undefined) eventsOf.set(server, (mine = []));
    mine.push(step);
    lastClock.set(server, e.vc);
    if (e.action === 'Serve' && e.served) {
      times.push(e.time);
      const answer = push(steps, {
        lane: lanes.of(`client ${e.params.c}`),
        label: `gets ${e.served[0]}..${e.served[1]}`,
        changes: [],
      });
      arrows.push({ from: step, to: answer });
    }
  }
  return {
    title: options.title ?? 'Traces',
    source: options.source ?? streams.map((s) => s.file).join(', '),
    lanes: lanes.names,
    steps,
    arrows,
    periods: (options.periods ?? []).flatMap((p) => {
      const span = stepsDuring(times, p.from, p.to ?? Infinity);
      return span ? [{ label: p.label, ...span }] : [];
    }),
    ...(options.failure && failingStep !== undefined
      ? {
          failure: {
            step: failingStep,
            summary: options.failure.summary,
            details: options.failure.details,
          },
        }
      : {}),
    notes: [
      'Arrows are read off the vector clocks: a delivery that brought the receiver news of the sender.',
      options.periods && options.periods.length > 0
        ? 'Shaded: the faults recorded beside the traces (crashes, partitions, pauses), from the first to the last step taken while each lasted.'
        : 'Traces do not record partitions or pauses, and no file beside these traces does (simulate --trace-dir writes faults.ndjson, a campaign history.ndjson): none are shaded.',
    ],
  };
}

/**
 * The first and last step taken between `from` and `to`. The merged order follows causality,
 * not the clocks of different servers, so this is as close as the traces allow.
 */
function stepsDuring(
  times: readonly number[],
  from: number,
  to: number,
): { fromStep: number; toStep: number } | undefined {
  const fromStep = times.findIndex((t) => t >= from);
  if (fromStep < 0) return undefined;
  let toStep = fromStep;
  times.forEach((t, i) => {
    if (t <= to && i > toStep) toStep = i;
  });
  return { fromStep, toStep };
}

function push(steps: DiagramStep[], step: DiagramStep): number {
  steps.push(step);
  return steps.length - 1;
}

/** Lane names in the order first asked for. */
class Lanes {
  private readonly index = new Map<string, number>();
  readonly names: string[] = [];

  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

/** `Promise(1, "leader", 1, <<1, 1>>)`: the action with its parameters, as the spec writes them. */
function eventLabel(logged: LoggedEvent): string {
  const e = logged.event;
  const args = Object.values(e.params).map(tlaText);
  return args.length === 0 ? e.action : `${e.action}(${args.join(', ')})`;
}

/** A logged parameter in TLA+ syntax: strings quoted, pairs as tuples, records with |->. */
function tlaText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `<<${v.map(tlaText).join(', ')}>>`;
  if (v !== null && typeof v === 'object')
    return `[${Object.entries(v)
      .map(([k, x]) => `${k} |-> ${tlaText(x)}`)
      .join(', ')}]`;
  return String(v);
}

/** What an event logged it wrote, one line per entry: `acc[leader][1] = [...]`. */
function changeLines(changes: object): string[] {
  const out: string[] = [];
  const walk = (path: string, v: unknown, depth: number) => {
    if (depth < 2 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(`${path}[${k}]`, x, depth + 1);
      return;
    }
    out.push(`${path} = ${tlaText(v)}`);
  };
  for (const [variable, v] of Object.entries(changes)) walk(variable, v, 0);
  return out;
}
