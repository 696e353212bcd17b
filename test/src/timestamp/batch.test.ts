import { describe, expect, it } from 'vitest';
import {
  BatchSizeError,
  isValidBatchSize,
  MAX_BATCH,
  validateBatchSize,
} from '../../../src/timestamp/batch.ts';

describe('batch size validation', () => {
  it('accepts 1 and the documented maximum', () => {
    expect(validateBatchSize(1)).toBe(1);
    expect(validateBatchSize(MAX_BATCH)).toBe(MAX_BATCH);
  });

  it.each([0, -1, MAX_BATCH + 1, 1.5, Number.NaN, Infinity, '5', null])(
    'rejects %s with a message that says what is allowed',
    (n) => {
      expect(isValidBatchSize(n)).toBe(false);
      expect(() => validateBatchSize(n)).toThrow(BatchSizeError);
      expect(() => validateBatchSize(n)).toThrow(`from 1 to ${MAX_BATCH}, got ${String(n)}`);
    },
  );
});
