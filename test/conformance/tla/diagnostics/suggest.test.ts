/** "Did you mean ...?": likely typos get a suggestion, unrelated names none. */
import { describe, expect, it } from 'vitest';
import { closestName } from '../../../../conformance/tla/diagnostics/suggest.ts';

describe('closestName', () => {
  it('suggests a name one edit away, and a name differing only in case', () => {
    expect(closestName('Limt', ['Init', 'Limit', 'Next'])).toBe('Limit');
    expect(closestName('init', ['Init', 'Next'])).toBe('Init');
  });

  it('prefers a name with a letter left out over an equally close changed one', () => {
    expect(closestName('Nxt', ['Nat', 'Next', 'Init'])).toBe('Next');
  });

  it('suggests nothing for short or distant names, nor operator symbols', () => {
    expect(closestName('N', ['x', 'y'])).toBeUndefined();
    expect(closestName('Quorum', ['Init', 'Next'])).toBeUndefined();
    expect(closestName('plus', ['$plus'])).toBeUndefined();
  });
});
