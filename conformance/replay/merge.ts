/**
 * Merging per-server traces into one order the spec can replay. Every event carries its
 * vector clock, which says exactly which events happened before it. Sorting by the sum of the
 * clock's entries puts every event after all events that happened before it (each of those
 * has a smaller sum); events with equal sums are concurrent, and ties are broken by server,
 * then file, then line. The tie-break cannot change a verdict: the replay lets each step rely
 * only on messages sent by events that happened before it (see replay.ts), so concurrent events
 * see the same messages in either order.
 *
 * The merge streams: it holds one event per file. A file whose events are not in that order
 * (a hand-merged file of several servers, say) is read whole and sorted first.
 */
import type { LoggedEvent, TraceStream } from './trace-input.ts';
import { TraceInputError } from './trace-input.ts';

/** Whether `x` comes before `y` in the merged order. */
function before(x: LoggedEvent, y: LoggedEvent, fileOf: Map<string, number>): boolean {
  return (
    (x.order - y.order ||
      x.server - y.server ||
      fileOf.get(x.file)! - fileOf.get(y.file)! ||
      x.line - y.line) < 0
  );
}

/** Watches a stream's events go by and tells whether they were in the merged order. */
export class OrderCheck {
  private last: LoggedEvent | undefined;
  private readonly fileOf: Map<string, number>;
  inOrder = true;

  constructor(file: string) {
    this.fileOf = new Map([[file, 0]]);
  }

  see(e: LoggedEvent): void {
    if (this.last && !before(this.last, e, this.fileOf)) this.inOrder = false;
    this.last = e;
  }
}

/** Whether a stream's events are already in the merged order. */
export function inMergedOrder(stream: TraceStream): boolean {
  const check = new OrderCheck(stream.file);
  for (const e of stream.events) check.see(e);
  return check.inOrder;
}

/**
 * The events of all streams in one order consistent with their vector clocks. `sorted[i]`
 * says whether stream i is already in that order (default: check it by reading it once).
 * Throws a {@link TraceInputError} when a server's events skip or repeat a clock value: an
 * event is missing, or two traces of one server were mixed.
 */
export function* mergeCausally(
  streams: readonly TraceStream[],
  sorted: readonly boolean[] = streams.map(inMergedOrder),
): Generator<LoggedEvent> {
  const fileOf = new Map(streams.map((s, i) => [s.file, i]));
  const sources = streams.map((s, i) =>
    (sorted[i] ? s.events : [...s.events].sort((x, y) => (before(x, y, fileOf) ? -1 : 1)))[
      Symbol.iterator
    ](),
  );
  const heads = sources.map((it) => it.next());
  const seenOfServer = new Map<number, number>();
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h.done) continue;
      if (
        pick < 0 ||
        before(h.value, (heads[pick] as IteratorYieldResult<LoggedEvent>).value, fileOf)
      )
        pick = i;
    }
    if (pick < 0) return;
    const event = (heads[pick] as IteratorYieldResult<LoggedEvent>).value;
    heads[pick] = sources[pick].next();
    checkOwnCount(event, seenOfServer);
    yield event;
  }
}

/** A server's events count themselves in their own clock entry: 1, 2, 3, ... with no gap. */
function checkOwnCount(e: LoggedEvent, seen: Map<number, number>): void {
  const s = e.server;
  const own = e.vc[s - 1];
  const expected = (seen.get(s) ?? 0) + 1;
  if (own !== expected) {
    const what =
      own === undefined
        ? `its vector clock has no entry for server ${s}`
        : own > expected
          ? `server ${s}'s events ${expected} to ${own - 1} are missing from the traces (its clock jumps from ${expected - 1} to ${own})`
          : `server ${s}'s event ${own} appears twice (two traces of one server mixed?)`;
    throw new TraceInputError(`${e.file}:${e.line}: ${what}`);
  }
  seen.set(s, own);
}
