/**
 * The messages of checks (the spec's `PingMsg` and pong record) and the leader's heartbeat,
 * which is not in the spec: followers use it only to decide when to propose themselves, which
 * the spec leaves to nondeterminism.
 */
import type { LogName, Seq, ServerId } from '../paxos/types.ts';

/** Check `id` of server `from` asks acceptors for the latest sequence they touched in `log`. */
export interface PingMsg {
  readonly type: 'ping';
  readonly from: ServerId;
  readonly log: LogName;
  readonly id: number;
}

/** Acceptor `from` answers check `id` of server `to`: the latest sequence it touched. */
export interface PongMsg {
  readonly type: 'pong';
  readonly to: ServerId;
  readonly log: LogName;
  readonly id: number;
  readonly from: ServerId;
  readonly latest: Seq;
}

/** Not in the spec: the leader says it is alive, and how far its leader log goes. */
export interface HeartbeatMsg {
  readonly type: 'heartbeat';
  readonly from: ServerId;
  readonly greatest: Seq;
}

/** Every election message. */
export type ElectionMsg = PingMsg | PongMsg | HeartbeatMsg;
