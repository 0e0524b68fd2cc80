import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../src/util/xml-positions.js';
import { checkPointers, type PointerAttributes } from '../../src/validate/pointers.js';
import { corpusDir, repoRoot, runCli } from '../helpers/io.js';
import { teiAll } from '../validate/schematron-helpers.js';

/**
 * Pointer integrity on real documents. What the corpus shows (tei_all's pointer attributes, each document
 * alone): some 8,600 dangling pointers in about 80 of 237 documents, all of the same kind: ids that live in
 * a file the project keeps elsewhere (Mitford's `#Thr…` persons, Schnitzler's `#pmb…` register and
 * `@rendition` styles, I.Sicily's included authority lists, `#PDC` of TEI Simple's responsibility
 * statements), plus 8 duplicate xml:ids. These are real dangling pointers for the document as given, so
 * teikit reports them; `file.xml#id` across documents resolves when both are validated together.
 * What would be false positives, and is checked here on every document: a pointer whose id exists in the
 * document, anything inside TEI examples (egXML), a duplicate that a plain scan of the text does not see.
 */
const docsDir = path.join(corpusDir, 'docs');
const files = fs.readdirSync(docsDir).filter((f) => f.endsWith('.xml')).sort();
/** The document's text with TEI examples and comments blanked out (same length, so offsets still match). */
const outsideExamples = (t: string) => t.replace(/<!--[\s\S]*?-->|<(\w+:)?egXML\b[\s\S]*?<\/(\w+:)?egXML>/g, (m) => m.replace(/[^\n]/g, ' '));

let attributes: PointerAttributes;
beforeAll(async () => {
  attributes = (await teiAll()).pointers!;
});

describe('pointer integrity on the corpus', () => {
  it.each(files)('%s', (file) => {
    const text = fs.readFileSync(path.join(docsDir, file), 'utf8');
    let doc;
    try {
      doc = parseXml(text);
    } catch {
      return; // the not-well-formed document of the corpus: validate stops before pointers
    }
    const [found] = checkPointers([{ file, text, parsed: doc, attributes }]);
    const plain = outsideExamples(text);
    const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
    for (const d of found!) {
      const offset = lineStarts[d.line! - 1]! + d.column! - 1;
      // Never inside an example or a comment: those are blanked in `plain`.
      expect(plain[offset], `${file}:${d.line}:${d.column}`).toBe(text[offset]);
      const id = /xml:id "([^"]+)"/.exec(d.message)?.[1];
      expect(id, d.message).toBeDefined();
      const declared = [...plain.matchAll(/xml:id\s*=\s*["']([^"']*)["']/g)].filter((m) => m[1] === id).length;
      if (d.code === 'pointer.dangling') expect(declared, d.message).toBe(0);
      else expect(declared, d.message).toBeGreaterThan(1);
    }
  });

  it('the bundled edition passes every check of teikit validate', async () => {
    const r = await runCli(['validate', '--format', 'json', 'tei/puzanov-1957-07-08.xml'], repoRoot);
    const [doc] = JSON.parse(r.stdout).documents;
    expect(doc.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });
});
