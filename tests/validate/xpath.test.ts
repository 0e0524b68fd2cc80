import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../src/util/xml-positions.js';
import { loadSaxonModule } from '../../src/validate/schematron-saxon.js';
import { evaluate, matchesPattern, nativeEligible, Scope, staticType, XPathDocument, XPathUnsupported, xpathParser, type Item, type XNode } from '../../src/validate/xpath.js';

/**
 * teikit's XPath evaluator must agree with SaxonJS wherever it answers: for every expression, either it
 * refuses (XPathUnsupported, and Schematron falls back to SaxonJS) or it gives SaxonJS's result, and
 * where SaxonJS raises an error it must refuse. Checked on a table of cases and on random expressions.
 */
const DOC = `<list xmlns="urn:t" xmlns:x="urn:x" n="1">
  <item kind="special" code="AB">x</item>
  <item code="ab" n="2" xml:id="i2">long text</item>
  <item>  spaced   out &amp; more </item>
  <num>7</num><num> 12 </num><num>seven</num><num>1.5</num>
  <x:note type="a b" x:n="3">note <item>inner</item> tail</x:note>
  <empty/>
  <!-- a comment -->
  <sub xml:id="s"><item code="cd" xml:id="i3">deep</item><num>-4</num></sub>
</list>`;
const NS: Record<string, string> = { t: 'urn:t', x: 'urn:x' };
const parse = xpathParser((p) => NS[p], 'xpath-test');

interface SaxonXPath {
  getResource(o: { text: string; type: 'xml' }): Promise<unknown>;
  XPath: { evaluate(expr: string, context: unknown, options: Record<string, unknown>): unknown };
}
let saxon: SaxonXPath;
let saxonDoc: unknown;
const xdoc = new XPathDocument(parseXml(DOC));
const scope = new Scope(null, new Map());

/** One item as kind:name=value, the same way on both sides (SaxonJS is given the item as a parameter). */
const SHOW_ONE =
  "if ($i instance of node()) then concat('N:', name($i), '=', string($i)) else if ($i instance of xs:boolean) then concat('b:', string($i)) else if ($i instance of xs:integer) then concat('i:', string($i)) else if ($i instance of xs:decimal) then concat('d:', string($i)) else if ($i instance of xs:untypedAtomic) then concat('u:', string($i)) else concat('s:', string($i))";
const SAXON_NS = { ...NS, xs: 'http://www.w3.org/2001/XMLSchema' };

function showMine(items: Item[]): string {
  return items
    .map((i) => {
      if (!('kind' in i)) return `${i.t === 'u' ? 'u' : i.t === 's' ? 's' : i.t}:${i.t === 'b' ? String(i.v) : String(i.v)}`;
      const n = i as XNode;
      const name = n.kind === 'element' ? n.name : n.kind === 'attribute' ? n.attr.name : '';
      const value = n.kind === 'element' || n.kind === 'document' ? textOf(n) : n.kind === 'attribute' ? n.attr.value : n.text;
      return `N:${name}=${value}`;
    })
    .join('|');
}
const textOf = (n: XNode): string => (n.kind === 'document' ? textOf(n.root) : n.kind === 'element' ? n.children.map((c) => (c.kind === 'text' ? c.text : textOf(c))).join('') : '');

/** The context nodes the expressions are tried from, selected the same way on both sides. */
const CONTEXTS = ['/*', '/*/*[2]', '/*/*:note', '/*/*[2]/@code', '/*/*:sub/*:item', '/'];

type Outcome = { value: string } | { error: string } | { refused: string };

function mine(expr: string, context: string): Outcome {
  try {
    const ctxNode = evaluate(parse(context), { xdoc, scope, current: xdoc.docNode }, xdoc.docNode)[0] as XNode;
    const e = parse(expr);
    staticType(e);
    return { value: showMine(evaluate(e, { xdoc, scope, current: ctxNode }, ctxNode)) };
  } catch (err) {
    if (err instanceof XPathUnsupported) return { refused: err.message };
    throw err;
  }
}

function theirs(expr: string, context: string): Outcome {
  try {
    const ctx = saxon.XPath.evaluate(context, saxonDoc, {});
    const items = saxon.XPath.evaluate(expr, ctx, { namespaceContext: SAXON_NS, resultForm: 'xdm' }) as unknown[];
    return { value: items.map((i) => String(saxon.XPath.evaluate(SHOW_ONE, null, { params: { i }, namespaceContext: SAXON_NS }))).join('|') };
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) };
  }
}

/** The property: refused, or the same value; never a value where SaxonJS fails. */
/** How many comparisons were asked and how many the evaluator answered, by group (see the last test). */
const asked = { table: 0, random: 0 };
const answered = { table: 0, random: 0 };

function agrees(expr: string, context: string, group: keyof typeof asked): void {
  asked[group]++;
  const m = mine(expr, context);
  if ('refused' in m) return;
  answered[group]++;
  expect({ expr, context, ...theirs(expr, context) }).toEqual({ expr, context, ...m });
}

beforeAll(async () => {
  saxon = (await loadSaxonModule()) as SaxonXPath;
  saxonDoc = await saxon.getResource({ text: DOC, type: 'xml' });
});

describe('the XPath evaluator agrees with SaxonJS', () => {
  const cases = [
    't:item',
    '//t:item',
    '//t:item[2]',
    '(//t:item)[2]',
    '//t:item[last()]',
    '//t:item[@code][position() = 2]',
    't:item/@code',
    '@*',
    '@code | @n',
    '..',
    '../..',
    'ancestor::*',
    'ancestor-or-self::*[1]',
    // Parent and ancestor steps by name walk up from elements, attributes and text nodes to the document node.
    'parent::t:list',
    'parent::*',
    'ancestor::t:list',
    'ancestor::x:note',
    'ancestor-or-self::t:item',
    'text()/ancestor::*',
    'text()/parent::t:item',
    '@*/ancestor::*',
    // Attribute steps by name make only the nodes they select, the same nodes (identity) every time.
    '@*:n',
    'x:note/@*',
    'x:note/@x:n | x:note/@type | x:note/@*',
    '(@code | @n) | @*',
    '//@n',
    'preceding-sibling::*[1]',
    'following-sibling::t:num',
    'following::t:item',
    'preceding::t:item',
    'descendant::t:item',
    // The descendant axes read from the document's element lists (by name, or all for a wildcard).
    'descendant::*',
    'descendant::*:item',
    'descendant::x:*',
    'descendant-or-self::t:item',
    'descendant-or-self::*',
    '//*',
    '//x:*',
    './/t:item',
    't:sub//t:item',
    '/descendant::t:item[2]',
    'count(//*)',
    'text()',
    'child::text()[normalize-space(.) ne \'\']',
    '*:note',
    'x:*',
    '@x:n',
    "t:num = 7",
    "t:num = '7'",
    "t:num > 10",
    "t:num eq '7'",
    "t:item/@code = ('ab', 'zz')",
    "@code eq 'ab'",
    "@code eq 'AB' or @n",
    "count(*) gt 1",
    "count(t:item) lt 2",
    "normalize-space(t:item[3])",
    "string-length(normalize-space(.)) gt 0",
    "contains(normalize-space(@type), ' ')",
    "starts-with(@code, 'a')",
    "ends-with(string(.), 'text')",
    "tokenize(normalize-space(' a  b c '), ' ')",
    "tokenize(normalize-space(@type), ' ')[2]",
    "concat('The ', name(.), ' of ', ancestor::*[1]/@n)",
    "if (@code) then concat('\"', @code, '\"') else 'not specified'",
    "name(..)",
    "local-name(ancestor::*[@n][1])",
    "namespace-uri(.)",
    "distinct-values(//t:item/@code)",
    "count(distinct-values(//t:item/@code))",
    "(//t:item except //t:item[@code])",
    "(//t:item intersect //t:sub//t:item)",
    "child::* | (@* except (@code, @n))",
    "exists(t:empty)",
    "empty(t:empty)",
    "not(t:num)",
    "(., 'x', 1)[2]",
    "-(t:num[1])",
    // id() by xml:id, in document order, each element once; substring() by code points; node comparisons.
    "id('i3 i2')",
    "id(('s', 'i2', 's'))",
    "id('none')",
    "id(())",
    "id(@code)",
    "count(id('i2 s')//t:item)",
    "substring('abcdef', 2)",
    "substring('abcdef', 2, 3)",
    "substring('abcdef', 1.5, 2.6)",
    "substring('abcdef', -2.5, 5)",
    "substring('abcdef', -0.5, 2)",
    "substring('abcdef', 2.5, 1.5)",
    "substring('abcdef', 3, -(1))",
    "substring('abcdef', 0, 3)",
    "substring('abcdef', -1)",
    "substring('a\u{1F600}bc', 2, 2)",
    "substring(@code, 2)",
    "substring((), 1)",
    "substring(t:item[1], count(*))",
    "id('s') >> .",
    "id('i2') << .",
    "id('nothing') >> .",
    ". is .",
    ". is ..",
    "@code << .",
    "(id('s') >> .) or (. is id('i2'))",
    // Truth values of name steps without listing their nodes (and, or, not(), boolean(), predicates).
    "not(@code)",
    "@code or @zz",
    "@zz or @n",
    "t:item and ancestor::t:list",
    "boolean(parent::t:list | @n)",
    "not(self::t:item | x:note)",
    "*[@code | @n]",
    "t:item[not(@code)]",
    "not(child::t:num) or self::t:list",
    "ancestor::t:sub or parent::t:sub or parent::x:*",
    "not(@*:n | @x:*)",
    "substring('abc', '2')",
    "substring('abc', t:num[1])",
    "substring(t:item, 1)",
    "t:item >> .",
    "1 >> .",
    "$undefined",
    // Where SaxonJS raises an error, the evaluator must refuse.
    "t:num eq 7",
    "t:item eq 'x'",
    "normalize-space(t:item)",
    "t:num = 'seven' and t:num > 1",
    "('a', 'b') and true()",
    "1 + 1",
    "t:num[3] cast as xs:integer",
    "matches(@code, '^[A-Z]+$')",
  ];
  it.each(cases)('%s', (expr) => {
    for (const c of CONTEXTS) agrees(expr, c, 'table');
  });

  it('refuses what it does not implement instead of guessing', () => {
    for (const e of ['1 + 1', 'matches(., "a")', 'for $a in * return 1', '@a cast as xs:integer', 'idref("x")', '. || ..', 'node()', 'xs:integer(.)', 'tokenize(., "\\s+")', "t:no-such-function(.)"]) {
      expect(() => parse(e), e).toThrow(XPathUnsupported);
    }
    // Type errors SaxonJS finds when compiling, even in branches that never run.
    for (const e of ["substring('abc', '2')", "substring(., @n)", "$v >> .", "(. is .) = true()", "id(1)", "if (true()) then 1 else contains(., true())", "count(*) eq 'x'", "$n eq 1", "name('x')", "-'a'", "(. eq 1) = 1", "boolean(@a eq 'b')"]) {
      expect(() => staticType(parse(e)), e).toThrow(XPathUnsupported);
    }
    expect(staticType(parse('$n eq 1'), new Map([['n', 'n']]))).toBe('b');
  });

  it('agrees on random expressions', () => {
    const step = fc.constantFrom('.', '..', '@*', '@code', '@n', 't:item', '*', 'text()', 't:num', '//t:item', 'ancestor::*', 'following-sibling::*', 'preceding-sibling::t:item', 'descendant::t:item', '/*', 'x:note', 'self::t:item', 'preceding::t:item', 'following::*', 'ancestor-or-self::t:list');
    const literal = fc.constantFrom("'ab'", "'x'", "''", "'7'", '1', '2', '0', '7', '1.5', "('a', 'b')", '()', 'true()', 'false()');
    const { expr } = fc.letrec((tie) => ({
      path: fc.oneof(step, fc.tuple(step, step).map(([a, b]) => `${a}/${b}`), fc.tuple(step, tie('expr')).map(([a, p]) => `${a}[${p}]`)),
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        tie('path'),
        literal,
        fc.tuple(tie('expr'), fc.constantFrom('=', '!=', '<', '>=', 'eq', 'ne', 'lt', 'ge', 'and', 'or', '|', 'except'), tie('expr')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
        fc.tuple(fc.constantFrom('not', 'count', 'exists', 'empty', 'string', 'normalize-space', 'string-length', 'name', 'local-name', 'boolean', 'distinct-values'), tie('expr')).map(([f, a]) => `${f}(${a})`),
        fc.tuple(fc.constantFrom('contains', 'starts-with', 'ends-with', 'concat'), tie('expr'), tie('expr')).map(([f, a, b]) => `${f}(${a}, ${b})`),
        fc.tuple(tie('expr'), fc.constantFrom('1', '2', 'last()', '@code', "position() = 1")).map(([a, p]) => `(${a})[${p}]`),
        fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => `if (${c}) then ${t} else ${e}`),
      ),
    }));
    fc.assert(
      fc.property(expr as fc.Arbitrary<string>, fc.constantFrom(...CONTEXTS), (e, c) => agrees(e, c, 'random')),
      // Fixed for `npm test`; TEIKIT_FUZZ_SEED=random TEIKIT_FUZZ_RUNS=5000 explores (as tests/hostile/fuzz.test.ts).
      { numRuns: Number(process.env['TEIKIT_FUZZ_RUNS'] ?? 600), seed: process.env['TEIKIT_FUZZ_SEED'] === 'random' ? Date.now() : Number(process.env['TEIKIT_FUZZ_SEED'] ?? 20261130) },
    );
  });

  // A refusal passes the comparison, so an evaluator that refused everything would pass it too.
  it('answered most of what it was asked above, so the agreement is not vacuous', () => {
    // Measured: 331 of 378 table cases, 319 of the 600 random ones.
    expect(answered.table / asked.table).toBeGreaterThan(0.6);
    expect(answered.random / asked.random).toBeGreaterThan(0.3);
  });
});

describe('descendant axes on nested elements of the same name', () => {
  // Descendants are found in lists by name, as the elements that start inside a node's span: nested and
  // empty elements of the same name, and siblings right after the span, are where that could go wrong.
  const NESTED = `<d xmlns="urn:t"><d n="1"><e/><d n="2"><d n="3"/><e><d n="4"/></e></d><e/></d><d n="5"/><e><d/></e></d>`;
  it('gives the nodes SaxonJS gives, from every element', async () => {
    const x = new XPathDocument(parseXml(NESTED));
    const sdoc = await saxon.getResource({ text: NESTED, type: 'xml' });
    const exprs = ['descendant::t:d', 'descendant-or-self::t:d', 'descendant::t:e', 'descendant::*', 'descendant-or-self::*', './/t:d', 'count(.//t:d)', 'descendant::t:d[1]', 'descendant::t:d[last()]', 't:d//t:d', '//t:e/t:d'];
    const contexts = ['/', ...Array.from({ length: 10 }, (_, k) => `(//*)[${k + 1}]`)];
    let compared = 0;
    for (const c of contexts) {
      const node = evaluate(parse(c), { xdoc: x, scope, current: x.docNode }, x.docNode)[0] as XNode;
      const snode = saxon.XPath.evaluate(c, sdoc, {});
      for (const e of exprs) {
        const items = saxon.XPath.evaluate(e, snode, { namespaceContext: SAXON_NS, resultForm: 'xdm' }) as unknown[];
        const theirs = items.map((i) => String(saxon.XPath.evaluate(SHOW_ONE, null, { params: { i }, namespaceContext: SAXON_NS }))).join('|');
        const positions = (v: Item[]) => v.map((i) => ('kind' in i && i.kind === 'element' ? `${i.start}` : showMine([i]))).join(',');
        const got = evaluate(parse(e), { xdoc: x, scope, current: node }, node);
        expect({ c, e, v: showMine(got) }).toEqual({ c, e, v: theirs });
        // Names and values alone cannot tell the <d/>s apart: their offsets must be in document order, each once.
        const starts = got.flatMap((i) => ('kind' in i && i.kind === 'element' ? [i.start] : []));
        expect(starts, `${c} ${e} ${positions(got)}`).toEqual([...new Set(starts)].sort((a, b) => a - b));
        compared++;
      }
    }
    expect(compared).toBe(contexts.length * exprs.length);
  });
});

describe('patterns (rule contexts)', () => {
  const match = (pattern: string, target: string) => {
    const node = evaluate(parse(target), { xdoc, scope, current: xdoc.docNode }, xdoc.docNode)[0] as XNode;
    return matchesPattern(parse(pattern), node, { xdoc, scope, current: node });
  };
  it.each([
    ['t:item', '/*/*[1]', true],
    ['t:list//t:item', '/*/*:sub/*:item', true],
    ['t:sub/t:item', '/*/*[1]', false],
    ['t:sub/t:item', '/*/*:sub/*:item', true],
    ['/*[count(//t:item) gt 1]', '/*', true],
    ['/*[count(//t:item) gt 9]', '/*', false],
    ['/t:item', '/*/*[1]', false],
    ['t:*[@code]', '/*/*[2]', true],
    ['t:*[@code]', '/*/*:num[1]', false],
    ['t:item/@code', '/*/*[2]/@code', true],
    ['t:num/@code', '/*/*[2]/@code', false],
    ['@code', '/*/*[2]/@code', true],
    ['t:item', '/*/*[2]/@code', false],
    ['(t:sub | t:list)/t:item', '/*/*:sub/*:item', true],
    ['(t:sub | t:list)/t:item', '/*/*:note/*:item', false],
    ['x:note//t:item | t:sub//t:item', '/*/*:note/*:item', true],
    ['t:item[. = current()]', '/*/*[1]', true],
    ['t:*[@zz | @code]', '/*/*[2]', true],
    ['t:*[@zz | @x:n]', '/*/*[2]', false],
    ['t:*[ancestor::t:sub]', '/*/*:sub/*:item', true],
    ['t:*[ancestor::t:sub]', '/*/*[2]', false],
    ['t:*[parent::t:list][@n]', '/*/*[2]', true],
    ['t:*[parent::t:list][@n]', '/*/*[1]', false],
    ['t:*[self::t:num | t:item]', '/*/*:sub', true],
  ] as const)('%s matches %s: %s', (pattern, target, expected) => {
    expect(match(pattern, target)).toBe(expected);
  });

  it('refuses numeric predicates in patterns', () => {
    expect(() => match('t:item[1]', '/*/*[1]')).toThrow(XPathUnsupported);
  });
});

describe('documents the evaluator reads', () => {
  it('CDATA: string values as SaxonJS gives them, text() refused', async () => {
    const text = '<a xmlns="urn:t">x<![CDATA[<y>]]>z<b>w</b></a>';
    const d = new XPathDocument(parseXml(text));
    const root = d.docNode.root;
    const run = (e: string) => showMine(evaluate(parse(e), { xdoc: d, scope, current: root }, root));
    const sdoc = await saxon.getResource({ text, type: 'xml' });
    const sroot = saxon.XPath.evaluate('/*', sdoc, {});
    for (const e of ['string(.)', 'string-length(.)', "contains(., 'x<y>z')", 'normalize-space(t:b)']) {
      const items = saxon.XPath.evaluate(e, sroot, { namespaceContext: SAXON_NS, resultForm: 'xdm' }) as unknown[];
      expect(run(e), e).toBe(items.map((i) => String(saxon.XPath.evaluate(SHOW_ONE, null, { params: { i }, namespaceContext: SAXON_NS }))).join('|'));
    }
    expect(() => run('count(text())')).toThrow(XPathUnsupported);
  });

  it.each([
    ['<a/>', true],
    ['<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', false],
    ['<a><![CDATA[x]]></a>', true],
    ['<a>\r\n</a>', true],
    ['<a>\r</a>', false],
  ])('%j: %s', (text, ok) => {
    expect(nativeEligible(text)).toBe(ok);
  });
});
