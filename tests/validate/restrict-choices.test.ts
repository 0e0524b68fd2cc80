import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSchema, documentShape, findFirst, parseRng, relaxableAttributes, scanAttributes } from '../../src/validate/restrict.js';
import { schemaDir } from '../helpers/io.js';
import { xmllintReport } from '../helpers/xmllint.js';

/**
 * Derived schemas write element choices flat and give each repeated choice a second way out
 * (DeriveOptions.compactChoices), so that libxml2 compiles small automata. The claim: libxml2's report is
 * exactly the one it gives without the rewrite. Checked against xmllint-wasm itself on random TEI documents
 * whose elements are mostly where TEI allows them and sometimes anywhere: misplaced blocks, text where only
 * elements may stand, lists and stanzas inside phrases, missing or doubled children.
 */
const tree = parseRng(fs.readFileSync(path.join(schemaDir, 'tei_all.rng'), 'utf8'));
const checks = relaxableAttributes(tree);

const PHRASES = ['hi', 'persName', 'name', 'date', 'seg', 'rs', 'foreign', 'num', 'said', 'title'];
/** Where each element usually stands: its children are drawn from here, or (less often) from every name. */
const USUAL: Record<string, string[]> = {
  body: ['div', 'p', 'head', 'lg', 'list', 'ab', 'quote'],
  div: ['head', 'p', 'div', 'lg', 'list', 'ab', 'quote', 'table'],
  p: [...PHRASES, 'note', 'lb', 'gap', 'list', 'quote'],
  ab: [...PHRASES, 'lb', 'gap'],
  head: ['hi', 'title', 'lb', 'name'],
  note: ['p', ...PHRASES],
  quote: ['p', 'lg', 'l', ...PHRASES],
  list: ['item', 'head', 'label'],
  item: [...PHRASES, 'list', 'p', 'lb'],
  label: ['hi', 'name'],
  lg: ['l', 'head', 'lg'],
  l: [...PHRASES, 'lb', 'gap'],
  table: ['row', 'head'],
  row: ['cell'],
  cell: [...PHRASES, 'p', 'lb'],
  ...Object.fromEntries(PHRASES.map((p) => [p, [...PHRASES, 'lb', 'gap', 'note']])),
  lb: [],
  gap: [],
};
const ALL = Object.keys(USUAL).filter((n) => n !== 'body');
/** Elements that hold text; in the others it is mostly left out, so that some documents are valid. */
const MIXED = new Set(['p', 'ab', 'head', 'note', 'quote', 'item', 'label', 'l', 'cell', ...PHRASES]);

interface Node {
  name: string;
  /** Text before the children, and between them. */
  text: boolean;
  children: Node[];
}

const node = (name: string, depth: number): fc.Arbitrary<Node> =>
  fc.record({
    name: fc.constant(name),
    text: MIXED.has(name) ? fc.boolean() : fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
    children: depth <= 0 || USUAL[name]!.length === 0
      ? fc.oneof({ arbitrary: fc.constant<Node[]>([]), weight: 4 }, { arbitrary: fc.constantFrom(...ALL).map((n): Node[] => [{ name: n, text: false, children: [] }]), weight: 1 })
      : fc.array(
          fc.oneof({ arbitrary: fc.constantFrom(...USUAL[name]!), weight: 12 }, { arbitrary: fc.constantFrom(...ALL), weight: 1 }).chain((n) => node(n, depth - 1)),
          // These must hold something: empty ones would make most documents invalid.
          { minLength: ['body', 'list', 'lg', 'table', 'row'].includes(name) ? 1 : 0, maxLength: 3 },
        ),
  });

function serialize(n: Node): string {
  const t = n.text ? 'x ' : '';
  return `<${n.name}>${t}${n.children.map((c) => serialize(c) + t).join('')}</${n.name}>`;
}

const tei = (body: Node) => `<TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>
<text>${serialize(body)}</text></TEI>
`;

const xmllint = xmllintReport();

describe('compactChoices', () => {
  it('writes paragraph content as one flat choice with a second way out, and leaves attribute values alone', () => {
    const names = new Set(['TEI', 'teiHeader', 'fileDesc', 'titleStmt', 'title', 'publicationStmt', 'sourceDesc', 'text', 'body', 'p', 'hi', 'name', 'note', 'list', 'item']);
    const derived = parseRng(deriveSchema(tree, { elements: names }).text);
    const para = derived.c.find((d) => d.k === 'define' && d.a['name'] === 'tei_macro.paraContent')!;
    const repeated = para.c[0]!;
    expect(repeated.k).toBe('zeroOrMore');
    const [choice, exit] = repeated.c[0]!.c;
    expect(repeated.c[0]!.k).toBe('group');
    expect(exit).toEqual({ k: 'choice', a: {}, c: [{ k: 'empty', a: {}, c: [] }, { k: 'empty', a: {}, c: [] }] });
    // The classes are spelled out: text and the elements, no reference to a model.* class is left.
    const refs = choice!.c.filter((c) => c.k === 'ref').map((c) => c.a['name']!);
    expect(choice!.c[0]!.k).toBe('text');
    expect(refs).toEqual(expect.arrayContaining(['tei_hi', 'tei_name', 'tei_note', 'tei_list']));
    expect(refs.filter((r) => r.startsWith('tei_model.'))).toEqual([]);
    // Inside attributes nothing changes: no value list gets the extra choice.
    const attrs = derived.c.filter((d) => d.k === 'define' && findFirst(d, (n) => n.k === 'attribute') !== null);
    expect(attrs.length).toBeGreaterThan(0);
    expect(attrs.some((d) => findFirst(d, (n) => n.k === 'attribute' && findFirst(n, (x) => x.k === 'empty') !== null))).toBe(false);
    // Without the option the schema is the one derived before (nested classes).
    const plain = deriveSchema(tree, { elements: names, compactChoices: false }).text;
    expect(plain).toContain('<ref name="tei_model.paraPart"/>');
  });
});

describe('compacting element choices leaves libxml2\'s report as it was (xmllint-wasm)', () => {
  // TEIKIT_CHOICE_RUNS=3000 for a long run.
  const runs = Number(process.env.TEIKIT_CHOICE_RUNS ?? 120);
  it('for random TEI documents, valid or not', async () => {
    let invalid = 0;
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(node('body', 4), fc.boolean(), fc.boolean(), async (body, relaxTokens, flattenRegisters) => {
        const text = tei(body);
        const scan = scanAttributes(text, checks);
        const options = { elements: documentShape(text).names, relaxTokens, keepPatterns: scan?.unvouched ?? new Set<string>(), attributes: relaxTokens ? (scan?.byElement ?? null) : null, flattenRegisters };
        const before = deriveSchema(tree, { ...options, compactChoices: false }).text;
        const after = deriveSchema(tree, options).text;
        expect(after).not.toBe(before);
        const [b, a] = await Promise.all([xmllint(before, text), xmllint(after, text)]);
        expect(a).toBe(b);
        if (/d\.xml validates/.test(b)) valid++;
        else invalid++;
      }),
      { numRuns: runs },
    );
    // Both sides were exercised: content errors compared, valid documents too.
    expect(invalid).toBeGreaterThan(runs / 4);
    expect(valid).toBeGreaterThan(3);
  }, 300_000);
});
