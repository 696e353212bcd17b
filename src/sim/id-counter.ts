/**
 * The simulator's source of fresh identities: one counter shared by every server, so that the
 * ids in traces are the spec's `fresh` values (1, 2, 3, ...).
 */
import type { SharedIdSource } from '../ports.ts';

/** A counter shared by all servers of a simulation. */
export class SharedIdCounter implements SharedIdSource {
  private value = 0;
  lamport = 0;

  next(): number {
    return ++this.value;
  }

  last(): number {
    return this.value;
  }
}
