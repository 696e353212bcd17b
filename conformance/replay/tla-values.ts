/**
 * Trace JSON to TLA+ values, exactly as the spec and the replay model spell them: the leader
 * log is the string "leader", clients are model values named as in the trace (as in the
 * spec's models, e.g. `Clients = {c1}`), ballots are tuples `<<number, proposer id>>`, log
 * values and the other records are records, strings are strings, and JSON `null` is the model
 * value `None`.
 */
import { modelValue, recordOf, str, TupleValue, type Value } from '../tla/index.ts';
import { LEADER_LOG } from '../../src/paxos/types.ts';
import { SPEC_ACTIONS, type ActionName, type ParamKind } from '../../src/trace/events.ts';

/** The spec's `None` (a model value of the replay model). */
export function none(): Value {
  return modelValue('None');
}

/** A client as the spec sees it: a model value named as in the trace. */
export function clientValue(name: string): Value {
  return modelValue(name);
}

/** A log: "leader" (a string in the spec) or a client's log (the client itself). */
export function logValue(name: string): Value {
  return name === LEADER_LOG ? str(LEADER_LOG) : clientValue(name);
}

/** A ballot `[n, id]` as the tuple `<<n, id>>`. */
export function ballotValue(ballot: readonly [number, number]): Value {
  return new TupleValue([ballot[0], ballot[1]]);
}

/**
 * A JSON value of the trace's state entries as the spec's value: numbers and strings as they
 * are, arrays as tuples, objects as records, `null` as None. Every leaf of `acc`, `learned`,
 * `tsvc` and `fresh` is spelled so (a log value `{leader}` or `{bound, pid}`, an acceptor
 * record with ballot pairs, a `tsvc` record with its phase as a string).
 */
export function jsonValue(v: unknown): Value {
  if (v === null) return none();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return new TupleValue(v.map(jsonValue));
  return recordOf(Object.entries(v as object).map(([k, x]) => [k, jsonValue(x)]));
}

/** Converts one parameter of the given kind. */
export function paramValue(kind: ParamKind, json: unknown): Value {
  switch (kind) {
    case 'log':
      return logValue(json as string);
    case 'client':
      return clientValue(json as string);
    case 'ballot':
      return ballotValue(json as [number, number]);
    case 'value':
      return jsonValue(json);
    case 'server':
    case 'seq':
    case 'ballotNumber':
    case 'checkId':
    case 'count':
      return json as number;
    case 'holder':
      return str(json as string);
    case 'descriptors':
      return new TupleValue((json as string[]).map((d) => str(d)));
  }
}

/** An action's parameters as TLA+ values, in the spec's parameter order. */
export function actionArguments(action: ActionName, params: Record<string, unknown>): Value[] {
  const kinds = SPEC_ACTIONS[action] as Record<string, ParamKind>;
  return Object.entries(kinds).map(([name, kind]) => paramValue(kind, params[name]));
}

/** An action's arguments by parameter name. */
export function namedArguments(action: ActionName, args: readonly Value[]): Map<string, Value> {
  return new Map(Object.keys(SPEC_ACTIONS[action]).map((name, i) => [name, args[i]]));
}
