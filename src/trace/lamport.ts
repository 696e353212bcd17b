/**
 * A Lamport clock: every event gets a number above those of the events that causally precede
 * it, because the sender's clock travels on each message and the receiver moves past it.
 */
export class LamportClock {
  private current = 0;

  /** The clock's value now. */
  get time(): number {
    return this.current;
  }

  /** Moves past a clock value seen on a message (or on shared state). */
  receive(remote: number): void {
    if (remote > this.current) this.current = remote;
  }

  /** The value for a new event. */
  tick(): number {
    return ++this.current;
  }
}
