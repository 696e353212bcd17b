/**
 * The JSON Schema of trace events, generated from {@link SPEC_ACTIONS}, the same table the
 * TypeScript event types are derived from, so the two cannot drift apart. A test keeps the
 * checked-in `trace-event.schema.json` equal to it, for tools that want a file.
 */
import { PHASES } from '../timestamp/tsvc.ts';
import { SPEC_ACTIONS, type ParamKind } from './events.ts';

/** A JSON Schema document (the subset of draft 2020-12 this project uses). */
export type JsonSchema = { readonly [keyword: string]: unknown };

const integerFrom = (minimum: number): JsonSchema => ({ type: 'integer', minimum });
const pair: JsonSchema = {
  type: 'array',
  prefixItems: [integerFrom(0), integerFrom(0)],
  items: false,
  minItems: 2,
};
const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const mapOf = (keys: JsonSchema, values: JsonSchema): JsonSchema => ({
  type: 'object',
  propertyNames: keys,
  additionalProperties: values,
});
const record = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

/** The schema of each parameter kind. */
const PARAM_SCHEMAS: Record<ParamKind, JsonSchema> = {
  server: integerFrom(1),
  log: { type: 'string', minLength: 1 },
  client: { type: 'string', minLength: 1, not: { const: 'leader' } },
  seq: integerFrom(1),
  ballotNumber: integerFrom(1),
  ballot: pair,
  checkId: integerFrom(0),
  value: { oneOf: [integerFrom(1), record({ bound: integerFrom(0), pid: integerFrom(1) })] },
};

const SEQ_KEY: JsonSchema = { pattern: '^[1-9][0-9]*$' };

const DEFS: Record<string, JsonSchema> = {
  ...PARAM_SCHEMAS,
  acceptorRecord: record({
    prom: ref('ballot'),
    bal: ref('ballot'),
    val: { oneOf: [{ type: 'null' }, ref('value')] },
  }),
  tsvc: record({
    phase: { enum: [...PHASES] },
    id: integerFrom(0),
    term: integerFrom(0),
    seq: integerFrom(0),
    limit: integerFrom(0),
    counter: integerFrom(0),
    check: integerFrom(0),
  }),
  state: record({
    acc: mapOf({ minLength: 1 }, mapOf(SEQ_KEY, ref('acceptorRecord'))),
    learned: mapOf({ minLength: 1 }, mapOf(SEQ_KEY, ref('value'))),
    tsvc: mapOf({ minLength: 1 }, ref('tsvc')),
  }),
};

function actionSchema(name: keyof typeof SPEC_ACTIONS): JsonSchema {
  const params = Object.fromEntries(
    Object.entries(SPEC_ACTIONS[name]).map(([param, kind]) => [param, ref(kind)]),
  );
  const properties: Record<string, JsonSchema> = {
    action: { const: name },
    params: record(params),
    server: ref('server'),
    clock: integerFrom(1),
    time: { type: 'number', minimum: 0 },
    state: ref('state'),
  };
  if (name === 'Serve') properties.served = pair;
  return {
    type: 'object',
    properties,
    required: ['action', 'params', 'server', 'clock', 'time', 'state'],
    additionalProperties: false,
  };
}

/** The schema every line of a trace satisfies. */
export const TRACE_EVENT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Timelock trace event',
  description:
    'One spec action (spec/Timelock.tla) taken by one server: its parameters as the spec names them, the Lamport clock, and the server part of the spec state after the step (acc[s], learned[s], tsvc[s]; entries at their initial value are left out).',
  oneOf: (Object.keys(SPEC_ACTIONS) as (keyof typeof SPEC_ACTIONS)[]).map(actionSchema),
  $defs: DEFS,
};
