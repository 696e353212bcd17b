/**
 * The natively implemented standard modules, by name.
 */
import { BAGS } from './bags.ts';
import { FINITE_SETS } from './finitesets.ts';
import { INTEGERS } from './integers.ts';
import type { StdModule } from './native.ts';
import { NATURALS } from './naturals.ts';
import { SEQUENCES } from './sequences.ts';
import { TLC } from './tlc.ts';

/**
 * Every standard module TLC users rely on. Each lists only its own operators; the evaluator
 * merges the modules named in `extends`, exactly as for user modules.
 */
export const STANDARD_MODULES: ReadonlyMap<string, StdModule> = new Map(
  [NATURALS, INTEGERS, SEQUENCES, FINITE_SETS, TLC, BAGS].map((m) => [m.name, m]),
);

export { ANY, AnySet } from './tlc.ts';
