/**
 * One call to check a model from its files: parse, bind, explore. Errors in the input (syntax,
 * names, cfg) come back as a {@link InputError} with the place, never as a stack trace.
 */
import { CfgError, allCfgErrors, parseCfgWithErrors, readCfgWithErrors } from './cfg.ts';
import { type Model, ModelError, buildModel, cfgNameErrors, type ModelOptions } from './model.ts';
import { type SimulateOptions, simulate } from './simulate.ts';
import { type CheckResult, type ExploreOptions, explore } from './explorer.ts';
import { exploreInParallel } from './parallel/explorer.ts';
import { TlaSyntaxError } from '../syntax/parse.ts';
import { TlaSemanticError } from '../modules/loader.ts';
import { EXIT } from './report.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { misalignedBullets } from '../diagnostics/layout.ts';

/** One error of an {@link InputError}: its one-line message and its diagnostic. */
export interface InputProblem {
  message: string;
  diagnostic?: Diagnostic;
}

/**
 * A problem with the spec or cfg that stops checking before it starts. A cfg with several
 * mistakes gives one InputError whose `message` and `diagnostic` are the first mistake's and
 * whose `errors` lists them all, in source order.
 */
export class InputError extends Error {
  /** Every error found, in source order; the first is this error's own message and diagnostic. */
  readonly errors: readonly InputProblem[];

  constructor(
    message: string,
    /** TLC's exit code for it: 150 for the spec, 151 for the cfg. */
    readonly exitCode: number,
    /** The diagnostic of the error it wraps, with code, place and hint. */
    readonly diagnostic?: Diagnostic,
    /** All the errors, when there are several (the first being `message` and `diagnostic`). */
    errors?: readonly InputProblem[],
  ) {
    super(message);
    this.name = 'InputError';
    this.errors = errors ?? [diagnostic ? { message, diagnostic } : { message }];
  }
}

export interface CheckOptions extends ModelOptions, ExploreOptions {}

/** Checks `tlaFile` against `cfgFile`. Throws {@link InputError} for bad input. */
export function checkModel(
  tlaFile: string,
  cfgFile: string,
  opts: CheckOptions = {},
): CheckResult & { unsupportedProperties: string[] } {
  const model = loadModel(tlaFile, cfgFile, opts);
  try {
    return withModelWarnings(model, explore(model, opts));
  } catch (e) {
    throw asInputError(e); // a name in an instantiated module is resolved on first use
  }
}

/**
 * {@link checkModel} on `workers` threads (`parallel/explorer.ts`). A model with temporal
 * properties is checked on one thread, since liveness needs the whole state graph in one place;
 * `note` (also passed to `onNote` before exploring) then says so. One worker is exactly
 * {@link checkModel}.
 */
export async function checkModelWithWorkers(
  tlaFile: string,
  cfgFile: string,
  workers: number,
  opts: CheckOptions & { onNote?: (note: string) => void } = {},
): Promise<CheckResult & { unsupportedProperties: string[]; workers: number; note?: string }> {
  const model = loadModel(tlaFile, cfgFile, opts);
  const note =
    workers > 1 && model.liveness.length > 0
      ? `temporal properties (${model.liveness.map((p) => p.name).join(', ')}) are checked on the whole state graph, so this run explores with one worker`
      : undefined;
  if (note !== undefined) opts.onNote?.(note);
  // A model with no next-state relation or no variables has nothing to share out.
  const one = workers <= 1 || note !== undefined || model.noNext || model.varNames.length === 0;
  try {
    const result = one
      ? explore(model, opts)
      : await exploreInParallel(model, { ...opts, workers, tlaFile, cfgFile });
    return { ...withModelWarnings(model, result), workers: one ? 1 : workers, note };
  } catch (e) {
    throw asInputError(e);
  }
}

function withModelWarnings(
  model: Model,
  result: CheckResult,
): CheckResult & { unsupportedProperties: string[] } {
  return {
    ...result,
    warnings: [...layoutWarnings(model), ...model.startWarnings, ...(result.warnings ?? [])],
    unsupportedProperties: model.unsupportedProperties,
  };
}

/** Generates random behaviours of the model (TLC's -simulate). Throws {@link InputError} for bad input. */
export function simulateModel(
  tlaFile: string,
  cfgFile: string,
  opts: ModelOptions & SimulateOptions,
): CheckResult {
  const model = loadModel(tlaFile, cfgFile, opts);
  try {
    const result = simulate(model, opts);
    return { ...result, warnings: [...layoutWarnings(model), ...(result.warnings ?? [])] };
  } catch (e) {
    throw asInputError(e);
  }
}

/** Parses and binds a model, refusing cfg features the engine cannot check yet. */
export function loadModel(
  tlaFile: string,
  cfgFile: string,
  opts: ModelOptions = {},
  /** The cfg's text, when it is not a file (a replay model's cfg saved in a report). */
  cfgText?: string,
): Model {
  try {
    const { cfg, errors } =
      cfgText === undefined ? readCfgWithErrors(cfgFile) : parseCfgWithErrors(cfgText, cfgFile);
    // With syntax errors, what did parse is still bound, to report its unknown names too.
    if (errors.length > 0) throw allCfgErrors([...errors, ...cfgNameErrors(tlaFile, cfg)]);
    const model = buildModel(tlaFile, cfg, opts);
    const unsupported = [
      ...model.unsupportedProperties.map(
        (p) => `PROPERTY ${p} (a temporal formula this engine does not check)`,
      ),
    ];
    if (unsupported.length > 0) {
      throw new InputError(
        `${cfgFile}: this engine does not check ${unsupported.join(', ')} yet; remove ${unsupported.length > 1 ? 'them' : 'it'} from the cfg to check the rest, or run real TLC`,
        EXIT.cfgError,
        unsupportedDiagnostic(model, unsupported),
      );
    }
    return model;
  } catch (e) {
    throw asInputError(e);
  }
}

/** Misaligned bullets in the spec's files (the root module and the modules it extends). */
function layoutWarnings(model: Model): Diagnostic[] {
  const files = new Set([model.rootFile]);
  for (const d of model.root.defs.values()) if ('loc' in d && d.loc) files.add(d.loc.file);
  return misalignedBullets(files);
}

function unsupportedDiagnostic(model: Model, unsupported: string[]): Diagnostic {
  const first = model.cfg.properties.find((p) => model.unsupportedProperties.includes(p.name));
  return {
    code: 'TLA305',
    severity: 'error',
    summary: `this engine does not check ${unsupported.join(', ')} yet`,
    ...(first ? { location: { file: model.cfg.file, ...first.pos } } : {}),
    hint: 'remove it from the cfg to check the rest, or run real TLC (--engine tlc)',
  };
}

/** Converts the errors of parsing and binding into {@link InputError}; rethrows anything else. */
export function asInputError(e: unknown): unknown {
  if (e instanceof TlaSyntaxError || e instanceof TlaSemanticError)
    return new InputError(e.message, EXIT.specError, e.diagnostic);
  if (e instanceof CfgError || e instanceof ModelError)
    return new InputError(
      e.message,
      EXIT.cfgError,
      e.diagnostic,
      e.errors.map((x) => ({ message: x.message, diagnostic: x.diagnostic })),
    );
  if (e instanceof Error && 'code' in e && (e as NodeJS.ErrnoException).code === 'ENOENT') {
    const path = (e as NodeJS.ErrnoException).path;
    return new InputError(`cannot read ${path}: no such file`, EXIT.cfgError, {
      code: 'TLA100',
      severity: 'error',
      summary: `cannot read ${path}: no such file`,
      hint: 'check the path; without --config the cfg is the spec path with .cfg in place of .tla',
    });
  }
  return e;
}
