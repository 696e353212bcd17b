/**
 * What an event says about its server's part of the spec state, compared with a spec step.
 *
 * A server's own part of the state is `acc[s]`, `learned[s]`, `tsvc[s]`, `fresh[s]` and
 * `locks[s]`, and
 * only the server's own steps write it. Each event logs the entries its step wrote, with their
 * new values (a Restart first resets `learned[s]` and `tsvc[s]`). A spec step from state
 * `before` to `after` matches the event when every logged entry has its logged value in
 * `after`, and every entry the step changed was logged. Since the server's earlier events
 * matched too, this says exactly what comparing the whole logged state would, at a cost per
 * event that follows what the step wrote: a variable the step left as it was is the very same
 * value object in both states, and is not looked into.
 */
import { equals, FcnLike, ModelValue, StrValue, TupleValue, type Value } from '../tla/index.ts';
import type { SpecChanges, TraceEvent } from '../../src/trace/events.ts';
import { jsonValue } from './tla-values.ts';

/** The variables that hold a server's own part of the state, as the spec names them. */
export const PROJECTED_VARIABLES = ['acc', 'learned', 'tsvc', 'fresh', 'locks'] as const;

/** One of {@link PROJECTED_VARIABLES}. */
export type ProjectedVariable = (typeof PROJECTED_VARIABLES)[number];

/** One entry where the event and the spec step disagree; values are JSON text. */
export interface FieldDiff {
  /** The variable, e.g. `acc`, or `served` for what a Serve handed out (see outputs.ts). */
  readonly variable: ProjectedVariable | 'served';
  /** The spec's path to the entry, e.g. `acc[2]["leader"][1]`. */
  readonly path: string;
  /** What the event logged there (`unchanged` when it logged no write of the entry). */
  readonly logged: string;
  /** What the spec state holds there after the step. */
  readonly spec: string;
}

/**
 * How deep each variable's entries are below `var[s]`: acc[s][L][q], tsvc[s][c], fresh[s],
 * locks[s][c][h].
 */
const DEPTH: Record<ProjectedVariable, 0 | 1 | 2> = {
  acc: 2,
  learned: 2,
  tsvc: 1,
  fresh: 0,
  locks: 2,
};

/** Indexes of the projected variables in a model's variable order. */
export type VariableSlots = Record<ProjectedVariable, number>;

/** The slots of the projected variables among `varNames`. */
export function variableSlots(varNames: readonly string[]): VariableSlots {
  const slots = {} as Record<ProjectedVariable, number>;
  for (const name of PROJECTED_VARIABLES) {
    const i = varNames.indexOf(name);
    if (i < 0) throw new Error(`the spec has no variable ${name}, which traces log`);
    slots[name] = i;
  }
  return slots;
}

/** The states and variables a comparison needs. */
export interface StepStates {
  readonly slots: VariableSlots;
  /** The state the step starts from. */
  readonly before: readonly Value[];
  /** The state the step reaches. */
  readonly after: readonly Value[];
  /** The spec's initial state: what a Restart resets to. */
  readonly initial: readonly Value[];
}

/**
 * Where the event and the step disagree: entries logged with another value than the step's,
 * and entries the step changed that the event did not log. Empty when they match; with `first`
 * it stops at the first difference (for matching, where only yes or no matters).
 */
export function diffChanges(event: TraceEvent, states: StepStates, first = false): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const s = event.server;
  const reset = new Set<string>(event.reset ?? []);
  for (const name of PROJECTED_VARIABLES) {
    const slot = states.slots[name];
    const before = reset.has(name)
      ? serverPart(states.initial[slot], s)
      : serverPart(states.before[slot], s);
    const after = serverPart(states.after[slot], s);
    const logged = (event.changes as SpecChanges)[name];
    compareEntries(name, `${name}[${s}]`, DEPTH[name], before, after, logged, diffs, first);
    if (first && diffs.length > 0) return diffs;
  }
  return diffs;
}

/** Whether the step from `before` to `after` writes exactly what the event logged. */
export function matchesChanges(event: TraceEvent, states: StepStates): boolean {
  return diffChanges(event, states, true).length === 0;
}

function serverPart(v: Value, s: number): Value {
  return (v as FcnLike).apply(s);
}

/**
 * Compares one level of a variable: `logged` holds the written entries below `path` (an object
 * keyed like the spec's function, or the leaf itself at depth 0; undefined: nothing written).
 */
function compareEntries(
  variable: ProjectedVariable,
  path: string,
  depth: number,
  before: Value,
  after: Value,
  logged: unknown,
  out: FieldDiff[],
  first: boolean,
): void {
  if (logged === undefined && before === after) return; // untouched, and the spec agrees
  if (depth === 0) {
    if (logged === undefined) {
      if (!equals(before, after)) out.push(diff(variable, path, 'unchanged', after));
    } else if (!equals(jsonValue(logged), after)) {
      out.push(...leafDiffs(variable, path, logged, plainJson(after)));
    }
    return;
  }
  const written = (logged ?? {}) as Record<string, unknown>;
  const b = (before as FcnLike).explicit();
  const a = (after as FcnLike).explicit();
  const values = a instanceof TupleValue ? a.elems : a.vals;
  const oldValues = b instanceof TupleValue ? b.elems : b.vals;
  const keyAt = (i: number): Value => (a instanceof TupleValue ? i + 1 : a.dom[i]);
  const positions = a instanceof TupleValue ? undefined : positionsOf(a.dom);
  // Only entries the spec changed or the event wrote are compared: functions over sequences
  // grow with the run, and most steps touch one entry. In the domain's order, for reports.
  const compared: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== oldValues[i]) compared.push(i);
  const seen = new Set<string>();
  for (const key of Object.keys(written)) {
    const i = positions ? positions.get(key) : /^[1-9]\d*$/.test(key) ? Number(key) - 1 : -1;
    if (i === undefined || i < 0 || i >= values.length) continue;
    seen.add(key);
    if (values[i] === oldValues[i]) compared.push(i);
  }
  compared.sort((x, y) => x - y);
  for (const i of compared) {
    const key = keyAt(i);
    compareEntries(
      variable,
      path + step(key),
      depth - 1,
      oldValues[i],
      values[i],
      written[keyText(key)],
      out,
      first,
    );
    if (first && out.length > 0) return;
  }
  for (const key of Object.keys(written)) {
    if (seen.has(key)) continue;
    // A write the spec has no place for (a sequence beyond the model, an unknown client).
    out.push({
      variable,
      path: path + (/^\d+$/.test(key) ? `[${key}]` : `[${JSON.stringify(key)}]`),
      logged: JSON.stringify(written[key]),
      spec: 'absent',
    });
    if (first) return;
  }
}

function diff(variable: ProjectedVariable, path: string, logged: string, spec: Value): FieldDiff {
  return { variable, path, logged, spec: canonicalJson(plainJson(spec)) };
}

/**
 * Where a logged entry differs from the spec's: field by field when both are records (an
 * acceptor record, a `tsvc` record), so that the report names `.bal` or `.counter`.
 */
function leafDiffs(
  variable: ProjectedVariable,
  path: string,
  logged: unknown,
  spec: unknown,
): FieldDiff[] {
  if (!isRecord(logged) || !isRecord(spec))
    return [{ variable, path, logged: canonicalJson(logged), spec: canonicalJson(spec) }];
  const keys = [...new Set([...Object.keys(logged), ...Object.keys(spec)])].sort();
  return keys
    .filter((k) => canonicalJson(logged[k]) !== canonicalJson(spec[k]))
    .map((k) => ({
      variable,
      path: `${path}.${k}`,
      logged: k in logged ? canonicalJson(logged[k]) : 'absent',
      spec: k in spec ? canonicalJson(spec[k]) : 'absent',
    }));
}

/** JSON text with object keys sorted, so that equal values print alike. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_key, x: unknown) =>
    isRecord(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const positionsByDomain = new WeakMap<readonly Value[], ReadonlyMap<string, number>>();

/** Where each key of a function's domain is, by {@link keyText}; one map per domain array. */
function positionsOf(dom: readonly Value[]): ReadonlyMap<string, number> {
  let found = positionsByDomain.get(dom);
  if (found === undefined) {
    found = new Map(dom.map((k, i) => [keyText(k), i]));
    positionsByDomain.set(dom, found);
  }
  return found;
}

/** A key as the trace writes it: logs and clients by name, sequences as numbers. */
function keyText(k: Value): string {
  if (k instanceof StrValue) return k.text;
  if (k instanceof ModelValue) return k.name;
  return String(k);
}

/** A path step as the spec writes it: `["leader"]`, `[c1]` for a client, `[1]`. */
function step(k: Value): string {
  if (k instanceof StrValue) return `[${JSON.stringify(k.text)}]`;
  if (k instanceof ModelValue) return `[${k.name}]`;
  return `[${String(k)}]`;
}

/** A spec value as the trace's JSON: records as objects, tuples as arrays, None as null. */
export function plainJson(v: Value): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof StrValue) return v.text;
  if (v instanceof ModelValue) return v.name === 'None' ? null : v.name;
  if (v instanceof TupleValue) return v.elems.map(plainJson);
  if (v instanceof FcnLike) {
    const table = v.explicit();
    if (table instanceof TupleValue) return table.elems.map(plainJson);
    const out: Record<string, unknown> = {};
    table.dom.forEach((k, i) => (out[keyText(k)] = plainJson(table.vals[i])));
    return out;
  }
  return String(v);
}
