import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaResolver, sha256 } from '../../src/validate/schema.js';
import { candidates, compileSchematron, extractSchematron, runSchematron, severityOfRole, type PatternDispatch } from '../../src/validate/schematron.js';
import { descendants, parseXml, type XmlElement } from '../../src/util/xml-positions.js';
import { teiAll } from './schematron-helpers.js';
import { RuleChecker } from '../../src/validate/schematron-run.js';
import { loadSaxon } from '../../src/validate/schematron-saxon.js';
import { corpusDir, testIo } from '../helpers/io.js';

/** A standalone ISO Schematron schema exercising the semantics teikit must share with the skeleton. */
const SCH = `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="t" uri="urn:t"/>
  <ns prefix="xs" uri="http://www.w3.org/2001/XMLSchema"/>
  <let name="limit" value="2"/>
  <pattern id="first-rule-wins">
    <let name="total" value="count(//t:item)"/>
    <rule context="t:item[@kind = 'special']" id="special">
      <report test="true()">special <name/> of <value-of select="$total"/></report>
    </rule>
    <rule context="t:item">
      <let name="n" value="string-length(.)"/>
      <assert test="$n le $limit" role="warning">item "<value-of select="."/>" is longer than <value-of select="$limit"/></assert>
    </rule>
  </pattern>
  <pattern id="second">
    <rule context="t:item/@code">
      <assert test="matches(., '^[A-Z]+$')" role="information">code <value-of select="."/> on <name path=".."/> is not upper case</assert>
    </rule>
  </pattern>
  <pattern id="errors">
    <rule context="t:num"><assert test="xs:integer(.) gt 0">positive</assert></rule>
  </pattern>
  <pattern id="cannot-compile">
    <rule context="t:item"><assert test="t:no-such-function(.)">never</assert></rule>
  </pattern>
</schema>`;

const DOC = `<list xmlns="urn:t">
  <item kind="special">x</item>
  <item>ok</item>
  <item code="ab">long</item>
  <num>seven</num>
</list>`;

describe('ISO Schematron semantics', () => {
  it('reads patterns, rules, lets and namespaces', () => {
    const s = extractSchematron(SCH);
    expect(s.namespaces).toEqual([
      { prefix: 't', uri: 'urn:t' },
      { prefix: 'xs', uri: 'http://www.w3.org/2001/XMLSchema' },
    ]);
    expect(s.lets).toEqual([{ name: 'limit', value: '2' }]);
    expect(s.patterns.map((p) => [p.id, p.rules.length, p.lets.length])).toEqual([
      ['first-rule-wins', 2, 1],
      ['second', 1, 0],
      ['errors', 1, 0],
      ['cannot-compile', 1, 0],
    ]);
  });

  it.each([
    ['teikit XPath first', true],
    ['SaxonJS only', false],
  ] as const)('first matching rule per pattern, lets at every level, messages expanded, roles, lines; unrunnable rules reported (%s)', async (_engine, native) => {
    const compiled = await compileSchematron(SCH);
    const ds = await runSchematron(compiled, DOC, 'doc.xml', undefined, undefined, undefined, { native });
    const brief = ds.map((d) => `${d.line ?? '-'}:${d.column ?? '-'} ${d.severity} ${d.code} [${d.rule}] ${d.message.replace(/\(.*\)/, '(…)')}`).sort();
    expect(brief).toEqual([
      // The special item is handled by its first rule only, so the length rule does not see it.
      '2:3 error schematron.report [special] special item of 3',
      '4:9 info schematron.assert [second] code ab on item is not upper case',
      '4:3 warning schematron.assert [first-rule-wins/rule-2] item "long" is longer than 2',
      '5:3 warning schematron.rule-error [errors] Schematron rule errors could not be evaluated here (…) gt 0',
      '-:- info schematron.rule-skipped [cannot-compile] Schematron rule cannot-compile (…)',
    ].sort());
  });

  it('compiles only the patterns a document needs, caches each (a rejected one too) and gives the same results from the cache', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-sch-'));
    try {
      const schema = { text: SCH, sha256: sha256(SCH), label: 'test.sch' };
      const run = async (doc: string) => {
        // A fresh checker each time, as a new process would be: only the disk cache is shared.
        const io = testIo(undefined, { TEIKIT_CACHE_DIR: dir });
        const checker = new RuleChecker(io, new SchemaResolver(io));
        const compiled = (await checker.derive(schema, false)).schematron;
        expect(compiled.patterns.every((p) => p.xslt === null)).toBe(true);
        // SaxonJS alone: this is about its compiled patterns.
        return (await runSchematron(compiled, doc, 'doc.xml', await loadSaxon(), undefined, checker.patternCompiler(schema), { native: false })).map((d) => `${d.line}:${d.code}:${d.rule}`).sort();
      };
      const sefs = async () => (await fs.readdir(path.join(dir, 'schematron'))).filter((f) => f.startsWith('sef-')).length;
      // Only t:num: the "errors" pattern alone is compiled.
      expect(await run('<list xmlns="urn:t"><num>seven</num></list>')).toEqual(['1:schematron.rule-error:errors']);
      expect(await sefs()).toBe(1);
      const all = await run(DOC);
      expect(await sefs()).toBe(4);
      expect(all).toEqual(['2:schematron.report:special', '4:schematron.assert:first-rule-wins/rule-2', '4:schematron.assert:second', '5:schematron.rule-error:errors', 'null:schematron.rule-skipped:cannot-compile'].sort());
      expect(await run(DOC)).toEqual(all);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [null, 'error'],
    ['fatal', 'error'],
    ['nonfatal', 'warning'],
    ['Warning', 'warning'],
    ['warn', 'warning'],
    ['information', 'info'],
    ['info', 'info'],
  ] as const)('role %s is %s', (role, severity) => {
    expect(severityOfRole(role)).toBe(severity);
  });
});

describe('candidates: what each pattern is offered', () => {
  /** PatternDispatch's definition, element by element: the oracle for the index-based candidates(). */
  const offered = (d: PatternDispatch, el: XmlElement, root: XmlElement, name: string, attrs: string[]) =>
    d.wild || d.names.includes(name) || attrs.some((a) => d.attrs.includes(a)) || (d.root && el === root);
  const attrsOffered = (d: PatternDispatch, el: XmlElement, name: string) => el.attrs.length > 0 && (d.attrAnyParent || d.attrParents.includes(name));
  const check = (dispatch: PatternDispatch[], text: string) => {
    const doc = parseXml(text);
    const { cand, count } = candidates(dispatch, doc);
    const els = [...descendants(doc.root)].map((el) => ({ el, name: `Q{${el.ns ?? ''}}${el.local}`, attrs: el.attrs.map((a) => `Q{${a.ns ?? ''}}${a.local}`) }));
    expect(count).toBe(els.length);
    for (const d of dispatch) {
      const want = els.flatMap((x, k) => (offered(d, x.el, doc.root, x.name, x.attrs) ? [k + 1] : []));
      const wantAttrs = els.flatMap((x, k) => (attrsOffered(d, x.el, x.name) ? [k + 1] : []));
      expect(cand[d.key] ?? [], d.key).toEqual(want);
      expect(cand[`a${d.key.slice(1)}`] ?? [], d.key).toEqual(wantAttrs);
    }
  };
  const base = { slow: false, wild: false, root: false, names: [], attrs: [], attrParents: [], attrAnyParent: false };

  it('by name, namespace, attribute, root and wildcard, each position once and in order', () => {
    const dispatch: PatternDispatch[] = [
      { ...base, key: 'p0', names: ['Q{urn:t}item', 'Q{urn:t}num'] },
      { ...base, key: 'p1', names: ['Q{}item'], attrs: ['Q{}code'] },
      { ...base, key: 'p2', attrs: ['Q{}code', 'Q{urn:x}n'], root: true },
      { ...base, key: 'p3', wild: true, attrParents: ['Q{urn:t}item'] },
      { ...base, key: 'p4', attrAnyParent: true, names: ['Q{urn:x}note'] },
      { ...base, key: 'p5', names: ['Q{urn:t}absent'] },
    ];
    check(dispatch, `<list xmlns="urn:t" xmlns:x="urn:x" code="r"><item code="a"><item x:n="1"/></item><num/><x:note code="b"><item xmlns="">no ns</item></x:note><item/></list>`);
  });

  it("tei_all's patterns on corpus documents", async () => {
    const { schematron } = await teiAll();
    const dispatch = schematron.patterns.flatMap((p) => (p.dispatch ? [p.dispatch] : []));
    // A journal, a 50,000-line register, an ODD (specs: many patterns' names) and inscriptions (@subtype).
    for (const f of ['DigitalMitford--DM_Journal_1819-1823--1819-1823MRMJournal.xml', 'stazh--briefedition-escher--data__people__people.xml', 'TEIC--TEI--P5__Test__testall.xml', 'ISicily--ISicily--inscriptions__ISic000031.xml']) {
      check(dispatch, await fs.readFile(path.join(corpusDir, 'docs', f), 'utf8'));
    }
  });
});
