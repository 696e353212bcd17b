/**
 * A persistent hash array mapped trie: a map from values to payloads, keyed by the values'
 * first hash lane, where an update copies only the path from the root to the changed entry
 * (at most 7 small arrays), so every older version stays valid and shares the rest.
 *
 * The trie never compares keys itself: callers pass the equality to use, because whether two
 * values may be compared at all (without an error) is the caller's knowledge.
 */
import type { Value } from './value.ts';

/** One key with its hashes and payload. Immutable. */
export class HamtEntry<P> {
  constructor(
    readonly key: Value,
    readonly h1: number,
    readonly h2: number,
    readonly payload: P,
  ) {}
}

/** An inner node: a 32-bit bitmap of occupied slots and the occupied slots, in slot order. */
export class HamtBranch<P> {
  constructor(
    readonly bitmap: number,
    readonly items: ReadonlyArray<HamtSlot<P>>,
  ) {}
}

/** Entries whose first lanes are equal (all 32 bits used up). */
export class HamtCollision<P> {
  constructor(readonly entries: ReadonlyArray<HamtEntry<P>>) {}
}

export type HamtSlot<P> = HamtEntry<P> | HamtBranch<P> | HamtCollision<P>;

/** How keys are told apart: called only on keys whose two hash lanes are equal. */
export type KeyEquality = (a: Value, b: Value) => boolean;

const EMPTY_BRANCH = new HamtBranch<never>(0, []);

/** The empty trie. */
export function emptyHamt<P>(): HamtBranch<P> {
  return EMPTY_BRANCH;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The entry for `key`, if present. */
export function hamtGet<P>(
  root: HamtBranch<P>,
  key: Value,
  h1: number,
  h2: number,
  eq: KeyEquality,
): HamtEntry<P> | undefined {
  let node: HamtSlot<P> = root;
  for (let shift = 0; ; shift += 5) {
    if (node instanceof HamtBranch) {
      const bit = 1 << ((h1 >>> shift) & 31);
      if ((node.bitmap & bit) === 0) return undefined;
      node = node.items[popcount(node.bitmap & (bit - 1))];
    } else if (node instanceof HamtEntry) {
      return node.h1 === h1 && node.h2 === h2 && eq(node.key, key) ? node : undefined;
    } else {
      for (const e of node.entries) if (e.h2 === h2 && e.h1 === h1 && eq(e.key, key)) return e;
      return undefined;
    }
  }
}

/**
 * What {@link hamtPut} does with a key: `added` tells whether the key was new. A module-level
 * result avoids allocating one per insert on the hot path.
 */
export const putResult = { added: false };

/**
 * The trie with `key` mapped to `payload` when absent, or when present to `replace(old)` (kept
 * as it is when `replace` is omitted or returns the old payload). Returns `root` itself when
 * nothing changed.
 */
export function hamtPut<P>(
  root: HamtBranch<P>,
  key: Value,
  h1: number,
  h2: number,
  payload: P,
  eq: KeyEquality,
  replace?: (old: P) => P,
): HamtBranch<P> {
  putResult.added = false;
  return putIn(root, 0, key, h1, h2, payload, eq, replace) as HamtBranch<P>;
}

function putIn<P>(
  node: HamtSlot<P>,
  shift: number,
  key: Value,
  h1: number,
  h2: number,
  payload: P,
  eq: KeyEquality,
  replace: ((old: P) => P) | undefined,
): HamtSlot<P> {
  if (node instanceof HamtBranch) {
    const bit = 1 << ((h1 >>> shift) & 31);
    const idx = popcount(node.bitmap & (bit - 1));
    if ((node.bitmap & bit) === 0) {
      putResult.added = true;
      const items = node.items.slice();
      items.splice(idx, 0, new HamtEntry(key, h1, h2, payload));
      return new HamtBranch(node.bitmap | bit, items);
    }
    const child = node.items[idx];
    const next = putIn(child, shift + 5, key, h1, h2, payload, eq, replace);
    if (next === child) return node;
    const items = node.items.slice();
    items[idx] = next;
    return new HamtBranch(node.bitmap, items);
  }
  if (node instanceof HamtEntry) {
    if (node.h1 === h1 && node.h2 === h2 && eq(node.key, key)) {
      if (!replace) return node;
      const p = replace(node.payload);
      return p === node.payload ? node : new HamtEntry(node.key, h1, h2, p);
    }
    putResult.added = true;
    return pair(node, new HamtEntry(key, h1, h2, payload), shift);
  }
  // A collision node: every entry has this first lane.
  const entries = node.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.h2 === h2 && eq(e.key, key)) {
      if (!replace) return node;
      const p = replace(e.payload);
      if (p === e.payload) return node;
      const copy = entries.slice();
      copy[i] = new HamtEntry(e.key, h1, h2, p);
      return new HamtCollision(copy);
    }
  }
  putResult.added = true;
  return new HamtCollision([...entries, new HamtEntry(key, h1, h2, payload)]);
}

/** A node holding two entries with different keys, from `shift` on. */
function pair<P>(a: HamtEntry<P>, b: HamtEntry<P>, shift: number): HamtSlot<P> {
  if (shift >= 32) return new HamtCollision([a, b]);
  const ia = (a.h1 >>> shift) & 31,
    ib = (b.h1 >>> shift) & 31;
  if (ia === ib) return new HamtBranch(1 << ia, [pair(a, b, shift + 5)]);
  return new HamtBranch((1 << ia) | (1 << ib), ia < ib ? [a, b] : [b, a]);
}

/** Calls `visit` on every entry, in no particular order. */
export function hamtForEach<P>(root: HamtBranch<P>, visit: (e: HamtEntry<P>) => void): void {
  const walk = (node: HamtSlot<P>): void => {
    if (node instanceof HamtEntry) visit(node);
    else if (node instanceof HamtBranch) for (const c of node.items) walk(c);
    else for (const e of node.entries) visit(e);
  };
  walk(root);
}

/** Whether every entry satisfies `test` (stops at the first that does not). */
export function hamtEvery<P>(root: HamtBranch<P>, test: (e: HamtEntry<P>) => boolean): boolean {
  const walk = (node: HamtSlot<P>): boolean => {
    if (node instanceof HamtEntry) return test(node);
    if (node instanceof HamtBranch) {
      for (const c of node.items) if (!walk(c)) return false;
      return true;
    }
    for (const e of node.entries) if (!test(e)) return false;
    return true;
  };
  return walk(root);
}
