/**
 * Causal views: what the server taking a step could have received.
 *
 * The spec's `msgs` is every message ever sent, and an action may use any of them. A server of
 * the implementation can only use messages that reached it, so a trace whose step relies on a
 * message sent (in the trace's causal order) after the step is wrong even when the spec allows
 * the step on the whole network. Merging the traces by vector-clock sums orders events
 * causally, but a merged order is one interleaving among many: whether an event could see a
 * message must not depend on which interleaving the merge picked.
 *
 * So the replay keeps `msgs` as a persistent set (`values/pset.ts`) whose elements are tagged
 * with the event that sent them (server and that server's own clock entry), and evaluates each
 * event's action on a {@link VisibleSubset} of it: the messages whose sending event happened
 * before the acting event, by the acting event's vector clock. A union with that view inserts
 * into the whole network (see `values/visible.ts`), so the successor's `msgs` is the network
 * again; {@link CausalView.settle} unwraps a view left unchanged by the step.
 */
import { SetValue, type Value } from '../tla/index.ts';
import { emptyPersistentSet, PersistentSet, toPersistentSet } from '../tla/values/pset.ts';
import { VisibleSubset } from '../tla/values/visible.ts';
import type { TraceEvent } from '../../src/trace/events.ts';

/** The spec variable holding the network. */
export const NETWORK_VARIABLE = 'msgs';

/** The acting event, as {@link CausalView} needs it: its server (1-based) and vector clock. */
export type Observer = Pick<TraceEvent, 'server' | 'vc'>;

/** Restricts the network to what the acting event could have received. */
export class CausalView {
  private readonly slot: number;

  constructor(varNames: readonly string[]) {
    this.slot = varNames.indexOf(NETWORK_VARIABLE);
    if (this.slot < 0)
      throw new Error(
        `the spec has no variable ${NETWORK_VARIABLE}: trace replay needs the message set to check what each server could have received`,
      );
  }

  /** The tag the messages `observer` sends carry: its server and its own clock entry. */
  tagOf(observer: Observer): number {
    const n = observer.vc.length;
    return observer.vc[observer.server - 1] * n + (observer.server - 1);
  }

  /** `state` with its network held as a persistent set, so that sends can be tagged. */
  seed(state: Value[]): Value[] {
    const msgs = state[this.slot];
    if (msgs instanceof PersistentSet) return state;
    const persistent =
      msgs instanceof SetValue
        ? msgs.isFinite() && msgs.elements().length === 0
          ? emptyPersistentSet()
          : toPersistentSet(msgs)
        : undefined;
    if (persistent === undefined)
      throw new Error(
        `the initial ${NETWORK_VARIABLE} is not a finite set of mutually comparable values, which causal replay needs`,
      );
    const seeded = state.slice();
    seeded[this.slot] = persistent;
    return seeded;
  }

  /** `state` as `observer` sees it: its network cut down to the messages sent before it. */
  view(state: readonly Value[], observer: Observer): Value[] {
    const network = state[this.slot];
    const seen = state.slice();
    if (network instanceof PersistentSet) {
      const vc = observer.vc,
        n = vc.length;
      seen[this.slot] = new VisibleSubset(
        network,
        (tag) => tag === undefined || vc[tag % n] >= Math.floor(tag / n),
      );
    }
    return seen;
  }

  /** A successor computed on a view, with the whole network back in place. */
  settle(state: Value[]): Value[] {
    const msgs = state[this.slot];
    if (msgs instanceof VisibleSubset) state[this.slot] = msgs.base;
    return state;
  }
}
