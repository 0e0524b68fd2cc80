import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TransformError, type Outputs, type SaxonEngine } from '../../src/transform/saxon.js';
import { loadDocument } from '../../src/validate/input.js';
import { corpusDir, repoRoot, testIo } from '../helpers/io.js';
import { sharedEngine } from './engine.js';

/*
 * `teikit build` makes the six outputs in one transform (xslt/all.xsl); users of Saxon run the entry stylesheets
 * one by one (html.xsl, text.xsl, csv.xsl with its table parameter, dc.xsl). Both must give the same bytes.
 * Checked on the fixtures, the edition, and every tenth document of the shared corpus (a spread of projects).
 */

const SEPARATE: ReadonlyArray<[keyof Outputs, 'html' | 'text' | 'csv' | 'dc', Record<string, string>]> = [
  ['.html', 'html', {}],
  ['.txt', 'text', {}],
  ['.entities.csv', 'csv', { table: 'entities' }],
  ['.mentions.csv', 'csv', { table: 'mentions' }],
  ['.reactions.csv', 'csv', { table: 'reactions' }],
  ['.dc.xml', 'dc', {}],
];

const docsDir = path.join(corpusDir, 'docs');
const corpus = (await fs.readdir(docsDir)).filter((f) => f.endsWith('.xml')).sort().filter((_, i) => i % 10 === 0);
const documents = [
  ...['minimal', 'journal', 'unknown-elements', 'hostile'].map((n) => path.join(repoRoot, 'tests/fixtures/transform', `${n}.xml`)),
  path.join(repoRoot, 'tei/puzanov-1957-07-08.xml'),
  ...corpus.map((f) => path.join(docsDir, f)),
];

let engine: SaxonEngine;
beforeAll(async () => {
  engine = await sharedEngine();
});

describe('all.xsl gives what the six entry stylesheets give', () => {
  for (const file of documents) {
    it(path.relative(repoRoot, file), async () => {
      // Read as `teikit build` reads it: DOCTYPE blanked, internal entities expanded, nothing fetched.
      const loaded = await loadDocument(testIo(), { file, absPath: file }, { maxSizeMB: 64 });
      if (loaded.text === null) return expect(loaded.diagnostics.length).toBeGreaterThan(0);
      let together: Outputs;
      try {
        together = await engine.transform(loaded.text);
      } catch (err) {
        // A document SaxonJS cannot parse fails the same way for one stylesheet as for six.
        if (!(err instanceof TransformError) || err.stage !== 'parse') throw err;
        return await expect(engine.parse(loaded.text)).rejects.toThrow(TransformError);
      }
      const doc = await engine.parse(loaded.text);
      for (const [suffix, sheet, params] of SEPARATE) expect(together[suffix], suffix).toBe(engine.run(sheet, doc, params));
    });
  }

  it('writes nothing itself: the five result documents come back as strings', async () => {
    const out = await engine.transform(await fs.readFile(path.join(repoRoot, 'tests/fixtures/transform/minimal.xml'), 'utf8'));
    expect(Object.values(out).every((s) => s.length > 0)).toBe(true);
    // SaxonJS's default on Node writes a result document to its URI, which here would be under /teikit/.
    expect(existsSync('/teikit')).toBe(false);
  });
});
