/**
 * Which operators a step went through, for naming the step in a trace: while the explorer
 * generates states nothing is recorded (the runtime has no recorder); to name one step of an
 * error trace, its action is run once more with both states given and a recorder on the
 * runtime, and the recorder keeps the operator calls on the path that produced the step.
 *
 * Successor enumeration is written in continuation-passing style, so a call's body hands on to
 * what follows the call before it returns: a frame is "open" while its own body runs and
 * "suspended" while what follows it runs. A frame's parent is the frame open when it was
 * entered, which is its syntactic caller, and each frame notes the variables its own body
 * bound or compared. So the recorder sees the nesting of the calls that made the step, not the
 * order the continuations happened to run in.
 */
import type { Loc } from '../syntax/ast.ts';

/** One operator call on the path of a step. */
export interface CallFrame {
  readonly name: string;
  /**
   * The arguments as bound: values, thunks or operator closures (`Binding` in runtime.ts, which
   * imports this module, so it is not named here).
   */
  readonly args: readonly unknown[];
  /** Where the operator is defined. */
  readonly loc: Loc;
  /** The call this one is made from, or null at the top. */
  readonly parent: CallFrame | null;
  /** Variables (by index) the call's own body set or compared, not its callees'. */
  readonly assigned: Set<number>;
  /**
   * Whether the call's own body tested a condition (a guard conjunct): what an action of the
   * spec has and a helper that only says what changes (`Send(m)`) has not.
   */
  guarded: boolean;
}

/** See the module comment. */
export class CallRecorder {
  /** Every call entered on the current path, in the order entered. */
  readonly path: CallFrame[] = [];
  private readonly open: CallFrame[] = [];

  enter(name: string, args: readonly unknown[], loc: Loc): CallFrame {
    const frame = {
      name,
      args,
      loc,
      parent: this.open.at(-1) ?? null,
      assigned: new Set<number>(),
      guarded: false,
    };
    this.path.push(frame);
    this.open.push(frame);
    return frame;
  }

  /** The call's body has run; what follows the call runs now. */
  suspend(): void {
    this.open.pop();
  }

  /** What followed the call is back (it failed, or asked to go on): the body goes on. */
  resume(frame: CallFrame): void {
    this.open.push(frame);
  }

  /** The call returned. */
  exit(): void {
    this.path.pop();
    this.open.pop();
  }

  /** Notes that the innermost open call tested a condition. */
  guarded(): void {
    const frame = this.open.at(-1);
    if (frame !== undefined) frame.guarded = true;
  }

  /**
   * Notes that variable `i` was set or compared in the innermost open call; returns that call
   * when the note is new, so that the caller can take it back if the branch fails.
   */
  touch(i: number): CallFrame | undefined {
    const frame = this.open.at(-1);
    if (frame === undefined || frame.assigned.has(i)) return undefined;
    frame.assigned.add(i);
    return frame;
  }
}

/**
 * Runs `k` with variable `i` noted as set by the current call, taking the note back when `k`
 * fails (another branch will be tried, and this one's notes must not stay).
 */
export function touching(rec: CallRecorder, i: number, k: () => boolean): boolean {
  const frame = rec.touch(i);
  const stop = k();
  if (!stop && frame !== undefined) frame.assigned.delete(i);
  return stop;
}
