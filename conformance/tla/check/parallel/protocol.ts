/**
 * The messages between the parallel explorer's coordinator (`explorer.ts`) and its worker
 * threads (`worker.ts`). Every command gets exactly one reply, in order; `print` messages
 * (the spec's Print/PrintT output) may come in between.
 */
import {
  EvalError,
  type EvalErrorDetails,
  type EvalErrorKind,
  type SourceRange,
} from '../../values/errors.ts';
import type { EncodedStates } from '../../values/codec.ts';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ResultKind } from '../explorer.ts';
import type { SharedFingerprintBuffers } from './shared-fpset.ts';

/** What a worker gets when it starts (its `workerData`). */
export interface WorkerSetup {
  readonly tlaFile: string;
  readonly cfgFile: string;
  readonly checkDeadlock?: boolean;
  /** This worker's number, 0-based, and how many there are. */
  readonly index: number;
  readonly workers: number;
  readonly table: SharedFingerprintBuffers;
  /**
   * Float64 slots the worker keeps up to date for progress reports: its states generated at
   * `index`, the states left in its current level at `workers + index`.
   */
  readonly progress: SharedArrayBuffer;
  /**
   * Int32 words: 0 is set by a worker that found a violation, so that the others stop too;
   * `1 + i` by the coordinator to ask worker i to share the rest of its level ({@link ShareMessage}).
   */
  readonly control: SharedArrayBuffer;
}

/** What the coordinator asks. */
export type Command =
  /**
   * Expand the current level's states (with `advance`, first move on to the next level), until
   * the level is done, a violation, or the fingerprint table needs room. `table`: a new table.
   * `adopt`: states of the current level another worker shared, to expand (its own are done).
   */
  | {
      readonly type: 'run';
      readonly advance: boolean;
      readonly table?: SharedFingerprintBuffers;
      readonly adopt?: { readonly states: EncodedStates; readonly ids: Float64Array };
    }
  /** Hand `count` states of the next level over, to balance the workers. */
  | { readonly type: 'give'; readonly count: number }
  /** Expand these states too in the next level; `ids` are their global ids. */
  | { readonly type: 'take'; readonly states: EncodedStates; readonly ids: Float64Array }
  /** The stored state `id` (this worker's), for an error trace. */
  | { readonly type: 'state'; readonly id: number }
  /** The per-action counters and, with `vacuity`, this worker's share of the warnings. */
  | { readonly type: 'finish'; readonly vacuity: boolean }
  /** Stop listening, so that the thread ends by itself (no reply). */
  | { readonly type: 'close' };

/** How one `run` ended. */
export type RunReply =
  | {
      readonly type: 'stopped';
      /**
       * `level`: every state of the level is expanded; `full`: the table needs room first;
       * `halted`: another worker found a violation.
       */
      readonly reason: 'level' | 'full' | 'halted';
      /** States generated so far by this worker. */
      readonly generated: number;
      /** States of the current level not expanded. */
      readonly left: number;
      /** States of the next level this worker holds. */
      readonly next: number;
    }
  | {
      readonly type: 'violation';
      readonly violation: WireViolation;
      readonly generated: number;
      readonly left: number;
      readonly next: number;
    };

/** What a worker answers. */
export type Reply =
  | RunReply
  | { readonly type: 'gift'; readonly states: EncodedStates; readonly ids: Float64Array }
  | { readonly type: 'taken' }
  | {
      readonly type: 'state';
      readonly state: EncodedStates;
      readonly parent: number;
      readonly action: number;
    }
  | {
      readonly type: 'finished';
      readonly generated: number;
      readonly actionGenerated: Float64Array;
      readonly actionDistinct: Float64Array;
      readonly initialGenerated: number;
      readonly initialDistinct: number;
      /** Vacuity warnings that hold of this worker's states (a premise false in all of them). */
      readonly vacuity: Diagnostic[];
    }
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string };

/** Side messages a worker may send at any time. */
export interface PrintMessage {
  readonly type: 'print';
  readonly line: string;
}

/**
 * A worker's answer to a request to share (its control word set): half of the states of the
 * current level it had not expanded yet, or none when it had few left. Sent once per request,
 * before the worker's reply to `run` if it saw the request before finishing the level.
 */
export interface ShareMessage {
  readonly type: 'share';
  readonly states?: EncodedStates;
  readonly ids?: Float64Array;
}

/** A {@link Violation} as it crosses threads (ids are global; states encoded). */
export interface WireViolation {
  readonly kind: ResultKind;
  readonly property?: string;
  readonly at: number;
  readonly extra?: EncodedStates;
  readonly extraAction: number;
  readonly cause?: WireError;
  readonly phase?: 'assume' | 'fingerprint';
}

/** An {@link EvalError} as plain data. */
export interface WireError {
  readonly message: string;
  readonly kind: EvalErrorKind;
  readonly trail: SourceRange[];
  readonly details: EvalErrorDetails;
}

export function errorToWire(e: EvalError): WireError {
  return { message: e.message, kind: e.kind, trail: e.trail, details: e.details };
}

export function errorFromWire(w: WireError): EvalError {
  const e = new EvalError(w.message, w.kind);
  e.trail.push(...w.trail);
  e.details = w.details;
  return e;
}
