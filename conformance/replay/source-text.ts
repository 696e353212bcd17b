/**
 * The spec's source text of an expression, for reports: `BallotLess(acc[a][L][q].prom, b)`
 * reads better than a line and column.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Loc } from '../tla/index.ts';

const linesOf = new Map<string, string[]>();

function fileLines(file: string): string[] {
  let lines = linesOf.get(file);
  if (!lines) {
    lines = readFileSync(file, 'utf8').split('\n');
    linesOf.set(file, lines);
  }
  return lines;
}

/** The text `loc` spans, on one line with runs of white space (and comments) collapsed. */
export function sourceText(loc: Loc): string {
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
export function sourcePlace(loc: Loc): string {
  return `${basename(loc.file)}:${loc.line}`;
}
