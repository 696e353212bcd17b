import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../../support/golden.ts';
import { CheckStream } from '../../../../conformance/tla/check/json-stream.ts';
import { checkModel } from '../../../../conformance/tla/check/run.ts';
import { checkFixture, root, streamFixtures } from './run-cli.ts';

const schema = JSON.parse(
  readFileSync(join(root, 'docs', 'schema', 'check-stream.v1.schema.json'), 'utf8'),
);
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(
  schema,
);

type StreamRecord = Record<string, unknown> & { type: string; version: number };

function records(out: string): StreamRecord[] {
  const lines = out.split('\n');
  expect(lines.pop(), 'the stream ends with a newline').toBe('');
  return lines.map((line) => JSON.parse(line) as StreamRecord);
}

function expectValid(record: unknown): void {
  const ok = validate(record);
  expect(ok, `${JSON.stringify(record)}\n${JSON.stringify(validate.errors, null, 2)}`).toBe(true);
}

/**
 * Replaces what differs between runs and machines (times, rates, memory, the checkout path),
 * and keeps only the code of an error's diagnostic: its wording has golden tests of its own.
 */
function normalise(out: string): string {
  return records(out.replaceAll(root, '<root>'))
    .map((r) => {
      const diagnostic = r.diagnostic as { code: string } | undefined;
      if (diagnostic && r.type !== 'warning') r.diagnostic = { code: diagnostic.code };
      if (r.type === 'start') r.startTime = '<time>';
      for (const varying of ['elapsedMs', 'peakRssMiB', 'statesPerSecond'])
        if (varying in r) r[varying] = 0;
      return JSON.stringify(r) + '\n';
    })
    .join('');
}

/** Runs the CLI with --json, checks every line against the schema, and returns the records. */
function streamOf(name: string, extra: string[] = []): { records: StreamRecord[]; out: string } {
  const run = checkFixture(name, ['--json', ...extra]);
  expect(run.err).toBe('');
  const recs = records(run.out);
  recs.forEach(expectValid);
  expect(recs[0].type).toBe('start');
  expect(recs.at(-1)!.type).toBe('end');
  expect(recs.at(-1)!.exitCode, 'the end record names the exit code').toBe(run.code);
  return { records: recs, out: run.out };
}

const cases: Array<[string, string, string[], string]> = [
  ['ok run', 'Ok', [], 'ok'],
  ['run with every warning', 'Vacuous', [], 'ok'],
  ['invariant violation', 'Invariant', [], 'invariant'],
  ['deadlock', 'Deadlock', [], 'deadlock'],
  ['liveness violation with a lasso', 'Lasso', [], 'temporal'],
  ['evaluation error', 'EvalError', [], 'eval-error'],
  ['false assumption', 'Assume', [], 'assume'],
  ['spec syntax error', 'Syntax', [], 'input-error'],
  ['cfg error', 'BadCfg', [], 'input-error'],
  ['simulation without error', 'Ok', ['--simulate', '3', '--depth', '6', '--seed', '7'], 'ok'],
  ['simulation finding a violation', 'Invariant', ['--simulate', '50', '--seed', '3'], 'invariant'],
  ['bad flag value', 'Ok', ['--depth', '0'], 'input-error'],
];

describe('check --json', () => {
  it.each(cases)(
    '%s: every record valid, stream as in the golden file',
    (title, name, extra, result) => {
      const { records: recs, out } = streamOf(name, extra);
      expect(recs.at(-1)!.result).toBe(result);
      expect(recs[0]).toMatchObject({
        spec: `${streamFixtures}/${name}.tla`,
        config: `${streamFixtures}/${name}.cfg`,
        mode: extra.includes('--simulate') ? 'simulate' : 'bfs',
      });
      expectGolden(`stream/${title.replaceAll(' ', '-')}.ndjson`, normalise(out));
    },
  );

  it('gives a lasso its loop start and every step its changes', () => {
    const violation = streamOf('Lasso').records.find((r) => r.type === 'violation')!;
    expect(violation.lasso).toEqual({ loopStart: 2 });
    const trace = violation.trace as Array<{ changes: unknown[] }>;
    expect(trace[0].changes).toEqual([]);
    expect(trace[1].changes).toEqual([{ path: 'x', kind: 'changed', before: '0', after: '1' }]);
  });

  it('reports an input error with the exit code of its kind', () => {
    const syntax = streamOf('Syntax').records.find((r) => r.type === 'error')!;
    expect(syntax).toMatchObject({ exitCode: 150 });
    const cfg = streamOf('BadCfg').records.find((r) => r.type === 'error')!;
    expect(cfg).toMatchObject({ exitCode: 151 });
    expect(cfg.message).toContain('Missing');
  });

  it('writes progress records that match the schema', () => {
    const lines: string[] = [];
    const stream = new CheckStream((line) => lines.push(line), {
      spec: 'A.tla',
      config: 'A.cfg',
      mode: 'bfs',
      options: {
        checkDeadlock: null,
        maxDepth: null,
        workers: null,
        behaviours: null,
        seed: null,
        coverage: false,
      },
    });
    checkModel(join(root, streamFixtures, 'Wide.tla'), join(root, streamFixtures, 'Wide.cfg'), {
      progressIntervalMs: 0,
      onProgress: (p) => stream.progress(p),
    });
    const progress = lines.map((l) => JSON.parse(l) as StreamRecord);
    expect(progress.length).toBeGreaterThan(1);
    progress.forEach(expectValid);
    const generated = progress.map((p) => p.generated as number);
    expect(generated).toEqual([...generated].sort((a, b) => a - b));
  });
});

/** The trace in TLC's text form: each state's action label and its variables' values. */
function textTrace(out: string): Array<{ action: string; state: Record<string, string> }> {
  const steps: Array<{ action: string; state: Record<string, string> }> = [];
  for (const line of out.split('\n')) {
    const header =
      /^State \d+: <(.+?)(?: line \d+, col \d+ to line \d+, col \d+ of module \w+)?>$/.exec(line);
    if (header) steps.push({ action: header[1], state: {} });
    const binding = /^(?:\/\\ )?(\w+) = (.*)$/.exec(line);
    if (binding && steps.length > 0) steps.at(-1)!.state[binding[1]] = binding[2];
  }
  return steps;
}

describe('the trace in JSON is the trace printed', () => {
  it.each(['Invariant', 'Deadlock', 'Lasso', 'EvalError'])('%s', (name) => {
    const text = checkFixture(name, ['--full']);
    const violation = streamOf(name).records.find((r) => r.type === 'violation')!;
    const json = (violation.trace as Array<{ action: string; state: Record<string, string> }>).map(
      (s) => ({ action: s.action, state: s.state }),
    );
    expect(json.length).toBeGreaterThan(1);
    expect(json).toEqual(textTrace(text.out));
  });
});
