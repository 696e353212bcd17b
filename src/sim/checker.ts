/**
 * The simulation's checker: the spec's safety properties, checked on what actually happened in
 * a run. It sees every accepted message any acceptor sent (to know what was chosen), every
 * value a server learned, and every request as its client saw it (invoke and response).
 *
 * - Agreement: per log and sequence, at most one value is chosen (a quorum of acceptors
 *   accepted it at one ballot).
 * - LearnedIsChosen: a server learns only a chosen value.
 * - BoundsIncrease: agreed bounds never decrease as the sequence grows.
 * - UniqueTimestamps: no timestamp is returned twice to a client.
 * - RealTimeOrder: a response never returns a timestamp at or below one whose response
 *   completed before this request was invoked.
 * - WithinAgreedBound: every timestamp returned is at most a bound agreed in the client's log.
 *
 * The checker is independent of what it checks: it works out quorums, value identity and what
 * was chosen from its own definitions (written from the spec), never with the implementation's
 * functions, so that a bug there cannot blind it. It takes only the implementation's types.
 */
import type { AcceptedMsg } from '../paxos/messages.ts';
import type { LogName, LogValue, Seq, ServerId } from '../paxos/types.ts';
import type { ClientId } from '../server/messages.ts';

/** The first property a run broke, with what broke it. */
export interface Violation {
  readonly property:
    | 'Agreement'
    | 'LearnedIsChosen'
    | 'BoundsIncrease'
    | 'UniqueTimestamps'
    | 'RealTimeOrder'
    | 'WithinAgreedBound'
    | 'NoLostUpdate';
  readonly message: string;
  /** Virtual time of the step that broke it. */
  readonly time: number;
}

interface SeqTally {
  chosen: LogValue | null;
  /** Acceptors per (ballot, value). */
  readonly votes: Map<string, Set<ServerId>>;
}

/** The spec's `Quorums`: a set of acceptors is one when it holds more than half of them. */
function isQuorum(acceptors: number, serverCount: number): boolean {
  return 2 * acceptors > serverCount;
}

/** A value's identity: its fields, sorted, so that equal records have equal keys. */
function identity(v: LogValue): string {
  const fields = v as unknown as Record<string, number>;
  return Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join(',');
}

function sameValue(v: LogValue | null, w: LogValue | null): boolean {
  return v === null || w === null ? v === w : identity(v) === identity(w);
}

/** The bound of a client log's value, or null for a value that is not a bound. */
function boundOf(v: LogValue): number | null {
  const bound = (v as { bound?: unknown }).bound;
  return typeof bound === 'number' ? bound : null;
}

interface ClientHistory {
  /** The greatest timestamp among responses completed so far. */
  maxServed: number;
  /** Served ranges, sorted by first timestamp. */
  readonly ranges: Array<readonly [number, number]>;
  /** The greatest bound chosen in the client's log. */
  maxBound: number;
}

/** Checks one run. The first violation is kept; later ones are not reported. */
export class Checker {
  private readonly logs = new Map<LogName, Map<Seq, SeqTally>>();
  private readonly clients = new Map<ClientId, ClientHistory>();
  private first: Violation | null = null;
  private servedCount = 0;

  /** `serverCount` is the number of acceptors, N in the spec. */
  constructor(private readonly serverCount: number) {}

  /** The first violation, or null if the run is safe so far. */
  get violation(): Violation | null {
    return this.first;
  }

  /** How many responses with timestamps were checked. */
  get responsesChecked(): number {
    return this.servedCount;
  }

  /** How many sequences of `log` have a chosen value. */
  chosenCount(log: LogName = 'leader'): number {
    let n = 0;
    for (const tally of this.logs.get(log)?.values() ?? []) if (tally.chosen !== null) n++;
    return n;
  }

  /** Sees an accepted message as an acceptor sends it (copies are harmless). */
  onAccepted(m: AcceptedMsg, time: number): void {
    let seqs = this.logs.get(m.log);
    if (!seqs) this.logs.set(m.log, (seqs = new Map()));
    let tally = seqs.get(m.seq);
    if (!tally) seqs.set(m.seq, (tally = { chosen: null, votes: new Map() }));
    const key = `${m.bal[0]}.${m.bal[1]}:${identity(m.val)}`;
    let voters = tally.votes.get(key);
    if (!voters) tally.votes.set(key, (voters = new Set()));
    voters.add(m.from);
    if (!isQuorum(voters.size, this.serverCount)) return;
    if (tally.chosen === null) {
      tally.chosen = m.val;
      const bound = boundOf(m.val);
      if (bound !== null) this.boundChosen(m.log, m.seq, bound, time);
    } else if (!sameValue(tally.chosen, m.val)) {
      this.report(
        'Agreement',
        `log ${m.log} sequence ${m.seq}: ${show(tally.chosen)} and ${show(m.val)} were both chosen (the latter at ballot [${m.bal}])`,
        time,
      );
    }
  }

  /** Sees server `s` learn `v` for (log, seq). */
  onLearn(s: ServerId, log: LogName, seq: Seq, v: LogValue, time: number): void {
    const chosen = this.logs.get(log)?.get(seq)?.chosen ?? null;
    if (!sameValue(chosen, v)) {
      this.report(
        'LearnedIsChosen',
        `server ${s} learned ${show(v)} for ${log}/${seq}, but ${chosen === null ? 'nothing' : show(chosen)} was chosen`,
        time,
      );
    }
  }

  /**
   * A client invokes a request: returns the floor it must get above (the greatest timestamp
   * of the responses completed so far), to hand back with the response.
   */
  onInvoke(c: ClientId): number {
    return this.history(c).maxServed;
  }

  /** A client received the timestamps `first..last` for a request whose floor was `floor`. */
  onServed(c: ClientId, first: number, last: number, floor: number, time: number): void {
    this.servedCount++;
    const h = this.history(c);
    const range = `${first}..${last}`;
    if (first > last) {
      this.report('UniqueTimestamps', `client ${c} got an empty range ${range}`, time);
    }
    if (first <= floor) {
      this.report(
        'RealTimeOrder',
        `client ${c} got ${range}, but ${floor} had been returned to it before this request was invoked`,
        time,
      );
    }
    const overlapping = this.overlap(h.ranges, first, last);
    if (overlapping) {
      this.report(
        'UniqueTimestamps',
        `client ${c} got ${range}, overlapping ${overlapping[0]}..${overlapping[1]} returned before`,
        time,
      );
    }
    if (last > h.maxBound) {
      this.report(
        'WithinAgreedBound',
        `client ${c} got ${range}, above every bound agreed in its log (greatest ${h.maxBound})`,
        time,
      );
    }
    insertSorted(h.ranges, [first, last]);
    h.maxServed = Math.max(h.maxServed, last);
  }

  private boundChosen(c: ClientId, seq: Seq, bound: number, time: number): void {
    const h = this.history(c);
    h.maxBound = Math.max(h.maxBound, bound);
    for (const [q, tally] of this.logs.get(c) ?? []) {
      const other = tally.chosen === null ? null : boundOf(tally.chosen);
      if (other === null) continue;
      if ((q < seq && other > bound) || (q > seq && other < bound)) {
        this.report(
          'BoundsIncrease',
          `log ${c}: bound ${bound} chosen at sequence ${seq}, but ${other} at sequence ${q}`,
          time,
        );
      }
    }
  }

  private history(c: ClientId): ClientHistory {
    let h = this.clients.get(c);
    if (!h) this.clients.set(c, (h = { maxServed: 0, ranges: [], maxBound: 0 }));
    return h;
  }

  private overlap(
    ranges: ReadonlyArray<readonly [number, number]>,
    first: number,
    last: number,
  ): readonly [number, number] | null {
    const i = lowerBound(ranges, first);
    for (const j of [i - 1, i]) {
      const r = ranges[j];
      if (r && r[0] <= last && first <= r[1]) return r;
    }
    return null;
  }

  /** A fenced register accepted a write whose read another accepted write came after. */
  onLostUpdate(message: string, time: number): void {
    this.report('NoLostUpdate', message, time);
  }

  private report(property: Violation['property'], message: string, time: number): void {
    if (this.first === null) this.first = { property, message, time };
  }
}

function show(v: LogValue): string {
  const bound = boundOf(v);
  return bound === null
    ? `leader ${(v as { leader: number }).leader}`
    : `bound ${bound} of instance ${(v as { pid: number }).pid}`;
}

/** The index of the first range starting at or after `first`. */
function lowerBound(ranges: ReadonlyArray<readonly [number, number]>, first: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]![0] < first) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(
  ranges: Array<readonly [number, number]>,
  range: readonly [number, number],
): void {
  ranges.splice(lowerBound(ranges, range[0]), 0, range);
}
