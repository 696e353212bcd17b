/**
 * LET: its operator, function and named INSTANCE definitions become bound names of the body's
 * scope (recursive among themselves), entered at run time by one environment extension.
 */
import type { Unit } from '../../syntax/ast.ts';
import { type Binding, type Compiled, type Env, OpClosure, Thunk, bindAll } from '../runtime.ts';
import { type FcnDef, type Scope, makeInstanceDef, makeOpDef, newSlot } from '../scope.ts';
import type { ExprCompiler } from './api.ts';
import { semantic } from './errors.ts';
import { fcnDefValueIn } from './functions.ts';

/** Compiles LET definitions: the scope they create and how to enter it at run time. */
export function letBindings(
  c: ExprCompiler,
  units: Unit[],
  sc: Scope,
): { scope: Scope; enter: (env: Env) => Env } {
  let scope = sc;
  type Entry = { slot: number; make: (envFinal: Env) => Binding };
  const entries: Array<{ slot: number; setup: (scope: Scope) => (envFinal: Env) => Binding }> = [];
  for (const u of units) {
    if (u.k === 'opdef') {
      const slot = newSlot();
      const def = makeOpDef(u, scope); // scope fixed below
      scope = scope.with(u.name, slot, u.params.length, def);
      entries.push({
        slot,
        setup: (full) => {
          (def as { scope: Scope }).scope = full;
          if (u.params.length === 0) {
            const code = c.compiled(u.body, full);
            return (envFinal) => new Thunk(code, envFinal);
          }
          const bodyScope = c.bodyScope(def);
          const code = c.compiled(u.body, bodyScope);
          return (envFinal) =>
            new OpClosure(
              u.name,
              u.params.length,
              (args, ctx) => code.value()(bindAll(envFinal, def.paramSlots, args), ctx),
              (args, ctx, k, mode) =>
                code.action(mode)(bindAll(envFinal, def.paramSlots, args), ctx, k),
            );
        },
      });
    } else if (u.k === 'fcndef') {
      const slot = newSlot();
      scope = scope.with(u.name, slot);
      entries.push({
        slot,
        setup: (full) => {
          const fd: FcnDef = {
            kind: 'fcn',
            name: u.name,
            bounds: u.bounds,
            body: u.body,
            scope: full,
            loc: u.loc,
            local: false,
            constantLevel: false,
          };
          const fn = fcnDefValueIn(c, fd);
          const code: Compiled = {
            value: () => fn,
            action: () => semantic(u.loc, `${u.name} is a function, not an action`),
            unprimed: true,
          };
          return (envFinal) => new Thunk(code, envFinal);
        },
      });
    } else if (u.k === 'recursive') {
      continue;
    } else if (u.k === 'instance' && u.name !== undefined) {
      // Only `M!Op` can use it: it binds no value, and its substitutions see the LET's scope.
      scope = scope.withInstance(makeInstanceDef(u, scope));
    } else {
      return semantic(
        u.loc,
        'only operator, function and named INSTANCE definitions may appear in a LET',
      );
    }
  }
  const full = scope;
  const made: Entry[] = entries.map((en) => ({ slot: en.slot, make: en.setup(full) }));
  const enter = (env: Env): Env => {
    let e = env;
    const frames: Array<{ slot: number; v: Binding; up: Env }> = [];
    for (const m of made) {
      const frame = { slot: m.slot, v: undefined as unknown as Binding, up: e };
      frames.push(frame);
      e = frame;
    }
    for (let i = 0; i < made.length; i++) frames[i].v = made[i].make(e);
    return e;
  };
  return { scope: full, enter };
}
