import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkActions,
  REPOSITORY_CHECK,
  REPOSITORY_ROOT,
  SPEC_ACTION_EMITTER,
  type ActionCheckReport,
} from '../../../conformance/static/check-actions.ts';
import { SPEC_ACTIONS } from '../../../src/trace/events.ts';

describe('the implementation emits exactly the steps of Next', () => {
  it('src/ passes, every site and every step accounted for', () => {
    const report = checkActions(REPOSITORY_CHECK);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(new Set(report.sites.map((s) => s.action))).toEqual(new Set(report.specActions));
    // Derived from Next's syntax tree, not from the implementation's own table.
    expect([...report.specActions].sort()).toEqual(Object.keys(SPEC_ACTIONS).sort());
    expect(report.sites).toContainEqual({
      file: 'src/server/server.ts',
      line: expect.any(Number),
      action: 'CheckLeadership',
      params: ['s'],
    });
  });
});

/**
 * A fake implementation in a temporary copy of the repository's layout: spec/ copied, and
 * src/fake.ts calling the real `specAction` once per line, so that line numbers are known.
 */
class FakeImplementation {
  readonly root = mkdtempSync(join(tmpdir(), 'check-actions-'));
  private readonly header: string[];

  constructor(importLine = `import { specAction } from '${SPEC_ACTION_EMITTER.file}';`) {
    cpSync(join(REPOSITORY_ROOT, 'spec'), join(this.root, 'spec'), { recursive: true });
    mkdirSync(join(this.root, 'src'));
    this.header = [importLine, 'export const steps = ['];
  }

  /** One `specAction` call per entry; returns the report and the line of each call. */
  check(calls: ReadonlyArray<readonly [string, readonly string[]]>, emit = 'specAction') {
    const body = calls.map(
      ([name, params]) => `  ${emit}(${name}, { ${params.map((p) => `${p}: 0`).join(', ')} }),`,
    );
    writeFileSync(
      join(this.root, 'src', 'fake.ts'),
      [...this.header, ...body, '];', ''].join('\n'),
    );
    const report: ActionCheckReport = checkActions({
      root: this.root,
      sources: ['src/**/*.ts'],
      specFile: 'spec/Timelock.tla',
    });
    const lineOf = (i: number) => this.header.length + 1 + i;
    return { report, lineOf };
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every action as the spec names it, quoted as a call's first argument. */
const allCorrect = (): Array<[string, string[]]> =>
  Object.entries(SPEC_ACTIONS).map(([name, params]) => [`'${name}'`, Object.keys(params)]);

/** The 1-based line of the first line of spec/FILE that starts with `prefix`. */
function specLine(file: string, prefix: string): number {
  const lines = readFileSync(join(REPOSITORY_ROOT, 'spec', file), 'utf8').split('\n');
  return lines.findIndex((l) => l.startsWith(prefix)) + 1;
}

describe('mismatches are reported with file and line', () => {
  const fakes: FakeImplementation[] = [];
  const fake = (importLine?: string) => {
    const f = new FakeImplementation(importLine);
    fakes.push(f);
    return f;
  };
  afterAll(() => fakes.forEach((f) => f.remove()));

  it('a fake that emits every action correctly passes', () => {
    const { report } = fake().check(allCorrect());
    expect(report.problems).toEqual([]);
    expect(report.sites).toHaveLength(Object.keys(SPEC_ACTIONS).length);
  });

  it('a wrong name, wrong or reordered parameters, and a missing action', () => {
    const calls = allCorrect().filter(([name]) => name !== `'Restart'`);
    const at = (name: string) => calls.findIndex(([n]) => n === `'${name}'`);
    calls[at('CheckLeadership')] = [`'CheckLeadership'`, ['s', 't']];
    calls[at('Request')] = [`'Request'`, ['s', 'c']];
    calls[at('Extend')] = [`'Extends'`, ['s', 'c']];
    calls[at('GiveUp')] = [`'SendPrepare'`, ['L', 'q', 'b']];
    const { report, lineOf } = fake().check(calls);
    const line = (name: string) => lineOf(calls.findIndex(([n]) => n === `'${name}'`));
    expect(report.ok).toBe(false);
    // Sites in source order, then missing steps in the order Next takes them.
    expect(report.problems).toEqual([
      `src/fake.ts:${line('CheckLeadership')}: action CheckLeadership emitted with parameters (s, t), the spec's CheckLeadership has (s)`,
      `src/fake.ts:${line('Extends')}: action Extends emitted, but the spec defines no operator Extends`,
      `src/fake.ts:${line('Request')}: action Request emitted with parameters (s, c), the spec's Request has (c, s, n)`,
      `src/fake.ts:${line('SendPrepare')}: action SendPrepare emitted, but the spec's SendPrepare (spec/Paxos.tla:${specLine('Paxos.tla', 'SendPrepare(')}) is not a step of Next`,
      `spec/Timestamps.tla:${specLine('Timestamps.tla', 'Extend(s, c) ==')}: spec action Extend(s, c), a step of Next, has no emitting site in src/**/*.ts`,
      `spec/Timelock.tla:${specLine('Timelock.tla', 'Restart(s) ==')}: spec action Restart(s), a step of Next, has no emitting site in src/**/*.ts`,
      `spec/Timestamps.tla:${specLine('Timestamps.tla', 'GiveUp(c, s) ==')}: spec action GiveUp(c, s), a step of Next, has no emitting site in src/**/*.ts`,
    ]);
  });

  it('follows an aliased import, and refuses a name it cannot read', () => {
    const calls: Array<[string, string[]]> = allCorrect();
    calls[0] = ['String(1)', ['a']];
    const { report, lineOf } = fake(
      `import { specAction as emit } from '${SPEC_ACTION_EMITTER.file}';`,
    ).check(calls, 'emit');
    expect(report.sites).toHaveLength(calls.length - 1);
    expect(report.problems[0]).toBe(
      `src/fake.ts:${lineOf(0)}: spec action emitted with a name that is not a string literal (String(1)), so it cannot be checked`,
    );
  });
});
