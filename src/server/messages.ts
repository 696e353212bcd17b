/**
 * What travels between servers (an envelope around a protocol message) and between clients
 * and servers (timestamp requests and their outcomes).
 */
import type { ElectionMsg } from '../election/messages.ts';
import type { PaxosMsg } from '../paxos/messages.ts';
import type { ServerId } from '../paxos/types.ts';
import type { VectorTime } from '../trace/vector-clock.ts';

/** Every message one server sends another. */
export type ServerMsg = PaxosMsg | ElectionMsg;

/**
 * A message in transit. `clock` is the sender's vector clock, so that the receiver's trace
 * events are known to come after the sender's.
 */
export interface Envelope {
  readonly src: ServerId;
  readonly dst: ServerId;
  readonly clock: VectorTime;
  readonly body: ServerMsg;
}

/** A client's name; it is also the name of the client's log. */
export type ClientId = string;

/** A client asks for `count` fresh timestamps; `id` numbers the client's requests. */
export interface TimestampRequest {
  readonly client: ClientId;
  readonly id: number;
  readonly count: number;
}

/** How a request ended: a contiguous range of timestamps, or a refusal with a leader hint. */
export type TimestampOutcome =
  | {
      readonly kind: 'served';
      readonly first: number;
      readonly last: number;
      /** The election term (the leader log's sequence) the range was served under. */
      readonly term: number;
    }
  | { readonly kind: 'refused'; readonly leader: ServerId; readonly reason: string };

/** A server's answer to request `id` of `client`. */
export interface TimestampReply {
  readonly client: ClientId;
  readonly id: number;
  readonly outcome: TimestampOutcome;
}
