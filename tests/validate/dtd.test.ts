import { describe, expect, it } from 'vitest';
import { checkExternalDtd, readDoctype } from '../../src/validate/dtd.js';

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
