#!/usr/bin/env node
import * as fs from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { run } from './cli.js';
import { ToolError } from './errors.js';

// The only place that touches `process`: everything below gets an Io and returns an exit code.
const controller = new AbortController();
let caught: NodeJS.Signals | null = null;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  // Once: a second Ctrl-C gets the default action and ends the process at once.
  process.once(sig, () => {
    caught ??= sig;
    controller.abort(new ToolError(`interrupted by ${sig}; outputs written before this run are unchanged`, 'run the command again to finish'));
  });
}
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  fs,
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
  v8Flags: setFlagsFromString,
});
if (caught) {
  // Cleaned up (run() returned 2): now end by the signal itself, so shells and CI see 130/143 as for any interrupted tool.
  process.kill(process.pid, caught);
}
