/**
 * The spec action an event names, as the engine evaluates it: the action's definition with its
 * parameters bound to the event's values, followed by the frame `Next` conjoins it with (so
 * that the step assigns every variable). Which actions there are and which frames go with them
 * is read from `Next`'s syntax tree ({@link stepsOfNext}), the same derivation the TLC trace
 * module and the static check of the implementation use. `Next` reaches each action through a
 * disjunct that quantifies over servers, messages, sequences and ballots; binding the
 * parameters directly selects the same steps, because every action already requires the
 * message it handles to be in `msgs`.
 *
 * While an event is being replayed ({@link SpecActions.observe}), actions and operators see
 * the network as the event's server could have ({@link CausalView}).
 */
import {
  Ctx,
  Scope,
  branchKey,
  compileAction,
  type ActFn,
  type Env,
  type Fn,
  type Model,
  type OpDef,
  type PartialState,
  type Value,
} from '../tla/index.ts';
import { bind } from '../tla/eval/runtime.ts';
import type { ActionName } from '../../src/trace/events.ts';
import { loadSpecDefinitions, stepsOfNext } from '../static/spec-steps.ts';
import { CausalView, type Observer } from './causal-view.ts';

const framesOfFile = new Map<string, ReadonlyMap<string, readonly string[]>>();

/**
 * The frames `Next` conjoins each of its actions with, by action name; read once per spec
 * file (a property test replays thousands of runs on one spec).
 */
function framesOfNext(specFile: string): ReadonlyMap<string, readonly string[]> {
  let frames = framesOfFile.get(specFile);
  if (frames === undefined) {
    frames = readFramesOfNext(specFile);
    framesOfFile.set(specFile, frames);
  }
  return frames;
}

function readFramesOfNext(specFile: string): ReadonlyMap<string, readonly string[]> {
  const frames = new Map<string, readonly string[]>();
  for (const step of stepsOfNext(loadSpecDefinitions(specFile))) {
    const known = frames.get(step.action.name);
    if (known !== undefined && known.join() !== step.frames.join())
      throw new Error(
        `${specFile}: Next takes ${step.action.name} with different frames (${known.join(', ')} and ${step.frames.join(', ')}): an event naming it is ambiguous`,
      );
    frames.set(step.action.name, step.frames);
  }
  return frames;
}

/** A spec action ready to evaluate with bound parameters. */
export interface CompiledAction {
  readonly name: ActionName;
  readonly def: OpDef;
  readonly body: ActFn;
  /** The frames, conjoined in order. */
  readonly frames: readonly ActFn[];
}

/** Compiles the spec's actions once per model, on first use. */
export class SpecActions {
  private readonly compiled = new Map<ActionName, CompiledAction>();
  private readonly frames: ReadonlyMap<string, readonly string[]>;
  private readonly operators = new Map<string, Fn>();
  readonly causal: CausalView;
  private observer: Observer | undefined;

  constructor(readonly model: Model) {
    this.frames = framesOfNext(model.rootFile);
    this.causal = new CausalView(model.varNames);
    model.runtime.persistentFrom = 0;
  }

  /**
   * Evaluates what follows as `observer` (the event being replayed) sees the network, tagging
   * the messages it sends as its own; undefined: the whole network, sends untagged.
   */
  observe(observer: Observer | undefined): void {
    this.observer = observer;
    this.model.runtime.insertTag = observer && this.causal.tagOf(observer);
  }

  /** `state` as the current observer sees it (see {@link observe}). */
  seen(state: readonly Value[]): Value[] {
    return this.observer ? this.causal.view(state, this.observer) : (state as Value[]);
  }

  /** The action `name`, compiled. */
  action(name: ActionName): CompiledAction {
    let found = this.compiled.get(name);
    if (!found) {
      const frameNames = this.frames.get(name);
      if (frameNames === undefined)
        throw new Error(
          `${this.model.rootFile}: Next takes no action ${name} (the trace names it)`,
        );
      const def = this.opDef(name);
      const compiler = this.model.compiler;
      found = {
        name,
        def,
        body: compileAction(compiler, def.body, compiler.bodyScope(def), 'next'),
        frames: frameNames.map((f) => this.zeroArityAction(f)),
      };
      this.compiled.set(name, found);
    }
    return found;
  }

  /** The environment binding `def`'s parameters to `args`. */
  bindParameters(def: OpDef, args: readonly Value[]): Env {
    let env: Env = null;
    def.paramSlots.forEach((slot, i) => (env = bind(env, slot, args[i])));
    return env;
  }

  /**
   * With a model built with a branch probe: after {@link successors}, the arms each successor
   * went through (by position), each as `key#arm` ({@link branchKey}, the arm's index).
   */
  readonly branchPaths: string[][] = [];

  /**
   * Every successor of `state` by action `name` with parameters `args` (duplicates included;
   * the caller dedupes by fingerprint).
   */
  successors(name: ActionName, args: readonly Value[], state: readonly Value[]): Value[][] {
    const { def, body, frames } = this.action(name);
    const env = this.bindParameters(def, args);
    const n = this.model.varNames.length;
    const out: Value[][] = [];
    const probe = this.model.compiler.probe;
    probe?.cut(0); // what other evaluations (of outputs, of invariants) left on the trail
    this.branchPaths.length = 0;
    const start = new Ctx(
      this.seen(state),
      new Array<Value | undefined>(n).fill(undefined),
      this.model.runtime,
    );
    const collect = (ctx: Ctx): boolean => {
      out.push(this.causal.settle(this.complete(ctx.nxt!, name)));
      if (probe)
        this.branchPaths.push(probe.path().map(([site, arm]) => `${branchKey(site.loc)}#${arm}`));
      return false;
    };
    const framed =
      (i: number) =>
      (ctx: Ctx): boolean =>
        i === frames.length ? collect(ctx) : frames[i](null, ctx, framed(i + 1));
    body(env, start, framed(0));
    return out;
  }

  /** The value of operator `name` applied to `args`, in `state` (a value, not an action). */
  evaluate(name: string, args: readonly Value[], state: readonly Value[]): Value {
    const def = this.opDef(name);
    let fn = this.operators.get(name);
    if (!fn) {
      fn = this.model.compiler.bodyOf(def);
      this.operators.set(name, fn);
    }
    return fn(this.bindParameters(def, args), new Ctx(this.seen(state), null, this.model.runtime));
  }

  /** The definition named `name` in the spec's root module. */
  opDef(name: string): OpDef {
    const def = this.model.root.defs.get(name);
    if (!def || def.kind !== 'op')
      throw new Error(`spec/Timelock.tla defines no operator ${name} (the trace names it)`);
    return def;
  }

  private zeroArityAction(name: string): ActFn {
    const def = this.opDef(name);
    const compiler = this.model.compiler;
    return compileAction(compiler, def.body, new Scope(this.model.root), 'next');
  }

  private complete(next: PartialState, name: ActionName): Value[] {
    const missing = this.model.varNames.filter((_, i) => next[i] === undefined);
    if (missing.length > 0)
      throw new Error(`the spec's ${name} with its frame leaves ${missing.join(', ')} unassigned`);
    return next as Value[];
  }
}
