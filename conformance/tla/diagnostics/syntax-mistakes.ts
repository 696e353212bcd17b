/**
 * Common mistakes behind a syntax error, recognised from the shape of tree-sitter's error
 * recovery, so that the message says what was meant and how to write it:
 * - `x' == x + 1` or `IF x == 1`: the grammar reads `=` then a stray `=`, an ERROR right after
 *   an `=` symbol;
 * - `Init = x = 0` (a definition with `=`): the grammar reads a definition of the infix
 *   operator `=` with parameter `Init`, and fails on what follows.
 */
import type Parser from 'tree-sitter';
import type { DiagnosticCode } from './codes.ts';

type Node = Parser.SyntaxNode;

export interface SyntaxMistake {
  code: DiagnosticCode;
  detail: string;
  hint: string;
  /** 1-based start and (inclusive) end column of the culprit, on one line. */
  line: number;
  col: number;
  endCol: number;
}

/** The common mistake `error` (the first ERROR node) stems from, if it is one we know. */
export function recogniseMistake(error: Node, text: string): SyntaxMistake | undefined {
  return doubledEquals(error, text) ?? definitionWithEquals(error);
}

function doubledEquals(error: Node, text: string): SyntaxMistake | undefined {
  const before = error.previousSibling;
  if (!error.text.startsWith('=') || before?.type !== 'eq') return undefined;
  if (before.endIndex !== error.startIndex || text[error.startIndex] !== '=') return undefined;
  return {
    code: 'TLA102',
    detail: "'==' inside an expression: equality is written '='",
    hint: "'==' only defines an operator (Name == expression); to compare two values, or to give a primed variable its next value, write '=' (x' = x + 1, IF x = 1 THEN ...)",
    line: before.startPosition.row + 1,
    col: before.startPosition.column + 1,
    endCol: error.startPosition.column + 1,
  };
}

function definitionWithEquals(error: Node): SyntaxMistake | undefined {
  const def = error.parent;
  if (def?.type !== 'operator_definition') return undefined;
  const symbol = def.childForFieldName('name');
  if (symbol?.type !== 'infix_op_symbol' || symbol.namedChildren[0]?.type !== 'eq')
    return undefined;
  const name = def.childrenForFieldName('parameter')[0]?.text ?? 'it';
  return {
    code: 'TLA103',
    detail: `'=' after ${name}: a definition is written with '=='`,
    hint: `write ${name} == ... to define ${name}; a single '=' is equality, which cannot start a definition`,
    line: symbol.startPosition.row + 1,
    col: symbol.startPosition.column + 1,
    endCol: symbol.endPosition.column,
  };
}
