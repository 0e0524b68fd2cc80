import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import SaxonJS from 'saxon-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformError, type SaxonEngine } from '../../src/transform/saxon.js';
import { loadDocument } from '../../src/validate/input.js';
import { corpusDir, testIo } from '../helpers/io.js';
import { sharedEngine } from './engine.js';

/*
 * Nothing disappears: for every corpus document the stylesheets can read, the text of its <text>
 * elements reaches the .txt edition. Expected text is read with XPath straight from the parsed
 * document (not through the stylesheets). Two checks, strict but fair to endnotes being moved:
 * 1. the non-whitespace characters of <text> outside notes are a subsequence of the .txt's (order kept);
 * 2. the .txt has at least as many of every character as the whole <text>, notes included (nothing lost),
 *    and each note's own characters are a subsequence of the .txt's.
 * Whitespace is ignored (the .txt re-flows it); text outside <text> (the header) is not required.
 */

const TEI = 'http://www.tei-c.org/ns/1.0';
const docsDir = path.join(corpusDir, 'docs');
const files = (await fs.readdir(docsDir)).filter((f) => f.endsWith('.xml')).sort();
const skipped: string[] = [];
let engine: SaxonEngine;

interface XPathApi {
  evaluate(expr: string, context: unknown, options: { namespaceContext: Record<string, string>; resultForm: 'array' }): string[];
}
const xpath = (SaxonJS as unknown as { XPath: XPathApi }).XPath;

function chars(s: string): string[] {
  return Array.from(s.replace(/\s+/gu, ''));
}

/** Index of the first expected character not found in order, or -1 when all are. */
function missingFromSubsequence(expected: string[], actual: string[]): number {
  let j = 0;
  for (let i = 0; i < expected.length; i++) {
    while (j < actual.length && actual[j] !== expected[i]) j++;
    if (j === actual.length) return i;
    j++;
  }
  return -1;
}

function counts(cs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of cs) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
}

beforeAll(async () => {
  engine = await sharedEngine();
});

afterAll(() => {
  // The documents the stylesheets could not read, and why: printed so a run shows what was not checked.
  console.log(`corpus: ${files.length - skipped.length} of ${files.length} documents checked; skipped:\n${skipped.map((s) => '  ' + s).join('\n') || '  none'}`);
});

describe('every character of <text> reaches the .txt edition (shared corpus)', () => {
  for (const f of files) {
    it(f, async () => {
      const io = testIo();
      // Read as `teikit build` reads it: DOCTYPE blanked, internal entities expanded, nothing fetched.
      const loaded = await loadDocument(io, { file: f, absPath: path.join(docsDir, f) }, { maxSizeMB: 64 });
      if (loaded.text === null) {
        skipped.push(`${f}: ${loaded.diagnostics[0]?.message ?? 'unreadable'}`);
        return;
      }
      let doc: object;
      try {
        doc = await engine.parse(loaded.text);
      } catch (err) {
        if (!(err instanceof TransformError)) throw err;
        skipped.push(`${f}: SaxonJS cannot parse it: ${err.message.slice(0, 160)}`);
        return;
      }
      const txt = chars(engine.run('text', doc));
      const ns = { namespaceContext: { tei: TEI }, resultForm: 'array' as const };
      const body = xpath.evaluate('//tei:text//text()[not(ancestor::tei:note)] ! string()', doc, ns).join('');
      const all = xpath.evaluate('//tei:text//text() ! string()', doc, ns).join('');
      // Each note's own text, without the notes inside it (those are endnotes of their own).
      const notes = xpath.evaluate('for $n in //tei:text//tei:note return string-join($n//text()[ancestor::tei:note[1] is $n], "")', doc, ns);

      const bodyChars = chars(body);
      const at = missingFromSubsequence(bodyChars, txt);
      expect(at, `text out of order or lost at character ${at}: …${bodyChars.slice(Math.max(0, at - 30), at + 10).join('')}…`).toBe(-1);

      const have = counts(txt);
      for (const [c, n] of counts(chars(all))) expect(have.get(c) ?? 0, `character ${JSON.stringify(c)}`).toBeGreaterThanOrEqual(n);
      for (const note of notes) expect(missingFromSubsequence(chars(note), txt), `note: ${note.slice(0, 80)}`).toBe(-1);
    });
  }
});
