import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, prepareDocument } from '../../src/validate/entities.js';
import { repoRoot } from '../helpers/io.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/hostile/dtd');
const read = (name: string) => fs.readFile(path.join(fixtures, name), 'utf8');

function ok(text: string): string {
  const r = prepareDocument('t.xml', text);
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.diagnostics)}`);
  return r.text;
}

function errors(text: string) {
  const r = prepareDocument('t.xml', text);
  expect(r.ok).toBe(false);
  return r.diagnostics;
}

/* SaxonJS, the parser `build` uses, reads the result as a conformant parser would (no types shipped). */
const saxon = createRequire(import.meta.url)('saxon-js') as {
  getResource(o: { text: string; type: 'xml' }): Promise<unknown>;
  XPath: { evaluate(xpath: string, context: unknown): unknown };
};
const xpathString = async (xml: string, xpath: string) => String(saxon.XPath.evaluate(`string(${xpath})`, await saxon.getResource({ text: xml, type: 'xml' })));

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false }).parse(xml);

describe('internal entities are expanded, lines kept', () => {
  it('expands text, markup and attribute entities of the committed fixture, every line where it was', async () => {
    const src = await read('internal-entities.xml');
    const out = ok(src);
    expect(out.split('\n')).toHaveLength(src.split('\n').length);
    // Each line of the body is on the same line number after expansion.
    const lineOf = (s: string, needle: string) => s.slice(0, s.indexOf(needle)).split('\n').length;
    expect(lineOf(out, 'unknownElement')).toBe(lineOf(src, 'unknownElement'));
    expect(out).not.toContain('<!ENTITY');
    expect(out).not.toContain('DOCTYPE');
    const doc = parse(out);
    const p = doc.TEI.text.body.p[0];
    expect(p['@n']).toBe('the editor');
    expect(p.placeName).toBe("Democratic People's Republic of Korea");
    expect(p['#text']).toContain('The Ambassador A. M. Puzanov arrived in the');
    expect(doc.TEI.teiHeader.fileDesc.publicationStmt.p).toBe('Prepared by the editor (\u2116 1).');
  });

  it('turns newlines of replacement text into &#10; in text and spaces in markup, so no line is added', async () => {
    const src = '<!DOCTYPE a [<!ENTITY x "one\ntwo"><!ENTITY t "<b\nc=\'1\'>&x;</b>">]>\n<a>&t;</a>';
    const out = ok(src);
    expect(out.split('\n')).toHaveLength(src.split('\n').length);
    expect(out.split('\n').at(-1)).toBe("<a><b c='1'>one&#10;two</b></a>");
    expect(out).toContain("<b c='1'>one&#10;two</b>");
    expect(await xpathString(out, '/a/b')).toBe('one\ntwo');
  });

  it('escapes quotes and normalises white space of entities used in attribute values', () => {
    const out = ok(`<!DOCTYPE a [<!ENTITY q 'say "hi"\tnow'><!ENTITY s "it's">]><a x="&q;" y='&s;'/>`);
    expect(parse(out).a['@x']).toBe('say "hi" now');
    expect(parse(out).a['@y']).toBe("it's");
  });

  it('replaces character references when the entity is declared, as XML 1.0 §4.5 says', async () => {
    // The specification's own example.
    const out = ok('<!DOCTYPE p [<!ENTITY example "<p>An ampersand (&#38;#38;) may be escaped numerically (&#38;#38;#38;) or with a general entity (&amp;amp;).</p>">]><r>&example;</r>');
    expect(out).toContain('<p>An ampersand (&#38;) may be escaped numerically (&#38;#38;) or with a general entity (&amp;amp;).</p>');
    expect(await xpathString(out, '/r/p')).toBe('An ampersand (&) may be escaped numerically (&#38;) or with a general entity (&amp;).');
  });

  it('lets the first declaration bind and keeps the five predefined entities as written', () => {
    const out = ok('<!DOCTYPE a [<!ENTITY x "first"><!ENTITY x "second"><!ENTITY lt "&#38;#60;">]><a>&x; &lt; &amp;</a>');
    expect(out).toContain('<a>first &lt; &amp;</a>');
  });

  it('reads declarations from an internal parameter entity', () => {
    const out = ok(`<!DOCTYPE a [<!ENTITY % decls "<!ENTITY x 'from a parameter entity'>"> %decls;]><a>&x;</a>`);
    expect(out).toContain('<a>from a parameter entity</a>');
  });

  it('returns a document without DOCTYPE or references unchanged', () => {
    const src = '<?xml version="1.0"?>\n<a b="c">d &amp; &#233;</a>\n';
    expect(ok(src)).toBe(src);
  });
});

describe('external entities are refused, never read', () => {
  const cases: Array<{ name: string; doc: string; line: number; message: RegExp }> = [
    { name: 'SYSTEM file: URL', doc: '<!DOCTYPE a [\n<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<a>&x;</a>', line: 3, message: /&x; is an external entity pointing to SYSTEM "file:\/\/\/etc\/passwd" \(declared on line 2\).*never reads/ },
    { name: 'PUBLIC http: URL', doc: '<!DOCTYPE a [<!ENTITY x PUBLIC "-//X//EN" "http://example.org/x">]><a>\n&x;</a>', line: 2, message: /PUBLIC "-\/\/X\/\/EN" "http:\/\/example.org\/x"/ },
    { name: 'in an attribute value', doc: '<!DOCTYPE a [<!ENTITY x SYSTEM "/etc/passwd">]><a b="&x;"/>', line: 1, message: /&x; is an external entity/ },
    { name: 'unparsed (NDATA)', doc: '<!DOCTYPE a [<!NOTATION png SYSTEM "png"><!ENTITY fig SYSTEM "fig.png" NDATA png>]><a>&fig;</a>', line: 1, message: /unparsed entity \(NDATA png\)/ },
    { name: 'reached through an internal one', doc: '<!DOCTYPE a [<!ENTITY x SYSTEM "/etc/passwd"><!ENTITY y "see &x;">]><a>&y;</a>', line: 1, message: /reached through &y; → &x;/ },
    { name: 'external parameter entity', doc: '<!DOCTYPE a [\n<!ENTITY % p SYSTEM "http://example.org/evil.dtd">\n%p;]><a/>', line: 3, message: /parameter entity %p; points to an external file/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [d] = errors(c.doc);
      expect(d).toMatchObject({ code: expect.stringMatching(/^xml\.external-entity$/), line: c.line, severity: 'error' });
      expect(d!.message).toMatch(c.message);
    });
  }

  it('ignores external entities that are declared but never used (the DTD is blanked for every parser)', () => {
    const out = ok('<!DOCTYPE a SYSTEM "file:///etc/passwd" [<!ENTITY x SYSTEM "file:///etc/passwd">]><a/>');
    expect(out).not.toMatch(/passwd|SYSTEM|ENTITY/);
  });
});

describe('limits', () => {
  it('stops the billion laughs within a second or two, with a clear error', async () => {
    for (const name of ['billion-laughs.xml', 'billion-laughs-attribute.xml']) {
      const src = await read(name);
      const t = performance.now();
      const [d] = errors(src);
      expect(performance.now() - t).toBeLessThan(2000);
      expect(d).toMatchObject({ code: 'xml.entity-limit', line: 15 });
      expect(d!.message).toMatch(/more than 10,000,000 characters/);
    }
  });

  it('stops a quadratic blow-up (one large entity referenced many times)', () => {
    const big = 'x'.repeat(100_000);
    const doc = `<!DOCTYPE a [<!ENTITY big "${big}">]>\n<a>${'&big;'.repeat(10_000)}</a>`;
    const t = performance.now();
    const [d] = errors(doc);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(d).toMatchObject({ code: 'xml.entity-limit', line: 2 });
  });

  it('expands a billion references to an empty entity cheaply (each entity is expanded once)', async () => {
    const t = performance.now();
    const out = ok(await read('empty-entity-bomb.xml'));
    expect(performance.now() - t).toBeLessThan(2000);
    expect(out).toContain('<p>Nothing: </p>');
  });

  it('refuses an entity that refers to itself', async () => {
    const [d] = errors(await read('entity-loop.xml'));
    expect(d).toMatchObject({ code: 'xml.entity-loop', line: 6 });
    expect(d!.message).toContain('&a; → &b; → &a;');
  });

  it('refuses entities nested deeper than the limit', () => {
    const decls = Array.from({ length: 60 }, (_, i) => `<!ENTITY e${i} "${i === 59 ? 'end' : `&e${i + 1};`}">`).join('');
    const [d] = errors(`<!DOCTYPE a [${decls}]><a>&e0;</a>`);
    expect(d).toMatchObject({ code: 'xml.entity-limit' });
    expect(d!.message).toMatch(/nest more than 40 deep/);
  });

  it(`refuses elements nested deeper than ${DEFAULT_LIMITS.maxElementDepth}, at the first element too deep`, () => {
    const depth = 20_000;
    const doc = '<TEI>\n' + '<div>'.repeat(depth) + '</div>'.repeat(depth) + '\n</TEI>';
    const [d] = errors(doc);
    expect(d).toMatchObject({ code: 'xml.too-deep', line: 2, column: 5 * (DEFAULT_LIMITS.maxElementDepth - 1) + 1 });
    const fine = '<TEI>' + '<div>'.repeat(DEFAULT_LIMITS.maxElementDepth - 1) + '</div>'.repeat(DEFAULT_LIMITS.maxElementDepth - 1) + '</TEI>';
    expect(prepareDocument('t.xml', fine).ok).toBe(true);
  });

  it('refuses an attribute value of 10 MB (over libxml2\'s 10,000,000 characters) and accepts 1 MB', () => {
    const [d] = errors(`<a>\n<b n="${'x'.repeat(10 * 1024 * 1024)}"/></a>`);
    expect(d).toMatchObject({ code: 'xml.too-long', line: 2, column: 6 });
    expect(d!.message).toMatch(/attribute value of 10,485,760 characters/);
    expect(prepareDocument('t.xml', `<a b="${'x'.repeat(1024 * 1024)}"/>`).ok).toBe(true);
  });
});

describe('other problems, each with line and column', () => {
  const cases: Array<{ name: string; doc: string; code: string; line: number; column?: number; message: RegExp }> = [
    { name: 'undeclared HTML entity', doc: '<a>\n  x&nbsp;y</a>', code: 'xml.undeclared-entity', line: 2, column: 4, message: /&nbsp; is not declared; this is an HTML entity: write &#160; instead/ },
    { name: 'undeclared entity', doc: '<a>&foo;</a>', code: 'xml.undeclared-entity', line: 1, column: 4, message: /declare it in the DOCTYPE/ },
    { name: 'character reference to NUL', doc: '<a>\n&#0;</a>', code: 'xml.bad-char-ref', line: 2, column: 1, message: /U\+0000/ },
    { name: 'character reference to a surrogate', doc: '<a b="&#xD800;"/>', code: 'xml.bad-char-ref', line: 1, column: 7, message: /U\+D800/ },
    { name: 'entity with "<" used in an attribute', doc: '<!DOCTYPE a [<!ENTITY x "<b/>">]><a c="&x;"/>', code: 'xml.entity-in-attribute', line: 1, message: /contains "<"/ },
    { name: 'unclosed DOCTYPE', doc: '<?xml version="1.0"?>\n<!DOCTYPE a [\n<!ENTITY x "y">\n<a/>', code: 'xml.doctype', line: 2, column: 1, message: /never closed/ },
    { name: 'malformed entity declaration', doc: '<!DOCTYPE a [\n<!ENTITY x y>]><a/>', code: 'xml.doctype', line: 2, column: 1, message: /malformed entity declaration <!ENTITY x y>/ },
    { name: 'a declaration in the body (fast-xml-parser lets it pass, SaxonJS fails on it)', doc: '<a>\n  <!ENTITY x SYSTEM "file:///etc/passwd"></a>', code: 'xml.not-well-formed', line: 2, column: 3, message: /<!ENTITY x SYSTEM "file:\/\/\/etc\/passwd"> is a declaration outside the DOCTYPE/ },
    { name: 'an XML declaration in the middle (SaxonJS fails on it)', doc: '<a>\n<?xml version="1.0"?></a>', code: 'xml.not-well-formed', line: 2, column: 1, message: /may only stand at the very start/ },
    { name: 'conditional section', doc: '<!DOCTYPE a [<![INCLUDE[<!ENTITY x "y">]]>]><a/>', code: 'xml.doctype', line: 1, message: /conditional sections/ },
    { name: 'parameter entity reference inside a declaration', doc: '<!DOCTYPE a [<!ENTITY % p "x"><!ENTITY x "%p;">]><a/>', code: 'xml.doctype', line: 1, message: /parameter entity references are not allowed inside declarations/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [d] = errors(c.doc);
      expect(d).toMatchObject({ code: c.code, line: c.line, ...(c.column ? { column: c.column } : {}) });
      expect(d!.message).toMatch(c.message);
    });
  }

  it('skips comments, CDATA and processing instructions, where "&" is just a character', () => {
    const src = '<a><!-- &nbsp; --><![CDATA[ &nbsp; ]]><?pi &nbsp;?></a>';
    expect(ok(src)).toBe(src);
  });
});
