// Compiles every entry stylesheet in xslt/ to SaxonJS's SEF once, at build time, so runs only load JSON.
import { readdir, mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'xslt');
const out = path.join(src, 'compiled');
await mkdir(out, { recursive: true });
const entries = (await readdir(src)).filter((f) => f.endsWith('.xsl'));
for (const f of entries) {
  const sef = path.join(out, f.replace(/\.xsl$/, '.sef.json'));
  execFileSync(process.execPath, [path.join(root, 'node_modules/xslt3/xslt3.js'), `-xsl:${path.join(src, f)}`, `-export:${sef}`, '-nogo', '-relocate:on'], { stdio: 'inherit' });
}
console.log(`compiled ${entries.length} stylesheet(s) to ${path.relative(root, out)}/`);
