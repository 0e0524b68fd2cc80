import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXml, XmlSyntaxError, type XmlDocument, type XmlElement, type XmlNode } from '../../src/util/xml-positions.js';
import { corpusDir } from '../helpers/io.js';
import { parseEager, type EagerDocument } from './xml-positions-reference.js';

/**
 * Differences between the lazy tree and the eager reference, as readable lines (none expected): every element's
 * fields and attributes, every child in order (elements by their place in document order, text nodes field by
 * field, `jumps` present exactly when the reference has it), parents, ids. Gathered in plain code: an expect
 * per node would take minutes over the corpus.
 */
function differences(lazy: XmlDocument, ref: EagerDocument, label: string): string[] {
  const bad: string[] = [];
  const at = new Map<XmlElement, number>();
  ref.elements.forEach((e, k) => at.set(e, k));
  const lazyAt = new Map<XmlElement, number>();
  lazy.elements.forEach((e, k) => lazyAt.set(e, k));
  if (lazy.elements.length !== ref.elements.length) return [`${label}: ${lazy.elements.length} elements, reference ${ref.elements.length}`];
  if (lazy.root !== lazy.elements[0]) bad.push(`${label}: root is not the first element`);
  // Field by field, with JSON only to word a difference: stringifying every node would take seconds.
  const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const attrFields = (e: XmlElement) => e.attrs.flatMap((x) => [x.name, x.local, x.ns, x.value, x.offset, Object.keys(x).length]);
  for (let k = 0; k < ref.elements.length; k++) {
    const r = ref.elements[k]!;
    const l = lazy.elements[k]!;
    const where = `${label}: element ${k} <${r.name}>`;
    const fields = (e: XmlElement) => [e.kind, e.name, e.local, e.ns, e.start, e.startTagEnd, e.end, e.parent ? (e === l ? lazyAt : at).get(e.parent) : null];
    if (!same(fields(l), fields(r))) bad.push(`${where}: ${JSON.stringify(fields(l))} vs ${JSON.stringify(fields(r))}`);
    if (!same(attrFields(l), attrFields(r))) bad.push(`${where}: attributes ${JSON.stringify(l.attrs)} vs ${JSON.stringify(r.attrs)}`);
    const lc = l.children;
    const rc = r.children;
    if (l.children !== lc) bad.push(`${where}: children listed again instead of kept`);
    if (lc.length !== rc.length) {
      bad.push(`${where}: ${lc.length} children, reference ${rc.length}`);
      continue;
    }
    for (let c = 0; c < rc.length; c++) {
      const a: XmlNode = lc[c]!;
      const b: XmlNode = rc[c]!;
      if (a.kind !== b.kind || a.parent !== l) bad.push(`${where}: child ${c} kind ${a.kind} vs ${b.kind}, or wrong parent`);
      else if (a.kind === 'element' && b.kind === 'element') {
        if (lazyAt.get(a) !== at.get(b)) bad.push(`${where}: child ${c} is element ${lazyAt.get(a)}, reference ${at.get(b)}`);
      } else if (a.kind === 'text' && b.kind === 'text') {
        const t = (x: typeof a) => [x.text, x.start, x.end, 'jumps' in x, JSON.stringify(x.jumps ?? null), Object.keys(x).length];
        if (!same(t(a), t(b))) bad.push(`${where}: text child ${c} ${JSON.stringify(t(a))} vs ${JSON.stringify(t(b))}`);
      }
    }
  }
  const ids = (m: Map<string, XmlElement>, pos: Map<XmlElement, number>) => [...m].map(([id, e]) => `${id}=${pos.get(e)}`).join(' ');
  if (ids(lazy.byId, lazyAt) !== ids(ref.byId, at)) bad.push(`${label}: ids differ`);
  return bad;
}

/** The outcome of both parsers on one text: the same tree, or the same error at the same offset. */
function compare(text: string, label: string): string[] {
  let ref: EagerDocument | null = null;
  let refError = '';
  try {
    ref = parseEager(text);
  } catch (e) {
    refError = `${(e as XmlSyntaxError).message} @${(e as XmlSyntaxError).offset}`;
  }
  let lazy: XmlDocument | null = null;
  let lazyError = '';
  try {
    lazy = parseXml(text);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    lazyError = `${e.message} @${e.offset}`;
  }
  if (refError || lazyError) return refError === lazyError ? [] : [`${label}: error "${lazyError}", reference "${refError}"`];
  return differences(lazy!, ref!, label);
}

// Everything the content scan distinguishes: references (decoded, unknown, broken), CDATA, comments and PIs
// splitting text, a DOCTYPE-like declaration inside content hiding a tag, end tags with white space, a name
// holding '<', empty and self-closing elements, white space of every kind.
const FIXTURES = [
  `<?xml version="1.0"?>\n<!DOCTYPE TEI [ <!ENTITY x "<no>"> ]>\n<!-- c <t> -->\n<TEI xmlns="urn:t" xmlns:e="urn:e">\n  <p xml:id="p1" e:n='2'>Kim &amp; <hi>Nam</hi> &#x49;l<![CDATA[ <raw> ]]></p><lb/>\n</TEI>\n`,
  `<r>a<!-- one -->b<?pi x?>c<![CDATA[]]>d<![CDATA[e&amp;]]>&unknown;&#xZZ;&#65;&amp</r>`,
  `<r>\n\t<a></a>\r\n<b/><c  >x</c  ><d\n>&lt;&gt;&quot;&apos;</d\t></r>`,
  `<r>x<!x <b/> [ > ] >y<a<b>z</a<b><e/></r>`,
  `<r><s>&#x1F600;-&#128512;&#0;&#x110000;</s><s>\u00a0</s><s> \u2028 </s></r>`,
  `<a:r xmlns:a="urn:a"><a:s xmlns:a="urn:b" a:x="1"/><t xmlns="">&#10;</t></a:r>`,
];

/** A fixed-seed generator: the same mutants on every run. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('parseXml lists children lazily, exactly as the eager parser built them', () => {
  it('gives the reference tree for fixtures covering every kind of content', () => {
    const bad = FIXTURES.flatMap((f, k) => compare(f, `fixture ${k}`));
    expect(bad).toEqual([]);
  });

  it('gives the reference tree, or the same error, for 20,000 mutants of the fixtures', () => {
    const next = random(7);
    const bits = ['<', '>', '/', '&', ';', '"', "'", '=', ' ', '\n', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '<!', '[', ']', 'amp', '#x', 'a', 'xmlns', ':'];
    const bad: string[] = [];
    for (let m = 0; m < 20_000 && bad.length < 10; m++) {
      let t = FIXTURES[Math.floor(next() * FIXTURES.length)]!;
      for (let e = 1 + Math.floor(next() * 3); e > 0; e--) {
        const p = Math.floor(next() * (t.length + 1));
        const cut = next() < 0.5 ? Math.floor(next() * 4) : 0;
        t = t.slice(0, p) + (next() < 0.7 ? bits[Math.floor(next() * bits.length)]! : '') + t.slice(p + cut);
      }
      bad.push(...compare(t, `mutant ${JSON.stringify(t)}`));
    }
    expect(bad).toEqual([]);
  });

  it('gives the reference tree for every corpus document, whatever order children are first asked for in', async () => {
    const dir = path.join(corpusDir, 'docs');
    const names = (await fs.readdir(dir)).filter((f) => f.endsWith('.xml')).sort();
    expect(names.length).toBeGreaterThan(200);
    const bad: string[] = [];
    for (const [k, name] of names.entries()) {
      const text = await fs.readFile(path.join(dir, name), 'utf8');
      // Every other document: some children first read from the innermost elements out.
      if (k % 2) {
        try {
          const d = parseXml(text);
          for (let e = d.elements.length - 1; e >= 0; e -= 7) void d.elements[e]!.children;
          bad.push(...differences(d, parseEager(text), name));
        } catch (e) {
          expect(() => parseEager(text)).toThrow((e as Error).message);
        }
      } else bad.push(...compare(text, name));
    }
    expect(bad).toEqual([]);
  });
});
