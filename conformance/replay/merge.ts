/**
 * Merging per-server traces into one order the spec can replay. The sender's Lamport clock
 * travels on every message (and on every use of the shared id source), so sorting by clock
 * puts every event after the events it causally depends on. Events with equal clocks are
 * concurrent, and any order of them is a valid interleaving; ties are broken by server, then
 * file, then line, so that one set of traces always replays the same way.
 */
import type { LoggedEvent, TraceStream } from './trace-input.ts';

/** The events of all streams in one order consistent with their Lamport clocks. */
export function mergeByLamportClock(streams: readonly TraceStream[]): LoggedEvent[] {
  const fileOrder = new Map(streams.map((s, i) => [s.file, i]));
  return streams
    .flatMap((s) => s.events)
    .sort(
      (x, y) =>
        x.clock - y.clock ||
        x.server - y.server ||
        fileOrder.get(x.file)! - fileOrder.get(y.file)! ||
        x.line - y.line,
    );
}
