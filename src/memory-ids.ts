/**
 * A server's fresh-number counter held in memory: what tests and the simulator use. The
 * simulator keeps it across a server's crash and restart, as a durable counter would be kept.
 */
import type { IdSource } from './ports.ts';

/** {@link IdSource} in memory. */
export class MemoryIdSource implements IdSource {
  private value = 0;

  next(): number {
    return ++this.value;
  }

  last(): number {
    return this.value;
  }
}
