#!/usr/bin/env node
import * as fs from 'node:fs/promises';
import { run } from './cli.js';

// The only place that touches `process`: everything below gets an Io and returns an exit code.
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => controller.abort(new Error(`interrupted by ${sig}`)));
}
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  fs,
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
});
