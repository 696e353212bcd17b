/**
 * A replay of simulator traces against the spec's actions, written straight from
 * spec/Paxos.tla, Election.tla, Timestamps.tla and Timelock.tla: the global state (acceptors,
 * the message set, learned values, fresh ids, timestamp services, requests), each action's
 * guard and effect, and, after every event, the server's logged state compared with the
 * replayed one. Events are merged by Lamport clock, which orders them consistently with
 * causality. Where the spec is nondeterministic (which quorum a proposer's accept or a
 * recovery used), the replay keeps every value the spec allows and lets later events decide.
 *
 * This is test code for the implementation; the project's real trace validator runs the TLA+
 * spec itself (conformance/).
 */
import { quorumSize } from '../../../src/paxos/quorum.ts';
import {
  EMPTY_ACCEPTOR,
  LEADER_LOG,
  type AcceptorRecord,
  type Ballot,
  type BoundValue,
  type LogValue,
} from '../../../src/paxos/types.ts';
import type { TraceEvent } from '../../../src/trace/events.ts';
import { OFF, type Tsvc } from '../../../src/timestamp/tsvc.ts';

type Val = LogValue | null;

interface Promised {
  readonly from: number;
  readonly accBal: Ballot;
  readonly accVal: Val;
}

interface Req {
  st: 'idle' | 'pending';
  srv: number;
  after: number;
  floor: number;
}

const less = (b: Ballot, c: Ballot) => b[0] < c[0] || (b[0] === c[0] && b[1] < c[1]);
const leq = (b: Ballot, c: Ballot) => !less(c, b);
const bk = (b: Ballot) => `${b[0]}.${b[1]}`;
const vk = (v: Val) => (v === null ? '-' : typeof v === 'number' ? `${v}` : `${v.bound}/${v.pid}`);

/** Thrown when an event is not a step the spec allows. */
export class ReplayError extends Error {}

/** Replays merged traces; throws {@link ReplayError} at the first event the spec rejects. */
export class SpecReplay {
  private readonly quorum: number;
  /** Per server: acc by "L|q", learned by "L|q", tsvc by client. */
  private readonly acc = new Map<number, Map<string, AcceptorRecord>>();
  private readonly learned = new Map<number, Map<string, LogValue>>();
  private readonly tsvc = new Map<number, Map<string, Tsvc>>();
  private readonly req = new Map<string, Req>();
  private readonly maxServed = new Map<string, number>();
  private fresh = 0;
  private readonly prepares = new Set<string>();
  /** accept messages per (L, q, b): the values the spec allows it to carry. */
  private readonly accepts = new Map<string, Set<string>>();
  private readonly acceptValues = new Map<string, LogValue>();
  private readonly promises = new Map<string, Promised[]>();
  private readonly accepted = new Map<string, Map<string, Set<number>>>();
  private readonly pings = new Set<string>();
  private readonly pongs = new Map<string, Array<{ from: number; latest: number }>>();
  events = 0;

  /**
   * @param servers the spec's N
   * @param boundStep the spec's `Step`
   */
  constructor(
    servers: number,
    private readonly boundStep: number,
  ) {
    this.quorum = quorumSize(servers);
  }

  /** Replays every server's events, merged by Lamport clock. */
  replayAll(traces: ReadonlyArray<readonly TraceEvent[]>): void {
    const merged = traces.flat().sort((x, y) => x.clock - y.clock || x.server - y.server);
    for (const e of merged) this.step(e);
  }

  /** Replays one event. */
  step(e: TraceEvent): void {
    this.events++;
    const where = `event ${this.events} (${e.action} ${JSON.stringify(e.params)} at server ${e.server}, clock ${e.clock})`;
    const fail = (why: string): never => {
      throw new ReplayError(`${where}: ${why}`);
    };
    const need = (ok: boolean, why: string) => {
      if (!ok) fail(why);
    };
    const self = e.server;
    switch (e.action) {
      case 'Promise': {
        const { a, L, q, b } = e.params;
        need(a === self, 'an acceptor steps for itself');
        need(this.prepares.has(`${L}|${q}|${bk(b)}`), 'no such prepare was sent');
        const r = this.rec(a, L, q);
        need(less(r.prom, b), `promised ${r.prom} already, not below ${b}`);
        this.of(this.acc, a).set(`${L}|${q}`, { ...r, prom: b });
        this.list(this.promises, `${L}|${q}|${bk(b)}`).push({
          from: a,
          accBal: r.bal,
          accVal: r.val,
        });
        break;
      }
      case 'Accept': {
        const { a, L, q, b, v } = e.params;
        need(a === self, 'an acceptor steps for itself');
        const key = `${L}|${q}|${bk(b)}`;
        const allowed = this.accepts.get(key);
        need(
          allowed !== undefined && allowed.has(vk(v)),
          `no accept for ${vk(v)} at ${key} was sent`,
        );
        this.accepts.set(key, new Set([vk(v)]));
        this.acceptValues.set(key, v);
        const r = this.rec(a, L, q);
        need(leq(r.prom, b), `promised ${r.prom}, above ${b}`);
        this.of(this.acc, a).set(`${L}|${q}`, { prom: b, bal: b, val: v });
        let byBallot = this.accepted.get(`${L}|${q}`);
        if (!byBallot) this.accepted.set(`${L}|${q}`, (byBallot = new Map()));
        const bv = `${bk(b)}:${vk(v)}`;
        if (!byBallot.has(bv)) byBallot.set(bv, new Set());
        byBallot.get(bv)!.add(a);
        break;
      }
      case 'Pong': {
        const { a, s, L, k } = e.params;
        need(a === self, 'an acceptor steps for itself');
        need(this.pings.has(`${s}|${L}|${k}`), 'no such ping was sent');
        this.list(this.pongs, `${s}|${L}|${k}`).push({ from: a, latest: this.latestTouched(a, L) });
        break;
      }
      case 'Learn': {
        const { s, L, q, v } = e.params;
        need(s === self, 'a learner steps for itself');
        need(!this.of(this.learned, s).has(`${L}|${q}`), 'learned already');
        const chosen = [...(this.accepted.get(`${L}|${q}`) ?? [])].some(
          ([bv, from]) => bv.endsWith(`:${vk(v)}`) && from.size >= this.quorum,
        );
        need(chosen, `${vk(v)} is not chosen at ${L}/${q}`);
        this.of(this.learned, s).set(`${L}|${q}`, v);
        break;
      }
      case 'ProposeLeadership': {
        const { s, q, n } = e.params;
        need(s === self, 'a server proposes itself');
        need(this.leaderOf(s) !== s, 'already the leader');
        need(q === this.greatest(s, LEADER_LOG) + 1, 'not at the greatest learned sequence + 1');
        this.prepare(LEADER_LOG, q, [n, s], fail);
        break;
      }
      case 'SendLeaderAccept': {
        const { s, q, b } = e.params;
        need(s === self && b[1] === s, 'a server sends accepts for its own ballot');
        this.sendAccept(LEADER_LOG, q, b, s, fail);
        break;
      }
      case 'CheckLeadership': {
        const { s } = e.params;
        need(this.leaderOf(s) === s, 'not the leader');
        this.pings.add(`${s}|${LEADER_LOG}|${++this.fresh}`);
        break;
      }
      case 'StartService': {
        const { s, c } = e.params;
        need(this.leaderOf(s) === s, 'not the leader');
        const term = this.greatest(s, LEADER_LOG);
        need(this.ts(s, c).term < term, 'the instance is of the current term');
        const id = ++this.fresh;
        this.pings.add(`${s}|${c}|${id}`);
        this.of(this.tsvc, s).set(c, {
          phase: 'recovering',
          id,
          term,
          seq: 0,
          limit: 0,
          counter: 0,
          check: id,
        });
        break;
      }
      case 'Recover': {
        const { s, c } = e.params;
        const t = this.ts(s, c);
        need(t.phase === 'recovering', 'not recovering');
        const logged = e.state.tsvc[c] ?? OFF;
        const ok = this.recoveries(s, c, t).some((u) => sameTsvc(u, logged));
        need(ok, `no quorum of pongs leads to ${JSON.stringify(logged)}`);
        this.of(this.tsvc, s).set(c, logged);
        break;
      }
      case 'FinishForcing': {
        const { s, c } = e.params;
        const t = this.ts(s, c);
        need(t.phase === 'forcing', 'not forcing');
        const v = this.learnedAt(s, c, t.seq);
        need(v !== null, 'the forced sequence is not learned');
        const b = (v as BoundValue).bound;
        this.of(this.tsvc, s).set(c, { ...t, phase: 'serving', limit: b, counter: b });
        break;
      }
      case 'Extend': {
        const { s, c } = e.params;
        const t = this.ts(s, c);
        need(
          t.phase === 'serving' && t.counter + 1 > t.limit,
          'not serving with the bound used up',
        );
        this.of(this.tsvc, s).set(c, { ...t, phase: 'extending', seq: t.seq + 1 });
        break;
      }
      case 'ProposeBound': {
        const { s, c, q, n } = e.params;
        const t = this.ts(s, c);
        need(this.proposing(s, c), 'not proposing');
        need(q === t.seq, 'not at the instance sequence');
        this.prepare(c, q, [n, t.id], fail);
        break;
      }
      case 'SendBoundAccept': {
        const { s, c, q, b } = e.params;
        const t = this.ts(s, c);
        need(this.proposing(s, c) && q === t.seq && b[1] === t.id, 'not proposing at this ballot');
        const previous = t.seq === 1 ? null : (this.learnedAt(s, c, t.seq - 1) as BoundValue);
        const own: BoundValue =
          t.phase === 'forcing'
            ? { bound: t.seq === 1 ? 0 : previous!.bound, pid: t.id }
            : { bound: t.limit + this.boundStep, pid: t.id };
        this.sendAccept(c, q, b, own, fail);
        break;
      }
      case 'BoundAgreed': {
        const { s, c } = e.params;
        const t = this.ts(s, c);
        need(t.phase === 'extending', 'not extending');
        const v = this.learnedAt(s, c, t.seq) as BoundValue | null;
        need(v !== null, 'the sequence is not learned');
        const won = v!.pid === t.id && v!.bound >= t.limit + this.boundStep;
        this.of(this.tsvc, s).set(
          c,
          won ? { ...t, phase: 'serving', limit: v!.bound } : { ...t, phase: 'stopped' },
        );
        break;
      }
      case 'Request': {
        const { c, s } = e.params;
        need(s === self, 'the server the request arrived at');
        need((this.req.get(c)?.st ?? 'idle') === 'idle', 'the client has a request pending');
        this.req.set(c, {
          st: 'pending',
          srv: s,
          after: this.fresh,
          floor: this.maxServed.get(c) ?? 0,
        });
        break;
      }
      case 'GiveUp': {
        const { c } = e.params;
        need(this.req.get(c)?.st === 'pending', 'no request pending');
        this.req.set(c, { st: 'idle', srv: 0, after: 0, floor: 0 });
        break;
      }
      case 'Serve': {
        const { s, c, k } = e.params;
        const r = this.req.get(c);
        need(r?.st === 'pending' && r.srv === s, 'no request pending here');
        need(k > r!.after, `check ${k} did not start after the request arrived (${r!.after})`);
        need(this.confirmedBy(s, k), `check ${k} does not confirm ${s}`);
        const t = this.ts(s, c);
        need(t.phase === 'serving' && t.counter < t.limit, 'no timestamp left');
        const [first, last] = e.served ?? [NaN, NaN];
        need(
          first === t.counter + 1 && last >= first && last <= t.limit,
          `served ${first}..${last}`,
        );
        need(first > r!.floor, 'RealTimeOrder');
        this.of(this.tsvc, s).set(c, { ...t, counter: last });
        this.maxServed.set(c, Math.max(this.maxServed.get(c) ?? 0, last));
        this.req.set(c, { st: 'idle', srv: 0, after: 0, floor: 0 });
        break;
      }
      case 'Restart': {
        const { s } = e.params;
        const some =
          this.of(this.learned, s).size > 0 ||
          [...this.of(this.tsvc, s).values()].some((t) => t.phase !== 'off');
        need(some, 'nothing volatile to lose');
        this.learned.delete(s);
        this.tsvc.delete(s);
        break;
      }
    }
    this.compareState(e, fail);
  }

  private compareState(e: TraceEvent, fail: (why: string) => never): void {
    const s = e.server;
    const nest = <V>(m: Map<string, V>) => {
      const out: Record<string, Record<string, V>> = {};
      for (const [key, v] of m) {
        const [L, q] = key.split('|') as [string, string];
        (out[L] ??= {})[q] = v;
      }
      return out;
    };
    const tsvc: Record<string, Tsvc> = {};
    for (const [c, t] of this.of(this.tsvc, s)) if (t.phase !== 'off') tsvc[c] = t;
    const norm = (x: unknown) => JSON.stringify(sortKeys(x));
    for (const [name, mine, theirs] of [
      ['acc', nest(this.of(this.acc, s)), e.state.acc],
      ['learned', nest(this.of(this.learned, s)), e.state.learned],
      ['tsvc', tsvc, e.state.tsvc],
    ] as const) {
      if (norm(mine) !== norm(theirs)) {
        fail(`logged ${name} ${norm(theirs)} but the spec gives ${norm(mine)}`);
      }
    }
  }

  private prepare(L: string, q: number, b: Ballot, fail: (why: string) => never): void {
    const key = `${L}|${q}|${bk(b)}`;
    if (this.prepares.has(key)) fail(`ballot ${b} was used before at ${L}/${q}`);
    this.prepares.add(key);
  }

  private sendAccept(
    L: string,
    q: number,
    b: Ballot,
    own: LogValue,
    fail: (why: string) => never,
  ): void {
    const key = `${L}|${q}|${bk(b)}`;
    if (this.accepts.has(key)) fail('an accept was sent at this ballot before');
    const ps = this.promises.get(key) ?? [];
    const byFrom = new Map<number, Promised[]>();
    for (const p of ps) this.list(byFrom, p.from).push(p);
    const from = [...byFrom.keys()];
    if (from.length < this.quorum) fail('no quorum promised');
    const values = new Set<string>();
    for (const quorum of subsets(from, this.quorum)) {
      const inQ = quorum.flatMap((a) => byFrom.get(a)!);
      values.add(vk(valueFor(inQ, own)));
    }
    this.accepts.set(key, values);
  }

  private recoveries(s: number, c: string, t: Tsvc): Tsvc[] {
    const answers = this.pongs.get(`${s}|${c}|${t.check}`) ?? [];
    const from = [...new Set(answers.map((p) => p.from))];
    const out: Tsvc[] = [];
    for (const quorum of subsets(from, this.quorum)) {
      const q = Math.max(...answers.filter((p) => quorum.includes(p.from)).map((p) => p.latest));
      const v = this.learnedAt(s, c, q) as BoundValue | null;
      out.push(
        q === 0
          ? { ...t, phase: 'serving' }
          : v !== null
            ? { ...t, phase: 'serving', seq: q, limit: v.bound, counter: v.bound }
            : { ...t, phase: 'forcing', seq: q },
      );
    }
    return out;
  }

  private confirmedBy(s: number, k: number): boolean {
    if (this.leaderOf(s) !== s) return false;
    const gl = this.greatest(s, LEADER_LOG);
    const ok = new Set(
      (this.pongs.get(`${s}|${LEADER_LOG}|${k}`) ?? [])
        .filter((p) => p.latest <= gl)
        .map((p) => p.from),
    );
    return ok.size >= this.quorum;
  }

  private proposing(s: number, c: string): boolean {
    const t = this.ts(s, c);
    if (t.phase === 'extending') return true;
    return t.phase === 'forcing' && (t.seq === 1 || this.learnedAt(s, c, t.seq - 1) !== null);
  }

  private rec(a: number, L: string, q: number): AcceptorRecord {
    return this.of(this.acc, a).get(`${L}|${q}`) ?? EMPTY_ACCEPTOR;
  }

  private ts(s: number, c: string): Tsvc {
    return this.of(this.tsvc, s).get(c) ?? OFF;
  }

  private learnedAt(s: number, L: string, q: number): LogValue | null {
    return this.of(this.learned, s).get(`${L}|${q}`) ?? null;
  }

  private greatest(s: number, L: string): number {
    let g = 0;
    for (const key of this.of(this.learned, s).keys()) {
      const [log, q] = key.split('|') as [string, string];
      if (log === L) g = Math.max(g, Number(q));
    }
    return g;
  }

  private leaderOf(s: number): number {
    const g = this.greatest(s, LEADER_LOG);
    return g === 0 ? 0 : (this.learnedAt(s, LEADER_LOG, g) as number);
  }

  private latestTouched(a: number, L: string): number {
    let g = 0;
    for (const [key, r] of this.of(this.acc, a)) {
      const [log, q] = key.split('|') as [string, string];
      if (log === L && (r.prom[0] !== 0 || r.prom[1] !== 0)) g = Math.max(g, Number(q));
    }
    return g;
  }

  private of<V>(m: Map<number, Map<string, V>>, s: number): Map<string, V> {
    let inner = m.get(s);
    if (!inner) m.set(s, (inner = new Map()));
    return inner;
  }

  private list<K, T>(m: Map<K, T[]>, k: K): T[] {
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    return l;
  }
}

function valueFor(ps: readonly Promised[], own: LogValue): Val {
  let best: Promised | null = null;
  for (const p of ps) {
    if (p.accBal[0] === 0 && p.accBal[1] === 0) continue;
    if (best === null || less(best.accBal, p.accBal)) best = p;
  }
  return best === null ? own : best.accVal;
}

/** Every subset of `items` with at least `min` elements. */
function subsets<T>(items: readonly T[], min: number): T[][] {
  const out: T[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) {
    const pick = items.filter((_, i) => mask & (1 << i));
    if (pick.length >= min) out.push(pick);
  }
  return out;
}

function sameTsvc(x: Tsvc, y: Tsvc): boolean {
  return (Object.keys(OFF) as (keyof Tsvc)[]).every((k) => x[k] === y[k]);
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.keys(x)
      .sort()
      .map((k) => [k, sortKeys((x as Record<string, unknown>)[k])]),
  );
}
