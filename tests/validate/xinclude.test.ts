import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandXIncludes } from '../../src/validate/xinclude.js';
import { repoRoot } from '../helpers/io.js';

const dir = path.join(repoRoot, 'tests/fixtures/validate/xinclude');
const ctx = (name: string) => ({
  file: name,
  absPath: path.join(dir, name),
  readFile: (p: string) => fs.readFile(p),
  display: (p: string) => path.relative(dir, p),
});

describe('expandXIncludes', () => {
  it('leaves a document without XInclude untouched', async () => {
    const text = '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<p/>\n</TEI>';
    const r = await expandXIncludes(text, ctx('x.xml'));
    expect(r.text).toBe(text);
    expect(r.origin(2)).toEqual({ file: 'x.xml', line: 2 });
  });

  it('leaves a document that declares the XInclude namespace but includes nothing untouched', async () => {
    const text = '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">\n<p>includes</p>\n</TEI>';
    const r = await expandXIncludes(text, ctx('x.xml'));
    expect(r).toMatchObject({ text, diagnostics: [] });
    expect(r.origin(2)).toEqual({ file: 'x.xml', line: 2 });
  });

  it('finds an include element in the XInclude namespace by default, without a prefix', async () => {
    const text = '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<include xmlns="http://www.w3.org/2001/XInclude" href="part.xml"/>\n</TEI>';
    const r = await expandXIncludes(text, ctx('x.xml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.text).not.toContain('<include');
    expect(r.text).toContain('And a second one');
  });

  it('splices a local document and maps every line back to its file', async () => {
    const name = 'include-ok.xml';
    const r = await expandXIncludes(await fs.readFile(path.join(dir, name), 'utf8'), ctx(name));
    expect(r.diagnostics).toEqual([]);
    expect(r.text).not.toContain('xi:include');
    const lines = r.text.split('\n');
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    // Lines of the included file map to part.xml, lines after the include to their own line in the includer.
    expect(r.origin(at('And a second one'))).toEqual({ file: 'part.xml', line: 4 });
    expect(r.origin(at('over two lines'))).toEqual({ file: 'part.xml', line: 5 });
    expect(r.origin(at('Then an error'))).toEqual({ file: name, line: 20 });
  });

  it('escapes a text include', async () => {
    const name = 'include-text.xml';
    const r = await expandXIncludes(await fs.readFile(path.join(dir, name), 'utf8'), ctx(name));
    expect(r.text).toContain('Plain text with &lt;angle brackets&gt; &amp; an ampersand.');
  });

  it('uses the fallback in place, so its lines stay the includer\'s', async () => {
    const name = 'missing-with-fallback.xml';
    const r = await expandXIncludes(await fs.readFile(path.join(dir, name), 'utf8'), ctx(name));
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([['warning', 'xinclude.fallback', 18]]);
    const lines = r.text.split('\n');
    const fallbackLine = lines.findIndex((l) => l.includes('The fallback paragraph')) + 1;
    expect(r.origin(fallbackLine)).toEqual({ file: name, line: 20 });
  });

  it('never reads a URL, even one a reader could serve', async () => {
    let reads = 0;
    const text = '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="http://localhost/x.xml"/></TEI>';
    const r = await expandXIncludes(text, { ...ctx('x.xml'), readFile: async () => (reads++, new Uint8Array()) });
    expect(reads).toBe(0);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', source: 'xinclude', code: 'xinclude.failed', line: 1, column: 85 });
  });
});
