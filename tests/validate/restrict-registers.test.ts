import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { RestrictingEngine, XmllintEngine } from '../../src/validate/relaxng.js';
import { deriveSchema, documentShape, parseRng } from '../../src/validate/restrict.js';
import { sha256, type ResolvedSchema } from '../../src/validate/schema.js';
import { corpusDir, repoRoot, schemaDir, testIo } from '../helpers/io.js';

/**
 * Derived schemas for documents with long registers write TEI's `((place | listPlace)+, (relation | listRelation)*)+`
 * as `(place | listPlace), (place | listPlace | relation | listRelation)*`, which libxml2 validates in linear time.
 * These tests show the rewrite changes no verdict (exhaustively on a small grammar, and on register documents
 * against the full tei_all), where its errors land, and that other documents keep the full schema's errors.
 */

const RNG = 'http://relaxng.org/ns/structure/1.0';
const resolved = (text: string, p = 'schema.rng'): ResolvedSchema => ({ path: p, text, sha256: sha256(text) });
const relaxng = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'relaxng').map((d) => `${d.line}: ${d.message}`);

/** Every sequence over `alphabet` up to `max` items. */
function sequences(alphabet: readonly string[], max: number): string[][] {
  const out: string[][] = [[]];
  for (let start = 0, len = 1; len <= max; len++) {
    const end = out.length;
    for (let i = start; i < end; i++) for (const a of alphabet) out.push([...out[i]!, a]);
    start = end;
  }
  return out;
}

describe('(X+, Y*)+ rewritten as X, (X | Y)*: a small grammar, every sequence of up to 5 children', () => {
  // b through a ref, as TEI's model classes are; d after the repetition; e is allowed nowhere.
  const grammar = `<grammar xmlns="${RNG}"><start><element name="r"><oneOrMore><oneOrMore><choice><element name="a"><empty/></element><ref name="b"/></choice></oneOrMore><zeroOrMore><element name="c"><empty/></element></zeroOrMore></oneOrMore><optional><element name="d"><empty/></element></optional></element></start><define name="b"><element name="b"><empty/></element></define></grammar>`;
  // The register rewrite alone (compactChoices, tested in restrict-choices.test.ts, would reshape its choices).
  const derived = deriveSchema(parseRng(grammar), { elements: null, flattenRegisters: true, compactChoices: false }).text;
  const docs = sequences(['a', 'b', 'c', 'd', 'e'], 5).map((s, i) => ({ file: `s${i}`, text: `<r>\n${s.map((x) => `<${x}/>\n`).join('')}</r>\n` }));
  let original: Diagnostic[][];
  let rewritten: Diagnostic[][];
  beforeAll(async () => {
    // In slices: thousands of files in one xmllint-wasm run exhaust its memory.
    const inSlices = async (schema: ResolvedSchema) => {
      const out: Diagnostic[][] = [];
      for (let i = 0; i < docs.length; i += 500) out.push(...(await new XmllintEngine().validate(schema, docs.slice(i, i + 500))));
      return out;
    };
    original = await inSlices(resolved(grammar));
    rewritten = await inSlices(resolved(derived));
  }, 120_000);

  it('is rewritten (no nested repetition left) only when asked', () => {
    expect(deriveSchema(parseRng(grammar), { elements: null }).text).toMatch(/<oneOrMore><oneOrMore>/);
    expect(derived).not.toMatch(/<oneOrMore><oneOrMore>/);
    expect(derived).toContain('<zeroOrMore><choice><element name="a" ns=""><empty/></element><ref name="b"/><element name="c" ns=""><empty/></element></choice></zeroOrMore>');
  });
  // Messages differ by design (the flat form blames the misplaced child, the nested one its parent).
  it('gives the same verdict for each of them', () => {
    const invalid = (ds: Diagnostic[]) => ds.some((d) => d.severity === 'error');
    const diffs = docs.filter((_, i) => invalid(original[i]!) !== invalid(rewritten[i]!)).map((d) => d.text.replace(/\n/g, ''));
    expect(diffs).toEqual([]);
    const valid = original.filter((ds) => !ds.some((d) => d.severity === 'error')).length;
    // Both outcomes are well represented, so agreement means something.
    expect(valid).toBeGreaterThan(100);
    expect(docs.length - valid).toBeGreaterThan(1000);
  });
  it('leaves the nesting alone when an item is not element-only (attributes do not repeat like elements)', () => {
    const withAttribute = grammar.replace('<ref name="b"/>', '<attribute name="n"/>');
    expect(deriveSchema(parseRng(withAttribute), { elements: null, flattenRegisters: true }).text).toMatch(/<oneOrMore><oneOrMore>/);
  });
});

describe('registers against the full tei_all: same verdicts with the rewritten derived schema, errors on the culprit', () => {
  const teiAllPath = path.join(schemaDir, 'tei_all.rng');
  const teiAll = resolved(fs.readFileSync(teiAllPath, 'utf8'), teiAllPath);
  const header = `<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>`;
  const doc = (lines: string[]) => `<TEI xmlns="http://www.tei-c.org/ns/1.0">\n${header}\n<text><body>\n${lines.join('\n')}\n</body></text></TEI>\n`;
  const places = (from: number, n: number) => Array.from({ length: n }, (_, i) => `<place xml:id="pl${from + i}"><placeName>P ${from + i}</placeName></place>`);
  const relation = '<relation name="near" active="#pl1" passive="#pl2"/>';
  // errorLines: where the derived schema reports errors, each the line of the culprit (or of the list that
  // lacks an entry), counted from the document built below: 1 TEI, 2 teiHeader, 3 body, then one line each.
  const cases: Record<string, { lines: string[]; errorLines: number[] }> = {
    'valid: head, a long run, relations between and after': { lines: ['<listPlace>', '<head>H</head>', ...places(0, 300), relation, ...places(300, 5), `<listRelation>${relation}</listRelation>`, '</listPlace>'], errorLines: [] },
    'valid: relations before the first place': { lines: ['<listPlace>', relation, ...places(0, 3), '</listPlace>'], errorLines: [] },
    'invalid: a <p> in the middle of a run of 600': { lines: ['<listPlace>', ...places(0, 450), '<p>x</p>', ...places(450, 150), relation, '</listPlace>'], errorLines: [455] },
    'invalid: <head> after the places': { lines: ['<listPlace>', ...places(0, 5), '<head>H</head>', '</listPlace>'], errorLines: [10] },
    'invalid: <desc> after a relation': { lines: ['<listPlace>', ...places(0, 5), relation, '<desc>d</desc>', ...places(5, 2), '</listPlace>'], errorLines: [11] },
    'invalid: relations and no place': { lines: ['<listPlace>', '<head>H</head>', relation, '</listPlace>'], errorLines: [4] },
    'invalid: only a head': { lines: ['<listPlace>', '<head>H</head>', '</listPlace>'], errorLines: [4] },
    'invalid: an error inside entry 500, one before and one after the list': { lines: ['<p><place/></p>', '<listPlace>', ...places(0, 499), '<place xml:id="bad"><placeName>x</placeName><bogus/></place>', ...places(500, 20), '</listPlace>', '<p><listPlace/></p>'], errorLines: [4, 505, 527] },
    'invalid: a <place> in a listPerson between persons and relations': { lines: ['<listPerson>', '<person xml:id="a"><persName>A</persName></person>', '<personGrp xml:id="g"/>', relation, '<person xml:id="b"/>', '<place/>', '<person xml:id="c"/>', '</listPerson>'], errorLines: [9] },
    'valid: listBibl with relations': { lines: ['<listBibl>', '<bibl>a</bibl>', '<biblStruct><monogr><title>t</title><imprint><date>1900</date></imprint></monogr></biblStruct>', relation, '<bibl>b</bibl>', '</listBibl>'], errorLines: [] },
    'invalid: listBibl with a <p> after its relations': { lines: ['<listBibl>', '<bibl>a</bibl>', relation, '<p>x</p>', '</listBibl>'], errorLines: [7] },
  };
  const docs = Object.entries(cases).map(([file, c]) => ({ file, text: doc(c.lines) }));
  const names = new Set(docs.flatMap((d) => [...d.text.matchAll(/<([A-Za-z]+)/g)].map((m) => m[1]!)));
  const flat = deriveSchema(parseRng(teiAll.text), { elements: names, flattenRegisters: true, compactChoices: false }).text;
  let full: Diagnostic[][];
  let restricted: Diagnostic[][];
  let engine: Diagnostic[][];
  beforeAll(async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-registers-'));
    [full, restricted, engine] = await Promise.all([
      new XmllintEngine().validate(teiAll, docs),
      new XmllintEngine().validate(resolved(flat), docs),
      new RestrictingEngine(testIo(repoRoot, { TEIKIT_CACHE_DIR: cache })).validate(teiAll, docs),
    ]);
  }, 600_000);

  it('validates with the rewritten registers', () => {
    expect(flat).toContain('<group><choice><ref name="tei_model.placeLike"/><ref name="tei_listPlace"/></choice><zeroOrMore><choice><ref name="tei_model.placeLike"/><ref name="tei_listPlace"/><ref name="tei_relation"/><ref name="tei_listRelation"/></choice></zeroOrMore></group>');
  });
  // libxml2 with the nested form (the full tei_all) blames the list's first line for any misplaced child; the
  // flat form names the culprit. So the verdicts must agree, and the derived schema's lines are checked.
  for (const [i, [name, c]] of Object.entries(cases).entries()) {
    it(name, () => {
      const invalid = (ds: Diagnostic[]) => ds.some((d) => d.severity === 'error');
      expect(invalid(restricted[i]!)).toBe(invalid(full[i]!));
      expect(invalid(full[i]!)).toBe(name.startsWith('invalid'));
      expect([...new Set(restricted[i]!.map((d) => d.line))]).toEqual(c.errorLines);
    });
  }
  it('RestrictingEngine flattens only for documents with a run over 200 siblings: the others keep the full schema\'s errors', () => {
    for (const [i, [name, c]] of Object.entries(cases).entries()) {
      const long = c.lines.length > 200;
      expect([name, engine[i]!.map((d) => d.line)]).toEqual([name, (long ? restricted : full)[i]!.map((d) => d.line)]);
    }
    // Both kinds are there, and they differ where it matters.
    const middle = Object.keys(cases).indexOf('invalid: a <p> in the middle of a run of 600');
    const headAfter = Object.keys(cases).indexOf('invalid: <head> after the places');
    expect(engine[middle]!.map((d) => d.line)).toEqual([455]);
    expect(engine[headAfter]!.map((d) => d.line)).not.toEqual([10]);
  });
  it('says what is missing when a register has no entry', () => {
    const onlyHead = Object.keys(cases).indexOf('invalid: only a head');
    expect(relaxng(restricted[onlyHead]!)).toEqual([expect.stringMatching(/^4: <listPlace> is incomplete: a required child element is missing/)]);
  });
});

describe('the rewrite in tei_all', () => {
  it('changes exactly the seven registers', () => {
    const tree = parseRng(fs.readFileSync(path.join(schemaDir, 'tei_all.rng'), 'utf8'));
    const defines = (text: string) => new Map([...text.matchAll(/<define name="([^"]+)">.*<\/define>/g)].map((m) => [m[1]!, m[0]]));
    const nested = defines(deriveSchema(tree, { elements: null }).text);
    const flat = defines(deriveSchema(tree, { elements: null, flattenRegisters: true }).text);
    const changed = [...flat].filter(([name, text]) => nested.get(name) !== text).map(([name]) => name).sort();
    expect(changed).toEqual(['tei_listBibl', 'tei_listEvent', 'tei_listNym', 'tei_listObject', 'tei_listOrg', 'tei_listPerson', 'tei_listPlace']);
    for (const name of changed) expect(flat.get(name)).not.toMatch(/<oneOrMore><oneOrMore>/);
  });
});

describe('documentShape: longestRun', () => {
  it('counts consecutive same-named siblings, not cousins or other names between', () => {
    expect(documentShape('<a><b/><b></b><b><b/></b><c/><b/></a>').longestRun).toBe(3);
    expect(documentShape('<a><x><b/></x><x><b/></x></a>').longestRun).toBe(2);
    expect(documentShape('<a><b/><c/><b/><c/></a>').longestRun).toBe(1);
    expect(documentShape(fs.readFileSync(path.join(corpusDir, 'docs', 'arthur-schnitzler--schnitzler-tagebuch-data--indices__listplace.xml'), 'utf8')).longestRun).toBe(2216);
  });
});
