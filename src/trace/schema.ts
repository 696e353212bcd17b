/**
 * The JSON Schema of trace events, generated from {@link SPEC_ACTIONS}, the same table the
 * TypeScript event types are derived from, so the two cannot drift apart. A test keeps the
 * checked-in `trace-event.schema.json` equal to it, for tools that want a file.
 */
import { LOCK_ID_PATTERN, LOCK_STATES } from '../lock/lock-table.ts';
import { MAX_BATCH } from '../timestamp/batch.ts';
import { PHASES } from '../timestamp/tsvc.ts';
import { RESET_VARIABLES, SPEC_ACTIONS, TRACE_VERSION, type ParamKind } from './events.ts';

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
const optionalFields = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
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
  count: { type: 'integer', minimum: 1, maximum: MAX_BATCH },
  value: {
    oneOf: [
      record({ leader: integerFrom(1) }),
      record({ bound: integerFrom(0), pid: integerFrom(1) }),
    ],
  },
  holder: { type: 'string', pattern: LOCK_ID_PATTERN },
  descriptors: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
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
  lockEntry: record({
    st: { enum: [...LOCK_STATES] },
    descs: ref('descriptors'),
    after: integerFrom(0),
    fencing: integerFrom(0),
    term: integerFrom(0),
  }),
  changes: optionalFields({
    acc: mapOf({ minLength: 1 }, mapOf(SEQ_KEY, ref('acceptorRecord'))),
    learned: mapOf({ minLength: 1 }, mapOf(SEQ_KEY, ref('value'))),
    tsvc: mapOf({ minLength: 1 }, ref('tsvc')),
    fresh: integerFrom(0),
    locks: mapOf({ minLength: 1 }, mapOf({ pattern: LOCK_ID_PATTERN }, ref('lockEntry'))),
  }),
  vectorTime: { type: 'array', items: integerFrom(0), minItems: 1 },
};

function actionSchema(name: keyof typeof SPEC_ACTIONS): JsonSchema {
  const params = Object.fromEntries(
    Object.entries(SPEC_ACTIONS[name]).map(([param, kind]) => [param, ref(kind)]),
  );
  const properties: Record<string, JsonSchema> = {
    action: { const: name },
    params: record(params),
    server: ref('server'),
    vc: ref('vectorTime'),
    time: { type: 'number', minimum: 0 },
    changes: ref('changes'),
  };
  if (name === 'Serve') properties.served = pair;
  if (name === 'Restart')
    properties.reset = { type: 'array', items: { enum: [...RESET_VARIABLES] }, uniqueItems: true };
  return {
    type: 'object',
    properties,
    required: ['action', 'params', 'server', 'vc', 'time', 'changes'],
    additionalProperties: false,
  };
}

/** The schema of a trace's first line, its header. */
export const TRACE_HEADER_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Timelock trace header',
  type: 'object',
  properties: {
    trace: { const: 'timelock' },
    version: { const: TRACE_VERSION },
    server: integerFrom(1),
    servers: integerFrom(1),
    step: integerFrom(1),
  },
  required: ['trace', 'version', 'server', 'servers', 'step'],
  additionalProperties: false,
};

/** The schema every line of a trace after the header satisfies. */
export const TRACE_EVENT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Timelock trace event',
  description:
    "One spec action (spec/Timelock.tla) taken by one server: its parameters as the spec names them, the server's vector clock, and the entries of the server's part of the spec state (acc[s], learned[s], tsvc[s], fresh[s], locks[s]) the step wrote, with their new values; a Restart first resets learned[s], tsvc[s] and locks[s].",
  oneOf: (Object.keys(SPEC_ACTIONS) as (keyof typeof SPEC_ACTIONS)[]).map(actionSchema),
  $defs: DEFS,
};
