/**
 * A small JSON Schema validator for the keywords {@link TRACE_EVENT_SCHEMA} uses: type, const,
 * enum, not, oneOf, $ref (to `#/$defs/...`), properties, required, additionalProperties,
 * propertyNames, prefixItems, items, minItems, minimum, minLength, pattern. Enough to check
 * traces without a dependency; unknown keywords are ignored, as JSON Schema says.
 */
import type { JsonSchema } from './schema.ts';

/** Where a value breaks its schema: a JSON pointer and what is wrong there. */
export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

/** The errors of `value` against `schema` (empty when valid). */
export function validate(schema: JsonSchema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(schema, value, '', schema, errors);
  return errors;
}

function check(
  schema: JsonSchema | boolean,
  value: unknown,
  path: string,
  root: JsonSchema,
  errors: SchemaError[],
): void {
  const fail = (message: string) => errors.push({ path: path || '/', message });
  if (schema === true) return;
  if (schema === false) return void fail('no value is allowed here');
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, JsonSchema> | undefined)?.[name];
    if (!target) return void fail(`unknown $ref ${s.$ref}`);
    check(target, value, path, root, errors);
  }
  if (s.type !== undefined && !hasType(value, s.type as string | string[])) {
    return void fail(`expected ${String(s.type)}, got ${JSON.stringify(value)}`);
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) {
    fail(`expected ${JSON.stringify(s.const)}`);
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    fail(`expected one of ${JSON.stringify(s.enum)}`);
  }
  if (s.not !== undefined && errorsOf(s.not as JsonSchema, value, root).length === 0) {
    fail(`must not match ${JSON.stringify(s.not)}`);
  }
  if (Array.isArray(s.oneOf)) {
    const candidates = s.oneOf.filter((sub: JsonSchema) => !discriminatedOut(sub, value));
    const results = candidates.map((sub: JsonSchema) => errorsOf(sub, value, root));
    if (results.length === 0) return void fail('matches none of the alternatives');
    const matching = results.filter((r) => r.length === 0).length;
    if (matching !== 1) {
      const closest = results.reduce((a, b) => (b.length < a.length ? b : a));
      if (matching === 0 && closest.length > 0) {
        for (const e of closest)
          errors.push({ path: path + (e.path === '/' ? '' : e.path), message: e.message });
      } else {
        fail(`matches ${matching} alternatives, expected exactly 1`);
      }
    }
  }
  if (typeof value === 'number' && typeof s.minimum === 'number' && value < s.minimum) {
    fail(`${value} is below ${s.minimum}`);
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) fail('too short');
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) {
      fail(`"${value}" does not match ${s.pattern}`);
    }
  }
  if (Array.isArray(value)) checkArray(s, value, path, root, errors);
  else if (value !== null && typeof value === 'object') {
    checkObject(s, value as Record<string, unknown>, path, root, errors);
  }
}

function checkArray(
  s: Record<string, unknown>,
  value: unknown[],
  path: string,
  root: JsonSchema,
  errors: SchemaError[],
): void {
  const prefix = (s.prefixItems as JsonSchema[] | undefined) ?? [];
  if (typeof s.minItems === 'number' && value.length < s.minItems) {
    errors.push({ path: path || '/', message: `expected at least ${s.minItems} items` });
  }
  value.forEach((item, i) => {
    const sub = i < prefix.length ? prefix[i]! : (s.items as JsonSchema | boolean | undefined);
    if (sub !== undefined) check(sub, item, `${path}/${i}`, root, errors);
  });
}

function checkObject(
  s: Record<string, unknown>,
  value: Record<string, unknown>,
  path: string,
  root: JsonSchema,
  errors: SchemaError[],
): void {
  const properties = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
  for (const key of (s.required as string[] | undefined) ?? []) {
    if (!(key in value)) errors.push({ path: path || '/', message: `missing "${key}"` });
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${key}`;
    if (s.propertyNames !== undefined) check(s.propertyNames as JsonSchema, key, at, root, errors);
    if (key in properties) check(properties[key]!, item, at, root, errors);
    else if (s.additionalProperties !== undefined) {
      if (s.additionalProperties === false) errors.push({ path: at, message: 'not allowed here' });
      else check(s.additionalProperties as JsonSchema, item, at, root, errors);
    }
  }
}

/**
 * Whether an alternative certainly fails because one of its properties is a `const` the value
 * does not have (such as `action`): skipping it early keeps validation of a trace fast.
 */
function discriminatedOut(sub: JsonSchema, value: unknown): boolean {
  const properties = sub.properties as Record<string, JsonSchema> | undefined;
  if (!properties || value === null || typeof value !== 'object') return false;
  return Object.entries(properties).some(
    ([key, p]) =>
      'const' in p &&
      JSON.stringify(p.const) !== JSON.stringify((value as Record<string, unknown>)[key]),
  );
}

function hasType(value: unknown, type: string | string[]): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'null':
        return value === null;
      case 'integer':
        return Number.isInteger(value);
      case 'array':
        return Array.isArray(value);
      case 'object':
        return value !== null && typeof value === 'object' && !Array.isArray(value);
      default:
        return typeof value === t;
    }
  });
}

/** The errors of `value` against a subschema of `root`, apart from the caller's errors. */
function errorsOf(schema: JsonSchema, value: unknown, root: JsonSchema): SchemaError[] {
  const errors: SchemaError[] = [];
  check(schema, value, '', root, errors);
  return errors;
}
