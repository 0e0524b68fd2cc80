import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/io.js';
import { run } from '../../src/cli.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** shared/ sits beside the clone, in development and in CI alike. */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const schemaDir = path.join(sharedDir, 'schema');
export const corpusDir = path.join(sharedDir, 'corpus');
export const catalogPath = path.join(schemaDir, 'catalog.xml');

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** An Io that records output; offline and pointed at the shared schema, as every test must be. */
export function testIo(cwd = repoRoot, env: Record<string, string | undefined> = {}): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (s: string) => void out.push(s), isTTY: false },
    stderr: { write: (s: string) => void err.push(s), isTTY: false },
    fs,
    cwd,
    env: { HOME: process.env['HOME'], XML_CATALOG_FILES: catalogPath, TEIKIT_OFFLINE: '1', ...env },
  };
}

/** Runs the CLI in-process, as a user would from `cwd`. */
export async function runCli(args: string[], cwd = repoRoot, env: Record<string, string | undefined> = {}): Promise<Captured> {
  const io = testIo(cwd, env);
  const code = await run(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
