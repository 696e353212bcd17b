/** Conversions from the engine's source ranges to a diagnostic's location. */
import type { DiagnosticLocation } from './diagnostic.ts';

/** Anything with a file and a 1-based start (a parser Loc, an evaluation SourceRange). */
export interface RangeLike {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export function locationOf(r: RangeLike): DiagnosticLocation {
  const out: DiagnosticLocation = { file: r.file, line: r.line, col: r.col };
  if (r.endLine !== undefined) out.endLine = r.endLine;
  if (r.endCol !== undefined) out.endCol = r.endCol;
  return out;
}
