// CPU time (user+system, less sensitive to a busy machine than wall time) of each step the Schematron and
// pointer checks add to `teikit validate` on one document, in a fresh process with a warm cache.
// Usage: node bench/schematron-phases.mjs CACHE_DIR FILE   (after npm run build and one validate run of FILE,
// which compiles and caches the patterns FILE needs)
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
const [cacheDir, file] = process.argv.slice(2);
const t0 = process.cpuUsage();
const w0 = performance.now();
const lap = (label, since, wall) => {
  const c = process.cpuUsage(since);
  console.log(`${label.padEnd(48)} cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(5)} ms   wall ${(performance.now() - wall).toFixed(0).padStart(5)} ms`);
};
let c = process.cpuUsage(), w = performance.now();
const { runSchematron, SCHEMATRON_FORMAT } = await import('../dist/validate/schematron.js');
const { loadSaxon } = await import('../dist/validate/schematron-saxon.js');
const { checkPointers } = await import('../dist/validate/pointers.js');
const { parseXml } = await import('../dist/util/xml-positions.js');
lap('import teikit modules', c, w);
c = process.cpuUsage(); w = performance.now();
const dir = `${cacheDir}/schematron`;
// The largest index of the current format: tei_all's.
const entry = fs.readdirSync(dir).filter((f) => f.endsWith(`-v${SCHEMATRON_FORMAT}.json`)).sort((a, b) => fs.statSync(`${dir}/${b}`).size - fs.statSync(`${dir}/${a}`).size)[0];
const derived = JSON.parse(fs.readFileSync(`${dir}/${entry}`, 'utf8'));
lap('read the Schematron index + pointer attrs', c, w);
c = process.cpuUsage(); w = performance.now();
const sx = await loadSaxon({ cacheDir });
lap('load SaxonJS (V8 code cache)', c, w);
const text = fs.readFileSync(file, 'utf8');
c = process.cpuUsage(); w = performance.now();
const doc = parseXml(text);
lap('parse the document with positions', c, w);
let read = 0, used = 0;
const compile = async (p) => {
  const t = process.cpuUsage();
  const json = fs.readFileSync(`${dir}/sef-${p.id}.json`, 'utf8'); // a miss throws: run validate on FILE first
  const r = JSON.parse(json);
  const u = process.cpuUsage(t);
  read += u.user + u.system;
  used++;
  return r;
};
c = process.cpuUsage(); w = performance.now();
const ds = await runSchematron(derived.schematron, text, file, sx, doc, compile);
lap(`run Schematron (${used}/${derived.schematron.patterns.length} patterns, ${ds.length} diagnostics)`, c, w);
console.log(`  of which reading the patterns' SEFs          cpu ${(read / 1000).toFixed(0).padStart(5)} ms`);
c = process.cpuUsage(); w = performance.now();
const ps = checkPointers([{ file, text, parsed: doc, attributes: derived.pointers }]);
lap(`check pointers (${ps[0].length} diagnostics)`, c, w);
lap('total in this process', t0, w0);
