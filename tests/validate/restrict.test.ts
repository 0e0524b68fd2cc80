import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { XmllintEngine, RestrictingEngine } from '../../src/validate/relaxng.js';
import { deriveSchema, documentShape, JING_ANYURI_PATTERN, parseRng } from '../../src/validate/restrict.js';
import { sha256, type ResolvedSchema } from '../../src/validate/schema.js';
import { corpusDir, repoRoot, schemaDir, testIo } from '../helpers/io.js';
import * as os from 'node:os';

const teiAllPath = path.join(schemaDir, 'tei_all.rng');
const teiAllText = fs.readFileSync(teiAllPath, 'utf8');
const teiAll: ResolvedSchema = { path: teiAllPath, text: teiAllText, sha256: sha256(teiAllText) };

/** The definitions documentShape must match: the two regex scans it replaced. */
function namesByRegex(text: string): string[] {
  return [...new Set([...text.matchAll(/<([^\s/>!?<="']+)/g)].map((m) => m[1]!.slice(m[1]!.lastIndexOf(':') + 1)))];
}
function runByRegex(text: string): number {
  const runs: { last: string; run: number }[] = [{ last: '', run: 0 }];
  let longest = 0;
  for (const m of text.matchAll(/<(\/?)([^\s/>!?<="']+)[^>]*?(\/?)>/g)) {
    if (m[1]) {
      if (runs.length > 1) runs.pop();
      continue;
    }
    const top = runs[runs.length - 1]!;
    top.run = top.last === m[2] ? top.run + 1 : 1;
    top.last = m[2]!;
    longest = Math.max(longest, top.run);
    if (!m[3]) runs.push({ last: '', run: 0 });
  }
  return longest;
}

describe('documentShape', () => {
  it('finds every element name, any namespace, and never misses one hidden by markup it does not parse', () => {
    const { names } = documentShape('<!DOCTYPE TEI [<!ENTITY e "<hi>x</hi>">]><TEI xmlns:t="x"><t:p a="1"/><!-- <note> --><![CDATA[<seg>]]>&e;</TEI>');
    expect([...names].sort()).toEqual(['TEI', 'hi', 'note', 'p', 'seg']);
  });
  it('names and runs exactly as the regex scans it replaced, in the same order, on the corpus and on mutants', () => {
    const docsDir = path.join(corpusDir, 'docs');
    const texts = fs.readdirSync(docsDir).sort().map((f) => fs.readFileSync(path.join(docsDir, f), 'utf8'));
    // Mutants: tags cut, odd characters after "<" (Unicode spaces the regex's \s knows), unclosed tags at the end.
    const odd = ['<', '>', '/', '</', '/>', '<!', '<?', '\u00a0', '\u2028', '\ufeff', '\u3000', '\u0085', '\v', '"', "'", '=', ':', '<a:', '<x/', '</ >'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const mutants: string[] = [];
    for (const t of texts.filter((x) => x.length < 60_000).slice(0, 40)) {
      for (let m = 0; m < 25; m++) {
        let s = t;
        for (let e = 0; e < 4; e++) {
          const at = rand(s.length + 1);
          s = rand(3) === 0 ? s.slice(0, at) + s.slice(at + rand(12)) : s.slice(0, at) + odd[rand(odd.length)]! + s.slice(at);
        }
        mutants.push(s, s.slice(0, rand(s.length + 1)));
      }
    }
    for (const text of [...texts, ...mutants, '', '<', '</', '<a', '<a/', '<a><b/', '</a>', '<a></a></a></a><b/><b/>']) {
      const shape = documentShape(text);
      expect([...shape.names]).toEqual(namesByRegex(text));
      expect(shape.longestRun).toBe(runByRegex(text));
    }
  });
});

describe('deriveSchema', () => {
  const tree = parseRng(teiAllText);
  it('parses tei_all: one grammar, no include/externalRef/parentRef to worry about', () => {
    expect(tree.k).toBe('grammar');
    const kinds = new Set<string>();
    const visit = (n: typeof tree) => (kinds.add(n.k), n.c.forEach(visit));
    visit(tree);
    for (const k of ['include', 'externalRef', 'parentRef']) expect(kinds.has(k)).toBe(false);
    expect(kinds.has('anyName')).toBe(true);
  });
  it('keeps only what the names need, and wildcard elements (egXML content) always', () => {
    const names = ['TEI', 'teiHeader', 'fileDesc', 'titleStmt', 'title', 'publicationStmt', 'sourceDesc', 'p', 'text', 'body'];
    const small = deriveSchema(tree, { elements: new Set(names) });
    const full = deriveSchema(tree, { elements: null });
    expect(small.text.length).toBeLessThan(full.text.length / 5);
    expect(small.text).not.toContain('<anyName');
    const withExamples = deriveSchema(tree, { elements: new Set([...names, 'egXML']) });
    expect(withExamples.text).toContain('<anyName');
    expect(small.dropped).toBeGreaterThan(small.kept * 10);
  });
  it('drops the optional attributes the documents do not put on an element, and references left with nothing, never a required one', () => {
    const elements = new Set(['TEI', 'teiHeader', 'fileDesc', 'titleStmt', 'title', 'publicationStmt', 'sourceDesc', 'p', 'text', 'body', 'figure', 'graphic']);
    const all = deriveSchema(tree, { elements }).text;
    const used = deriveSchema(tree, { elements, attributes: new Map([['TEI', new Set(['id'])], ['graphic', new Set(['n'])]]) }).text;
    const defineOf = (text: string, element: string) => text.match(new RegExp(`<define name="tei_${element}">.*`))![0];
    // The element's references go to copies of the attribute classes that hold only what it uses.
    expect(defineOf(used, 'graphic')).toMatch(/<ref name="tei_att\.global\.attributes--attributes-\d+"\/>/);
    for (const kept of ['name="id"', 'name="n"', 'name="url"']) expect(used).toContain(kept);
    expect(all).toContain('name="rend"');
    expect(used).not.toContain('name="rend"');
    // @url of <graphic> is required: it stays even though no document has one (and the documents are invalid).
    expect(deriveSchema(tree, { elements, attributes: new Map() }).text).toContain('name="url"');
    // att.global.rendition.attributes holds only optional attributes none of them uses: no reference to it is left.
    expect(all).toContain('<ref name="tei_att.global.rendition.attributes"/>');
    expect(used).not.toContain('att.global.rendition');
    expect(used.length).toBeLessThan(all.length / 2);
  });
  it('names its attribute copies so that they never clash with a definition of the schema', () => {
    const grammar = parseRng(`<grammar xmlns="http://relaxng.org/ns/structure/1.0">
      <start><element name="r"><ref name="r.attributes"/><ref name="x--attributes-1"/></element></start>
      <define name="r.attributes"><optional><attribute name="a"/></optional><optional><attribute name="b"/></optional></define>
      <define name="x--attributes-1"><zeroOrMore><element name="s"><empty/></element></zeroOrMore></define>
    </grammar>`);
    const text = deriveSchema(grammar, { elements: null, attributes: new Map([['r', new Set(['a'])]]) }).text;
    expect(text).toContain('<ref name="r.attributes---attributes-1"/>');
    expect(text).toContain('<define name="r.attributes---attributes-1"><optional><attribute name="a" ns=""/></optional></define>');
    expect(text).toContain('<define name="x--attributes-1">');
  });
  it('rewrites xsd:anyURI to Jing\'s check', () => {
    const text = deriveSchema(tree, { elements: new Set(['TEI', 'ref']) }).text;
    expect(text).not.toContain('type="anyURI"');
    expect(text).toContain(JING_ANYURI_PATTERN.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
  });
});

describe('JING_ANYURI_PATTERN accepts exactly what Jing\'s Uri.isValid accepts', () => {
  const re = new RegExp(`^(?:${JING_ANYURI_PATTERN})$`);
  const accepted = ['', '#a', 'a b', 'http://http://www.example.org/x', 'x.xml#frag', 'http://example.org/%20', '../a/b?c:d', '[UUID]', 'urn:x', 'mailto:a@b', 'a/b:c', 'psn:a#b'];
  const rejected = ['http://example.org/%zz', 'a#b#c', '%2', 'http:', '1http://x', ':x', 'ht_tp://x'];
  for (const s of accepted) it(`accepts ${JSON.stringify(s)}`, () => expect(re.test(s)).toBe(true));
  for (const s of rejected) it(`rejects ${JSON.stringify(s)}`, () => expect(re.test(s)).toBe(false));
});

/**
 * The proof that restriction is exact, by experiment: libxml2 with the full tei_all and with the derived schema
 * give the same verdict and the same error lines, on corpus documents of many kinds and on invalid fixtures.
 */
describe('restricted schema vs full tei_all (both through xmllint-wasm)', () => {
  interface Row { file: string; bytes: string; kind: string; jing_verdict: string }
  const rows: Row[] = parse(fs.readFileSync(path.join(corpusDir, 'manifest.csv'), 'utf8'), { columns: true });
  // Not anyURI-sensitive ones: the derived schema uses Jing's anyURI on purpose, tei_all libxml2's.
  const anyUriSensitive = /Bilinska|cmif-(digital|printed)-edition/;
  // One small document of each kind (first by name), plus every fixture: many different element sets.
  const perKind = new Map<string, Row>();
  for (const r of [...rows].sort((a, b) => a.file.localeCompare(b.file))) {
    if (Number(r.bytes) < 120_000 && !anyUriSensitive.test(r.file) && !perKind.has(r.kind) && r.jing_verdict !== 'io-error') perKind.set(r.kind, r);
  }
  const fixtures = path.join(repoRoot, 'tests/fixtures/validate');
  const fixtureFiles = fs.readdirSync(fixtures).filter((f) => f.endsWith('.xml') && !/not-well-formed|undeclared-entity|dtd-missing|anyuri/.test(f));
  const docs = [
    ...[...perKind.values()].map((r) => ({ file: r.file, text: fs.readFileSync(path.join(corpusDir, 'docs', r.file), 'utf8') })),
    ...fixtureFiles.map((f) => ({ file: f, text: fs.readFileSync(path.join(fixtures, f), 'utf8') })),
  ];
  let full: Diagnostic[][];
  let restricted: Diagnostic[][];
  beforeAll(async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-restrict-'));
    [full, restricted] = await Promise.all([
      new XmllintEngine().validate(teiAll, docs),
      new RestrictingEngine(testIo(repoRoot, { TEIKIT_CACHE_DIR: cache })).validate(teiAll, docs),
    ]);
  }, 600_000);

  it('covers many element sets', () => {
    expect(docs.length).toBeGreaterThan(30);
    expect(new Set(docs.map((d) => [...documentShape(d.text).names].sort().join())).size).toBeGreaterThan(30);
  });
  it('same verdict and same error lines for every document', () => {
    const summary = (ds: Diagnostic[]) => ({
      valid: !ds.some((d) => d.severity === 'error'),
      lines: [...new Set(ds.filter((d) => d.source === 'relaxng').map((d) => d.line))].sort((a, b) => a! - b!),
    });
    const diffs = docs.map((d, i) => ({ file: d.file, full: summary(full[i]!), restricted: summary(restricted[i]!) })).filter((x) => JSON.stringify(x.full) !== JSON.stringify(x.restricted));
    expect(diffs).toEqual([]);
    expect(docs.filter((_, i) => !summary(full[i]!).valid).length).toBeGreaterThan(10);
  });
});
