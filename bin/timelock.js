#!/usr/bin/env node
// Runs the TypeScript sources directly (through tsx), so the command works from any folder
// without a build step and can never run stale compiled output.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
