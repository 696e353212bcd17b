/**
 * `explain`: expressions evaluated over each state of a trace saved by `check --json` (NDJSON)
 * or `validate --json` (one document), with primed variables bound to the next state.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ExplainError,
  explainTrace,
  formatExplanation,
} from '../../../../conformance/tla/check/explain.ts';
import { type SavedTrace, readSavedTrace } from '../../../../conformance/tla/check/saved-trace.ts';
import { loadModel } from '../../../../conformance/tla/check/run.ts';
import { expectGolden } from '../../../support/golden.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const fixtures = relative(process.cwd(), join(import.meta.dirname, '..', 'fixtures', 'output'));
const checkTrace = join(fixtures, 'ballots-check.ndjson');
const validateTrace = join(fixtures, 'ballots-validate.json');

function explain(traceFile: string, exprs: string[]) {
  const trace = readSavedTrace(traceFile);
  return explainTrace(loadModel(trace.spec!, trace.config!, { print: () => {} }), trace, exprs);
}

/** The value (or error) of each expression, state by state. */
function table(traceFile: string, exprs: string[]): string[][] {
  return explain(traceFile, exprs).map((s) =>
    s.results.map((r) => ('value' in r ? r.value : `error: ${r.error}`)),
  );
}

describe('explain over a check --json stream', () => {
  it('evaluates each expression in each state, named by its action and place', () => {
    const text = explain(checkTrace, [
      'round',
      'acc[a1]',
      '{m.type : m \\in msgs}',
      "round' - round",
      'PromisedBelowTwo',
    ])
      .map(formatExplanation)
      .join('\n');
    expectGolden('explain/check-stream.txt', text + '\n');
  });

  it('takes the spec and cfg from the stream start record', () => {
    const trace = readSavedTrace(checkTrace);
    expect(trace.spec).toBe(join(fixtures, 'Ballots.tla'));
    expect(trace.config).toBe(join(fixtures, 'Ballots.cfg'));
    expect(trace.steps.map((s) => s.action)).toEqual([
      'Initial predicate',
      'Prepare',
      'Prepare',
      'Promise(a1,2)',
    ]);
  });

  it('reads model values back as the cfg model values, usable by name', () => {
    expect(
      table(checkTrace, [
        'CHOOSE a \\in Acceptors : acc[a].promised = 2',
        'a1 \\in DOMAIN acc',
        'acc[a2]',
      ])[3],
    ).toEqual(['a1', 'TRUE', '[promised |-> 0, voted |-> {}]']);
  });

  it('reads sets, records, functions and strings back as equal values', () => {
    const rows = table(checkTrace, [
      '[type |-> "1b", bal |-> 2] \\in msgs',
      'acc = [a \\in Acceptors |-> acc[a]]',
      '2 \\in acc[a1].voted',
    ]);
    expect(rows.map((r) => r.join(' '))).toEqual([
      'FALSE TRUE FALSE',
      'FALSE TRUE FALSE',
      'FALSE TRUE FALSE',
      'TRUE TRUE TRUE',
    ]);
  });

  it('binds primed variables to the next state, so actions can be asked about each step', () => {
    const rows = table(checkTrace, ['Prepare', 'UNCHANGED acc', 'Next']);
    expect(rows.slice(0, 3)).toEqual([
      ['TRUE', 'TRUE', 'TRUE'],
      ['TRUE', 'TRUE', 'TRUE'],
      ['FALSE', 'FALSE', 'TRUE'],
    ]);
    expect(rows[3]).toEqual(Array(3).fill(expect.stringMatching(/^error: not applicable/)));
  });

  it("binds a lasso's last state's primed variables to the state the loop returns to", () => {
    expect(table(join(fixtures, 'cycle-check.ndjson'), ["<<x, x'>>"]).flat()).toEqual([
      '<<0, 1>>',
      '<<1, 2>>',
      '<<2, 1>>',
    ]);
  });

  it('reports an evaluation error for that state and goes on', () => {
    const rows = table(checkTrace, ['acc[a1].ballot', 'round']);
    for (const [i, [err, round]] of rows.entries()) {
      expect(err).toMatch(/^error: .*field ballot/);
      expect(round).toBe(String(Math.min(i, 2)));
    }
  });
});

describe('explain over a validate --json report', () => {
  it('finds the trace inside the report and the spec and cfg it names', () => {
    expect(table(validateTrace, ['round', 'acc[a2].promised', '{m.bal : m \\in msgs}'])).toEqual([
      ['0', '0', '{9}'],
      ['1', '0', '{1, 9}'],
      ['1', '1', '{1, 9}'],
    ]);
  });

  it('steps with the action the report named', () => {
    const states = explain(validateTrace, ['round']);
    expect(formatExplanation(states[2])).toBe(
      `State 3 <Promise(a2,1) ${join(fixtures, 'Ballots.tla')}:21:3>\n  round = 1`,
    );
  });
});

describe('explain errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const model = () => loadModel(join(fixtures, 'Ballots.tla'), join(fixtures, 'Ballots.cfg'));
  const trace = (): SavedTrace => readSavedTrace(checkTrace);

  it('names the column of a syntax error in an expression', () => {
    expect(() => explainTrace(model(), trace(), ['round + + 1'])).toThrow(ExplainError);
    expect(() => explainTrace(model(), trace(), ['round + + 1'])).toThrow(
      /--eval "round \+ \+ 1", column 9: syntax error: unexpected '\+'\n {2}round \+ \+ 1\n {10}\^/,
    );
  });

  it('names the column of an unknown name in an expression', () => {
    expect(() => explainTrace(model(), trace(), ['round + rounds'])).toThrow(
      /column 9: unknown identifier 'rounds'/,
    );
  });

  it('says when the file is missing or holds no trace', () => {
    expect(() => readSavedTrace(join(dir, 'nope.json'))).toThrow(/nope.json: no such file/);
    const noTrace = join(dir, 'ok.ndjson');
    writeFileSync(noTrace, '{"type":"start","version":1}\n{"type":"end","version":1}\n');
    expect(() => readSavedTrace(noTrace)).toThrow(/holds no trace/);
    const notJson = join(dir, 'bad.ndjson');
    writeFileSync(notJson, '{"type":"start"}\nnot json\n');
    expect(() => readSavedTrace(notJson)).toThrow(/bad.ndjson:2: not JSON/);
  });

  it('evaluates what it can in a state that lacks a variable, and says what is missing', () => {
    const t = trace();
    delete t.steps[1].state.round;
    const [state2] = explainTrace(model(), t, ['round', 'acc[a1].promised']).slice(1);
    expect(state2.results).toEqual([
      {
        expr: 'round',
        error: expect.stringMatching(/the saved trace has no value for round here/),
      },
      { expr: 'acc[a1].promised', value: '0' },
    ]);
  });

  it('names the state and variable of a value it cannot read back', () => {
    const t = trace();
    t.steps[1].state.msgs = '{[type |-> "1a", bal |-> 1}';
    expect(() => explainTrace(model(), t, ['round'])).toThrow(
      /^state 2, variable msgs: cannot read a value at column 27 .*expected '\]'/,
    );
  });

  it('refuses a trace with none of the spec variables', () => {
    const t = trace();
    t.steps[0].state = { other: '1' };
    expect(() => explainTrace(model(), t, ['round'])).toThrow(
      /state 1 of the trace has none of the variables of Ballots \(msgs, acc, round\)/,
    );
  });
});

describe('timelock explain', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin', 'timelock.js'), 'explain', ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints one JSON object per state with --json', () => {
    const r = run(checkTrace, '--eval', 'round', '--eval', "round' = round", '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const states = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(states).toHaveLength(4);
    expect(states[1]).toEqual({
      index: 2,
      action: 'Prepare',
      location: `${join(fixtures, 'Ballots.tla')}:15:3`,
      results: [
        { expr: 'round', value: '1' },
        { expr: "round' = round", value: 'FALSE' },
      ],
    });
  });

  it('exits with 2 and the column for an expression that does not parse', () => {
    const r = run(checkTrace, '--eval', 'round +');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^Error: --eval "round \+", column \d+: syntax error/);
  });
});
