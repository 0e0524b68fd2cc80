import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../helpers/io.js';

const fx = path.join(repoRoot, 'tests/fixtures/validate');
let cacheDir: string;
beforeAll(async () => {
  cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-cases-'));
});

interface Case {
  file: string;
  code: number;
  /** The first diagnostic of the document (null: none at all). */
  first: { file?: string; line: number | null; column?: number | null; severity: string; source: string; code: string; message?: RegExp } | null;
}

/** Every fixture with the exit code and the first diagnostic it must give (lines checked by eye in the fixture). */
const cases: Case[] = [
  { file: 'valid.xml', code: 0, first: null },
  { file: 'unexpected-element.xml', code: 1, first: { line: 19, column: 15, severity: 'error', source: 'relaxng', code: 'relaxng.unexpected-element', message: /bogus/ } },
  { file: 'invalid-attribute.xml', code: 1, first: { line: 19, column: 10, severity: 'error', source: 'relaxng', code: 'relaxng.invalid-attribute', message: /colour/ } },
  { file: 'invalid-date.xml', code: 1, first: { line: 18, column: 19, severity: 'error', source: 'relaxng', code: 'relaxng.invalid-attribute', message: /when/ } },
  { file: 'missing-title.xml', code: 1, first: { line: 6, column: 9, severity: 'error', source: 'relaxng', code: 'relaxng.unexpected-element', message: /author/ } },
  { file: 'no-namespace.xml', code: 1, first: { line: 2, column: 1, severity: 'error', source: 'relaxng', code: 'relaxng.unexpected-element', message: /TEI/ } },
  { file: 'wrong-root.xml', code: 1, first: { line: 2, column: 1, severity: 'error', source: 'relaxng', code: 'relaxng.unexpected-element', message: /html/ } },
  { file: 'not-well-formed.xml', code: 1, first: { line: 18, column: 32, severity: 'error', source: 'xml', code: 'xml.not-well-formed' } },
  { file: 'undeclared-entity.xml', code: 1, first: { line: 18, severity: 'error', source: 'xml', code: 'xml.undeclared-entity', message: /nbsp/ } },
  { file: 'anyuri-lenient.xml', code: 0, first: null },
  { file: 'anyuri-bad-escape.xml', code: 1, first: { line: 18, column: 29, severity: 'error', source: 'relaxng', code: 'relaxng.invalid-attribute', message: /target/ } },
  { file: 'dtd-missing.xml', code: 1, first: { line: 2, column: 1, severity: 'error', source: 'xml', code: 'xml.dtd-missing', message: /\.\.\/DTD\/tei\.dtd.*remove the DOCTYPE/ } },
  { file: 'duplicate-ids.xml', code: 1, first: { line: 19, column: 10, severity: 'error', source: 'relaxng', code: 'relaxng.invalid-attribute', message: /id/ } },
  // tei_all does not type xml:id inside egXML as ID; libxml2's parser must not make that an error.
  { file: 'egxml-duplicate-ids.xml', code: 0, first: null },
  { file: 'xinclude/include-ok.xml', code: 1, first: { line: 20, column: 27, severity: 'error', source: 'relaxng', code: 'relaxng.unexpected-element', message: /bogus/ } },
  { file: 'xinclude/include-text.xml', code: 0, first: null },
  { file: 'xinclude/include-invalid-part.xml', code: 1, first: { file: 'xinclude/part-invalid.xml', line: 4, column: 3, severity: 'error', source: 'relaxng', code: 'relaxng.unexpected-element', message: /bogus/ } },
  { file: 'xinclude/missing-with-fallback.xml', code: 1, first: { line: 18, column: 7, severity: 'warning', source: 'xinclude', code: 'xinclude.fallback', message: /missing\.xml.*fallback/ } },
  { file: 'xinclude/missing-no-fallback.xml', code: 1, first: { line: 19, column: 7, severity: 'error', source: 'xinclude', code: 'xinclude.failed', message: /href="missing\.xml".*file not found/ } },
  { file: 'xinclude/remote-no-fallback.xml', code: 1, first: { line: 18, column: 7, severity: 'error', source: 'xinclude', code: 'xinclude.failed', message: /never reads the network/ } },
  { file: 'xinclude/remote-with-fallback.xml', code: 0, first: { line: 18, column: 7, severity: 'warning', source: 'xinclude', code: 'xinclude.fallback' } },
  { file: 'xinclude/loop.xml', code: 1, first: { line: 18, severity: 'error', source: 'xinclude', code: 'xinclude.failed', message: /loop/ } },
];

describe('teikit validate: fixtures, exit codes and first diagnostics', () => {
  for (const c of cases) {
    it(c.file, async () => {
      const r = await runCli(['validate', '--format', 'json', path.join('tests/fixtures/validate', c.file)], repoRoot, { TEIKIT_CACHE_DIR: cacheDir });
      expect(r.code, r.stderr).toBe(c.code);
      const doc = JSON.parse(r.stdout).documents[0];
      const first = doc.diagnostics[0] ?? null;
      if (c.first === null) {
        expect(first).toBeNull();
        return;
      }
      const { message, file, ...fields } = c.first;
      expect(first).toMatchObject(fields);
      expect(first.file).toBe(path.join('tests/fixtures/validate', file ?? c.file));
      if (message) expect(first.message).toMatch(message);
    });
  }

  it('the missing fallback case still validates the fallback content (error after it, on its own line)', async () => {
    const r = await runCli(['validate', '--format', 'json', 'tests/fixtures/validate/xinclude/missing-with-fallback.xml'], repoRoot, { TEIKIT_CACHE_DIR: cacheDir });
    const errors = JSON.parse(r.stdout).documents[0].diagnostics.filter((d: { severity: string }) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 23, column: 20, source: 'relaxng' });
  });

  it('a folder is validated in one go, every document with its own verdict', async () => {
    const r = await runCli(['validate', '--format', 'json', 'tests/fixtures/validate'], repoRoot, { TEIKIT_CACHE_DIR: cacheDir });
    expect(r.code).toBe(1);
    const docs: Array<{ file: string; valid: boolean }> = JSON.parse(r.stdout).documents;
    const byName = new Map(docs.map((d) => [path.relative('tests/fixtures/validate', d.file), d.valid]));
    for (const c of cases) expect(byName.get(c.file), c.file).toBe(c.code === 0);
  });

  it('the derived schema is cached on disk and reused', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-cache-'));
    await runCli(['validate', 'tests/fixtures/validate/valid.xml'], repoRoot, { TEIKIT_CACHE_DIR: dir });
    const derived = await fs.readdir(path.join(dir, 'derived'));
    expect(derived.filter((f) => f.endsWith('.rng'))).toHaveLength(1);
    // The parsed schema, and the attributes whose values JavaScript checks (relaxableAttributes).
    const trees = await fs.readdir(path.join(dir, 'rng-tree'));
    expect(trees.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    const again = await runCli(['validate', 'tests/fixtures/validate/valid.xml'], repoRoot, { TEIKIT_CACHE_DIR: dir });
    expect(again.code).toBe(0);
    expect(await fs.readdir(path.join(dir, 'derived'))).toEqual(derived);
    expect(await fs.readdir(path.join(dir, 'rng-tree'))).toEqual(trees);
  });
});
