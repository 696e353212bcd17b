/**
 * The spec action an event names, as the engine evaluates it: the action's definition with its
 * parameters bound to the event's values, followed by the frame `Next` conjoins it with (so
 * that the step assigns every variable). `Next` reaches each action through a disjunct that
 * quantifies over servers, messages, sequences and ballots; binding the parameters directly
 * selects the same steps, because every action already requires the message it handles to be
 * in `msgs`.
 */
import {
  Ctx,
  Scope,
  compileAction,
  type ActFn,
  type Env,
  type Model,
  type OpDef,
  type PartialState,
  type Value,
} from '../tla/index.ts';
import { bind } from '../tla/eval/runtime.ts';
import type { ActionName } from '../../src/trace/events.ts';

/**
 * The frame `Next` (spec/Timelock.tla) conjoins each action with: the layers below frame only
 * their own variables. Restart frames everything itself.
 */
const FRAME_OF: Record<ActionName, string | null> = {
  Promise: 'PaxosFrame',
  Accept: 'PaxosFrame',
  Learn: 'PaxosFrame',
  Pong: 'ElectionFrame',
  ProposeLeadership: 'ElectionFrame',
  SendLeaderAccept: 'ElectionFrame',
  CheckLeadership: 'ElectionFrame',
  StartService: 'TimestampsFrame',
  Recover: 'TimestampsFrame',
  FinishForcing: 'TimestampsFrame',
  Extend: 'TimestampsFrame',
  ProposeBound: 'TimestampsFrame',
  SendBoundAccept: 'TimestampsFrame',
  BoundAgreed: 'TimestampsFrame',
  Serve: 'TimestampsFrame',
  Request: 'TimestampsFrame',
  GiveUp: 'TimestampsFrame',
  Restart: null,
};

/** A spec action ready to evaluate with bound parameters. */
export interface CompiledAction {
  readonly name: ActionName;
  readonly def: OpDef;
  readonly body: ActFn;
  readonly frame: ActFn | null;
}

/** Compiles the spec's actions once per model, on first use. */
export class SpecActions {
  private readonly compiled = new Map<ActionName, CompiledAction>();

  constructor(readonly model: Model) {}

  /** The action `name`, compiled. */
  action(name: ActionName): CompiledAction {
    let found = this.compiled.get(name);
    if (!found) {
      const def = this.opDef(name);
      const frameName = FRAME_OF[name];
      const compiler = this.model.compiler;
      found = {
        name,
        def,
        body: compileAction(compiler, def.body, compiler.bodyScope(def), 'next'),
        frame: frameName === null ? null : this.zeroArityAction(frameName),
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
   * Every successor of `state` by action `name` with parameters `args` (duplicates included;
   * the caller dedupes by fingerprint).
   */
  successors(name: ActionName, args: readonly Value[], state: readonly Value[]): Value[][] {
    const { def, body, frame } = this.action(name);
    const env = this.bindParameters(def, args);
    const n = this.model.varNames.length;
    const out: Value[][] = [];
    const start = new Ctx(
      state as Value[],
      new Array<Value | undefined>(n).fill(undefined),
      this.model.runtime,
    );
    const collect = (ctx: Ctx): boolean => {
      out.push(this.complete(ctx.nxt!, name));
      return false;
    };
    body(env, start, (afterBody) => (frame ? frame(null, afterBody, collect) : collect(afterBody)));
    return out;
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
