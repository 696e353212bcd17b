/**
 * SANY's rule that no declaration may reuse a name already visible where it is made (no
 * shadowing), case by case. Each root module of fixtures/redeclare/ (the Rd* modules are what
 * they extend and instantiate) is a small spec that SANY rejects with "Multiply-defined symbol"
 * or "Operator ... already defined or declared", or accepts although a name occurs twice;
 * fixtures/redeclare/expected.json records SANY's semantic errors for each (none: accepted). The
 * engine must reject exactly those, at SANY's place, with SANY's words and the earlier place.
 *
 * With TLA2TOOLS_JAR set, the cases also run through real SANY, which must still print what was
 * recorded (UPDATE_TLC_FIXTURES=1 rewrites expected.json from those runs instead).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, checkModel } from '../../../../conformance/tla/check/run.ts';
import { EXIT } from '../../../../conformance/tla/check/report.ts';
import { renderDiagnostic } from '../../../../conformance/tla/diagnostics/render.ts';
import { NamespaceBuilder } from '../../../../conformance/tla/eval/scope.ts';
import { ModuleLoader, TlaSemanticError } from '../../../../conformance/tla/modules/loader.ts';
import { STANDARD_MODULES } from '../../../../conformance/tla/modules/stdlib/index.ts';
import { STD_DEFINITION_PLACES } from '../../../../conformance/tla/modules/stdlib/places.ts';
import { parseModule } from '../../../../conformance/tla/syntax/parse.ts';
import { classPath, locateTlc } from '../../../../conformance/tlc/runner.ts';
import { root, timelock } from '../check/run-cli.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'redeclare');
const EXPECTED_FILE = join(FIXTURES, 'expected.json');

/** One semantic error as SANY prints it: its place, and its message on one line. */
interface SanyError {
  at: string;
  message: string;
}

const expected = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, SanyError[]>;
/** The root modules: every module but the Rd* ones the cases extend and instantiate. */
const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.tla') && !f.startsWith('Rd'))
  .map((f) => f.slice(0, -'.tla'.length))
  .sort();
const rejected = cases.filter((c) => expected[c]?.length > 0);
const accepted = cases.filter((c) => expected[c]?.length === 0);

/** The engine's verdict: the semantic error binding the module raised, or undefined. */
function ours(name: string): TlaSemanticError | undefined {
  const file = join(FIXTURES, `${name}.tla`);
  const loader = new ModuleLoader(file);
  try {
    new NamespaceBuilder(loader).buildRoot(loader.loadRoot(file));
    return undefined;
  } catch (e) {
    if (e instanceof TlaSemanticError) return e;
    throw e;
  }
}

const PLACE = /^line (\d+), col (\d+) to line (\d+), col (\d+) of module (\S+)$/;
const EARLIER =
  / conflicts with the one at line \d+, col \d+ to line \d+, col \d+ of module \S+\.$/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the engine rejects what SANY rejects as a redeclaration, and only that (recorded SANY verdicts)', () => {
  it('every case has a recorded verdict, and every verdict a case', () => {
    expect(Object.keys(expected).sort()).toEqual(cases);
    expect(rejected.length).toBeGreaterThanOrEqual(50);
    expect(accepted.length).toBeGreaterThanOrEqual(10);
  });

  it.each(rejected)('%s is rejected as SANY rejects it', (name) => {
    const sany = expected[name][0];
    const e = ours(name);
    expect(e, 'the engine accepted it').toBeDefined();
    const [, line, col, endLine, endCol, module] = PLACE.exec(sany.at)!;
    expect(e!.diagnostic.code).toBe('TLA204');
    expect(e!.loc).toMatchObject({ line: Number(line), col: Number(col), module });
    expect(e!.loc).toMatchObject({ endLine: Number(endLine), endCol: Number(endCol) });
    if (EARLIER.test(sany.message)) {
      // "Multiply-defined symbol 'x': ... conflicts with the one at <place>.": word for word.
      expect(e!.detail).toBe(sany.message);
    } else {
      // "Operator Foo already defined or declared.": SANY's sentence, then the earlier place.
      expect(e!.detail).toMatch(
        new RegExp(
          `^${escape(sany.message.replace(/\.$/, ''))}: this definition conflicts with the one at line \\d+, col \\d+ to line \\d+, col \\d+ of module \\w+\\.$`,
        ),
      );
    }
  });

  it.each(accepted)('%s is accepted as SANY accepts it', (name) => {
    expect(ours(name)?.message).toBeUndefined();
  });
});

describe('a redeclaration stops the run as TLC stops on a semantic error', () => {
  const spec = join(FIXTURES, 'BoundShadowsParam.tla');

  it('exits 150 with diagnostic TLA204 at the bound name, naming the parameter it conflicts with', () => {
    let error: unknown;
    try {
      checkModel(spec, join(FIXTURES, 'BoundShadowsParam.cfg'), { print: () => {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const input = error as InputError;
    expect(input.exitCode).toBe(EXIT.specError);
    expect(renderDiagnostic(input.diagnostic!, { relativeTo: FIXTURES })).toBe(
      [
        "error[TLA204]: Multiply-defined symbol 's': this definition or declaration conflicts with the one at line 7, col 14 to line 7, col 14 of module BoundShadowsParam.",
        ' --> BoundShadowsParam.tla:7:23',
        '  |',
        '7 | OutOfRoom(c, s) == \\A s \\in Servers : P(s)',
        '  |                       ^',
        '  = hint: TLA+ has no shadowing: a bound variable cannot reuse a name already visible here (the parameter at BoundShadowsParam.tla:7:14); rename one of them',
      ].join('\n'),
    );
  });

  it('the command exits 150 and prints the diagnostic', () => {
    const run = timelock(['check', relative(root, spec)]);
    expect(run.code).toBe(150);
    expect(run.err).toContain('error[TLA204]');
    expect(run.err).toContain('BoundShadowsParam.tla:7:23');
  });

  it('a spec binding one name in sibling scopes is checked as TLC checks it', () => {
    const r = checkModel(
      join(FIXTURES, 'SiblingQuantifiers.tla'),
      join(FIXTURES, 'SiblingQuantifiers.cfg'),
      { print: () => {} },
    );
    // TLC: 5 states generated, 4 distinct states found.
    expect(r).toMatchObject({ kind: 'ok', generated: 5, distinct: 4 });
  });
});

/** SANY's semantic errors in its output, each as its place and its message on one line. */
function sanyErrors(output: string): SanyError[] {
  const start = output.indexOf('*** Errors:');
  if (start < 0) return [];
  const lines = output.slice(start).split('\n').slice(1);
  const errors: SanyError[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!PLACE.test(lines[i].trim())) continue;
    const message: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    for (; j < lines.length && lines[j].trim() !== ''; j++) message.push(lines[j].trim());
    errors.push({ at: lines[i].trim(), message: message.join(' ') });
    i = j;
  }
  return errors;
}

const jar = process.env.TLA2TOOLS_JAR;

describe.skipIf(!jar)('real SANY still gives the recorded verdicts (TLA2TOOLS_JAR)', () => {
  const update = process.env.UPDATE_TLC_FIXTURES === '1';
  const fresh: Record<string, SanyError[]> = {};
  afterAll(() => {
    if (update) writeFileSync(EXPECTED_FILE, JSON.stringify(fresh, null, 2) + '\n');
  });

  it.each(cases)(
    '%s',
    (name) => {
      const { java, jar: found } = locateTlc();
      const run = spawnSync(java, ['-cp', classPath(found), 'tla2sany.SANY', `${name}.tla`], {
        cwd: FIXTURES,
        encoding: 'utf8',
      });
      const output = run.stdout + run.stderr;
      expect(output, 'SANY parsed the module').not.toMatch(
        /Parse Error|Lexical error|\*\*\* Abort/,
      );
      fresh[name] = sanyErrors(output);
      if (!update) expect(fresh[name]).toEqual(expected[name]);
    },
    60_000,
  );
});

describe.skipIf(!jar)("the places of the standard modules' definitions (TLA2TOOLS_JAR)", () => {
  it.each([...STANDARD_MODULES.keys()])('%s', (name) => {
    const path = `tla2sany/StandardModules/${name}.tla`;
    const text = spawnSync('unzip', ['-p', jar!, path], { encoding: 'utf8' });
    if (text.status !== 0) throw new Error(`cannot read ${path} from ${jar}: ${text.stderr}`);
    const places: Record<string, number[]> = {};
    for (const u of parseModule(text.stdout, `${name}.tla`).units) {
      if ((u.k !== 'opdef' && u.k !== 'fcndef') || u.local) continue;
      const l = u.declLoc ?? u.loc;
      places[u.name] = [l.line, l.col, l.endLine, l.endCol];
    }
    expect(places).toEqual(STD_DEFINITION_PLACES[name]);
    // Every operator the engine implements is defined there, and nothing else is.
    expect(Object.keys(places).sort()).toEqual(
      STANDARD_MODULES.get(name)!
        .ops.map((op) => op.name)
        .sort(),
    );
  });
});

if (!jar) {
  describe('real SANY', () => {
    it.skip('is not run: set TLA2TOOLS_JAR=/path/to/tla2tools.jar to check the recorded verdicts against it', () => {});
  });
}
