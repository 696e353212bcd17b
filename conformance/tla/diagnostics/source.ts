/**
 * Source lines for diagnostics and reports, read from disk once per file. A file that cannot
 * be read (deleted since, or a standard module with no file) has no lines: the place is still
 * printed, only without the excerpt.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RangeLike } from './location.ts';

const linesOf = new Map<string, string[]>();

/** The lines of `file` (without line ends), or an empty list when it cannot be read. */
export function fileLines(file: string): string[] {
  let lines = linesOf.get(file);
  if (!lines) {
    try {
      lines = readFileSync(file, 'utf8').split(/\r?\n/);
    } catch {
      lines = [];
    }
    linesOf.set(file, lines);
  }
  return lines;
}

/** The text `loc` spans, on one line with runs of white space (and comments) collapsed. */
export function sourceText(loc: Required<RangeLike>): string {
  const lines = fileLines(loc.file);
  const parts: string[] = [];
  for (let line = loc.line; line <= loc.endLine; line++) {
    const text = lines[line - 1] ?? '';
    const from = line === loc.line ? loc.col - 1 : 0;
    const to = line === loc.endLine ? loc.endCol : text.length;
    parts.push(text.slice(from, to).replace(/\\\*.*$/, ''));
  }
  // A range can run on over the comments that follow the expression; they are not part of it.
  return parts
    .join(' ')
    .replace(/\(\*.*?\*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `Paxos.tla:62` for a report. */
export function sourcePlace(loc: RangeLike): string {
  return `${basename(loc.file)}:${loc.line}`;
}
