import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExternalDtd, prologText, readDoctype } from '../../src/validate/dtd.js';

describe('readDoctype', () => {
  it('reads SYSTEM and PUBLIC identifiers after the XML declaration and comments', () => {
    expect(readDoctype('<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE TEI SYSTEM "../DTD/tei.dtd">\n<TEI/>')).toMatchObject({ root: 'TEI', systemId: '../DTD/tei.dtd', publicId: null });
    expect(readDoctype("<!DOCTYPE TEI PUBLIC '-//TEI//DTD TEI P5//EN' 'tei.dtd' [ ]><TEI/>")).toMatchObject({ publicId: '-//TEI//DTD TEI P5//EN', systemId: 'tei.dtd' });
    expect(readDoctype('<!DOCTYPE TEI [ <!ENTITY a "b"> ]><TEI/>')).toMatchObject({ systemId: null });
    expect(readDoctype('<TEI/>')).toBeNull();
  });
});

describe('checkExternalDtd', () => {
  const text = '<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "../DTD/tei.dtd">\n<TEI/>';
  it('a missing local DTD is an error naming the path and what to do', async () => {
    const d = await checkExternalDtd('doc.xml', '/data/docs/doc.xml', text, async () => false);
    expect(d).toMatchObject({ line: 2, column: 1, severity: 'error', source: 'xml', code: 'xml.dtd-missing' });
    expect(d!.message).toMatch(/\/data\/DTD\/tei\.dtd.*remove the DOCTYPE/);
  });
  it('an existing one is fine; a remote one is only a warning and never fetched', async () => {
    expect(await checkExternalDtd('doc.xml', '/data/docs/doc.xml', text, async () => true)).toBeNull();
    let asked = false;
    const remote = await checkExternalDtd('doc.xml', '/d/doc.xml', '<!DOCTYPE TEI SYSTEM "http://example.org/tei.dtd"><TEI/>', async () => ((asked = true), true));
    expect(asked).toBe(false);
    expect(remote).toMatchObject({ severity: 'warning', code: 'xml.dtd-remote' });
  });
});

describe('prologText', () => {
  const head = (s: string) => new TextEncoder().encode(s);
  it('reads the DOCTYPE from the file bytes: UTF-8 and 8-bit as Latin-1, UTF-16 by its BOM, only in the first 64 KiB', async () => {
    const utf16 = (s: string) => Buffer.from(s, 'utf16le');
    // Read as Latin-1, as it always was: the identifier's UTF-8 bytes show as two characters each.
    expect(readDoctype(prologText(head('<?xml version="1.0"?>\n<!-- ä -->\n<!DOCTYPE TEI SYSTEM "tëi.dtd">\n<TEI/>')))).toMatchObject({ systemId: 'tÃ«i.dtd' });
    expect(readDoctype(prologText(Uint8Array.from([0xff, 0xfe, ...utf16('<!DOCTYPE TEI SYSTEM "tei.dtd"><TEI/>')])))).toMatchObject({ systemId: 'tei.dtd' });
    expect(readDoctype(prologText(Uint8Array.from([0xfe, 0xff, ...utf16('<!DOCTYPE TEI SYSTEM "tei.dtd"><TEI/>').swap16()])))).toMatchObject({ systemId: 'tei.dtd' });
    expect(readDoctype(prologText(head('<?xml version="1.0"?>\n<TEI><!DOCTYPE later></TEI>')))).toBeNull();
    expect(prologText(head('<TEI/>'))).toBe('');
    // Past the first 64 KiB: not looked at.
    expect(prologText(head(`<!--${' '.repeat(70_000)}--><!DOCTYPE TEI SYSTEM "x.dtd"><TEI/>`))).toBe('');
    // A missing local DTD named there is the error validate reports.
    const missing = await checkExternalDtd('d.xml', path.join(os.tmpdir(), 'd.xml'), prologText(head('<!DOCTYPE TEI SYSTEM "nowhere.dtd"><TEI/>')), async () => false);
    expect(missing).toMatchObject({ severity: 'error', line: 1 });
  });
});
