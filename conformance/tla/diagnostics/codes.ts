/**
 * The diagnostic codes: stable identifiers a person can search for (docs/diagnostics.md
 * explains each). Grouped by hundreds: 1xx the spec's syntax, 2xx names and meaning, 3xx the
 * cfg and its binding to the spec, 4xx evaluation errors while checking, 5xx property
 * violations found by checking, 6xx warnings about a run's results.
 */
export const CODES = {
  TLA100: 'a file cannot be read',
  TLA101: 'syntax error',
  TLA102: '`==` where `=` was meant',
  TLA103: '`=` where `==` was meant',
  TLA104: 'a bullet left of its list ends the list',
  TLA105: 'missing `====` at the end of the module',
  TLA106: 'an unclosed bracket or unfinished expression',
  TLA107: 'an unsupported construct',
  TLA201: 'unknown name',
  TLA202: 'wrong number of arguments',
  TLA203: 'module not found',
  TLA204: 'a name declared again where it is already visible',
  TLA209: 'a name used in a way its definition does not allow',
  TLA301: 'cfg syntax error',
  TLA302: 'unknown cfg keyword',
  TLA303: 'constant without a value',
  TLA304: 'the cfg names something the spec does not define',
  TLA305: 'the cfg asks for something this engine cannot check',
  TLA309: 'the cfg does not fit the spec',
  TLA401: 'a value of the wrong kind',
  TLA402: 'outside the domain',
  TLA403: 'CHOOSE without a witness',
  TLA404: 'integer overflow',
  TLA405: 'successor not completely specified',
  TLA406: 'unbounded quantifier or CHOOSE',
  TLA407: 'Assert failed',
  TLA408: 'values TLC cannot compare',
  TLA409: 'evaluation error',
  TLA501: 'invariant violated',
  TLA502: 'temporal or action property violated',
  TLA503: 'deadlock',
  TLA504: 'assumption false',
  TLA601: 'an action never enabled',
  TLA602: 'liveness checked under CONSTRAINT, SYMMETRY or VIEW',
  TLA603: 'an invariant that holds only because its premise never does',
  TLA604: 'a leads-to whose premise never holds',
  TLA605: 'a constant-level invariant',
} as const;

export type DiagnosticCode = keyof typeof CODES;
