/**
 * Turning a {@link CheckResult} into TLC's text (so a TLC user's scripts and eyes keep working),
 * into JSON for tools, and into TLC's exit codes.
 */
import { describeRange } from '../values/errors.ts';
import { printValue } from '../values/print.ts';
import type { CheckResult, Progress, TraceStep } from './explorer.ts';

/**
 * TLC's exit codes (tlc2.output.EC.ExitStatus): 0 success, 10 failed assumption, 11 deadlock,
 * 12 safety violation, 13 liveness or action property, 14 failed Assert, 75 evaluation error,
 * 255 integer overflow; and for errors before checking: 150 spec parse error, 151 cfg error.
 */
export const EXIT = {
  ok: 0,
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
      return r.errorKind === 'assert'
        ? EXIT.assert
        : r.errorKind === 'overflow'
          ? EXIT.overflow
          : EXIT.evalError;
  }
}

/** A state as TLC prints it: `/\ x = 1` lines, or `x = 1` for a single variable. */
export function formatState(names: readonly string[], state: readonly unknown[]): string {
  if (names.length === 1) return `${names[0]} = ${printValue(state[0] as never)}`;
  return names.map((n, i) => `/\\ ${n} = ${printValue(state[i] as never)}`).join('\n');
}

function formatTrace(names: readonly string[], trace: TraceStep[]): string[] {
  const out: string[] = ['Error: The behavior up to this point is:'];
  trace.forEach((s, i) => {
    const label = s.loc ? `<${s.action} ${describeRange(s.loc)}>` : `<${s.action}>`;
    out.push(`State ${i + 1}: ${label}`, formatState(names, s.state), '');
  });
  return out;
}

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
          formatState(r.varNames, r.trace![0].state),
          '',
        );
      } else {
        out.push(
          `Error: Invariant ${r.property} is violated.`,
          ...formatTrace(r.varNames, r.trace!),
          ...counts(r),
        );
      }
      break;
    case 'deadlock':
      out.push('Error: Deadlock reached.', ...formatTrace(r.varNames, r.trace!), ...counts(r));
      break;
    case 'temporal':
      if (r.lasso) {
        out.push(
          `Error: ${r.message}`,
          '',
          'Error: The following behavior constitutes a counter-example:',
          '',
        );
        r.trace!.forEach((s, i) => {
          const label = s.loc ? `<${s.action} ${describeRange(s.loc)}>` : `<${s.action}>`;
          out.push(`State ${i + 1}: ${label}`, formatState(r.varNames, s.state), '');
        });
        out.push(
          r.lasso.stuttering
            ? `State ${r.trace!.length + 1}: Stuttering`
            : `Back to state ${r.lasso.backTo}.`,
          '',
        );
      } else {
        out.push(`Error: ${r.message}`, ...formatTrace(r.varNames, r.trace!));
      }
      out.push(...counts(r));
      break;
    case 'eval-error':
      out.push(`Error: ${r.message}`);
      if (r.trace && r.trace.length > 0) out.push(...formatTrace(r.varNames, r.trace));
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
  out.push(`Finished in ${formatElapsed(r.elapsedMs)}`);
  return out.join('\n');
}

function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60
    ? `${String(s).padStart(2, '0')}s`
    : `${Math.floor(s / 60)}min ${String(s % 60).padStart(2, '0')}s`;
}

/** TLC's periodic progress line. */
export function formatProgress(p: Progress): string {
  const perMinute = p.elapsedMs > 0 ? Math.round((p.generated / p.elapsedMs) * 60000) : 0;
  return `Progress(${p.depth}) at ${new Date().toISOString().replace('T', ' ').slice(0, 19)}: ${p.generated} states generated (${perMinute} s/min), ${p.distinct} distinct states found, ${p.queue} states left on queue.`;
}

/** The result as plain data for `--json` (values printed in TLA+ syntax). */
export function resultJson(r: CheckResult): object {
  return {
    version: 1,
    result: r.kind,
    property: r.property ?? null,
    message: r.message ?? null,
    generated: r.generated,
    distinct: r.distinct,
    queueLeft: r.queueLeft,
    depth: r.depth,
    exitCode: exitCode(r),
    errorTrail: r.errorTrail ?? null,
    trace:
      r.trace?.map((s) => ({
        action: s.action,
        location: s.loc ? describeRange(s.loc) : null,
        state: Object.fromEntries(r.varNames.map((n, i) => [n, printValue(s.state[i])])),
      })) ?? null,
    elapsedMs: r.elapsedMs,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
