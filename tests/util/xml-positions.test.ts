import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attr, childElements, descendants, parseXml, sourceOffset, textContent, XML_NS, XmlSyntaxError, type XmlElement } from '../../src/util/xml-positions.js';
import { corpusDir } from '../helpers/io.js';

describe('parseXml', () => {
  const src = `<?xml version="1.0"?>
<!DOCTYPE TEI [ <!ENTITY x "<not-an-element>"> ]>
<!-- a comment with <tags> -->
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:ex="urn:ex">
  <p xml:id="p1" ex:n='2'>Kim &amp; <hi>Nam</hi> &#x49;l<![CDATA[ <raw> ]]></p><lb/>
</TEI>`;
  const doc = parseXml(src);

  it('gives every element its line and column, and namespaces', () => {
    const els = [...descendants(doc.root)];
    // Expected positions counted independently: lines split on \n, columns from the line start.
    const lines = src.split('\n');
    const where = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
    };
    expect(els.map((e) => [e.local, doc.position(e.start)])).toEqual([
      ['TEI', where('<TEI')],
      ['p', where('<p ')],
      ['hi', where('<hi>')],
      ['lb', where('<lb/>')],
    ]);
    expect(where('<hi>')).toEqual({ line: 5, column: 37 });
    expect(els.every((e) => e.ns === 'http://www.tei-c.org/ns/1.0')).toBe(true);
    const p = doc.byId.get('p1')!;
    expect(attr(p, 'id', XML_NS)).toBe('p1');
    expect(attr(p, 'n', 'urn:ex')).toBe('2');
    expect(src.slice(p.start, p.startTagEnd)).toBe(`<p xml:id="p1" ex:n='2'>`);
    expect(src.slice(p.end - 4, p.end)).toBe('</p>');
  });

  it('decodes references and maps decoded characters back to the source', () => {
    const p = doc.byId.get('p1')!;
    expect(textContent(p)).toBe('Kim & Nam Il <raw> ');
    const first = p.children[0]!;
    if (first.kind !== 'text') throw new Error('text expected');
    expect(first.text).toBe('Kim & ');
    expect(src.slice(sourceOffset(first, 4), sourceOffset(first, 4) + 5)).toBe('&amp;');
    expect(src[sourceOffset(first, 5)]).toBe(' ');
    const il = p.children[2]!;
    if (il.kind !== 'text') throw new Error('text expected');
    expect(il.text).toBe(' Il');
    expect(src[sourceOffset(il, 2)]).toBe('l');
  });

  it('throws XmlSyntaxError with an offset on broken markup', () => {
    for (const bad of ['<a><b></a>', '<a>', '<a x=1/>', '<a/><b/>']) {
      expect(() => parseXml(bad)).toThrow(XmlSyntaxError);
    }
    try {
      parseXml('<a>\n  <b></c></a>');
    } catch (e) {
      expect((e as XmlSyntaxError).offset).toBe(9);
    }
  });

  it('reads real documents: every element starts with its own name at the reported offset', async () => {
    for (const name of ['arthur-schnitzler--schnitzler-briefe-data--data__editions__L03965.xml', 'eeditiones--tei-publisher-app--data__registers__places.xml', 'dracor-org--rusdracor--tei__chekhov-predlozhenie.xml']) {
      const text = await fs.readFile(path.join(corpusDir, 'docs', name), 'utf8');
      const d = parseXml(text);
      let n = 0;
      for (const e of descendants(d.root)) {
        expect(text.startsWith(`<${e.name}`, e.start)).toBe(true);
        n++;
      }
      expect(n).toBeGreaterThan(100);
    }
  });

  it('lists elements in document order once (doc.elements, descendants), ids first come first served', () => {
    const d = parseXml('<r xml:id="a"><s xml:id="b"><t/></s>x<s xml:id="a"/><u/></r>');
    const names = (els: readonly XmlElement[]) => els.map((e) => e.name).join(' ');
    expect(names(d.elements)).toBe('r s t s u');
    expect(descendants(d.root)).toEqual(d.elements);
    expect(names(descendants(d.elements[1]!))).toBe('s t');
    expect(names(childElements(d.root))).toBe('s s u');
    expect(d.byId.get('a')).toBe(d.root);
    expect(d.byId.get('b')).toBe(d.elements[1]);
    // Iterable as before, for callers that loop or spread.
    expect([...descendants(d.root)].length).toBe(5);
  });

  it('builds a consistent tree of real documents: children in order, parents, text as in the source', async () => {
    const names = (await fs.readdir(path.join(corpusDir, 'docs'))).filter((f) => f.endsWith('.xml')).sort().slice(0, 40);
    let texts = 0;
    for (const name of names) {
      const text = await fs.readFile(path.join(corpusDir, 'docs', name), 'utf8');
      let d;
      try {
        d = parseXml(text);
      } catch {
        continue;
      }
      expect(d.elements[0]).toBe(d.root);
      // Checked in plain code and gathered: an expect per node would take seconds.
      const bad: string[] = [];
      for (const el of d.elements) {
        if (!text.startsWith(`<${el.name}`, el.start) || text[el.startTagEnd - 1] !== '>') bad.push(`${name}: <${el.name}> at ${el.start}`);
        let at = el.startTagEnd;
        for (const c of el.children) {
          if (c.parent !== el || c.start < at) bad.push(`${name}: child of <${el.name}> at ${c.start}`);
          at = c.end;
          // Text without references is the source itself (white space shared between nodes or not).
          if (c.kind === 'text' && !c.jumps && !text.startsWith('<![CDATA[', c.start - 9)) {
            if (c.text !== text.slice(c.start, c.end)) bad.push(`${name}: text at ${c.start}`);
            texts++;
          }
        }
        if (el.end < at) bad.push(`${name}: end of <${el.name}> at ${el.start}`);
      }
      expect(bad).toEqual([]);
      const last = text.lastIndexOf('\n', d.root.start - 1);
      expect(d.position(d.root.start)).toEqual({ line: text.slice(0, d.root.start).split('\n').length, column: d.root.start - last });
    }
    expect(texts).toBeGreaterThan(10000);
  });
});

