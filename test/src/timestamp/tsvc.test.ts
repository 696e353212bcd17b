import { describe, expect, it } from 'vitest';
import {
  boundAgreed,
  extend,
  finishForcing,
  OFF,
  ownValue,
  recover,
  serve,
  startService,
  type Tsvc,
} from '../../../src/timestamp/tsvc.ts';

const serving: Tsvc = { ...startService(7, 2), phase: 'serving', seq: 3, limit: 100, counter: 95 };

describe('timestamp-service transitions', () => {
  it('starts recovering, with its identity as its recovery check', () => {
    expect(startService(7, 2)).toEqual({ ...OFF, phase: 'recovering', id: 7, term: 2, check: 7 });
  });

  it('recovers from an empty log at 0', () => {
    expect(recover(startService(7, 2), 0, null)).toMatchObject({
      phase: 'serving',
      seq: 0,
      limit: 0,
      counter: 0,
    });
  });

  it('recovers above the bound learned at the latest sequence', () => {
    expect(recover(startService(7, 2), 4, { bound: 400, pid: 3 })).toMatchObject({
      phase: 'serving',
      seq: 4,
      limit: 400,
      counter: 400,
    });
  });

  it('forces agreement at the latest sequence when it has not learned it', () => {
    expect(recover(startService(7, 2), 4, null)).toMatchObject({ phase: 'forcing', seq: 4 });
  });

  it('finishes forcing at the forced bound: the first timestamp served is above it', () => {
    const forcing = { ...startService(7, 2), phase: 'forcing', seq: 4 } as const;
    expect(finishForcing(forcing, { bound: 400, pid: 3 })).toMatchObject({
      limit: 400,
      counter: 400,
    });
  });

  it('forcing proposes the previous bound unchanged; extending proposes one step higher', () => {
    const forcing: Tsvc = { ...startService(7, 2), phase: 'forcing', seq: 4 };
    expect(ownValue(forcing, { bound: 300, pid: 1 }, 50)).toEqual({ bound: 300, pid: 7 });
    expect(ownValue({ ...forcing, seq: 1 }, null, 50)).toEqual({ bound: 0, pid: 7 });
    expect(ownValue(extend(serving), null, 50)).toEqual({ bound: 150, pid: 7 });
  });

  it('serves up to the agreed bound after winning the extension', () => {
    const extending = extend(serving);
    expect(extending).toMatchObject({ phase: 'extending', seq: 4 });
    expect(boundAgreed(extending, { bound: 150, pid: 7 }, 50)).toMatchObject({
      phase: 'serving',
      limit: 150,
    });
  });

  it('stops for good when another identity won the sequence', () => {
    expect(boundAgreed(extend(serving), { bound: 150, pid: 8 }, 50).phase).toBe('stopped');
  });

  it('stops for good when the agreed bound is lower than it asked', () => {
    expect(boundAgreed(extend(serving), { bound: 120, pid: 7 }, 50).phase).toBe('stopped');
  });

  it('serves a contiguous batch, cut at the agreed bound', () => {
    expect(serve(serving, 3)).toEqual({ tsvc: { ...serving, counter: 98 }, first: 96, last: 98 });
    expect(serve(serving, 10)).toEqual({
      tsvc: { ...serving, counter: 100 },
      first: 96,
      last: 100,
    });
  });
});
