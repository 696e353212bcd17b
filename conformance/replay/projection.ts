/**
 * A server's part of a spec state (`acc[s]`, `learned[s]`, `tsvc[s]`) in the JSON shape the
 * trace logs it, so that a spec state and a logged event compare field by field and a mismatch
 * reads like the trace itself. Both sides drop entries at the spec's initial value
 * (`EmptyAcceptor`, `None`, `Off`) and empty maps, as the implementation does when it logs.
 */
import { FcnLike, ModelValue, StrValue, TupleValue, type Value } from '../tla/index.ts';
import type { ServerSpecState } from '../../src/trace/events.ts';

/** The parts of a server's state an event logs. */
export const PROJECTED_VARIABLES = ['acc', 'learned', 'tsvc'] as const;

/** One of {@link PROJECTED_VARIABLES}. */
export type ProjectedVariable = (typeof PROJECTED_VARIABLES)[number];

/** A projection as plain JSON: variable -> nested maps -> leaves. */
export type Projection = Partial<Record<ProjectedVariable, unknown>>;

/** One leaf where the logged state and a spec state differ; values are JSON text. */
export interface FieldDiff {
  /** The variable, e.g. `acc`. */
  readonly variable: ProjectedVariable;
  /** The spec's path to the leaf, e.g. `acc[2]["leader"][1].prom`. */
  readonly path: string;
  /** What the event logged there (`absent` when it logged nothing, i.e. the initial value). */
  readonly logged: string;
  /** What the spec state holds there. */
  readonly spec: string;
}

const EMPTY_ACCEPTOR = JSON.stringify({ prom: [0, 0], bal: [0, 0], val: null });
const OFF_PHASE = 'off';

/** Server `s`'s projection of a spec state (`state` indexed like `varNames`). */
export function projectServer(
  state: readonly Value[],
  varNames: readonly string[],
  s: number,
): Required<Projection> {
  const at = (name: ProjectedVariable) => (state[varNames.indexOf(name)] as FcnLike).apply(s);
  return {
    acc: perLogAndSeq(at('acc'), acceptorJson),
    learned: perLogAndSeq(at('learned'), logEntryJson),
    tsvc: perKey(at('tsvc'), tsvcJson),
  };
}

/** The logged state, normalised as {@link projectServer} normalises a spec state. */
export function normaliseLogged(state: ServerSpecState): Projection {
  const out: Projection = {};
  for (const name of PROJECTED_VARIABLES) {
    if (state[name] === undefined) continue; // compare only what the event logs
    out[name] = dropInitial(state[name]);
  }
  return out;
}

/** The canonical text of each variable an event logged, for {@link matchesLogged}. */
export type LoggedText = Partial<Record<ProjectedVariable, string>>;

/**
 * The logged state as canonical text, once per event. A server logs its whole state with every
 * event and most events change little of it, so the text of each variable is remembered by its
 * raw JSON (cheap to produce) and normalised only when it changed.
 */
export function loggedText(state: ServerSpecState): LoggedText {
  const out: LoggedText = {};
  for (const name of PROJECTED_VARIABLES) {
    const raw = state[name];
    if (raw === undefined) continue; // compare only what the event logs
    const key = JSON.stringify(raw);
    let text = recentLoggedText.get(key);
    if (text === undefined) {
      text = canonical(dropInitial(raw));
      if (recentLoggedText.size >= RECENT_LOGGED_TEXTS) recentLoggedText.clear();
      recentLoggedText.set(key, text);
    }
    out[name] = text;
  }
  return out;
}

/** Raw JSON of a logged variable -> its canonical text; cleared when full, to bound memory. */
const recentLoggedText = new Map<string, string>();
const RECENT_LOGGED_TEXTS = 4096;

/**
 * Whether server `s`'s part of `state` equals what the event logged: the same comparison as
 * {@link canonical} text of {@link projectServer}'s projection, without building it.
 */
export function matchesLogged(
  logged: LoggedText,
  state: readonly Value[],
  varNames: readonly string[],
  s: number,
): boolean {
  for (const name of PROJECTED_VARIABLES) {
    const expected = logged[name];
    if (expected === undefined) continue;
    const value = (state[varNames.indexOf(name)] as FcnLike).apply(s);
    if (CANONICAL_TEXT[name](value) !== expected) return false;
  }
  return true;
}

/** The leaves where `logged` and `spec` differ, for the variables the event logged. */
export function diffProjections(logged: Projection, spec: Projection, s: number): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const name of PROJECTED_VARIABLES) {
    if (!(name in logged)) continue;
    const walk = (x: unknown, y: unknown, path: string, depth: number): void => {
      // A map on one side and nothing on the other is compared as against an empty map, so
      // the diff names the leaves rather than a whole subtree.
      const mx = isMap(x) ? x : x === undefined && isMap(y) ? {} : undefined;
      const my = isMap(y) ? y : y === undefined && isMap(x) ? {} : undefined;
      if (mx && my) {
        const keys = [...new Set([...Object.keys(mx), ...Object.keys(my)])].sort();
        for (const key of keys)
          walk(mx[key], my[key], path + pathStep(name, depth, key), depth + 1);
        return;
      }
      if (canonical(x) !== canonical(y))
        diffs.push({ variable: name, path, logged: leafText(x), spec: leafText(y) });
    };
    walk(logged[name], spec[name], `${name}[${s}]`, 0);
  }
  return diffs;
}

/**
 * A path step as the spec writes it: `["leader"]` for a log or client, `[1]` for a sequence,
 * `.prom` for a record field (acceptor records sit at depth 2, tsvc records at depth 1).
 */
function pathStep(variable: ProjectedVariable, depth: number, key: string): string {
  const recordDepth = variable === 'acc' ? 2 : variable === 'tsvc' ? 1 : -1;
  if (depth === recordDepth) return `.${key}`;
  return /^\d+$/.test(key) ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

function leafText(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON text with keys sorted, so equal projections have equal text. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isMap(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys(v[k])]),
  );
}

/** Removes initial-valued entries and the maps they leave empty (nested maps only). */
function dropInitial(v: unknown): unknown {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(v)) {
    const kept = isRecordLeaf(inner) ? inner : dropInitial(inner);
    if (isInitial(kept)) continue;
    out[key] = kept;
  }
  return out;
}

function isRecordLeaf(v: unknown): boolean {
  return isMap(v) && ('prom' in v || 'phase' in v);
}

function isInitial(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (!isMap(v)) return false;
  if ('phase' in v) return v.phase === OFF_PHASE;
  if ('prom' in v) return canonical(v) === canonical(JSON.parse(EMPTY_ACCEPTOR));
  return Object.keys(v).length === 0;
}

// TLA+ values to JSON, following the shapes of the spec's variables.

function keyName(k: Value): string {
  if (k instanceof StrValue) return k.text;
  if (k instanceof ModelValue) return k.name;
  return String(k);
}

/** Entries of a TLA+ function as [key, value] pairs. */
function entries(f: Value): Array<[Value, Value]> {
  const table = (f as FcnLike).explicit();
  if (table instanceof TupleValue) return table.elems.map((v, i) => [i + 1, v]);
  return table.dom.map((k, i) => [k, table.vals[i]]);
}

/** A function to a JSON map, leaving out entries `leaf` maps to undefined, and empty maps. */
function perKey(f: Value, leaf: (v: Value) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries(f)) {
    const json = leaf(v);
    if (json === undefined || (isMap(json) && Object.keys(json).length === 0)) continue;
    out[keyName(k)] = json;
  }
  return out;
}

function perLogAndSeq(f: Value, leaf: (v: Value) => unknown): Record<string, unknown> {
  return perKey(f, (perSeq) => perKey(perSeq, leaf));
}

function acceptorJson(r: Value): unknown {
  const rec = recordJson(r);
  return canonical(rec) === canonical(JSON.parse(EMPTY_ACCEPTOR)) ? undefined : rec;
}

function tsvcJson(t: Value): unknown {
  const rec = recordJson(t);
  return rec.phase === OFF_PHASE ? undefined : rec;
}

function logEntryJson(v: Value): unknown {
  const json = plainJson(v);
  return json === null ? undefined : json;
}

function recordJson(r: Value): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries(r)) out[keyName(k)] = plainJson(v);
  return out;
}

/** Leaves: numbers, strings, ballots (tuples), None (null) and bound records. */
function plainJson(v: Value): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof StrValue) return v.text;
  if (v instanceof ModelValue) return v.name === 'None' ? null : v.name;
  if (v instanceof TupleValue) return v.elems.map(plainJson);
  if (v instanceof FcnLike) return recordJson(v);
  return String(v);
}

// Canonical text straight from TLA+ values, memoised per value object. Successive spec states
// share every sub-value a step did not change, so after the first event only what changed is
// rendered again: replay cost per event no longer grows with the size of a server's state.

/** Renders a value to canonical text, or undefined for "left out" (an initial value). */
type TextOf = (v: Value) => string | undefined;

function memoised(render: TextOf): TextOf {
  const memo = new WeakMap<object, string | undefined>();
  return (v) => {
    if (typeof v !== 'object' || v === null) return render(v);
    if (memo.has(v)) return memo.get(v);
    const text = render(v);
    memo.set(v, text);
    return text;
  };
}

/** A leaf as {@link canonical} renders what `json` makes of it. */
function renderedLeaf(json: (v: Value) => unknown): TextOf {
  return memoised((v) => {
    const j = json(v);
    return j === undefined ? undefined : canonical(j);
  });
}

/**
 * A function as {@link canonical} renders the map {@link perKey} makes of it: entries whose
 * text is undefined or an empty map left out, keys in the order JSON.stringify gives an object
 * with sorted keys (array-index keys first, numerically).
 */
function mapText(inner: TextOf): TextOf {
  return memoised((f) => {
    const kept: Array<[string, string]> = [];
    for (const [k, v] of entries(f)) {
      const text = inner(v);
      if (text === undefined || text === '{}') continue;
      kept.push([keyName(k), text]);
    }
    kept.sort(([a], [b]) => compareJsonKeys(a, b));
    return '{' + kept.map(([k, text]) => JSON.stringify(k) + ':' + text).join(',') + '}';
  });
}

const ARRAY_INDEX = /^(0|[1-9]\d{0,8})$/;

function compareJsonKeys(a: string, b: string): number {
  const ia = ARRAY_INDEX.test(a),
    ib = ARRAY_INDEX.test(b);
  if (ia && ib) return Number(a) - Number(b);
  if (ia !== ib) return ia ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const CANONICAL_TEXT: Record<ProjectedVariable, TextOf> = {
  acc: mapText(mapText(renderedLeaf(acceptorJson))),
  learned: mapText(mapText(renderedLeaf(logEntryJson))),
  tsvc: mapText(renderedLeaf(tsvcJson)),
};
