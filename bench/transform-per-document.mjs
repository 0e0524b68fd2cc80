#!/usr/bin/env node
// Steady-state time of one document's six outputs in teikit's engine (SaxonJS): the counterpart of
// bench/java/PerDocument.java, measured the same way (two warm-up passes over every document, then for each the
// fastest of REPS runs of parse + transform of all.xsl, outputs as strings). Single thread, nothing written.
// Usage: node bench/transform-per-document.mjs FILE-LIST REPS   (after npm run build; prints "path TAB ms")
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { SaxonEngine } = await import(path.join(repo, 'dist', 'transform', 'saxon.js'));
const compiled = {};
for (const k of ['all', 'html', 'text', 'csv', 'dc']) compiled[k] = await fs.readFile(path.join(repo, 'xslt', 'compiled', `${k}.sef.json`), 'utf8');
const engine = await SaxonEngine.create(compiled);
const files = (await fs.readFile(process.argv[2], 'utf8')).trim().split('\n');
const reps = Number(process.argv[3] ?? 3);
const docs = [];
for (const f of files) docs.push([f, await fs.readFile(f, 'utf8')]);
const quietly = (p) => p.then(() => true, () => false);
for (let pass = 0; pass < 2; pass++) for (const [, xml] of docs) await quietly(engine.transform(xml));
for (const [f, xml] of docs) {
  // A document that fails (not well-formed, say) is reported as '-' and left out of the sums.
  let best = Infinity;
  for (let r = 0; r < reps && !Number.isNaN(best); r++) {
    const t = performance.now();
    best = (await quietly(engine.transform(xml))) ? Math.min(best, performance.now() - t) : NaN;
  }
  console.log(`${f}\t${Number.isNaN(best) ? '-' : best.toFixed(1)}`);
}
