/**
 * A diagnostic: one problem (or warning) found in a spec, a cfg, a run or a trace, with enough
 * for a person to act on it without reading the engine: a stable code to search for, the place,
 * the values involved and the chain of definitions that led there. The text renderer and the
 * JSON stream both print this one shape, so tools and people see the same facts.
 */

/** A place in a source file; 1-based lines and columns, end inclusive. */
export interface DiagnosticLocation {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export interface Diagnostic {
  /** Stable identifier, e.g. `TLA101`; documented in docs/diagnostics.md. */
  code: string;
  severity: 'error' | 'warning';
  /** One line: what is wrong. */
  summary: string;
  /** Where: the culprit's range (the renderer puts a caret under it). */
  location?: DiagnosticLocation;
  /** Values involved, printed in TLA+ syntax. */
  values?: Array<{ name: string; value: string }>;
  /** Definitions being evaluated when it happened, outermost first. */
  chain?: Array<{ name: string; location?: DiagnosticLocation }>;
  /** How to fix it, when the cause is a common mistake. */
  hint?: string;
}
