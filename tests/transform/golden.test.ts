import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_SUFFIXES, type Outputs, type SaxonEngine } from '../../src/transform/saxon.js';
import { repoRoot } from '../helpers/io.js';
import { sharedEngine } from './engine.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/transform');
const golden = path.join(repoRoot, 'tests/golden/transform');
/** TEIKIT_UPDATE_GOLDEN=1 rewrites the golden files; review the diff by eye before committing it. */
const update = process.env['TEIKIT_UPDATE_GOLDEN'] === '1';

let engine: SaxonEngine;
const outputs = new Map<string, Outputs>();
const names = ['minimal', 'journal', 'unknown-elements', 'hostile'];

beforeAll(async () => {
  engine = await sharedEngine();
  for (const n of names) outputs.set(n, await engine.transform(await fs.readFile(path.join(fixtures, `${n}.xml`), 'utf8')));
});

describe('golden outputs of the fixtures', () => {
  for (const n of names) {
    for (const suffix of OUTPUT_SUFFIXES) {
      it(`${n}${suffix}`, async () => {
        const actual = outputs.get(n)![suffix];
        const file = path.join(golden, n + suffix);
        if (update) await fs.writeFile(file, actual);
        expect(actual).toBe(await fs.readFile(file, 'utf8'));
      });
    }
  }
});

/** Every CSV: BOM, header, CRLF records, the same number of fields in each, nothing that starts a formula. */
describe('CSV outputs (RFC 4180)', () => {
  for (const n of names) {
    for (const suffix of ['.entities.csv', '.mentions.csv', '.reactions.csv'] as const) {
      it(`${n}${suffix}`, () => {
        const csv = outputs.get(n)![suffix];
        expect(csv.startsWith('\uFEFF')).toBe(true);
        expect(csv.endsWith('\r\n')).toBe(true);
        // One record per line: no bare LF or CR anywhere, so line count = record count.
        expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        const rows: string[][] = parse(csv, { bom: true, relax_column_count: false });
        expect(rows.length).toBe(csv.split('\r\n').length - 1);
        for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
      });
    }
  }

  it('neutralises formula cells with an apostrophe and keeps their text', () => {
    const rows: string[][] = parse(outputs.get('hostile')!['.entities.csv'], { bom: true });
    const byId = new Map(rows.map((r) => [r[0], r]));
    expect(byId.get('p-eq')?.[2]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(byId.get('p-eq')?.[6]).toBe(`'+cmd|' /C calc'!A0`);
    expect(byId.get('p-plus')?.[2]).toBe(`'+1+1`);
    expect(byId.get('p-minus')?.[2]).toBe(`'-minus`);
    expect(byId.get('p-minus')?.[6]).toBe('Line one line two');
    expect(byId.get('p-at')?.[2]).toBe(`'@SUM(A1:A2)`);
    // The raw file quotes them, so no spreadsheet reads the apostrophe as a prefix of its own.
    expect(outputs.get('hostile')!['.entities.csv']).toContain(`"'+1+1"`);
  });

  it('counts mentions per entity and keeps non-ASCII text', () => {
    const rows: string[][] = parse(outputs.get('journal')!['.entities.csv'], { bom: true, columns: true });
    expect(rows).toContainEqual(expect.objectContaining({ id: 'per-premier', mentions: '2', type: 'person' }));
    expect(rows).toContainEqual(expect.objectContaining({ id: 'per-amb', other_names: 'А. Б. Посол (ru)', authority_ids: 'wikidata:Q4115189' }));
  });
});

describe('HTML safety', () => {
  const html = () => outputs.get('hostile')!['.html'];
  it('never emits a script element or an event handler from the document', () => {
    expect(html()).not.toMatch(/<script/i);
    expect(html()).not.toMatch(/<img/i);
    // Inside tags only: the document's own text "onerror=" is escaped text, which is fine.
    expect(html()).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(html()).toContain('&lt;script&gt;alert("title")&lt;/script&gt;');
  });
  it('links only http(s), mailto and in-page targets', () => {
    const hrefs = [...html().matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(5);
    for (const h of hrefs) expect(h).toMatch(/^(https?:\/\/|mailto:|#)/);
    expect(hrefs).toContain('https://example.org/ok?a=1&amp;b=&#34;2&#34;');
    expect(hrefs).toContain('mailto:editor@example.org');
    expect(html()).not.toMatch(/href="[^"]*javascript/i);
    // The text of an unsafe link stays, as text.
    expect(html()).toContain('javascript link');
  });
  it('requests nothing: no remote stylesheet, script, font or image', () => {
    for (const doc of outputs.values()) {
      expect(doc['.html']).not.toMatch(/<(link|script|img|iframe|object|embed)\b/i);
      expect(doc['.html']).not.toMatch(/url\(|@import/);
    }
  });
});
