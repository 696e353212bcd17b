/**
 * The TLA+ engine as a library: parse modules, evaluate expressions with TLC's semantics,
 * enumerate successors, and model-check a spec against a TLC configuration.
 *
 * @packageDocumentation
 */
export { parseModule, TlaSyntaxError, type SyntaxErrorExtra } from './syntax/parse.ts';
export type { Module, Expr, Unit, Bound, Loc, Param, ExceptStep } from './syntax/ast.ts';
export { ModuleLoader, TlaSemanticError, type LoadedModule } from './modules/loader.ts';
export { NATIVE_MODULES, STANDARD_MODULES } from './modules/stdlib/index.ts';
export type { NativeOp, NativeRuntime, OpValue, StdModule } from './modules/stdlib/native.ts';
export * from './values/value.ts';
export * from './values/sets.ts';
export {
  PersistentSet,
  emptyPersistentSet,
  toPersistentSet,
  persistentSetOptions,
  type Tag,
  type SetAttachment,
} from './values/pset.ts';
export { VisibleSubset } from './values/visible.ts';
export type { Summary, Summarised, Shape } from './values/shape.ts';
export type { HamtBranch, HamtCollision, HamtEntry, HamtSlot } from './values/hamt.ts';
export { indexStats } from './values/pset-index.ts';
export { maintainedStats } from './eval/maintained.ts';
export { memoStats, MEMO_CAPACITY, applicationMemoOptions } from './eval/memo.ts';
export { printValue, quote } from './values/print.ts';
export { readValue, ValueSyntaxError } from './values/read.ts';
export {
  EvalError,
  describeRange,
  type EvalErrorKind,
  type EvalErrorDetails,
  type SourceRange,
} from './values/errors.ts';
export {
  parseCfg,
  parseCfgWithErrors,
  readCfg,
  readCfgWithErrors,
  allCfgErrors,
  CfgError,
} from './check/cfg.ts';
export type {
  CfgParse,
  CfgProblem,
  ModelConfig,
  CfgValue,
  CfgName,
  CfgPos,
  CfgConstant,
  CfgSubstitution,
} from './check/cfg.ts';
export {
  buildModel,
  cfgValue,
  ModelError,
  type Model,
  type ModelOptions,
  type NamedPredicate,
} from './check/model.ts';
export {
  explore,
  type CheckResult,
  type ExploreOptions,
  type Progress,
  type ResultKind,
  type TraceStep,
} from './check/explorer.ts';
export { checkModel, InputError, type InputProblem, type CheckOptions } from './check/run.ts';
export {
  EXIT,
  exitCode,
  formatTlc,
  formatReadable,
  formatState,
  formatProgress,
} from './check/report.ts';
export { diffStates, type Change } from './check/trace-diff.ts';
export { locationText, formatChanges } from './check/trace-text.ts';
export {
  ExplainError,
  explainTrace,
  formatExplanation,
  type StateExplanation,
  type ExpressionOutcome,
} from './check/explain.ts';
export {
  SavedTraceError,
  readSavedTrace,
  type SavedTrace,
  type SavedStep,
} from './check/saved-trace.ts';
export {
  CheckStream,
  STREAM_VERSION,
  traceJson,
  type RunRequest,
  type StreamRecord,
  type TraceStepRecord,
} from './check/json-stream.ts';
export {
  ActionCounters,
  summariseActions,
  type ActionStat,
  type ActionGroupStat,
  type ActionStats,
} from './check/stats.ts';
export { formatCoverage } from './check/coverage-text.ts';
export { WARNING_CODES, formatWarning } from './check/warnings.ts';
export type { Diagnostic, DiagnosticLocation } from './diagnostics/diagnostic.ts';
export { CODES, type DiagnosticCode } from './diagnostics/codes.ts';
export { renderDiagnostic, type RenderOptions } from './diagnostics/render.ts';
export {
  runParity,
  runParityCase,
  type ParityCase,
  type ParityRow,
  type ParityStatus,
} from './check/parity.ts';
export { FingerprintSet } from './check/fpset.ts';
export { Compiler } from './eval/compile.ts';
export { childExprs } from './syntax/ast.ts';
export {
  BranchProbe,
  branchKey,
  describeBranchPoint,
  type BranchKind,
  type BranchPoint,
  type BranchSite,
} from './eval/branches.ts';
export { compileAction, splitActions, actionLabel, type SubAction } from './eval/actions.ts';
export {
  Ctx,
  Thunk,
  OpClosure,
  type Env,
  type Fn,
  type ActFn,
  type ActionMode,
  type Runtime,
  type PartialState,
} from './eval/runtime.ts';
export { Scope, ModuleInstance, NamespaceBuilder } from './eval/scope.ts';
export type { Resolved } from './eval/compile.ts';
export type { Binding, Compiled, EnvFrame, SearchStats } from './eval/runtime.ts';
export type {
  Def,
  OpDef,
  FcnDef,
  ConstDef,
  InstanceDef,
  Local,
  SpecVariables,
  NativeDef,
  VarDef,
  SubstDef,
} from './eval/scope.ts';
export { simulate, seededRandom, type SimulateOptions } from './check/simulate.ts';
export { simulateModel, loadModel } from './check/run.ts';
export {
  compileLiveness,
  findViolation,
  containsTemporal,
  type LivenessProperty,
  type Fairness,
  type Atom,
  type Pred,
  type Lasso,
  type StateGraph,
} from './check/liveness.ts';
export { permuteValue, type Permutation } from './values/permute.ts';
export { parseTlcOutput, type TlcOutcome } from '../tlc/output.ts';
export {
  runTlc,
  locateTlc,
  defaultJarLocations,
  TlcUnavailable,
  type TlcRun,
} from '../tlc/runner.ts';
// Types the classes above mention in their signatures, so that the API reference can link them.
export type { PrefixStep, Selector } from './syntax/ast.ts';
export type { ApplicationMemo } from './eval/memo.ts';
export type { LevelAnalysis } from './eval/compile/levels.ts';
export type {
  ArgumentBinder,
  CompiledBounds,
  ExprCompiler,
  PrefixedTarget,
} from './eval/compile/api.ts';
export type { Target } from './eval/runtime.ts';
export { enabledBindings } from './eval/runtime.ts';
export type { CallFrame, CallRecorder } from './eval/call-recorder.ts';
export type { RunSettings } from './check/tlc-registers.ts';
export type { SpillStats } from './check/spill/storage.ts';
export type { TableauProperty } from './check/ltl/check.ts';
export type { Branch } from './check/ltl/product.ts';
export type { Ltl, LtlAtom } from './check/ltl/formula.ts';
export type { Tableau, TableauNode } from './check/ltl/tableau.ts';
export type { CfgErrorEntry } from './check/model-error.ts';
