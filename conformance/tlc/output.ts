/**
 * Reading real TLC's standard output into the same result structure our engine produces, so the
 * two can be compared (`check --engine both`). TLC's text is its only interface; we read the
 * lines that decide a result and ignore the rest (banner, progress, timing).
 */
import type { ResultKind } from '../tla/check/explorer.ts';

/** What a TLC run reported. */
export interface TlcOutcome {
  kind: ResultKind;
  /** Violated invariant or property, as TLC named it. */
  property: string | null;
  message: string | null;
  generated: number | null;
  distinct: number | null;
  queueLeft: number | null;
  depth: number | null;
  /** States in the error trace (a lasso's "Back to state" and "Stuttering" lines excluded). */
  traceLength: number | null;
  /** For liveness counterexamples: `back-to-state K` or `stuttering`. */
  lasso: string | null;
}

const COUNTS =
  /^(\d+) states generated, (\d+) distinct states found, (\d+) states left on queue\.$/m;
const DEPTH = /^The depth of the complete state graph search is (\d+)\.$/m;

/** Parses TLC's standard output. */
export function parseTlcOutput(text: string): TlcOutcome {
  const lines = text.split(/\r?\n/);
  const out: TlcOutcome = {
    kind: 'ok',
    property: null,
    message: null,
    generated: null,
    distinct: null,
    queueLeft: null,
    depth: null,
    traceLength: null,
    lasso: null,
  };
  const counts = COUNTS.exec(text);
  if (counts) {
    out.generated = Number(counts[1]);
    out.distinct = Number(counts[2]);
    out.queueLeft = Number(counts[3]);
  }
  const depth = DEPTH.exec(text);
  if (depth) out.depth = Number(depth[1]);

  const firstError = lines.find(
    (l) =>
      l.startsWith('Error: ') &&
      !l.startsWith('Error: The behavior') &&
      !l.startsWith('Error: The following behavior') &&
      !l.startsWith('Error: The error occurred'),
  );
  if (firstError === undefined) {
    if (!text.includes('Model checking completed. No error has been found.')) {
      out.kind = 'eval-error';
      out.message = 'TLC did not report a result (no "Model checking completed" line and no error)';
    }
    return out;
  }
  const err = firstError.slice('Error: '.length);
  out.message = err;
  let m: RegExpExecArray | null;
  if ((m = /^Invariant (\S+) is violated/.exec(err))) {
    out.kind = 'invariant';
    out.property = m[1];
  } else if ((m = /^Temporal property (.+) was violated\.$/.exec(err))) {
    out.kind = 'temporal';
    out.property = m[1];
  } else if ((m = /^Action property (.+) is violated\.$/.exec(err))) {
    out.kind = 'temporal';
    out.property = m[1];
  } else if (err === 'Deadlock reached.') {
    out.kind = 'deadlock';
  } else if (/^Assumption .* is false\.$/.test(err)) {
    out.kind = 'assume';
  } else {
    out.kind = 'eval-error';
    // TLC prints "TLC threw an unexpected exception." and the cause a few lines further down.
    const cause = lines.findIndex((l) => l.startsWith('The exception was a'));
    if (cause >= 0)
      out.message = lines
        .slice(cause + 1, cause + 3)
        .join(' ')
        .replace(/^: /, '')
        .trim();
  }

  const states = lines.filter((l) => /^State \d+: /.test(l) && !/^State \d+: Stuttering/.test(l));
  if (states.length > 0) out.traceLength = states.length;
  else if (/violated by the initial state/.test(err)) out.traceLength = 1;
  const back = lines.find((l) => /^Back to state \d+/.test(l));
  if (back) out.lasso = `back-to-state ${/\d+/.exec(back)![0]}`;
  else if (lines.some((l) => /^State \d+: Stuttering/.test(l))) out.lasso = 'stuttering';
  return out;
}

/**
 * The whole text of TLC's error message, over as many lines as it takes, without the lines TLC
 * wraps it in ("TLC threw an unexpected exception ... The exception was a ...", the trace, the
 * error positions): what our engine's `message` holds. Null when TLC reported no error.
 */
export function tlcErrorMessage(text: string): string | null {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.startsWith('Error: '));
  if (first < 0) return null;
  const ends = (l: string) =>
    /^(Error: |\d+ states generated|Finished in |The depth of|State \d+: )/.test(l);
  let from: number;
  let head: string;
  if (lines[first].startsWith('Error: TLC threw an unexpected exception.')) {
    const cause = lines.findIndex((l, i) => i > first && l.startsWith('The exception was a'));
    if (cause < 0) return lines[first].slice('Error: '.length);
    from = cause + 2;
    head = lines[cause + 1].replace(/^: /, '');
  } else {
    from = first + 1;
    head = lines[first].slice('Error: '.length);
  }
  const out = [head];
  for (let i = from; i < lines.length && !ends(lines[i]); i++) out.push(lines[i]);
  return out.join('\n').trim();
}
