/**
 * What changed between two states of a trace, variable by variable and down to nested paths,
 * so that a long trace can be read as a story of changes rather than as pages of full states.
 */
import { printValue, quote } from '../values/print.ts';
import {
  FcnLike,
  FcnValue,
  SetValue,
  StrValue,
  TupleValue,
  type Value,
  compare,
  equals,
  kindOf,
} from '../values/value.ts';

/** One difference: a value replaced at `path`, or one element added to or removed from a set. */
export interface Change {
  /** Where, in TLA+ syntax: `msgs`, `acc[2].promised`, `f[s1][<<1, 2>>]`. */
  path: string;
  kind: 'changed' | 'added' | 'removed';
  /** The old value (or the removed element), in TLA+ syntax. */
  before?: string;
  /** The new value (or the added element), in TLA+ syntax. */
  after?: string;
}

/** Differences between two states, variable by variable, down to nested paths. Values printed in TLA+ syntax. */
export function diffStates(
  varNames: readonly string[],
  before: readonly Value[],
  after: readonly Value[],
): Change[] {
  const out: Change[] = [];
  varNames.forEach((name, i) => diffValue(name, before[i], after[i], out));
  return out;
}

function diffValue(path: string, before: Value, after: Value, out: Change[]): void {
  if (kindOf(before) !== kindOf(after)) {
    out.push(replaced(path, before, after));
    return;
  }
  if (sameValue(before, after)) return;
  if (before instanceof SetValue && after instanceof SetValue) {
    if (before.isFinite() && after.isFinite()) diffSets(path, before, after, out);
    else out.push(replaced(path, before, after));
    return;
  }
  if (before instanceof FcnLike && after instanceof FcnLike) {
    diffFunctions(path, before, after, out);
    return;
  }
  out.push(replaced(path, before, after));
}

/** Equality that never throws: infinite sets the engine cannot compare count as different. */
function sameValue(before: Value, after: Value): boolean {
  try {
    return equals(before, after);
  } catch {
    return false;
  }
}

function replaced(path: string, before: Value, after: Value): Change {
  return { path, kind: 'changed', before: printValue(before), after: printValue(after) };
}

/** Both element lists are in canonical order, so one merge pass finds what each side lacks. */
function diffSets(path: string, before: SetValue, after: SetValue, out: Change[]): void {
  const b = before.elements();
  const a = after.elements();
  let i = 0,
    j = 0;
  while (i < b.length || j < a.length) {
    const c = i === b.length ? 1 : j === a.length ? -1 : compare(b[i], a[j]);
    if (c === 0) {
      i++;
      j++;
    } else if (c < 0) {
      out.push({ path, kind: 'removed', before: printValue(b[i++]) });
    } else {
      out.push({ path, kind: 'added', after: printValue(a[j++]) });
    }
  }
}

/**
 * Functions over the same domain are compared point by point; a changed domain is reported as
 * one replaced value, because a list of points appearing and vanishing reads worse than both
 * values side by side.
 */
function diffFunctions(path: string, before: FcnLike, after: FcnLike, out: Change[]): void {
  const b = before.explicit();
  const a = after.explicit();
  if (b instanceof TupleValue && a instanceof TupleValue) {
    if (b.elems.length !== a.elems.length || (isSmallScalarTuple(b) && isSmallScalarTuple(a))) {
      out.push(replaced(path, before, after));
      return;
    }
    b.elems.forEach((v, i) => diffValue(`${path}[${i + 1}]`, v, a.elems[i], out));
    return;
  }
  if (b instanceof FcnValue && a instanceof FcnValue && sameDomain(b.dom, a.dom)) {
    const isRecord = b.isRecord();
    b.dom.forEach((arg, i) =>
      diffValue(path + argumentPath(arg, isRecord), b.vals[i], a.vals[i], out),
    );
    return;
  }
  out.push(replaced(path, before, after));
}

/**
 * Ballots, pairs and other short tuples of plain values read better whole (`<<1, 1>> -> <<1, 3>>`)
 * than as one line per component.
 */
function isSmallScalarTuple(t: TupleValue): boolean {
  return (
    t.elems.length <= SMALL_TUPLE &&
    t.elems.every((e) => !(e instanceof SetValue || e instanceof FcnLike))
  );
}
const SMALL_TUPLE = 4;

function sameDomain(b: readonly Value[], a: readonly Value[]): boolean {
  if (b === a) return true;
  return b.length === a.length && b.every((d, i) => equals(d, a[i]));
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function argumentPath(arg: Value, isRecord: boolean): string {
  if (isRecord && arg instanceof StrValue) {
    return IDENTIFIER.test(arg.text) ? `.${arg.text}` : `[${quote(arg.text)}]`;
  }
  return `[${printValue(arg)}]`;
}
