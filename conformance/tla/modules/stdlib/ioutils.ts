/**
 * The operators of the CommunityModules' IOUtils that TLC computes in Java and whose TLA+
 * definitions cannot be evaluated (`IOEnv == CHOOSE r \in [STRING -> STRING] : TRUE`). They only
 * replace those definitions in a library copy of IOUtils: its other operators (IOExec, ...) run
 * programs, which this engine does not do, so there is no native IOUtils without the library.
 */
import { EvalError } from '../../values/errors.ts';
import { StrValue, recordOf, str } from '../../values/value.ts';
import { expectValue } from './args.ts';
import type { StdModule } from './native.ts';

/** IOEnv: the process's environment variables, as a record of strings. */
function environment() {
  return recordOf(
    Object.entries(process.env)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => [k, str(v)]),
  );
}

/** atoi(s): the integer that `s` spells in decimal, as Java's Integer.parseInt reads it. */
function atoi(s: unknown): number {
  const text = s instanceof StrValue ? s.text : undefined;
  const n = text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
    throw new EvalError(
      `atoi: ${text === undefined ? 'the argument is not a string' : `"${text}" is not a 32-bit integer`}`,
    );
  return n;
}

export const IO_UTILS_OVERRIDES: StdModule = {
  name: 'IOUtils',
  extends: [],
  ops: [
    { name: 'IOEnv', arity: 0, impure: true, impl: () => environment() },
    { name: 'atoi', arity: 1, impl: ([s]) => atoi(expectValue('atoi', 0, s)) },
  ],
};
