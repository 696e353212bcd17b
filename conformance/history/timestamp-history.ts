/**
 * A checker over histories of timestamp requests as clients saw them: when each call was
 * invoked, when it completed, and what it got. It is what an end-to-end test runs after driving
 * real servers with concurrent clients, to decide whether the cluster behaved as a timestamp
 * oracle must, judged only from outside.
 *
 * The properties are the guarantees a client of a timestamp oracle builds on (AtlasDB's
 * transactions order themselves by start and commit timestamps):
 *
 * - UniqueTimestamps: no timestamp is handed out twice in a namespace. Two transactions with one
 *   start timestamp would be indistinguishable.
 * - RealTimeOrder: a call invoked after another completed gets only timestamps above all of the
 *   other's. A commit timestamp must be above every start timestamp handed out before the commit
 *   began, whoever asked for it; this is what makes snapshot isolation hold across clients.
 *   Together with uniqueness it is linearizability of a counter: every history that passes can be
 *   explained by one counter that each call advanced atomically at some instant between its
 *   invocation and its completion.
 * - CallerOrder: the special case of RealTimeOrder within one caller. It is implied, but a
 *   client seeing its own timestamps go backwards is the clearest report of a broken order, so it
 *   is checked and reported on its own, before RealTimeOrder.
 * - OneLeaderPerTerm: every answer carrying the election term it was served under (a real
 *   server's answers do) names, for one term, one server. Two servers serving under one term
 *   would mean the leader election itself disagreed.
 * - LeaderChangeOrder: an answer served under a later election term is above every answer
 *   served under an earlier one, whatever the timing. A new leader starts from a bound agreed
 *   above everything the old one could hand out, so this holds even for calls that overlap in
 *   time, where RealTimeOrder says nothing; it is what a leader that lost and regained
 *   leadership breaks when it serves from the window it had before (TiKV PD #4885).
 * - WellFormed: each record makes sense (integer ranges with lower <= upper, a completion not
 *   before its invocation). A malformed record is a bug in the recording, not the cluster, and
 *   is left out of the other checks, whose conclusions it would make meaningless.
 *
 * Calls that failed may or may not have taken effect (the server may have handed out the range
 * and the answer been lost), so they constrain nothing; timestamps a failed call may have
 * consumed are simply never seen. Gaps between ranges are allowed for the same reason: a
 * timestamp service may skip timestamps, it may never repeat or reorder them.
 *
 * Namespaces are independent timestamp sequences, so every property is checked per namespace.
 * Each check sorts and sweeps (O(n log n)): histories of a long run hold 100k calls and more,
 * where comparing every pair would not finish.
 *
 * ```ts
 * const result = checkTimestampHistory(recorded);
 * if (!result.ok) console.log(result.violations.map((v) => v.message).join('\n'));
 * ```
 */

/**
 * One client call as observed: when it was invoked and when it completed (ms, from one
 * monotonic clock, e.g. `performance.now()` in the test process), which namespace, who called (a
 * caller id: a client process or worker), and the range it got (`lower..upper` inclusive) or
 * that it failed.
 */
export interface TimestampOperation {
  readonly caller: string;
  readonly namespace: string;
  readonly invokedAt: number;
  readonly completedAt: number;
  readonly outcome:
    | {
        readonly kind: 'ok';
        readonly lower: number;
        readonly upper: number;
        /** The server that answered, when known. */
        readonly server?: number;
        /** The election term the server served under, when known. */
        readonly term?: number;
      }
    /** Certainly took no effect: refused. */
    | { readonly kind: 'failed'; readonly error: string }
    /** May or may not have taken effect: timed out, or the connection was lost. */
    | { readonly kind: 'unknown'; readonly error: string };
}

/** A property the history breaks, with the operations that break it. */
export interface HistoryViolation {
  readonly property:
    | 'UniqueTimestamps'
    | 'CallerOrder'
    | 'RealTimeOrder'
    | 'OneLeaderPerTerm'
    | 'LeaderChangeOrder'
    | 'WellFormed';
  readonly message: string;
  /**
   * The operations involved: one for WellFormed; for the others the earlier operation (the one
   * that completed first, or got the lower range), then the later. Empty for the entry that says
   * how many further violations of a property were not listed.
   */
  readonly operations: readonly TimestampOperation[];
}

/** What {@link checkTimestampHistory} found. */
export interface HistoryCheck {
  /** True when there are no violations. */
  ok: boolean;
  /**
   * Violations, grouped by property in the order WellFormed, UniqueTimestamps, CallerOrder,
   * RealTimeOrder, OneLeaderPerTerm, LeaderChangeOrder. At most `maxPerProperty` of each are listed; when there are more, one last
   * entry for the property (with no operations) says how many were left out.
   */
  violations: HistoryViolation[];
  stats: {
    /** Operations that got a range. */
    ok: number;
    /** Operations that were refused. */
    failed: number;
    /** Operations whose outcome is unknown. */
    unknown: number;
    /** Timestamps handed out: the sizes of the well-formed ok ranges, summed. */
    timestamps: number;
    /** Distinct namespaces among all operations. */
    namespaces: number;
  };
}

/** Options of {@link checkTimestampHistory}. */
export interface HistoryCheckOptions {
  /**
   * How many violations of each property to list. A broken cluster typically breaks a property
   * thousands of times over; the first few say what went wrong, the rest would bury them.
   */
  readonly maxPerProperty?: number;
}

/** The default of {@link HistoryCheckOptions.maxPerProperty}. */
export const MAX_VIOLATIONS_PER_PROPERTY = 20;

type Property = HistoryViolation['property'];

/**
 * Every property the checker judges, in the order violations are reported in: the record first,
 * then the clearest message first.
 */
export const HISTORY_PROPERTIES: readonly Property[] = [
  'WellFormed',
  'UniqueTimestamps',
  'CallerOrder',
  'RealTimeOrder',
  'OneLeaderPerTerm',
  'LeaderChangeOrder',
];

/** An operation that got a range (narrowed, so the checks read its bounds directly). */
interface OkOperation {
  readonly op: TimestampOperation;
  readonly lower: number;
  readonly upper: number;
  readonly term: number | undefined;
}

/**
 * Checks a history of timestamp calls for uniqueness and real-time order per namespace (see the
 * top of this file). Pure: the operations are neither changed nor kept.
 */
export function checkTimestampHistory(
  ops: readonly TimestampOperation[],
  options: HistoryCheckOptions = {},
): HistoryCheck {
  const found = new Findings(options.maxPerProperty ?? MAX_VIOLATIONS_PER_PROPERTY);
  const stats = { ok: 0, failed: 0, unknown: 0, timestamps: 0, namespaces: 0 };
  /** The well-formed ok operations, per namespace, in the order the namespaces first appear. */
  const byNamespace = new Map<string, OkOperation[]>();
  const namespaces = new Set<string>();

  for (const op of ops) {
    namespaces.add(op.namespace);
    stats[op.outcome.kind]++;
    const problem = malformation(op);
    if (problem !== null) {
      found.add('WellFormed', `namespace ${show(op.namespace)}: ${describe(op)}: ${problem}`, [op]);
      continue;
    }
    if (op.outcome.kind !== 'ok') continue;
    const { lower, upper, term } = op.outcome;
    stats.timestamps += upper - lower + 1;
    let list = byNamespace.get(op.namespace);
    if (!list) byNamespace.set(op.namespace, (list = []));
    list.push({ op, lower, upper, term });
  }
  checkOneLeaderPerTerm(byNamespace, found);
  stats.namespaces = namespaces.size;

  for (const [namespace, list] of byNamespace) {
    checkUnique(namespace, list, found);
    const byCaller = new Map<string, OkOperation[]>();
    for (const o of list) {
      let mine = byCaller.get(o.op.caller);
      if (!mine) byCaller.set(o.op.caller, (mine = []));
      mine.push(o);
    }
    for (const mine of byCaller.values()) {
      checkOrder(mine, (earlier, later) =>
        found.add(
          'CallerOrder',
          `namespace ${show(namespace)}: caller ${show(later.op.caller)} got ` +
            `${range(later)} ${times(later.op)}, not above its own earlier ${range(earlier)} ` +
            `${times(earlier.op)}, which had completed before it asked`,
          [earlier.op, later.op],
        ),
      );
    }
    checkOrder(list, (earlier, later) =>
      found.add(
        'RealTimeOrder',
        `namespace ${show(namespace)}: ${describe(later.op)} is not above ` +
          `${describe(earlier.op)}, which had completed before it was invoked`,
        [earlier.op, later.op],
      ),
    );
    checkLeaderChangeOrder(namespace, list, found);
  }

  const violations = found.list();
  return { ok: violations.length === 0, violations, stats };
}

/** Why an operation's record is malformed, or null when it is not. */
function malformation(op: TimestampOperation): string | null {
  if (!Number.isFinite(op.invokedAt) || !Number.isFinite(op.completedAt)) {
    return 'its times are not finite numbers';
  }
  if (op.completedAt < op.invokedAt) return 'it completed before it was invoked';
  if (op.outcome.kind !== 'ok') return null;
  const { lower, upper } = op.outcome;
  // Safe integers only: above 2^53 two timestamps can be the same number, which would make
  // uniqueness unanswerable.
  if (!Number.isSafeInteger(lower) || !Number.isSafeInteger(upper)) {
    return 'its range bounds are not (safe) integers';
  }
  if (lower > upper) return 'its range is empty (lower above upper)';
  return null;
}

/**
 * UniqueTimestamps within one namespace. Sorted by lower bound, a range overlaps some range
 * before it exactly when it starts at or below the highest upper bound so far, so one sweep that
 * keeps the range reaching furthest finds, for every range sharing a timestamp with an earlier
 * one, a range it shares one with.
 */
function checkUnique(namespace: string, list: readonly OkOperation[], found: Findings): void {
  const sorted = [...list].sort((a, b) => a.lower - b.lower || a.upper - b.upper);
  let reach: OkOperation | undefined;
  for (const o of sorted) {
    if (reach && o.lower <= reach.upper) {
      const shared = `${o.lower}..${Math.min(o.upper, reach.upper)}`;
      found.add(
        'UniqueTimestamps',
        `namespace ${show(namespace)}: timestamps ${shared} were handed out twice: to ` +
          `${describe(reach.op)} and to ${describe(o.op)}`,
        [reach.op, o.op],
      );
    }
    if (!reach || o.upper > reach.upper) reach = o;
  }
}

/**
 * Reports every operation whose range does not start above the range of some operation that
 * completed before it was invoked (with the operation among those that got the highest
 * timestamp). Operations are taken in invocation order; a pointer into them in completion order
 * collects those that completed strictly before the current invocation, keeping the one with the
 * highest upper bound: if any of them is at or above the lower bound, that one is. Operations
 * whose intervals touch or overlap are concurrent and may be ordered either way.
 */
function checkOrder(
  list: readonly OkOperation[],
  report: (earlier: OkOperation, later: OkOperation) => void,
): void {
  const byInvocation = [...list].sort((a, b) => a.op.invokedAt - b.op.invokedAt);
  const byCompletion = [...list].sort((a, b) => a.op.completedAt - b.op.completedAt);
  let done = 0;
  let highest: OkOperation | undefined;
  for (const o of byInvocation) {
    // An operation never counts as completed before its own invocation (completedAt >=
    // invokedAt), so it is not compared with itself.
    while (done < byCompletion.length && byCompletion[done]!.op.completedAt < o.op.invokedAt) {
      const c = byCompletion[done++]!;
      if (!highest || c.upper > highest.upper) highest = c;
    }
    if (highest && o.lower <= highest.upper) report(highest, o);
  }
}

/**
 * OneLeaderPerTerm, over every namespace (the term belongs to the cluster, not a namespace): the
 * first answer seen for each term, against any later answer of that term from another server.
 */
function checkOneLeaderPerTerm(
  byNamespace: ReadonlyMap<string, readonly OkOperation[]>,
  found: Findings,
): void {
  const firstOfTerm = new Map<number, OkOperation>();
  const reported = new Set<string>();
  for (const list of byNamespace.values()) {
    for (const o of list) {
      const server = o.op.outcome.kind === 'ok' ? o.op.outcome.server : undefined;
      if (o.term === undefined || server === undefined) continue;
      const first = firstOfTerm.get(o.term);
      if (first === undefined) {
        firstOfTerm.set(o.term, o);
        continue;
      }
      const firstServer = first.op.outcome.kind === 'ok' ? first.op.outcome.server : undefined;
      const pair = `${o.term}:${server}`;
      if (firstServer === server || reported.has(pair)) continue;
      reported.add(pair);
      found.add(
        'OneLeaderPerTerm',
        `election term ${o.term} was served by server ${firstServer} (${describe(first.op)}) ` +
          `and by server ${server} (${describe(o.op)})`,
        [first.op, o.op],
      );
    }
  }
}

/**
 * LeaderChangeOrder within one namespace: with the answers sorted by term, each answer must be
 * above the highest answer of every earlier term. Answers without a term are left out.
 */
function checkLeaderChangeOrder(
  namespace: string,
  list: readonly OkOperation[],
  found: Findings,
): void {
  const withTerm = list.filter((o) => o.term !== undefined);
  withTerm.sort((a, b) => a.term! - b.term! || a.lower - b.lower);
  let highestBefore: OkOperation | undefined;
  let highestOfTerm: OkOperation | undefined;
  let term: number | undefined;
  for (const o of withTerm) {
    if (o.term !== term) {
      if (highestOfTerm && (!highestBefore || highestOfTerm.upper > highestBefore.upper))
        highestBefore = highestOfTerm;
      term = o.term;
      highestOfTerm = undefined;
    }
    if (highestBefore && o.lower <= highestBefore.upper)
      found.add(
        'LeaderChangeOrder',
        `namespace ${show(namespace)}: ${describe(o.op)} under election term ${o.term} is not ` +
          `above ${describe(highestBefore.op)} under the earlier term ${highestBefore.term}`,
        [highestBefore.op, o.op],
      );
    if (!highestOfTerm || o.upper > highestOfTerm.upper) highestOfTerm = o;
  }
}

/** Violations, listed up to a limit per property and counted beyond it. */
class Findings {
  private readonly listed = new Map<Property, HistoryViolation[]>();
  private readonly counts = new Map<Property, number>();

  constructor(private readonly limit: number) {}

  add(property: Property, message: string, operations: readonly TimestampOperation[]): void {
    const count = (this.counts.get(property) ?? 0) + 1;
    this.counts.set(property, count);
    if (count > this.limit) return;
    let list = this.listed.get(property);
    if (!list) this.listed.set(property, (list = []));
    list.push({ property, message, operations });
  }

  list(): HistoryViolation[] {
    const out: HistoryViolation[] = [];
    for (const property of HISTORY_PROPERTIES) {
      out.push(...(this.listed.get(property) ?? []));
      const more = (this.counts.get(property) ?? 0) - this.limit;
      if (more > 0) {
        out.push({
          property,
          message: `... and ${more} more ${property} violation${more === 1 ? '' : 's'} not listed`,
          operations: [],
        });
      }
    }
    return out;
  }
}

function describe(op: TimestampOperation): string {
  const o = op.outcome;
  const got =
    o.kind === 'ok'
      ? `got ${o.lower}..${o.upper}` + (o.server !== undefined ? ` from server ${o.server}` : '')
      : `${o.kind === 'failed' ? 'failed' : 'ended unknown'} (${o.error})`;
  return `caller ${show(op.caller)} ${got} ${times(op)}`;
}

function range(o: OkOperation): string {
  return `${o.lower}..${o.upper}`;
}

function times(op: TimestampOperation): string {
  return `(invoked at ${ms(op.invokedAt)}, completed at ${ms(op.completedAt)})`;
}

/** Clock readings such as `performance.now()` carry microseconds no report needs. */
function ms(t: number): string {
  return Number.isFinite(t) ? String(Math.round(t * 1000) / 1000) : String(t);
}

function show(name: string): string {
  return JSON.stringify(name);
}
