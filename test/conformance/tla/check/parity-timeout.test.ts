/**
 * The parity runner stops a case that explores longer than its time limit and counts it as
 * failed, naming the limit and TLC's own time, so that one slow case cannot hang a corpus run.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ParityCase, runParityCase } from '../../../../conformance/tla/check/parity.ts';

const dir = mkdtempSync(join(tmpdir(), 'parity-timeout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function counterCase(name: string, bound: number): ParityCase {
  mkdirSync(join(dir, name));
  writeFileSync(
    join(dir, name, 'Count.tla'),
    `---- MODULE Count ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x < ${bound} /\\ x' = x + 1\n====\n`,
  );
  writeFileSync(join(dir, name, 'Count.cfg'), 'INIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n');
  return {
    case: name,
    module: 'Count.tla',
    config: 'Count.cfg',
    tlcArgs: ['-workers', '1'],
    result: 'ok',
    property: null,
    distinct: bound + 1,
    generated: bound + 1,
    depth: bound + 1,
    traceLength: null,
    wallSeconds: 1.5,
  };
}

describe('parity case time limit', () => {
  it('stops a case that runs past the limit and fails it, with TLC’s time', () => {
    const row = runParityCase(dir, counterCase('long', 50_000_000), 100);
    expect(row.status).toBe('fail');
    expect(row.detail).toBe('stopped after 0.1 s (TLC: 1.5 s)');
  }, 60_000);

  it('lets a case that finishes in time pass', () => {
    const row = runParityCase(dir, counterCase('short', 2_000), 60_000);
    expect(row.status).toBe('pass');
  });
});
