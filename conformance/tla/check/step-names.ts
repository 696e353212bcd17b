/**
 * Naming the steps of an error trace by the action that took them. TLC labels a step by the
 * sub-action of Next that produced it, which for a Next that chooses among messages or servers
 * at run time is all of Next (`<Next Timelock.tla:65:8>`). A reader wants the action itself,
 * with its arguments: `Promise(2, "leader", 1, <<1, 2>>)`.
 *
 * The step's sub-action is run once more with both states given, recording the operator calls
 * it goes through (../eval/call-recorder.ts). The name is the innermost call that tests a
 * condition of its own (a guard: what makes it an action rather than a helper that only says
 * what changes, like `Send(m)`) and whose body, callees included, accounts for every variable
 * the step changed: a call that changes only part of them is too deep, and a caller of the
 * right one (`Next`, `HandleMessage(s, m)`) too shallow. Without such a call, the innermost
 * call that accounts for the changes; for a step that changes nothing, the first call.
 *
 * Only the few steps of a trace are named, after the search, so exploring costs nothing extra.
 */
import { CallRecorder, type CallFrame } from '../eval/call-recorder.ts';
import { Ctx, OpClosure, Thunk } from '../eval/runtime.ts';
import type { Loc } from '../syntax/ast.ts';
import { printValue } from '../values/print.ts';
import { equals, type Value } from '../values/value.ts';
import type { Model } from './model.ts';
import type { TraceStep } from './result.ts';

/** A step named by its action: `Promise(2, "leader", 1, <<1, 2>>)`, and where that is defined. */
export interface StepName {
  readonly name: string;
  readonly loc: Loc;
}

/**
 * The action that took the step from `from` to `to` by sub-action `actionIdx` of `model`, or
 * undefined when no operator call explains it (the sub-action is a formula with no call in it,
 * or it cannot be run again).
 */
export function nameStep(
  model: Model,
  from: readonly Value[],
  to: readonly Value[],
  actionIdx: number,
): StepName | undefined {
  const action = model.actions[actionIdx];
  if (action === undefined) return undefined;
  const rt = model.runtime;
  const recorder = new CallRecorder();
  let path: Array<{ frame: CallFrame; assigned: Set<number> }> | undefined;
  const ctx = new Ctx(from.slice(), to.slice(), rt);
  rt.calls = recorder;
  try {
    action.act(action.env, ctx, () => {
      // Copied now: the notes of a call are taken back as the enumeration unwinds.
      path = recorder.path.map((frame) => ({ frame, assigned: new Set(frame.assigned) }));
      return true;
    });
  } catch {
    return undefined;
  } finally {
    rt.calls = undefined;
  }
  if (path === undefined) return undefined;
  // TLC's split may already have entered the action: it is the name when no call below it
  // accounts for the step (none at all, or only helpers such as a guard `Small(i)`).
  const subAction =
    action.name === undefined
      ? undefined
      : {
          name: callText(
            action.name,
            action.params.map(([, v]) => v),
            ctx,
          ),
          loc: action.loc,
        };
  const changed = changedVariables(from, to);
  const chosen = path.length === 0 ? undefined : innermostCovering(path, changed);
  if (chosen === undefined) return subAction ?? named(path[0]?.frame, ctx);
  return named(chosen, ctx);
}

function named(frame: CallFrame | undefined, ctx: Ctx): StepName | undefined {
  return frame === undefined
    ? undefined
    : { name: callText(frame.name, frame.args, ctx), loc: frame.loc };
}

/** Names every step of `trace` that an action took (see {@link nameStep}); returns the trace. */
export function nameSteps(model: Model, trace: TraceStep[]): TraceStep[] {
  for (let k = 1; k < trace.length; k++) {
    const step = trace[k]!;
    if (step.actionIndex === undefined || step.actionIndex < 0) continue;
    const named = nameStep(model, trace[k - 1]!.state, step.state, step.actionIndex);
    if (named !== undefined) {
      step.name = named.name;
      step.nameLoc = named.loc;
    }
  }
  return trace;
}

function changedVariables(from: readonly Value[], to: readonly Value[]): number[] {
  const changed: number[] = [];
  for (let i = 0; i < to.length; i++) if (!equals(from[i]!, to[i]!)) changed.push(i);
  return changed;
}

/**
 * The deepest call that, with its callees, set every changed variable (see the module
 * comment); undefined when no call did (the sub-action itself set them).
 */
function innermostCovering(
  path: ReadonlyArray<{ frame: CallFrame; assigned: Set<number> }>,
  changed: readonly number[],
): CallFrame | undefined {
  // What each call's subtree set: its own notes, added to each of its callers'.
  const covered = new Map<CallFrame, Set<number>>();
  for (const { frame, assigned } of path) {
    for (let f: CallFrame | null = frame; f !== null; f = f.parent) {
      let set = covered.get(f);
      if (set === undefined) covered.set(f, (set = new Set()));
      for (const i of assigned) set.add(i);
    }
  }
  if (changed.length === 0) return path[0]!.frame;
  const covering = path
    .map((p) => p.frame)
    .filter((frame) => changed.every((i) => covered.get(frame)!.has(i)));
  return deepest(covering.filter((f) => f.guarded)) ?? deepest(covering);
}

/** The deepest of `frames`, the first of them on a tie. */
function deepest(frames: readonly CallFrame[]): CallFrame | undefined {
  let best: CallFrame | undefined;
  let bestDepth = -1;
  for (const frame of frames) {
    const depth = depthOf(frame);
    if (depth > bestDepth) {
      best = frame;
      bestDepth = depth;
    }
  }
  return best;
}

function depthOf(frame: CallFrame): number {
  let depth = 0;
  for (let f = frame.parent; f !== null; f = f.parent) depth++;
  return depth;
}

function callText(name: string, args: readonly unknown[], ctx: Ctx): string {
  if (args.length === 0) return name;
  return `${name}(${args.map((a) => argumentText(a, ctx)).join(', ')})`;
}

function argumentText(arg: unknown, ctx: Ctx): string {
  if (arg instanceof OpClosure) return arg.name;
  if (arg instanceof Thunk) {
    try {
      return printValue(arg.force(ctx));
    } catch {
      return '?';
    }
  }
  return printValue(arg as Value);
}
