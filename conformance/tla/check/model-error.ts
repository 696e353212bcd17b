/** The error for a cfg that cannot be bound to its spec, with its place and diagnostic. */
import type { Loc } from '../syntax/ast.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { locationOf } from '../diagnostics/location.ts';

/**
 * What every error about a cfg says (a syntax error from cfg.ts, a binding error here): the
 * entries of {@link ModelError.errors}. Structural, so that this module need not import cfg.ts,
 * which imports it.
 */
export interface CfgErrorEntry {
  readonly message: string;
  readonly diagnostic: Diagnostic;
}

/** An error in binding a cfg file to a spec, reported at the cfg line. */
export class ModelError extends Error {
  readonly diagnostic: Diagnostic;
  /**
   * Every error found in the cfg, in source order, this one first (see `allCfgErrors` in
   * cfg.ts). Just this one unless the cfg has several mistakes.
   */
  errors: readonly CfgErrorEntry[] = [this];

  constructor(
    readonly file: string,
    /** Where in the cfg (1-based line and column), when the error has a place there. */
    readonly pos: { readonly line: number; readonly col: number } | undefined,
    detail: string,
    /** The diagnostic's code, and its place when that is in the spec rather than the cfg. */
    more: { code?: DiagnosticCode; location?: Loc; hint?: string } = {},
  ) {
    super(pos ? `${file}:${pos.line}:${pos.col}: ${detail}` : `${file}: ${detail}`);
    this.name = 'ModelError';
    const location = more.location ?? (pos ? { file, ...pos } : undefined);
    this.diagnostic = {
      code: more.code ?? 'TLA309',
      severity: 'error',
      summary: detail,
      ...(location ? { location: locationOf(location) } : {}),
      ...(more.hint ? { hint: more.hint } : {}),
    };
  }
}
