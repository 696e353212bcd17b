/**
 * Checking JSON values against the project's JSON Schemas with Ajv (draft 2020-12), compiled
 * once per schema. Ajv's raw report for a failed `oneOf` lists every alternative; a trace event
 * names its alternative (its `action`), so when a `oneOf`'s alternatives each fix a property
 * with `const`, the value is checked against the one alternative it names and the report says
 * what is wrong with that one, in a short sentence per problem.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from './schema.ts';

/** Where a value breaks its schema: a JSON pointer and what is wrong there. */
export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

/** The errors of `value` against `schema` (empty when valid). */
export function validate(schema: JsonSchema, value: unknown): SchemaError[] {
  const { quick, detailed } = checkersFor(schema);
  const validateQuickly = quick.validatorFor(value);
  if (validateQuickly === null) return [{ path: '/', message: 'matches none of the alternatives' }];
  if (validateQuickly(value)) return [];
  // Only a value that fails is checked again, collecting every problem with its value.
  const explain = detailed.validatorFor(value)!;
  explain(value);
  // A bad property name is reported twice: by the name's own schema and as "propertyNames".
  return (explain.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map(describe);
}

/** Validators of one schema, compiled by one Ajv instance. */
interface Validators {
  /**
   * The validator for `value`: for a schema whose top-level `oneOf` alternatives each fix a
   * property with `const`, the alternative `value` names (null when it names none); else the
   * whole schema's.
   */
  validatorFor(value: unknown): ValidateFunction | null;
}

const compiled = new WeakMap<JsonSchema, { quick: Validators; detailed: Validators }>();

/** Validators are compiled on first use: most runs meet a few alternatives and no error. */
function checkersFor(schema: JsonSchema): { quick: Validators; detailed: Validators } {
  let pair = compiled.get(schema);
  if (!pair) {
    pair = {
      quick: validators(schema, () => new Ajv2020({ strict: false })),
      // verbose: errors carry the offending value, for messages such as "0 is below 1".
      detailed: validators(
        schema,
        () => new Ajv2020({ allErrors: true, verbose: true, strict: false }),
      ),
    };
    compiled.set(schema, pair);
  }
  return pair;
}

/** The name each schema is registered under in its own Ajv instance, so alternatives can refer to it. */
const ROOT = 'root';

function validators(schema: JsonSchema, newAjv: () => Ajv2020): Validators {
  let ajv: Ajv2020 | undefined;
  const compileRef = (ref: string): ValidateFunction => {
    if (!ajv) {
      ajv = newAjv();
      ajv.addSchema(schema, ROOT);
    }
    return ajv.getSchema(ref)!;
  };
  const discriminant = discriminantOf(schema);
  if (!discriminant) {
    let whole: ValidateFunction | undefined;
    return { validatorFor: () => (whole ??= compileRef(ROOT)) };
  }
  const alternatives = schema.oneOf as JsonSchema[];
  const indexByTag = new Map(
    alternatives.map((_, i) => [JSON.stringify(constOf(alternatives, i, discriminant)), i]),
  );
  const byIndex = new Map<number, ValidateFunction>();
  return {
    validatorFor: (value) => {
      if (value === null || typeof value !== 'object') return null;
      const i = indexByTag.get(JSON.stringify((value as Record<string, unknown>)[discriminant]));
      if (i === undefined) return null;
      let v = byIndex.get(i);
      if (!v) {
        v = compileRef(`${ROOT}#/oneOf/${i}`);
        byIndex.set(i, v);
      }
      return v;
    },
  };
}

/** A property every alternative of the top-level `oneOf` fixes with a distinct `const`. */
function discriminantOf(schema: JsonSchema): string | undefined {
  const alternatives = schema.oneOf as JsonSchema[] | undefined;
  if (!Array.isArray(alternatives) || alternatives.length === 0) return undefined;
  const first = alternatives[0]!.properties as Record<string, JsonSchema> | undefined;
  for (const key of Object.keys(first ?? {})) {
    const tags = alternatives.map((_, i) => constOf(alternatives, i, key));
    if (
      tags.every((t) => t !== undefined) &&
      new Set(tags.map((t) => JSON.stringify(t))).size === tags.length
    )
      return key;
  }
  return undefined;
}

function constOf(alternatives: JsonSchema[], i: number, key: string): unknown {
  const p = (alternatives[i]!.properties as Record<string, JsonSchema> | undefined)?.[key];
  return p && 'const' in p ? p.const : undefined;
}

function describe(e: ErrorObject): SchemaError {
  const path =
    e.propertyName === undefined ? e.instancePath || '/' : `${e.instancePath}/${e.propertyName}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing "${String(p.missingProperty)}"` };
    case 'additionalProperties':
      return {
        path: `${e.instancePath}/${String(p.additionalProperty)}`,
        message: 'not allowed here',
      };
    case 'minimum':
      return { path, message: `${String(e.data)} is below ${String(p.limit)}` };
    case 'type':
      return { path, message: `expected ${String(p.type)}, got ${JSON.stringify(e.data)}` };
    case 'const':
      return { path, message: `expected ${JSON.stringify(p.allowedValue)}` };
    case 'enum':
      return { path, message: `expected one of ${JSON.stringify(p.allowedValues)}` };
    case 'pattern':
      return { path, message: `"${String(e.data)}" does not match ${String(p.pattern)}` };
    case 'minItems':
      return { path, message: `expected at least ${String(p.limit)} items` };
    case 'minLength':
      return { path, message: 'too short' };
    case 'oneOf':
      return { path, message: 'matches none of the alternatives' };
    default:
      return { path, message: e.message ?? e.keyword };
  }
}
