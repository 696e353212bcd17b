/**
 * Misaligned bullets. In a bullet list (`/\` or `\/` at the start of aligned lines) a bullet
 * left of the list's column ends the list; the grammar then reads it as an infix operator
 * applied to everything before it. That parses, and SANY and TLC accept it, but it is rarely
 * what the writer meant: `/\ y' = y` one column too far left joins the whole disjunction
 * above instead of its last disjunct. We warn wherever a line-starting `/\` or `\/` is an
 * infix operator just after a bullet list that starts further right.
 */
import { readFileSync } from 'node:fs';
import type Parser from 'tree-sitter';
import { syntaxTree } from '../syntax/parse.ts';
import type { Diagnostic } from './diagnostic.ts';

type Node = Parser.SyntaxNode;

const LISTS = new Set(['conj_list', 'disj_list']);

/** Warnings for the misaligned bullets of the module files given (unreadable files are skipped). */
export function misalignedBullets(files: Iterable<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split(/\r?\n/);
    const visit = (n: Node): void => {
      const d = misaligned(n, lines, file);
      if (d) out.push(d);
      for (const c of n.namedChildren) visit(c);
    };
    visit(syntaxTree(text).rootNode);
  }
  return out;
}

function misaligned(n: Node, lines: string[], file: string): Diagnostic | undefined {
  if (n.type !== 'bound_infix_op') return undefined;
  const symbol = n.childForFieldName('symbol');
  if (!symbol || (symbol.type !== 'land' && symbol.type !== 'lor')) return undefined;
  const { row, column } = symbol.startPosition;
  if (lines[row].slice(0, column).trim() !== '') return undefined; // not at the start of a line
  const list = listEndingAt(n.childForFieldName('lhs'));
  if (!list || list.startPosition.column <= column) return undefined;
  const bullet = symbol.type === 'land' ? '/\\' : '\\/';
  const listColumn = list.startPosition.column + 1;
  const listKind = list.type === 'conj_list' ? 'conjunction' : 'disjunction';
  return {
    code: 'TLA104',
    severity: 'warning',
    summary: `this ${bullet} is left of the ${listKind} list above it (column ${column + 1}, the list is at column ${listColumn}), so it ends that list`,
    location: { file, line: row + 1, col: column + 1, endLine: row + 1, endCol: column + 2 },
    values: [
      {
        name: 'column of the list',
        value: `${listColumn} (its first bullet is on line ${list.startPosition.row + 1})`,
      },
    ],
    hint: `as written, ${bullet} applies to the whole list (and whatever precedes it on the same level); if it belongs to the list, indent it to column ${listColumn}`,
  };
}

/** The bullet list that ends `n` (the last operand on its right-hand spine), if any. */
function listEndingAt(n: Node | null): Node | undefined {
  for (let cur = n; cur; cur = cur.namedChildren[cur.namedChildren.length - 1] ?? null) {
    if (LISTS.has(cur.type)) return cur;
    if (cur.type !== 'bound_infix_op' && cur.type !== 'disj_item' && cur.type !== 'conj_item')
      return undefined;
  }
  return undefined;
}
