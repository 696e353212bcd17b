/**
 * The lock endpoints of the client API, modelled on AtlasDB's lock service. Every one is a POST
 * with a JSON body, per namespace:
 *
 *   POST /lock/{namespace}/lock                      {"descriptors": [...], "acquireTimeoutMs"?, "leaseMs"?}
 *        -> 200 {"granted": true, "lockId", "fencingToken", "term", "leaseMs", "server"}
 *         | 200 {"granted": false, "reason"}
 *   POST /lock/{namespace}/wait-for-locks            {"descriptors": [...], "acquireTimeoutMs"?} -> 200 {"free": bool}
 *   POST /lock/{namespace}/refresh                   {"lockIds": [...]} -> 200 {"refreshed": [...]}
 *   POST /lock/{namespace}/unlock                    {"lockIds": [...]} -> 200 {"released": [...]}
 *   POST /lock/{namespace}/lock-immutable-timestamp  {"leaseMs"?} -> 200 {"granted": true, "lockId", "immutableTimestamp", ...}
 *   POST /lock/{namespace}/immutable-timestamp       {} -> 200 {"immutableTimestamp"}
 *
 * Descriptors are 1 to 100 distinct strings of 1 to 1024 printable ASCII characters (so that
 * traces can name them in TLA+ as they are); lock ids are the 32 hex digits a server made. A
 * request that breaks any of this is refused with 400 and what was expected, before it reaches
 * the server core: nothing changes.
 */
import type { ClientRefusal } from './refusal.ts';

/** The most descriptors one lock may ask for. */
export const MAX_DESCRIPTORS = 100;
/** The longest descriptor, in characters (printable ASCII: also bytes). */
export const MAX_DESCRIPTOR_LENGTH = 1024;
/** The most lock ids one refresh or unlock may name. */
export const MAX_LOCK_IDS = 100;
/** The longest acquire timeout and the default one. */
export const MAX_ACQUIRE_MS = 60_000;
export const DEFAULT_ACQUIRE_MS = 10_000;
/** The shortest, longest and default lease. */
export const MIN_LEASE_MS = 100;
export const MAX_LEASE_MS = 60_000;
export const DEFAULT_LEASE_MS = 5_000;
/** Lock request bodies larger than this are refused unread. */
export const MAX_LOCK_BODY = 256 * 1024;

const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * Whether `d` is a descriptor a server accepts: 1 to {@link MAX_DESCRIPTOR_LENGTH} printable
 * ASCII characters (so that traces can name it in TLA+ as it is). Clients check it too.
 */
export function isDescriptor(d: unknown): boolean {
  return typeof d === 'string' && PRINTABLE.test(d) && d.length <= MAX_DESCRIPTOR_LENGTH;
}
const LOCK_ID = /^[0-9a-f]{32}$/;

/** A lock request the API understood. */
export type LockApiRequest =
  | {
      readonly kind: 'lock' | 'wait-for-locks';
      readonly namespace: string;
      readonly descriptors: readonly string[];
      readonly acquireMs: number;
      readonly leaseMs: number;
    }
  | {
      readonly kind: 'refresh' | 'unlock';
      readonly namespace: string;
      readonly lockIds: readonly string[];
    }
  | { readonly kind: 'lock-immutable'; readonly namespace: string; readonly leaseMs: number }
  | { readonly kind: 'immutable'; readonly namespace: string };

/** The endpoints, by the last path segment. */
export const LOCK_ENDPOINTS = [
  'lock',
  'wait-for-locks',
  'refresh',
  'unlock',
  'lock-immutable-timestamp',
  'immutable-timestamp',
] as const;

/** Whether `path` is one of the lock endpoints' (so that the larger body limit applies). */
export function isLockPath(path: string): boolean {
  return path.startsWith('/lock/');
}

/**
 * The lock request for `body` at endpoint `endpoint` of `namespace` (already checked), or why
 * it is refused. Pure: the HTTP handler and the tests share it.
 */
export function parseLockRequest(
  namespace: string,
  endpoint: string,
  body: string | undefined,
): LockApiRequest | ClientRefusal {
  if (!(LOCK_ENDPOINTS as readonly string[]).includes(endpoint))
    return {
      status: 404,
      error: `no such lock endpoint ${JSON.stringify(endpoint)}: ${LOCK_ENDPOINTS.join(', ')}`,
    };
  let parsed: unknown;
  try {
    parsed = body === undefined || body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return bad(`the body of ${endpoint} must be a JSON object; it is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return bad(`the body of ${endpoint} must be a JSON object, not ${JSON.stringify(parsed)}`);
  const fields = parsed as Record<string, unknown>;
  switch (endpoint as (typeof LOCK_ENDPOINTS)[number]) {
    case 'lock':
    case 'wait-for-locks': {
      const descriptors = descriptorsIn(fields.descriptors);
      if (!Array.isArray(descriptors)) return descriptors;
      const acquireMs = whole(fields, 'acquireTimeoutMs', 0, MAX_ACQUIRE_MS, DEFAULT_ACQUIRE_MS);
      if (typeof acquireMs !== 'number') return acquireMs;
      const leaseMs = whole(fields, 'leaseMs', MIN_LEASE_MS, MAX_LEASE_MS, DEFAULT_LEASE_MS);
      if (typeof leaseMs !== 'number') return leaseMs;
      return { kind: endpoint as 'lock', namespace, descriptors, acquireMs, leaseMs };
    }
    case 'refresh':
    case 'unlock': {
      const lockIds = lockIdsIn(fields.lockIds);
      if (!Array.isArray(lockIds)) return lockIds;
      return { kind: endpoint as 'refresh', namespace, lockIds };
    }
    case 'lock-immutable-timestamp': {
      const leaseMs = whole(fields, 'leaseMs', MIN_LEASE_MS, MAX_LEASE_MS, DEFAULT_LEASE_MS);
      if (typeof leaseMs !== 'number') return leaseMs;
      return { kind: 'lock-immutable', namespace, leaseMs };
    }
    case 'immutable-timestamp':
      return { kind: 'immutable', namespace };
  }
}

/** The descriptors, sorted (the fixed order locks are taken in) and distinct, or a refusal. */
function descriptorsIn(value: unknown): string[] | ClientRefusal {
  const expected = `"descriptors": 1 to ${MAX_DESCRIPTORS} distinct strings of 1 to ${MAX_DESCRIPTOR_LENGTH} printable ASCII characters`;
  if (!Array.isArray(value)) return bad(`expected ${expected}; got ${brief(value)}`);
  if (value.length === 0 || value.length > MAX_DESCRIPTORS)
    return bad(`expected ${expected}; got ${value.length}`);
  for (const [i, d] of value.entries()) {
    if (!isDescriptor(d)) return bad(`expected ${expected}; descriptor ${i} is ${brief(d)}`);
  }
  const sorted = [...new Set(value as string[])].sort();
  if (sorted.length !== value.length) return bad(`expected ${expected}; some repeat`);
  return sorted;
}

function lockIdsIn(value: unknown): string[] | ClientRefusal {
  const expected = `"lockIds": 1 to ${MAX_LOCK_IDS} lock ids, as 32 lower-case hex digits`;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LOCK_IDS)
    return bad(`expected ${expected}; got ${brief(value)}`);
  for (const [i, id] of value.entries())
    if (typeof id !== 'string' || !LOCK_ID.test(id))
      return bad(`expected ${expected}; lock id ${i} is ${brief(id)}`);
  return [...new Set(value as string[])];
}

/** An optional whole-number field in [min, max], or its default. */
function whole(
  fields: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number | ClientRefusal {
  const v = fields[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return bad(
      `"${name}" must be a whole number of milliseconds from ${min} to ${max}, not ${brief(v)}`,
    );
  return v;
}

function bad(error: string): ClientRefusal {
  return { status: 400, error };
}

/** A value as JSON, cut short: errors quote what they got, not a whole oversized body. */
function brief(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
