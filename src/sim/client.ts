/**
 * A simulated Timelock client: it asks one server at a time for a batch of timestamps
 * (`freshTimestamps`), waits for the answer, and records when it invoked each request and when
 * the response came. It tries the leader it was last told of, now and then another server (as
 * a client whose leader hint is stale would), and a random server when it has no hint.
 */
import type { ServerId } from '../paxos/types.ts';
import type { ClientId, TimestampOutcome, TimestampRequest } from '../server/messages.ts';
import { validateBatchSize } from '../timestamp/batch.ts';
import { VectorClock, type VectorTime } from '../trace/vector-clock.ts';
import type { Prng } from './prng.ts';

/** How often a client with a leader hint asks some other server instead. */
const WANDER = 0.1;

/** A request a client is waiting on. */
export interface OutstandingRequest {
  readonly request: TimestampRequest;
  readonly server: ServerId;
  readonly invokedAt: number;
  /** What the checker said this request's timestamps must be above. */
  readonly floor: number;
}

/** One finished request, as its client saw it. */
export interface RequestRecord {
  readonly id: number;
  readonly server: ServerId;
  readonly invokedAt: number;
  readonly respondedAt: number;
  /** The outcome; null when the connection failed. */
  readonly outcome: TimestampOutcome | null;
}

/** What a client saw, for the run's summary. */
export interface ClientCounts {
  invoked: number;
  served: number;
  refused: number;
  failed: number;
  timestamps: number;
}

/** One simulated client. */
export class SimClient {
  /** What the client knows of the servers' events: it sends this with every request. */
  readonly clock: VectorClock;
  readonly counts: ClientCounts = { invoked: 0, served: 0, refused: 0, failed: 0, timestamps: 0 };
  /** Every finished request, in the order the answers came. */
  readonly history: RequestRecord[] = [];
  private leaderHint: ServerId = 0;
  private nextId = 1;
  private outstanding: OutstandingRequest | null = null;

  constructor(
    readonly name: ClientId,
    private readonly servers: number,
    private readonly random: Prng,
  ) {
    this.clock = new VectorClock(servers);
  }

  /** The request being waited on, or null. */
  get waitingOn(): OutstandingRequest | null {
    return this.outstanding;
  }

  /**
   * Starts a request for `count` timestamps (`freshTimestamps(client, count)`); throws a
   * {@link BatchSizeError} for a count outside 1..MAX_BATCH. `floor` comes from the checker.
   */
  freshTimestamps(count: number, now: number, floor: number): OutstandingRequest {
    if (this.outstanding) throw new Error(`client ${this.name} already has a request in flight`);
    validateBatchSize(count);
    const useHint = this.leaderHint !== 0 && !this.random.chance(WANDER);
    const server = useHint ? this.leaderHint : this.random.int(1, this.servers);
    this.counts.invoked++;
    this.outstanding = {
      request: { client: this.name, id: this.nextId++, count },
      server,
      invokedAt: now,
      floor,
    };
    return this.outstanding;
  }

  /**
   * Takes the answer to the outstanding request (stale answers are ignored and return null);
   * `null` outcome means the connection failed (the server crashed or was down).
   */
  answer(
    id: number,
    outcome: TimestampOutcome | null,
    clock: VectorTime,
    now: number,
  ): OutstandingRequest | null {
    const done = this.outstanding;
    if (!done || done.request.id !== id) return null;
    this.clock.receive(clock);
    this.outstanding = null;
    this.history.push({
      id,
      server: done.server,
      invokedAt: done.invokedAt,
      respondedAt: now,
      outcome,
    });
    if (outcome === null) {
      this.counts.failed++;
      this.leaderHint = 0;
    } else if (outcome.kind === 'refused') {
      this.counts.refused++;
      this.leaderHint = outcome.leader;
    } else {
      this.counts.served++;
      this.counts.timestamps += outcome.last - outcome.first + 1;
      this.leaderHint = done.server;
    }
    return done;
  }
}
