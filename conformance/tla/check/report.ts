/**
 * Turning a {@link CheckResult} into TLC's text (so a TLC user's scripts and eyes keep working),
 * into JSON for tools, and into TLC's exit codes.
 */
import type { CheckResult, Progress } from './explorer.ts';
import { type TraceStyle, formatState, readableStyle, tlcStyle } from './trace-text.ts';
import { formatWarning } from './warnings.ts';

/**
 * Exit codes, TLC's (tlc2.output.EC.ExitStatus) wherever TLC has one: 0 success, 10 failed
 * assumption, 11 deadlock, 12 safety violation, 13 liveness or action property, 14 failed
 * Assert, 75 evaluation error, 255 integer overflow; and for errors before checking: 150 spec
 * parse error, 151 cfg error. 1 is ours: the command could not do its job (a bad flag value,
 * TLC unavailable, or the two engines disagree). docs/output.md documents this table; a test
 * keeps the two the same.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  assume: 10,
  deadlock: 11,
  invariant: 12,
  temporal: 13,
  assert: 14,
  evalError: 75,
  specError: 150,
  cfgError: 151,
  overflow: 255,
} as const;

export function exitCode(r: CheckResult): number {
  switch (r.kind) {
    case 'ok':
      return EXIT.ok;
    case 'assume':
      return EXIT.assume;
    case 'deadlock':
      return EXIT.deadlock;
    case 'invariant':
      return EXIT.invariant;
    case 'temporal':
      return EXIT.temporal;
    case 'eval-error':
      if (r.errorPhase === 'assume') return EXIT.assume;
      // TLC's ERROR_GENERIC, which it also gives an exception raised while fingerprinting.
      if (r.errorPhase === 'fingerprint') return EXIT.overflow;
      return r.errorKind === 'assert'
        ? EXIT.assert
        : r.errorKind === 'overflow'
          ? EXIT.overflow
          : EXIT.evalError;
  }
}

export { formatState };

function counts(r: CheckResult): string[] {
  if (r.mode === 'simulate') {
    return [
      `${r.generated} states generated in ${r.behaviours} behaviours of at most ${r.depth} states (simulation, seed ${r.seed}).`,
    ];
  }
  return [
    `${r.generated} states generated, ${r.distinct} distinct states found, ${r.queueLeft} states left on queue.`,
    `The depth of the complete state graph search is ${r.depth}.`,
  ];
}

/** TLC's output for a finished run (from "Model checking completed" or "Error:" on). */
export function formatTlc(r: CheckResult): string {
  return formatResult(r, tlcStyle);
}

/** The same report with readable traces: state 1 in full, then only what each step changed. */
export function formatReadable(r: CheckResult): string {
  return formatResult(r, readableStyle);
}

function formatResult(r: CheckResult, style: TraceStyle): string {
  const out: string[] = [];
  switch (r.kind) {
    case 'ok':
      out.push(
        r.mode === 'simulate'
          ? 'Simulation completed. No error has been found.'
          : 'Model checking completed. No error has been found.',
        ...counts(r),
      );
      break;
    case 'assume':
      out.push(`Error: ${r.message}`);
      break;
    case 'invariant':
      if (r.initialState) {
        out.push(
          `Error: Invariant ${r.property} is violated by the initial state:`,
          style.state(r.varNames, r.trace![0].state),
          '',
        );
      } else {
        out.push(
          `Error: Invariant ${r.property} is violated.`,
          ...style.trace(r.varNames, r.trace!),
          ...counts(r),
        );
      }
      break;
    case 'deadlock':
      out.push('Error: Deadlock reached.', ...style.trace(r.varNames, r.trace!), ...counts(r));
      break;
    case 'temporal':
      if (r.lasso) {
        out.push(`Error: ${r.message}`, ...style.lasso(r.varNames, r.trace!, r.lasso));
      } else {
        out.push(`Error: ${r.message}`, ...style.trace(r.varNames, r.trace!));
      }
      out.push(...counts(r));
      break;
    case 'eval-error':
      if (r.errorPhase === 'fingerprint') {
        out.push(...fingerprintFailure(r, style));
        break;
      }
      out.push(`Error: ${r.message}`);
      if (r.errorPhase === 'assume') break;
      if (r.trace && r.trace.length > 0) out.push(...style.trace(r.varNames, r.trace));
      if (r.errorTrail && r.errorTrail.length > 0) {
        out.push(
          'Error: The error occurred when TLC was evaluating the nested',
          'expressions at the following positions:',
        );
        r.errorTrail.forEach((t, i) => out.push(`${i}. ${t}`));
        out.push('');
      }
      if (r.trace && r.trace.length > 0) out.push(...counts(r));
      break;
  }
  out.push(...(r.warnings ?? []).map(formatWarning));
  out.push(`Finished in ${formatElapsed(r.elapsedMs)}`);
  return out.join('\n');
}

/**
 * TLC's report of an error raised while fingerprinting a state (sorting a set whose elements
 * it cannot compare): an unexpected exception, then for a successor state the behaviour up to
 * its predecessor, the places that built the value, the reason again, and the counts.
 */
function fingerprintFailure(r: CheckResult, style: TraceStyle): string[] {
  const out = [
    'Error: TLC threw an unexpected exception.',
    'This was probably caused by an error in the spec or model.',
    'See the User Output or TLC Console for clues to what happened.',
    'The exception was a java.lang.RuntimeException',
    `: ${r.message}`,
  ];
  if (!r.trace || r.trace.length === 0) return out;
  out.push(...style.trace(r.varNames, r.trace), 'Error: TLC was unable to fingerprint.', '');
  if (r.errorTrail && r.errorTrail.length > 0) {
    out.push('Fingerprint Stack Trace:');
    r.errorTrail.forEach((t, i) => out.push(`${i}. ${tlcPlace(t)}`));
    out.push('', '');
  }
  out.push('Reason:', r.message ?? '', ...counts(r));
  return out;
}

/** `line 3, col 9 to line 3, col 20 of module M` as TLC's fingerprint trace writes it. */
function tlcPlace(range: string): string {
  const m = /^line (\d+), col (\d+) to line (\d+), col (\d+) of module (\S+)$/.exec(range);
  return m ? `Line ${m[1]}, column ${m[2]} to line ${m[3]}, column ${m[4]} in ${m[5]}` : range;
}

function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60
    ? `${String(s).padStart(2, '0')}s`
    : `${Math.floor(s / 60)}min ${String(s % 60).padStart(2, '0')}s`;
}

/**
 * TLC's periodic progress line, then the rate of the last interval and the time so far; tools
 * that parse TLC's line up to "states left on queue." keep working.
 */
export function formatProgress(p: Progress & { behaviours?: number }, now = new Date()): string {
  if (p.behaviours !== undefined) {
    // TLC's simulation line, with the same additions.
    return (
      `Progress: ${p.generated} states checked, ${p.behaviours} traces generated. ` +
      `${p.statesPerSecond} states/s, longest ${p.depth} states, ${formatElapsed(p.elapsedMs)} elapsed.`
    );
  }
  const at = now.toISOString().replace('T', ' ').slice(0, 19);
  return (
    `Progress(${p.depth}) at ${at}: ${p.generated} states generated (${p.statesPerSecond * 60} s/min), ` +
    `${p.distinct} distinct states found, ${p.queue} states left on queue. ` +
    `${p.statesPerSecond} states/s, depth ${p.depth}, ${formatElapsed(p.elapsedMs)} elapsed.`
  );
}
