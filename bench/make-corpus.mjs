#!/usr/bin/env node
// Generates the benchmark corpora into bench/work/ (gitignored), never into the repository:
//   bench/work/jing-files.txt    the shared corpus documents Jing gives a verdict on (valid/invalid), in place
//   bench/work/corpus-N/         N documents in one folder: copies of the shared corpus documents that do not
//                                depend on their location (no relative schema, DTD or XInclude), then variants
//                                of the edition until N is reached
// Usage: node bench/make-corpus.mjs [N...]   (default: 100 1000 10000)
import { parse } from 'csv-parse/sync';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(repo, '..', 'shared');
const docsDir = path.join(shared, 'corpus', 'docs');
const work = path.join(repo, 'bench', 'work');
const sizes = process.argv.slice(2).map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('usage: make-corpus.mjs [N...]');

fs.mkdirSync(work, { recursive: true });
const rows = parse(fs.readFileSync(path.join(shared, 'corpus', 'manifest.csv')), { columns: true });
const judged = rows.filter((r) => r.jing_verdict === 'valid' || r.jing_verdict === 'invalid');
fs.writeFileSync(path.join(work, 'jing-files.txt'), judged.map((r) => path.join(docsDir, r.file)).join('\n') + '\n');

// Documents whose meaning does not change when copied elsewhere: an xml-model href without a URI scheme
// (`./x.rng`, but also `x.sch`) names a file beside the original.
const portable = judged
  .map((r) => r.file)
  .filter((f) => !/xml-model[^>]*href="(?![A-Za-z][A-Za-z0-9+.-]*:)|<!DOCTYPE[^>]*SYSTEM|xi:include|<include\s/.test(fs.readFileSync(path.join(docsDir, f), 'utf8')));

const editionPath = path.join(repo, 'tei', 'puzanov-1957-07-08.xml');
const edition = fs.existsSync(editionPath) ? fs.readFileSync(editionPath, 'utf8') : fs.readFileSync(path.join(docsDir, portable[0]), 'utf8');

/**
 * Variant i of the edition: another day of the journal (date shifted), paragraphs rotated and one repeated
 * with fresh ids, so sizes and contents differ; every 10th variant carries an element TEI does not have, so
 * the runs report real errors as a corpus of work in progress would.
 */
function variant(i) {
  const day = new Date(Date.UTC(1957, 0, 1) + (i % 365) * 86400000).toISOString().slice(0, 10);
  let text = edition.replaceAll('1957-07-08', day);
  const paras = [...text.matchAll(/<p xml:id="(p\d+)"[\s\S]*?<\/p>/g)];
  if (paras.length > 2) {
    const pick = paras[i % paras.length];
    const copy = pick[0].replace(/xml:id="([^"]+)"/g, (_, id) => `xml:id="${id}-v${i}"`);
    const last = paras[paras.length - 1];
    const at = last.index + last[0].length;
    text = text.slice(0, at) + '\n' + copy + text.slice(at);
  }
  if (i % 10 === 9) text = text.replace('<body>', '<body>\n<notATeiElement/>');
  return text;
}

for (const n of sizes.length ? sizes : [100, 1000, 10000]) {
  const dir = path.join(work, `corpus-${n}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const copies = Math.min(portable.length, Math.floor(n / 5));
  for (let i = 0; i < copies; i++) {
    fs.copyFileSync(path.join(docsDir, portable[i]), path.join(dir, portable[i]));
    bytes += fs.statSync(path.join(dir, portable[i])).size;
  }
  for (let i = copies; i < n; i++) {
    const v = variant(i);
    // Spread over subfolders of 500, as archives are, so no folder listing is huge.
    const sub = path.join(dir, `v${String(Math.floor(i / 500)).padStart(3, '0')}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `edition-${String(i).padStart(5, '0')}.xml`), v);
    bytes += Buffer.byteLength(v);
  }
  console.log(`${dir}: ${n} documents (${copies} corpus copies, ${n - copies} edition variants), ${(bytes / 1e6).toFixed(1)} MB`);
}
console.log(`${path.join(work, 'jing-files.txt')}: ${judged.length} corpus documents with a Jing verdict, in place`);
