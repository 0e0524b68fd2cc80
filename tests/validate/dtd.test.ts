import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExternalDtd, prologText, readDoctype, readProlog } from '../../src/validate/dtd.js';
import { testIo } from '../helpers/io.js';

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
  it('gives the DOCTYPE from bytes already read, as readProlog does from the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-dtd-'));
    const cases = [
      head('<?xml version="1.0"?>\n<!-- ä -->\n<!DOCTYPE TEI SYSTEM "tëi.dtd">\n<TEI/>'),
      Uint8Array.from([0xff, 0xfe, ...Buffer.from('<!DOCTYPE TEI SYSTEM "tei.dtd"><TEI/>', 'utf16le')]),
      Uint8Array.from([0xfe, 0xff, ...Buffer.from('<!DOCTYPE TEI SYSTEM "tei.dtd"><TEI/>', 'utf16le').swap16()]),
      head('<?xml version="1.0"?>\n<TEI><!DOCTYPE later></TEI>'),
      head('<TEI/>'),
    ];
    try {
      for (const [i, bytes] of cases.entries()) {
        const file = path.join(dir, `d${i}.xml`);
        fs.writeFileSync(file, bytes);
        const fromFile = await readProlog(testIo(dir), file);
        expect(readDoctype(prologText(bytes))).toEqual(readDoctype(fromFile));
        expect(await checkExternalDtd('d.xml', file, prologText(bytes), async () => false)).toEqual(await checkExternalDtd('d.xml', file, fromFile, async () => false));
      }
      // Read as Latin-1, as it always was: the identifier's UTF-8 bytes show as two characters each.
      expect(readDoctype(prologText(cases[0]!))).toMatchObject({ systemId: 'tÃ«i.dtd' });
      expect(readDoctype(prologText(cases[2]!))).toMatchObject({ systemId: 'tei.dtd' });
      // Past the first 64 KiB, as readProlog: not looked at.
      expect(prologText(head(`<!--${' '.repeat(70_000)}--><!DOCTYPE TEI SYSTEM "x.dtd"><TEI/>`))).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
