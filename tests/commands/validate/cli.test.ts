import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../helpers/io.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-cli-'));
  await fs.writeFile(path.join(dir, 'broken.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader></TEI>\n');
  await fs.mkdir(path.join(dir, 'mixed'));
  await fs.writeFile(
    path.join(dir, 'mixed', 'a-unknown-schema.xml'),
    '<?xml version="1.0"?>\n<?xml-model href="https://example.org/nowhere.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"/>\n',
  );
  await fs.writeFile(path.join(dir, 'mixed', 'b-broken.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader></TEI>\n');
});

/** CLI behaviour as a table: arguments, exit code, and what must appear on stderr. */
const cases: Array<{ name: string; args: () => string[]; code: number; stderr: RegExp }> = [
  { name: 'missing path is a usage error', args: () => [ 'validate', path.join(dir, 'nope.xml')], code: 2, stderr: /nope\.xml: no such file or folder/ },
  { name: 'unknown option is a usage error', args: () => ['validate', '--frobnicate'], code: 2, stderr: /unknown option '--frobnicate'/ },
  { name: 'malformed document: line and column', args: () => ['validate', path.join(dir, 'broken.xml')], code: 1, stderr: /broken\.xml:2:14: error: not well-formed: Expected closing tag 'teiHeader'/ },
  { name: 'missing catalog named explicitly', args: () => ['validate', '--catalog', path.join(dir, 'none.xml'), dir], code: 2, stderr: /catalog .*none\.xml: no such file/ },
];

describe('teikit validate (CLI table)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(c.args());
      expect(r.stderr).toMatch(c.stderr);
      expect(r.code).toBe(c.code);
    });
  }

  it('a schema one document declares and teikit cannot find: that document is reported, the others checked, exit 2', async () => {
    const r = await runCli(['validate', '--format', 'json', path.join(dir, 'mixed')]);
    expect(r.code).toBe(2);
    const docs = JSON.parse(r.stdout).documents;
    expect(docs[0].diagnostics).toMatchObject([{ line: 2, column: 1, severity: 'error', code: 'schema.unavailable' }]);
    expect(docs[0].diagnostics[0].message).toMatch(/https:\/\/example\.org\/nowhere\.rng is not available offline/);
    expect(docs[1].diagnostics[0]).toMatchObject({ line: 2, column: 14, source: 'xml' });
  });

  // A fixture with one Schematron error (@calendar on an empty <date>) and one dangling pointer (#julian).
  const calendar = 'tests/fixtures/schematron/tei_all-att.calendarSystem-calendar-calendar_attr_on_empty_element-constraint-rule-11.xml';
  const checkCases: Array<{ args: string[]; code: number; sources: string[] }> = [
    { args: [], code: 1, sources: ['pointer', 'schematron'] },
    { args: ['--no-schematron'], code: 1, sources: ['pointer'] },
    { args: ['--no-pointers'], code: 1, sources: ['schematron'] },
    { args: ['--no-schematron', '--no-pointers'], code: 0, sources: [] },
  ];
  for (const c of checkCases) {
    it(`checks chosen: validate ${c.args.join(' ') || '(all checks)'} reports ${c.sources.join(' and ') || 'nothing'}`, async () => {
      const r = await runCli(['validate', '--format', 'json', ...c.args, calendar], repoRoot);
      expect(r.code, r.stderr).toBe(c.code);
      const sources = JSON.parse(r.stdout).documents[0].diagnostics.map((d: { source: string }) => d.source);
      expect([...new Set(sources)].sort()).toEqual(c.sources);
    });
  }

  it('a document that declares its RELAX NG schema again as its Schematron (as TEI Roma writes it) gets each finding once', async () => {
    const fixture = await fs.readFile(path.join(repoRoot, 'tests/fixtures/schematron/tei_all-att.typed-subtypeTyped-constraint-rule-10.xml'), 'utf8');
    const pi = '<?xml-model href="http://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>';
    const file = path.join(dir, 'declared-twice.xml');
    await fs.writeFile(file, fixture.replace(/^(<\?xml [^?]*\?>\n)/, `$1${pi}\n`));
    const r = await runCli(['validate', '--format', 'json', file]);
    expect(r.code, r.stderr).toBe(1);
    const rules = JSON.parse(r.stdout).documents[0].diagnostics.filter((d: { source: string }) => d.source === 'schematron');
    expect(rules.map((d: { line: number; message: string }) => `${d.line}: ${d.message}`)).toEqual([
      '7: The div element should not be categorized in detail with @subtype unless also categorized in general with @type',
    ]);
  });

  it('--format json prints one JSON document on stdout and nothing else', async () => {
    const r = await runCli(['validate', '--format', 'json', path.join(dir, 'broken.xml')]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.documents).toHaveLength(1);
    expect(doc.documents[0].valid).toBe(false);
    expect(doc.documents[0].diagnostics[0]).toMatchObject({ line: 2, column: 14, severity: 'error', source: 'xml' });
  });
});
