import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildManifest, hashOptions, MANIFEST_NAME, sha256, type Fingerprint } from '../../src/build/manifest.js';
import { repoRoot, testIo } from '../helpers/io.js';

const EDITION = path.join(repoRoot, 'tei', 'puzanov-1957-07-08.xml');

async function setup() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-manifest-'));
  const io = testIo(dir);
  const source = path.join(dir, 'tei', 'edition.xml');
  await fs.mkdir(path.dirname(source));
  await fs.copyFile(EDITION, source);
  const out = path.join(dir, 'output');
  const html = path.join(out, 'edition.html');
  await fs.mkdir(out);
  await fs.writeFile(html, '<html>1</html>');
  const fp: Fingerprint = { source: sha256(await fs.readFile(source)), schema: 'a'.repeat(64), stylesheets: 'b'.repeat(64), options: hashOptions({ formats: ['html'] }) };
  return { dir, io, source, out, html, fp };
}

describe('BuildManifest', () => {
  it('says up to date after a save and reload with the same inputs and untouched outputs', async () => {
    const { io, source, out, html, fp } = await setup();
    const m = BuildManifest.empty(out);
    expect(await m.upToDate(io, source, fp)).toBe(false);
    m.record(source, fp, [{ path: html, data: '<html>1</html>' }]);
    await m.save(io);
    const saved = JSON.parse(await fs.readFile(path.join(out, MANIFEST_NAME), 'utf8'));
    expect(Object.keys(saved.documents)).toEqual(['../tei/edition.xml']);
    expect(saved.documents['../tei/edition.xml'].outputs).toEqual({ 'edition.html': sha256('<html>1</html>') });
    const again = await BuildManifest.load(io, 'output');
    expect(await again.upToDate(io, source, fp)).toBe(true);
  });

  it('keeps the validation report with the outputs, so a skipped document still reports its errors', async () => {
    const { io, source, out, html, fp } = await setup();
    const m = BuildManifest.empty(out);
    const diagnostics = [{ file: 'tei/edition.xml', line: 3, column: 1, severity: 'error' as const, source: 'relaxng' as const, code: 'relaxng.invalid', message: 'm', rule: null }];
    m.record(source, fp, [{ path: html, data: '<html>1</html>' }], { valid: false, diagnostics });
    await m.save(io);
    expect((await BuildManifest.load(io, out)).recordedReport(source)).toEqual({ valid: false, diagnostics });
    expect(BuildManifest.empty(out).recordedReport(source)).toBeNull();
  });

  const changes: Array<{ name: string; change: (fp: Fingerprint) => Fingerprint }> = [
    { name: 'the source', change: (fp) => ({ ...fp, source: sha256('edited') }) },
    { name: 'the schema', change: (fp) => ({ ...fp, schema: 'c'.repeat(64) }) },
    { name: 'the stylesheets', change: (fp) => ({ ...fp, stylesheets: 'd'.repeat(64) }) },
    { name: 'the options', change: (fp) => ({ ...fp, options: hashOptions({ formats: ['html', 'txt'] }) }) },
  ];
  for (const c of changes) {
    it(`rebuilds when ${c.name} changed`, async () => {
      const { io, source, out, html, fp } = await setup();
      const m = BuildManifest.empty(out);
      m.record(source, fp, [{ path: html, data: '<html>1</html>' }]);
      expect(await m.upToDate(io, source, fp)).toBe(true);
      expect(await m.upToDate(io, source, c.change(fp))).toBe(false);
    });
  }

  it('rebuilds when an output was deleted or edited by hand', async () => {
    const { io, source, out, html, fp } = await setup();
    const m = BuildManifest.empty(out);
    m.record(source, fp, [{ path: html, data: '<html>1</html>' }]);
    await fs.writeFile(html, '<html>edited</html>');
    expect(await m.upToDate(io, source, fp)).toBe(false);
    await fs.rm(html);
    expect(await m.upToDate(io, source, fp)).toBe(false);
  });

  it('treats a corrupt or foreign manifest as empty (build all), and forget() drops a document', async () => {
    const { io, source, out, html, fp } = await setup();
    await fs.writeFile(path.join(out, MANIFEST_NAME), '{not json');
    expect((await BuildManifest.load(io, out)).size).toBe(0);
    await fs.writeFile(path.join(out, MANIFEST_NAME), JSON.stringify({ version: 99, documents: {} }));
    expect((await BuildManifest.load(io, out)).size).toBe(0);
    const m = BuildManifest.empty(out);
    m.record(source, fp, [{ path: html, data: '<html>1</html>' }]);
    m.forget(source);
    expect(await m.upToDate(io, source, fp)).toBe(false);
  });

  it('hashes options independently of key order and undefined values', () => {
    expect(hashOptions({ a: 1, b: [1, { d: 2, c: 3 }] })).toBe(hashOptions({ b: [1, { c: 3, d: 2 }], a: 1, e: undefined }));
    expect(hashOptions({ a: 1 })).not.toBe(hashOptions({ a: 2 }));
  });
});
