/**
 * `timelock check -fpmem`: the limit's two spellings, what the run says about spilling, and a
 * clean temp folder afterwards; the help documents both options.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMemoryLimit } from '../../../../../conformance/tla/check/spill/memory-limit.ts';
import { root, timelock } from '../run-cli.ts';

const SYNOD = 'test/conformance/tla/fixtures/parity/41-paxos-synod/Synod';
const LAMPS = 'test/conformance/tla/fixtures/parity/28-invariant-violation/Lamps';
// Made before the first test and removed after the last (also when a filter skips them all).
let parent = '';
beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'fpmem-cli-'));
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('parseMemoryLimit', () => {
  it('reads a fraction of the heap, or an amount with a unit', () => {
    expect(parseMemoryLimit('0.25', 1000)).toBe(250);
    expect(parseMemoryLimit('.5', 1000)).toBe(500);
    expect(parseMemoryLimit('1', 1000)).toBe(1000);
    expect(parseMemoryLimit('64MB', 1000)).toBe(64 * 1024 ** 2);
    expect(parseMemoryLimit('2 GiB', 1000)).toBe(2 * 1024 ** 3);
    expect(parseMemoryLimit('512k', 1000)).toBe(512 * 1024);
    expect(parseMemoryLimit('4096', 1000)).toBe(4096);
  });

  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['', 'abc', '-1', '0', '10XB', '1e6'])
      expect(() => parseMemoryLimit(bad, 1000)).toThrow(/-fpmem/);
  });
});

describe('timelock check -fpmem', () => {
  it('is documented in --help', () => {
    const help = timelock(['check', '--help']).out;
    expect(help).toMatch(/--fpmem <limit>/);
    expect(help).toMatch(/--spill-dir <dir>/);
  });

  it('says when the limit is reached and how much went to disk, and leaves no files', () => {
    const r = timelock(['check', `${SYNOD}.tla`, '-fpmem', '2KB', '--spill-dir', parent]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3921 distinct states found/);
    expect(r.out).toMatch(/Memory limit of 2 KiB reached for fingerprints/);
    expect(r.out).toMatch(/Memory limit of 2 KiB reached for states/);
    expect(r.out).toMatch(/Spilled to disk \(-fpmem 2 KiB\): \d+ fingerprints and 3921 states/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('exits with the violation code and leaves no files after a violation', () => {
    const r = timelock(['check', `${LAMPS}.tla`, '-fpmem', '1KB', '--spill-dir', parent]);
    expect(r.code).toBe(12);
    expect(readdirSync(parent)).toEqual([]);
  });

  // The files are unlinked as soon as they are open (spill-dir.ts), so even a process killed
  // in the middle of spilling leaves nothing behind.
  it.skipIf(process.platform === 'win32')('leaves no files when interrupted', async () => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'timelock.js'),
        'check',
        `${SYNOD}.tla`,
        '-fpmem',
        '1KB',
        '--spill-dir',
        parent,
      ],
      { cwd: root },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Memory limit of 1 KiB reached/.test(out)) child.kill('SIGINT');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(child.signalCode).toBe('SIGINT');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('says when a fraction of the heap was never reached', () => {
    const r = timelock(['check', `${SYNOD}.tla`, '-fpmem', '0.25']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\(-fpmem\) was not reached: nothing went to disk/);
  });

  it('refuses a --spill-dir that is not a folder', () => {
    const r = timelock([
      'check',
      `${SYNOD}.tla`,
      '-fpmem',
      '1MB',
      '--spill-dir',
      join(parent, 'nope'),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--spill-dir .*nope is not a folder/);
  });

  it('refuses a limit it cannot read', () => {
    const r = timelock(['check', `${SYNOD}.tla`, '-fpmem', 'lots']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/-fpmem needs a fraction of the heap/);
  });
});
