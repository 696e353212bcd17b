/**
 * A static check that the implementation and the spec name the same actions. The TypeScript
 * code emits a spec action by calling `specAction('Name', { param: ... })` (src/trace/events.ts);
 * the trace replay takes the spec operator of that name with those parameters. So every call
 * must name a step of the spec's `Next` with the operator's parameter names in its order, and
 * every step of `Next` must be emitted somewhere, or traces can never show it.
 *
 * The implementation is read with ts-morph (calls are found by what the callee resolves to, so
 * an aliased import is still seen); the spec with the engine's own parser ({@link stepsOfNext}).
 * Every problem names the file and line to fix.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Node,
  Project,
  SyntaxKind,
  type CallExpression,
  type Expression,
  type ObjectLiteralExpression,
  type SourceFile,
} from 'ts-morph';
import { actionsOf, loadSpecDefinitions, stepsOfNext, type SpecOperator } from './spec-steps.ts';

/** A function whose calls emit a spec action: `name(actionName, { params })`. */
export interface EmitterFunction {
  /** The file that declares it (absolute). */
  readonly file: string;
  /** Its name there. */
  readonly name: string;
}

/** An exported object literal mapping each action to its parameters, as `SPEC_ACTIONS` does. */
export interface ActionTable {
  /** The file that declares it (absolute). */
  readonly file: string;
  /** The name of the variable. */
  readonly name: string;
}

/** What {@link checkActions} compares. */
export interface CheckActionsOptions {
  /** Paths in messages are relative to this folder; relative paths below are resolved in it. */
  readonly root: string;
  /** Implementation files or globs (e.g. `src/**\/*.ts`). */
  readonly sources: readonly string[];
  /** The spec's root module; the spec modules it EXTENDS are read from its folder. */
  readonly specFile: string;
  /** The emitting function (default: `specAction` of src/trace/events.ts). */
  readonly emitter?: EmitterFunction;
  /** Also check this table's entries against the spec (default: none). */
  readonly actionTable?: ActionTable;
  /** The tsconfig whose compiler options resolve imports (default: `root/tsconfig.json`). */
  readonly tsConfigFile?: string;
}

/** One call that emits a spec action. */
export interface EmitSite {
  /** Relative to the root. */
  readonly file: string;
  readonly line: number;
  readonly action: string;
  /** Parameter names in the order the call writes them. */
  readonly params: readonly string[];
}

/** The outcome of {@link checkActions}. */
export interface ActionCheckReport {
  readonly ok: boolean;
  /** Every emitting site found (including those with problems). */
  readonly sites: readonly EmitSite[];
  /** The actions `Next` takes, by name. */
  readonly specActions: readonly string[];
  /** One line per problem: `file:line: what is wrong`. */
  readonly problems: readonly string[];
}

/** This repository's root (the folder holding `spec/` and `src/`). */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** How this repository's implementation emits actions. */
export const SPEC_ACTION_EMITTER: EmitterFunction = {
  file: join(REPOSITORY_ROOT, 'src', 'trace', 'events.ts'),
  name: 'specAction',
};

/** The table the trace schema and the replay take parameter order from. */
export const SPEC_ACTION_TABLE: ActionTable = {
  file: join(REPOSITORY_ROOT, 'src', 'trace', 'events.ts'),
  name: 'SPEC_ACTIONS',
};

/** The check as CI runs it: this repository's `src/` against `spec/Timelock.tla`. */
export const REPOSITORY_CHECK: CheckActionsOptions = {
  root: REPOSITORY_ROOT,
  sources: ['src/**/*.ts'],
  specFile: 'spec/Timelock.tla',
  emitter: SPEC_ACTION_EMITTER,
  actionTable: SPEC_ACTION_TABLE,
};

/** Compares the implementation's emitting sites with the steps of the spec's `Next`. */
export function checkActions(options: CheckActionsOptions): ActionCheckReport {
  const inRoot = (path: string) => (isAbsolute(path) ? path : join(options.root, path));
  const where = (file: string, line: number) => `${relative(options.root, file)}:${line}`;
  const spec = loadSpecDefinitions(inRoot(options.specFile));
  const steps = actionsOf(stepsOfNext(spec));
  const stepByName = new Map(steps.map((op) => [op.name, op]));

  const { project, requested } = loadProject(options, inRoot);
  const emitter = options.emitter ?? SPEC_ACTION_EMITTER;
  const problems: string[] = [];
  const sites: EmitSite[] = [];
  for (const file of requested) {
    for (const call of emittingCalls(file, emitter)) {
      const found = readSite(call);
      const at = where(file.getFilePath(), call.getStartLineNumber());
      if (typeof found === 'string') {
        problems.push(`${at}: ${found}`);
        continue;
      }
      for (const action of found.actions) {
        sites.push({ ...placeOf(options.root, call), action, params: found.params });
        const problem = compareWithSpec(action, found.params, spec.operators, stepByName, where);
        if (problem) problems.push(`${at}: ${problem}`);
      }
    }
  }
  if (options.actionTable)
    problems.push(...checkTable(project, options.actionTable, spec.operators, stepByName, where));

  const emitted = new Set(sites.map((s) => s.action));
  for (const op of steps)
    if (!emitted.has(op.name))
      problems.push(
        `${where(op.loc.file, op.loc.line)}: spec action ${op.name}(${op.params.join(', ')}), a step of Next, has no emitting site in ${options.sources.join(', ')}`,
      );
  return { ok: problems.length === 0, sites, specActions: steps.map((op) => op.name), problems };
}

/** The message for an emitted action that does not match the spec, if any. */
function compareWithSpec(
  action: string,
  params: readonly string[],
  operators: ReadonlyMap<string, SpecOperator>,
  steps: ReadonlyMap<string, SpecOperator>,
  where: (file: string, line: number) => string,
): string | undefined {
  const step = steps.get(action);
  if (!step) {
    const defined = operators.get(action);
    return defined
      ? `action ${action} emitted, but the spec's ${action} (${where(defined.loc.file, defined.loc.line)}) is not a step of Next`
      : `action ${action} emitted, but the spec defines no operator ${action}`;
  }
  if (params.join(',') !== step.params.join(','))
    return `action ${action} emitted with parameters (${params.join(', ')}), the spec's ${action} has (${step.params.join(', ')})`;
  return undefined;
}

/** A ts-morph project holding the requested files (returned) and the emitter's and table's. */
function loadProject(
  options: CheckActionsOptions,
  inRoot: (p: string) => string,
): { project: Project; requested: SourceFile[] } {
  const tsConfigFile = inRoot(options.tsConfigFile ?? 'tsconfig.json');
  // Which function a call names needs only the files themselves: leaving out the standard
  // library and @types/node halves the time the type checker takes to start.
  const lean = { noLib: true, types: [] };
  const project = existsSync(tsConfigFile)
    ? new Project({
        tsConfigFilePath: tsConfigFile,
        skipAddingFilesFromTsConfig: true,
        compilerOptions: lean,
      })
    : new Project({ compilerOptions: { ...lean, allowImportingTsExtensions: true, noEmit: true } });
  const requested = project.addSourceFilesAtPaths(options.sources.map(inRoot));
  // The emitter's and table's files may lie outside `sources` (a test's fake implementation).
  for (const extra of [options.emitter, options.actionTable])
    if (extra && existsSync(extra.file)) project.addSourceFileAtPath(extra.file);
  return { project, requested };
}

/** Calls in `file` whose callee resolves to the emitter's declaration. */
function emittingCalls(file: SourceFile, emitter: EmitterFunction): CallExpression[] {
  return file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
    const callee = call.getExpression();
    if (!Node.isIdentifier(callee) && !Node.isPropertyAccessExpression(callee)) return false;
    let symbol = callee.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    return (symbol?.getDeclarations() ?? []).some(
      (d) =>
        Node.isFunctionDeclaration(d) &&
        d.getName() === emitter.name &&
        resolve(d.getSourceFile().getFilePath()) === resolve(emitter.file),
    );
  });
}

/** The action names and parameter names of an emitting call, or why they cannot be read. */
function readSite(call: CallExpression): { actions: string[]; params: string[] } | string {
  const [nameArg, paramsArg] = call.getArguments() as Expression[];
  if (!nameArg || !paramsArg) return 'spec action emitted without a name and parameters';
  const actions = stringLiterals(nameArg);
  if (!actions)
    return `spec action emitted with a name that is not a string literal (${nameArg.getText()}), so it cannot be checked`;
  const params = Node.isObjectLiteralExpression(paramsArg) ? propertyNames(paramsArg) : undefined;
  if (!params)
    return `action ${actions.join(' | ')} emitted with parameters that are not an object literal of named properties (${paramsArg.getText()}), so they cannot be checked`;
  return { actions, params };
}

/** The string values an expression can take, when its type says (a literal or a union of them). */
function stringLiterals(e: Expression): string[] | undefined {
  if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e))
    return [e.getLiteralValue()];
  const type = e.getType();
  const members = type.isUnion() ? type.getUnionTypes() : [type];
  if (!members.every((t) => t.isStringLiteral())) return undefined;
  return members.map((t) => t.getLiteralValue() as string);
}

/** Property names in source order; undefined if one is computed or spread. */
function propertyNames(object: ObjectLiteralExpression): string[] | undefined {
  const names: string[] = [];
  for (const property of object.getProperties()) {
    if (Node.isShorthandPropertyAssignment(property)) names.push(property.getName());
    else if (Node.isPropertyAssignment(property)) {
      const name = property.getNameNode();
      if (Node.isIdentifier(name)) names.push(name.getText());
      else if (Node.isStringLiteral(name)) names.push(name.getLiteralValue());
      else return undefined;
    } else return undefined;
  }
  return names;
}

function placeOf(root: string, node: Node): { file: string; line: number } {
  return {
    file: relative(root, node.getSourceFile().getFilePath()),
    line: node.getStartLineNumber(),
  };
}

/** Checks each entry of the action table (`Name: { param: kind, ... }`) like an emitting site. */
function checkTable(
  project: Project,
  table: ActionTable,
  operators: ReadonlyMap<string, SpecOperator>,
  steps: ReadonlyMap<string, SpecOperator>,
  where: (file: string, line: number) => string,
): string[] {
  const file = project.getSourceFile(table.file);
  const declaration = file?.getVariableDeclaration(table.name);
  let init = declaration?.getInitializer();
  // `{...} as const satisfies T`: look through the type assertions.
  while (init && (Node.isAsExpression(init) || Node.isSatisfiesExpression(init)))
    init = init.getExpression();
  if (!declaration || !init || !Node.isObjectLiteralExpression(init))
    return [`${table.file}: no object literal ${table.name} to check`];
  const problems: string[] = [];
  for (const entry of init.getProperties()) {
    const at = where(table.file, entry.getStartLineNumber());
    const value = Node.isPropertyAssignment(entry) ? entry.getInitializer() : undefined;
    const params =
      value && Node.isObjectLiteralExpression(value) ? propertyNames(value) : undefined;
    if (!Node.isPropertyAssignment(entry) || !params) {
      problems.push(`${at}: an entry of ${table.name} that is not Name: { param: kind, ... }`);
      continue;
    }
    const problem = compareWithSpec(entry.getName(), params, operators, steps, where);
    if (problem) problems.push(`${at}: ${table.name}: ${problem.replace(' emitted', ' listed')}`);
  }
  return problems;
}
