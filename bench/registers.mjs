#!/usr/bin/env node
// RELAX NG time (xmllint-wasm: derived-schema compile + validation, one run each) on the Schnitzler place
// register, with registers nested as in tei_all or flattened (restrict.ts flattenRegisters). Variants: the file
// as it is; with one <relation> after the places (then `relation` is among the names and the nested form
// cannot be simplified away); its places doubled (fresh xml:ids). Run `npm run build` first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { deriveSchema, elementNamesOf, parseRng } = await import(path.join(repo, 'dist/validate/restrict.js'));
const { XmllintEngine } = await import(path.join(repo, 'dist/validate/relaxng.js'));
const { sha256 } = await import(path.join(repo, 'dist/validate/schema.js'));
const shared = path.resolve(repo, '..', 'shared');
const tree = parseRng(fs.readFileSync(path.join(shared, 'schema/tei_all.rng'), 'utf8'));
const base = fs.readFileSync(path.join(shared, 'corpus/docs/arthur-schnitzler--schnitzler-tagebuch-data--indices__listplace.xml'), 'utf8');
const end = base.lastIndexOf('</listPlace>');
const first = base.indexOf('<place ');
const relation = '<relation name="near" active="#pmb1000" passive="#pmb1003"/>\n';
const doubled = (t) => t.slice(0, end) + t.slice(first, end).replace(/xml:id="([^"]+)"/g, 'xml:id="$1_2"') + t.slice(end);
const variants = {
  'listplace.xml (2,216 places)': base,
  '+ one <relation>': base.slice(0, end) + relation + base.slice(end),
  '4,432 places + one <relation>': (() => { const t = doubled(base); const e = t.lastIndexOf('</listPlace>'); return t.slice(0, e) + relation + t.slice(e); })(),
};
const skipNested = process.argv.includes('--skip-slow') ? /4,432/ : /^$/;
const engine = new XmllintEngine();
await engine.validate({ path: 'w', text: '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="a"><empty/></element></start></grammar>', sha256: 'w' }, [{ file: 'w', text: '<a/>' }]);
for (const [name, text] of Object.entries(variants)) {
  for (const flattenRegisters of [false, true]) {
    if (!flattenRegisters && skipNested.test(name)) continue;
    const schema = deriveSchema(tree, { elements: elementNamesOf(text), flattenRegisters }).text;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const [ds] = await engine.validate({ path: 's.rng', text: schema, sha256: sha256(schema) }, [{ file: 'd', text }]);
    const c = process.cpuUsage(c0);
    const cpu = ((c.user + c.system) / 1e6).toFixed(2);
    console.log(`${name}\t${flattenRegisters ? 'flat' : 'nested'}\twall ${((performance.now() - t0) / 1000).toFixed(2)} s\tCPU ${cpu} s\terrors ${ds.filter((d) => d.severity === 'error').length}`);
  }
}
