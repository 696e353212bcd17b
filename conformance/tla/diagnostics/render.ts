/**
 * A diagnostic as text, laid out the way modern compilers print errors: the code and summary,
 * the place, the source line with a caret run under the culprit, then notes (values involved),
 * the chain of definitions being evaluated, and a hint. Plain text: no colours.
 *
 *     error[TLA402]: the argument 4 is not in the domain of the function
 *      --> M.tla:7:8
 *       |
 *     7 | Inv == f[4] = 1
 *       |        ^^^^
 *       = note: argument = 4
 *       = in: Inv (M.tla:7:1)
 *       = hint: ...
 */
import { isAbsolute, relative } from 'node:path';
import type { Diagnostic, DiagnosticLocation } from './diagnostic.ts';
import { fileLines } from './source.ts';

export interface RenderOptions {
  /** Paths are printed relative to this folder when inside it (default: the working folder). */
  relativeTo?: string;
}

/** At most this many source lines of a multi-line range are shown. */
const MAX_EXCERPT_LINES = 4;
/** Values longer than this are cut, so that one huge set does not bury the message. */
const MAX_VALUE_LENGTH = 300;

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const out = [`${d.severity}[${d.code}]: ${d.summary}`];
  const loc = d.location;
  const excerpt = loc ? excerptLines(loc) : [];
  const gutter = ' '.repeat(Math.max(1, ...excerpt.map((e) => String(e.line).length)));
  if (loc) out.push(`${gutter}--> ${place(loc, opts)}`);
  if (excerpt.length > 0) {
    out.push(`${gutter} |`);
    for (const e of excerpt) {
      out.push(`${String(e.line).padStart(gutter.length)} | ${e.text}`);
      if (e.carets) out.push(`${gutter} | ${e.carets}`);
    }
  }
  const note = (label: string, text: string) => out.push(`${gutter} = ${label}: ${text}`);
  for (const v of d.values ?? []) note('note', `${v.name} = ${shorten(v.value)}`);
  if (d.chain && d.chain.length > 0) {
    note(
      'in',
      d.chain
        .map((c) => (c.location ? `${c.name} (${place(c.location, opts)})` : c.name))
        .join(' -> '),
    );
  }
  if (d.hint) note('hint', d.hint);
  return out.join('\n');
}

/** `M.tla:7:8`, relative to the chosen folder when the file is inside it. */
export function place(loc: DiagnosticLocation, opts: RenderOptions = {}): string {
  return `${displayPath(loc.file, opts)}:${loc.line}:${loc.col}`;
}

/** `file` relative to the chosen folder (default: the working folder) when it is inside it. */
export function displayPath(file: string, opts: RenderOptions = {}): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(opts.relativeTo ?? process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

interface ExcerptLine {
  line: number;
  text: string;
  carets?: string;
}

/** The lines of the range (the first few), each with carets under the part in the range. */
function excerptLines(loc: DiagnosticLocation): ExcerptLine[] {
  const lines = fileLines(loc.file);
  if (loc.line < 1 || loc.line > lines.length) return [];
  const endLine = Math.min(loc.endLine ?? loc.line, lines.length);
  const shownEnd = Math.min(endLine, loc.line + MAX_EXCERPT_LINES - 1);
  const out: ExcerptLine[] = [];
  for (let n = loc.line; n <= shownEnd; n++) {
    const text = lines[n - 1].replace(/\t/g, ' ').trimEnd();
    const from = n === loc.line ? loc.col : firstNonBlank(text);
    const to =
      n !== endLine ? text.length : loc.endCol !== undefined ? loc.endCol : tokenEnd(text, from);
    const width = Math.max(1, to - from + 1);
    out.push({ line: n, text, carets: ' '.repeat(Math.max(0, from - 1)) + '^'.repeat(width) });
  }
  if (shownEnd < endLine) out.push({ line: shownEnd + 1, text: '...' });
  return out;
}

/** Where the word (or single symbol) starting at column `from` ends, for a location without an end. */
function tokenEnd(text: string, from: number): number {
  const word = /^[\w']+/.exec(text.slice(from - 1));
  return from - 1 + (word ? word[0].length : 1);
}

function firstNonBlank(text: string): number {
  const i = text.search(/\S/);
  return i < 0 ? 1 : i + 1;
}

function shorten(value: string): string {
  const flat = value.replace(/\s*\n\s*/g, ' ');
  return flat.length <= MAX_VALUE_LENGTH ? flat : flat.slice(0, MAX_VALUE_LENGTH) + ' ...';
}
