import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSchematron, type CompiledSchematron, type PatternCompiler } from '../../src/validate/schematron.js';
import { loadSaxon } from '../../src/validate/schematron-saxon.js';
import { repoRoot } from '../helpers/io.js';
import { teiAll } from './schematron-helpers.js';

/**
 * One fixture per TEI Schematron pattern (tests/fixtures/schematron/PATTERN-ID.xml), each a small TEI
 * document that breaks that pattern's rules. Its `<?teikit-expect severity message?>` instructions hold
 * what must be reported, written from the rule's own text (sch:name and sch:value-of expanded by hand),
 * and nothing else may be reported.
 */
const dir = path.join(repoRoot, 'tests/fixtures/schematron');
const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

let compiled: CompiledSchematron;
let compile: PatternCompiler;
const fired = new Set<string>();
const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.xml')).sort();

beforeAll(async () => {
  ({ schematron: compiled, compile } = await teiAll());
});

// Each fixture through both engines: teikit's XPath evaluator (SaxonJS for what it refuses) and SaxonJS alone.
// With CR LF line ends too (files saved on Windows): the evaluator reads them as an XML parser does.
describe.each([
  ['teikit XPath first', true, false],
  ['SaxonJS only', false, false],
  ['teikit XPath first, CR LF line ends', true, true],
] as const)('TEI Schematron rules, one fixture per pattern (%s)', (_engine, native, crlf) => {
  it.each(files)('%s', async (file) => {
    const lf = await fs.readFile(path.join(dir, file), 'utf8');
    const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
    const expected = [...text.matchAll(/<\?teikit-expect severity="(\w+)" message="([^"]*)"\?>/g)].map((m) => `${m[1]}: ${decode(m[2]!)}`);
    expect(expected.length).toBeGreaterThan(0);
    const diags = await runSchematron(compiled, text, file, await loadSaxon(), undefined, compile, { native });
    for (const d of diags) fired.add(d.rule ?? '');
    expect(diags.map((d) => `${d.severity}: ${d.message}`).sort()).toEqual(expected.sort());
    // The pattern the fixture is named after is among those that fired, and every diagnostic has a line.
    const pattern = file.replace(/\.xml$/, '');
    expect(diags.some((d) => d.rule === pattern || d.rule?.startsWith(`${pattern}/`))).toBe(true);
    for (const d of diags) expect(d.line).toBeGreaterThan(2);
  });

});

describe("teikit's XPath evaluator, without SaxonJS", () => {
  // The engine tables above pass whether or not the evaluator answers (SaxonJS runs what it refuses): here
  // SaxonJS is not available at all, so these documents must be checked by the evaluator alone.
  const noSaxon = () => Promise.reject(new Error('SaxonJS was asked for'));
  it('checks the edition', async () => {
    const text = await fs.readFile(path.join(repoRoot, 'tei/puzanov-1957-07-08.xml'), 'utf8');
    expect(await runSchematron(compiled, text, 'edition.xml', noSaxon, undefined, compile)).toEqual([]);
  });
  it.each(['tei_all-att.datable.w3c-att-datable-w3c-when-constraint-rule-2.xml', 'tei_all-p-abstractModel-structure-p-in-ab-or-p-constraint-rule-12.xml', 'tei_all-att.spanning-spanTo-spanTo-points-to-following-constraint-rule-8.xml'])('checks %s', async (file) => {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    const viaEvaluator = await runSchematron(compiled, text, file, noSaxon, undefined, compile);
    const viaSaxon = await runSchematron(compiled, text, file, await loadSaxon(), undefined, compile, { native: false });
    expect(viaEvaluator.length).toBeGreaterThan(0);
    expect(viaEvaluator).toEqual(viaSaxon);
  });
});

describe('@spanTo must point forwards: id(), substring() and >> in the evaluator, as SaxonJS answers them', () => {
  const tei = (body: string) =>
    `<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<teiHeader><fileDesc><titleStmt><title>T</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p></sourceDesc></fileDesc></teiHeader>\n<text><body>\n${body}\n</body></text>\n</TEI>`;
  const noSaxon = () => Promise.reject(new Error('SaxonJS was asked for'));
  // Backwards, forwards, to no element, to several ids at once, with a space, to the element itself, and to an astral-plane id.
  const answered = tei('<p><anchor xml:id="a1"/>x <addSpan spanTo="#a1"/> <delSpan spanTo="#a2"/> <anchor xml:id="a2"/>\n<addSpan spanTo="#gone"/> <addSpan spanTo="#a1 #a2"/> <addSpan spanTo="#"/> <addSpan spanTo=" #a2"/>\n<addSpan xml:id="self" spanTo="#self"/> <damageSpan spanTo="#\u{1D11E}x"/><anchor xml:id="\u{1D11E}x"/></p>');
  it('answers without SaxonJS, and as SaxonJS does', async () => {
    const viaEvaluator = await runSchematron(compiled, answered, 'span.xml', noSaxon, undefined, compile);
    const viaSaxon = await runSchematron(compiled, answered, 'span.xml', await loadSaxon(), undefined, compile, { native: false });
    expect(viaEvaluator.filter((d) => d.message.includes('must follow')).map((d) => d.line)).toEqual([4, 5, 5, 5, 6]);
    expect(viaEvaluator).toEqual(viaSaxon);
  });
  // SaxonJS takes an unprefixed @id for an ID too, and finds every element of an id used twice: left to it.
  it.each([
    ['an unprefixed @id', tei('<p><anchor id="b1"/> <addSpan spanTo="#b1"/></p>')],
    ['an xml:id used twice', tei('<p><anchor xml:id="c1"/> <addSpan spanTo="#c1"/> <anchor xml:id="c1"/></p>')],
    ['an xml:id holding a no-break space', tei('<p><addSpan spanTo="#d1"/> <anchor xml:id="&#160;d1"/></p>')],
    ['a pointer holding a no-break space', tei('<p><anchor xml:id="e1"/> <addSpan spanTo="#e2&#160;e1"/> <anchor xml:id="e2"/></p>')],
  ])('leaves a document with %s to SaxonJS', async (_what, text) => {
    await expect(runSchematron(compiled, text, 'span.xml', noSaxon, undefined, compile)).rejects.toThrow('SaxonJS was asked for');
    const viaSaxon = await runSchematron(compiled, text, 'span.xml', await loadSaxon(), undefined, compile, { native: false });
    expect(await runSchematron(compiled, text, 'span.xml', await loadSaxon(), undefined, compile)).toEqual(viaSaxon);
  });
});

describe('TEI Schematron rules, coverage', () => {
  it('every rule of tei_all fired in some fixture', () => {
    expect(compiled.rules.map((r) => r.ruleId).filter((id) => !fired.has(id))).toEqual([]);
    expect(compiled.skipped).toEqual([]);
  });
});
