/**
 * Visible subsets, for causal trace replay.
 *
 * In a replay, the spec's message set stands for the messages the server taking the step could
 * have received: those sent before, in the causal order of the trace, the event being replayed.
 * The replay keeps one persistent set of every message sent (the network), each tagged when it
 * was inserted, and shows each step a {@link VisibleSubset} of it: the elements whose tag the
 * acting server can see. Untagged elements (those in the set before tagging started) are always
 * visible.
 *
 * A VisibleSubset is an ordinary TLA+ set for every read: membership, enumeration, equality,
 * hashing and the indexed queries of `pset-index.ts` see the visible elements only, without
 * materialising the base for membership and queries.
 *
 * Deliberate rule (not TLA+ semantics): a union with a VisibleSubset is a union with its base.
 * `msgs' = msgs \cup {m}` then puts m on the network for every server (tagged with the runtime's
 * `insertTag`), rather than making the next state's message set the acting server's view plus m.
 */
import type { PersistentSet, Tag } from './pset.ts';
import { EnumSet, SetValue, type Value, newIdentity } from './value.ts';

/** The elements of `base` whose tag `visible` accepts (untagged ones always). See the module comment. */
export class VisibleSubset extends SetValue {
  private enumCache: EnumSet | undefined;
  /** See {@link newIdentity}: memo tables remember this view by it. */
  readonly identity = newIdentity();
  constructor(
    readonly base: PersistentSet,
    readonly visible: (tag: number | undefined) => boolean,
  ) {
    super();
  }

  /** Whether an element with this tag is in the subset. */
  sees(tag: Tag): boolean {
    return tag === undefined || this.visible(tag);
  }

  contains(v: Value): boolean {
    const e = this.base.lookup(v);
    if (e === null) return this.toEnum().contains(v); // the ordinary, comparing lookup
    return e !== undefined && this.sees(e.tag);
  }
  isFinite(): boolean {
    return true;
  }
  toEnum(): EnumSet {
    if (this.enumCache === undefined) {
      const hidden = new Set<Value>();
      this.base.forEachEntry((v, tag) => {
        if (!this.sees(tag)) hidden.add(v);
      });
      const all = this.base.sorted();
      this.enumCache = new EnumSet(hidden.size === 0 ? all : all.filter((v) => !hidden.has(v)));
    }
    return this.enumCache;
  }
  describe(): string {
    return 'a finite set';
  }
}
