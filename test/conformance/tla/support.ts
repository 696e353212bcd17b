/**
 * Helpers for tests that need a specification on disk: write modules and a cfg to a fresh
 * temporary folder, build the model, evaluate definitions in given states, list successors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCfg } from '../../../conformance/tla/check/cfg.ts';
import { type Model, buildModel } from '../../../conformance/tla/check/model.ts';
import { type CheckResult, explore } from '../../../conformance/tla/check/explorer.ts';
import { type CheckOptions, checkModel } from '../../../conformance/tla/check/run.ts';
import { Ctx, type PartialState } from '../../../conformance/tla/eval/runtime.ts';
import { Scope } from '../../../conformance/tla/eval/scope.ts';
import type { Value } from '../../../conformance/tla/values/value.ts';

const dirs: string[] = [];

/** Removes every folder made by {@link writeSpec} (call from afterAll). */
export function cleanupSpecs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * Writes `files` (name -> text) to a new temporary folder and returns its path. A `.tla` text
 * that does not start with a module header is wrapped in `---- MODULE <name> ---- ... ====`.
 */
export function writeSpec(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tla-test-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const content =
      name.endsWith('.tla') && !/^-{4,}\s*MODULE/.test(text.trimStart())
        ? `---- MODULE ${name.slice(0, -4)} ----\n${text}\n====\n`
        : text;
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A built model together with helpers to evaluate in it. */
export interface TestModel {
  model: Model;
  dir: string;
  /** The value of the zero-arity definition `name` in state `cur` (and next state `nxt`). */
  eval(name: string, cur?: PartialState | null, nxt?: PartialState | null): Value;
  /** Every successor of `state`, action by action (duplicates kept), in enumeration order. */
  successors(state: Value[]): Value[][];
  /** The initial states, in enumeration order (duplicates kept). */
  initStates(): Value[][];
  /** Runs the model checker on the model. */
  explore(): CheckResult;
}

const DEFAULT_CFG = 'INIT Init\nNEXT Next\n';

/**
 * Builds module M from `body` (plus helper modules in `extra`) with `cfg` (default: INIT Init,
 * NEXT Next). Print output is collected in `printed`.
 */
export function buildSpec(
  body: string,
  cfg = DEFAULT_CFG,
  extra: Record<string, string> = {},
  printed: string[] = [],
): TestModel {
  const dir = writeSpec({ 'M.tla': body, 'M.cfg': cfg, ...extra });
  const model = buildModel(join(dir, 'M.tla'), parseCfg(cfg, join(dir, 'M.cfg')), {
    print: (line) => printed.push(line),
  });
  const scope = new Scope(model.root);
  const n = model.varNames.length;
  return {
    model,
    dir,
    eval(name, cur = null, nxt = null) {
      const fn = model.compiler.expr({ k: 'ident', name, loc: model.initLoc }, scope);
      return fn(null, new Ctx(cur, nxt, model.runtime));
    },
    successors(state) {
      const out: Value[][] = [];
      for (const a of model.actions) {
        a.act(a.env, new Ctx(state, new Array(n).fill(undefined), model.runtime), (ctx) => {
          out.push(ctx.nxt as Value[]);
          return false;
        });
      }
      return out;
    },
    initStates() {
      const out: Value[][] = [];
      model.init(null, new Ctx(new Array(n).fill(undefined), null, model.runtime), (ctx) => {
        out.push(ctx.cur as Value[]);
        return false;
      });
      return out;
    },
    explore() {
      return explore(model);
    },
  };
}

/** Writes M.tla and M.cfg (plus `extra`) and runs {@link checkModel} on them. */
export function runSpec(
  body: string,
  cfg = DEFAULT_CFG,
  extra: Record<string, string> = {},
  opts: CheckOptions = {},
): CheckResult & { dir: string } {
  const dir = writeSpec({ 'M.tla': body, 'M.cfg': cfg, ...extra });
  return {
    ...checkModel(join(dir, 'M.tla'), join(dir, 'M.cfg'), { print: () => {}, ...opts }),
    dir,
  };
}
