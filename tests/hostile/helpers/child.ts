import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { catalogPath, repoRoot } from '../../helpers/io.js';

/** The built CLI: child-process tests need `npm run build` first (CI builds in `npm ci`). */
export const bin = path.join(repoRoot, 'dist/bin.js');
const rssHook = path.join(repoRoot, 'tests/hostile/helpers/rss.cjs');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  rssMB: number | null;
}

/** Runs `node dist/bin.js ARGS` offline against the shared catalog and reports its exit, output, time and peak RSS. */
export async function runChild(args: string[], cwd: string, onStart?: (child: ChildProcess) => void): Promise<ChildRun> {
  const rssFile = path.join(os.tmpdir(), `teikit-rss-${Math.random().toString(36).slice(2)}`);
  const t = performance.now();
  const child = spawn(process.execPath, ['--require', rssHook, bin, ...args], {
    cwd,
    env: { ...process.env, XML_CATALOG_FILES: catalogPath, TEIKIT_OFFLINE: '1', TEIKIT_RSS_FILE: rssFile },
  });
  onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  const rss = await fs.readFile(rssFile, 'utf8').catch(() => null);
  await fs.rm(rssFile, { force: true });
  return { code, signal, stdout, stderr, ms: performance.now() - t, rssMB: rss === null ? null : Number(rss) / 1024 };
}

