/**
 * The simulator's timeline: events ordered by virtual time, ties broken by the order in which
 * they were scheduled, so that the order never depends on anything but the run itself.
 */

interface Entry<E> {
  readonly time: number;
  readonly order: number;
  readonly event: E;
}

/** A priority queue of timed events (a binary heap). */
export class Scheduler<E> {
  private readonly heap: Entry<E>[] = [];
  private scheduled = 0;

  /** Adds `event` at virtual time `time`. */
  at(time: number, event: E): void {
    const heap = this.heap;
    heap.push({ time, order: this.scheduled++, event });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and returns the earliest event, or null if there is none. */
  pop(): { time: number; event: E } | null {
    const heap = this.heap;
    if (heap.length === 0) return null;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return { time: top.time, event: top.event };
  }

  /** How many events are waiting. */
  get size(): number {
    return this.heap.length;
  }
}

function before<E>(x: Entry<E>, y: Entry<E>): boolean {
  return x.time < y.time || (x.time === y.time && x.order < y.order);
}
