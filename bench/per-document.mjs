#!/usr/bin/env node
// CPU and wall time of `validate()` for each document of bench/work/jing-files.txt on its own (each call pays
// its fixed costs), against tei_all; slowest first, to bench/work/per-document.tsv (cpu ms, wall ms, bytes, name).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { validate } = await import(path.join(repo, 'dist', 'commands', 'validate', 'index.js'));
const schema = path.resolve(repo, '..', 'shared', 'schema', 'tei_all.rng');
const files = (await fs.readFile(path.join(repo, 'bench', 'work', 'jing-files.txt'), 'utf8')).trim().split('\n');
const io = { stdout: process.stdout, stderr: { write() {} }, fs, cwd: repo, env: process.env };
const rows = [];
for (const f of files) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await validate({ paths: [f], schema }, io);
  const c = process.cpuUsage(c0);
  rows.push([Math.round((c.user + c.system) / 1000), Math.round(performance.now() - t0), (await fs.stat(f)).size, path.basename(f)]);
}
rows.sort((a, b) => b[0] - a[0]);
await fs.writeFile(path.join(repo, 'bench', 'work', 'per-document.tsv'), rows.map((r) => r.join('\t')).join('\n') + '\n');
console.log(`${rows.length} documents, ${rows.reduce((n, r) => n + r[0], 0)} ms CPU in all; slowest:`);
for (const r of rows.slice(0, 5)) console.log(r.join('\t'));
