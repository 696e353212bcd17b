/**
 * The API reference builds: `npm run docs` (typedoc, warnings treated as errors) must pass, so
 * that a type an exported signature mentions is documented too rather than left dangling.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

it('builds the API reference without a warning', () => {
  const out = mkdtempSync(join(tmpdir(), 'api-docs-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
