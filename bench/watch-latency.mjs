#!/usr/bin/env node
// Time from a file change to its diagnostics printed by `teikit watch` (the built CLI, as a user runs it).
// Usage: node bench/watch-latency.mjs [SAVES]   — prints one line per save and the median.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const saves = Number(process.argv[2] ?? 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-watch-bench-'));
fs.mkdirSync(path.join(dir, 'tei'));
const file = path.join(dir, 'tei', 'puzanov-1957-07-08.xml');
const original = fs.readFileSync(path.join(repo, 'tei', 'puzanov-1957-07-08.xml'), 'utf8');
fs.writeFileSync(file, original);

const child = spawn(process.execPath, [path.join(repo, 'dist', 'bin.js'), 'watch', 'tei'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
let buffer = '';
let waiting = null;
child.stderr.setEncoding('utf8');
child.stderr.on('data', (s) => {
  buffer += s;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    if (waiting && waiting.test(line)) waiting.resolve(line);
  }
});
const waitLine = (re) => new Promise((resolve) => (waiting = { test: (l) => re.test(l), resolve }));

await waitLine(/^teikit: watching/);
const times = [];
for (let i = 0; i < saves; i++) {
  // Alternate a broken and a fixed save, as an encoder does; each must be re-checked for real.
  const text = i % 2 === 0 ? original.replace('<body>', '<body>\n<notATeiElement/>') : original;
  const seen = waitLine(/^teikit: tei\/puzanov-1957-07-08\.xml: /);
  const t0 = performance.now();
  fs.writeFileSync(file, text);
  const line = await seen;
  const ms = performance.now() - t0;
  times.push(ms);
  console.log(`save ${i + 1}: ${ms.toFixed(0)} ms  (${line.replace(/^teikit: /, '')})`);
  await new Promise((r) => setTimeout(r, 300));
}
child.kill('SIGINT');
times.sort((a, b) => a - b);
console.log(`median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${saves} saves`);
fs.rmSync(dir, { recursive: true, force: true });
