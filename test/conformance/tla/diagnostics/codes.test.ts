/** Every diagnostic code the engine can emit is explained in docs/diagnostics.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../../../conformance/tla/diagnostics/codes.ts';
import { WARNING_CODES } from '../../../../conformance/tla/check/warnings.ts';

const doc = readFileSync(join(import.meta.dirname, '../../../../docs/diagnostics.md'), 'utf8');

describe('diagnostic codes', () => {
  it.each(Object.keys(CODES))('%s is explained in docs/diagnostics.md', (code) => {
    expect(doc).toContain(code);
  });

  it('the warnings use registered codes', () => {
    for (const code of Object.values(WARNING_CODES)) expect(Object.keys(CODES)).toContain(code);
  });
});
