import fc from 'fast-check';
import * as fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../src/util/xml-positions.js';
import { checkPointers, levenshtein, PointerChecker, pointerAttributesFromRng } from '../../src/validate/pointers.js';
import { teiAllPath } from './schematron-helpers.js';

const tei = (body: string, header = '') =>
  `<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc>${header}</teiHeader>\n<text><body>\n${body}\n</body></text>\n</TEI>\n`;
const run = (...texts: string[]) => checkPointers(texts.map((text, i) => ({ file: `dir/doc${i + 1}.xml`, text })));
const brief = (ds: ReturnType<typeof run>[number]) => ds.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);

describe('pointer integrity', () => {
  it.each([
    ['a pointer to an existing id', '<p xml:id="kim">K <persName ref="#kim">Kim</persName></p>', []],
    ['every value of a list is checked', '<p xml:id="a">x <rs ref="#a #b">y</rs></p>', ['4:21 pointer.dangling @ref points to "#b", but no element in this document has xml:id "b"; add xml:id="b" to the element meant, or correct the pointer']],
    [
      'a typo gets the nearest ids as suggestion',
      '<p xml:id="kim-il-sung">x</p>\n<p><persName ref="#kim-il-sun">Kim</persName></p>',
      ['5:14 pointer.dangling @ref points to "#kim-il-sun", but no element in this document has xml:id "kim-il-sun"; did you mean "#kim-il-sung" (line 4)?'],
    ],
    ['URLs and other documents not in the run are left alone', '<p><ref target="https://example.org/#x">a</ref><ref target="other.xml#y">b</ref><ref target="mailto:a@b.c">c</ref></p>', []],
    ['XPointer schemes are not id references', '<p><ptr target="#xpath(//p[1])"/></p>', []],
    ['examples (egXML) are not the document: their ids and pointers are skipped', '<p><egXML xmlns="http://www.tei-c.org/ns/Examples"><p xml:id="e1" corresp="#nowhere"/><p xml:id="e1"/></egXML></p>', []],
    [
      'what follows an example is checked again (an empty example too); ids inside examples are not the document\'s',
      '<p><egXML xmlns="http://www.tei-c.org/ns/Examples"><p xml:id="x1"><ref target="#nowhere"/></p></egXML><egXML xmlns="http://www.tei-c.org/ns/Examples"/><ref target="#x2">after</ref></p><p xml:id="x1">one</p><p xml:id="x1">two</p>',
      [
        '4:210 pointer.duplicate-id xml:id "x1" is already used at line 4:188; ids must be unique within a document: rename one of them (and the pointers meant for it)',
        '4:157 pointer.dangling @target points to "#x2", but no element in this document has xml:id "x2"; add xml:id="x2" to the element meant, or correct the pointer',
      ],
    ],
    ['a non-pointer attribute is not checked', '<p><date when="1957-07-08" from="1957">x</date><name type="#x">y</name></p>', []],
    ['duplicate ids: the second names the first', '<p xml:id="d">a</p>\n<p xml:id="d">b</p>', ['5:4 pointer.duplicate-id xml:id "d" is already used at line 4:4; ids must be unique within a document: rename one of them (and the pointers meant for it)']],
  ])('%s', (_name, body, expected) => {
    expect(brief(run(tei(body))[0]!)).toEqual(expected);
  });

  it('expands prefixes declared in listPrefixDef before resolving', () => {
    const header = '<encodingDesc><listPrefixDef><prefixDef ident="psn" matchPattern="([a-z-]+)" replacementPattern="#$1"/></listPrefixDef></encodingDesc>';
    const [ds] = run(tei('<p xml:id="kim-il-sung">x <persName ref="psn:kim-il-sung">a</persName> <persName ref="psn:kim-il-sun">b</persName></p>', header));
    expect(brief(ds!)).toEqual(['4:82 pointer.dangling @ref points to "psn:kim-il-sun" (expanded to "#kim-il-sun"), but no element in this document has xml:id "kim-il-sun"; did you mean "#kim-il-sung" (line 4)?']);
  });

  it('resolves doc.xml#id against another document of the same run', () => {
    const [a, b] = run(tei('<p><ref target="doc2.xml#here">ok</ref> <ref target="doc2.xml#gone">no</ref></p>'), tei('<p xml:id="here">x</p>'));
    expect(brief(a!)).toEqual(['4:46 pointer.dangling @target points to "doc2.xml#gone", but no element in dir/doc2.xml has xml:id "gone"; add xml:id="gone" to the element meant, or correct the pointer']);
    expect(b).toEqual([]);
  });

  it('reads the pointer attributes of each element from tei_all.rng', async () => {
    const attrs = pointerAttributesFromRng(await fs.readFile(teiAllPath, 'utf8'))!;
    const of = (el: string) => attrs.byElement[`Q{http://www.tei-c.org/ns/1.0}${el}`] ?? [];
    expect(of('persName')).toEqual(expect.arrayContaining(['ref', 'ana', 'corresp', 'resp', 'source', 'sameAs', 'next', 'prev', 'synch', 'facs']));
    expect(of('said')).toContain('who');
    expect(of('span')).toEqual(expect.arrayContaining(['from', 'to', 'target']));
    // On dates, @from is a date, not a pointer; @type is never a pointer.
    expect(of('date')).not.toContain('from');
    expect(of('name')).not.toContain('type');
  });

  it('levenshtein', () => {
    expect(levenshtein('kim-il-sung', 'kim-il-sun')).toBe(1);
    expect(levenshtein('abc', 'xyz')).toBe(3);
    expect(levenshtein('abc', 'abcdef', 2)).toBe(3);
  });

  it('levenshtein with a bound: the distance when within it, else bound + 1 (against the textbook table)', () => {
    const textbook = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      return d[a.length]![b.length]!;
    };
    const id = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-', '1'), maxLength: 12 });
    fc.assert(
      fc.property(id, id, fc.constantFrom(0, 1, 2, 3, Infinity), (a, b, max) => {
        const d = textbook(a, b);
        expect(levenshtein(a, b, max)).toBe(d <= max ? d : max + 1);
      }),
      { numRuns: 2000, seed: 20261201 },
    );
    // Longer ids than the first call's rows: the reused rows grow.
    expect(levenshtein('x'.repeat(100) + 'a', 'x'.repeat(100) + 'b', 2)).toBe(1);
  });

  it('levenshtein of ids sharing a prefix and a suffix, long ones too (the band and the trimmed ends against the textbook table)', () => {
    const textbook = (a: string, b: string) => {
      let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
      for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
      return prev[b.length]!;
    };
    const part = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-', '1'), maxLength });
    fc.assert(
      fc.property(part(6), part(40), part(40), part(6), fc.constantFrom(0, 1, 2, 3, 5, Infinity), (pre, x, y, post, max) => {
        const a = pre + x + post;
        const b = pre + y + post;
        const d = textbook(a, b);
        expect(levenshtein(a, b, max)).toBe(d <= max ? d : max + 1);
        expect(levenshtein(b, a, max)).toBe(d <= max ? d : max + 1);
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });
});

describe('pointers across documents added one at a time', () => {
  const files = ['dir/a.xml', 'dir/b.xml', 'dir/c.xml'];
  const a = tei('<p xml:id="alpha1"><ref target="b.xml#b1">1</ref> <ref target="#gone">2</ref> <ref target="c.xml#cc1">3</ref> <ref target="a.xml#alpha2">4</ref> <ref target="#alpha1">5</ref></p>');
  const b = tei('<p xml:id="b1"><ref target="a.xml#alpha1">1</ref> <ref target="a.xml#alpha9">2</ref></p>\n<p xml:id="b1">dup</p>');
  const c = tei('<p>x</p>\n<p xml:id="cc0">x</p>');
  // As checkPointers gave them when it held every tree at once (before PointerChecker).
  const expected = [
    [
      '4:56 pointer.dangling @target points to "#gone", but no element in this document has xml:id "gone"; add xml:id="gone" to the element meant, or correct the pointer',
      '4:84 pointer.dangling @target points to "c.xml#cc1", but no element in dir/c.xml has xml:id "cc1"; did you mean "#cc0" (line 5)?',
      '4:116 pointer.dangling @target points to "a.xml#alpha2", but no element in this document has xml:id "alpha2"; did you mean "#alpha1" (line 4)?',
    ],
    [
      '5:4 pointer.duplicate-id xml:id "b1" is already used at line 4:4; ids must be unique within a document: rename one of them (and the pointers meant for it)',
      '4:56 pointer.dangling @target points to "a.xml#alpha9", but no element in dir/a.xml has xml:id "alpha9"; did you mean "#alpha1" (line 4)?',
    ],
    [],
  ];

  it('resolves pointers to documents added before and after, in document order, each tree dropped once added', () => {
    const checker = new PointerChecker();
    [a, b, c].forEach((text, i) => checker.add({ file: files[i]!, text, parsed: parseXml(text) }));
    expect(checker.finish().map(brief)).toEqual(expected);
  });

  it('gives what checkPointers gives in any order of the documents', () => {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      const texts = [a, b, c];
      const got = checkPointers(order.map((k) => ({ file: files[k]!, text: texts[k]! })));
      order.forEach((k, i) => expect(brief(got[i]!), files[k]).toEqual(expected[k]));
    }
  });
});
