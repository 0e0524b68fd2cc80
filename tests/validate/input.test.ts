import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confinedReader, decodeXml, loadDocument } from '../../src/validate/input.js';
import { corpusDir, testIo } from '../helpers/io.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-input-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function load(name: string, bytes: Uint8Array | string) {
  const absPath = path.join(tmp, name);
  fs.writeFileSync(absPath, bytes);
  return loadDocument(testIo(tmp), { file: name, absPath });
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('loadDocument: the UTF-8 bytes handed on for xmllint', () => {
  // Whether the file's bytes stand for the text, and the bytes whenever they do: always the text's exact UTF-8.
  const cases: Array<{ name: string; bytes: Uint8Array | string; utf8: boolean }> = [
    { name: 'UTF-8 as declared', bytes: '<?xml version="1.0" encoding="UTF-8"?>\n<TEI>é ✓ 𝔄</TEI>', utf8: true },
    { name: 'no declaration', bytes: '<TEI>é</TEI>', utf8: true },
    { name: 'encoding="utf-8", rewritten to UTF-8 in place', bytes: "<?xml version='1.0' encoding='utf-8'?><TEI>é</TEI>", utf8: true },
    { name: 'encoding="utf8", rewritten to a longer name', bytes: '<?xml version="1.0" encoding="utf8"?><TEI>é</TEI>', utf8: false },
    { name: 'a byte order mark', bytes: new Uint8Array([0xef, 0xbb, 0xbf, ...enc('<TEI>é</TEI>')]), utf8: false },
    { name: 'ISO-8859-1', bytes: new Uint8Array([...enc('<?xml version="1.0" encoding="ISO-8859-1"?><TEI>'), 0xe9, ...enc('</TEI>')]), utf8: false },
    { name: 'a DOCTYPE (blanked)', bytes: '<!DOCTYPE TEI [<!ENTITY e "x">]><TEI/>', utf8: false },
    { name: 'an entity (expanded)', bytes: '<!DOCTYPE TEI [<!ENTITY e "x">]><TEI>&e;</TEI>', utf8: false },
    { name: 'only predefined and character references (kept)', bytes: '<TEI a="&amp;&#233;">&lt;&#x41;</TEI>', utf8: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const loaded = await load('doc.xml', c.bytes);
      expect(loaded.text).not.toBeNull();
      if (loaded.text === null) return;
      expect(loaded.utf8 !== undefined).toBe(c.utf8);
      if (loaded.utf8) expect(Buffer.from(loaded.utf8).equals(Buffer.from(enc(loaded.text)))).toBe(true);
      expect(Buffer.from(loaded.bytes).equals(Buffer.from(typeof c.bytes === 'string' ? enc(c.bytes) : c.bytes))).toBe(true);
    });
  }

  it('a declaration with a non-ASCII character before "?>" gets no bytes rather than wrong ones', () => {
    const r = decodeXml('t.xml', enc('<?xml version="1.0" encoding="utf-8" é?><TEI/>'));
    expect(r.ok && r.utf8).toBe(undefined);
  });

  it('the bytes are exactly the text as UTF-8 for every corpus document that has them', async () => {
    const docsDir = path.join(corpusDir, 'docs');
    let withBytes = 0;
    for (const f of fs.readdirSync(docsDir).sort()) {
      const loaded = await loadDocument(testIo(docsDir), { file: f, absPath: path.join(docsDir, f) });
      if (loaded.text === null || !loaded.utf8) continue;
      withBytes++;
      expect(Buffer.from(loaded.utf8).equals(Buffer.from(enc(loaded.text))), f).toBe(true);
    }
    expect(withBytes).toBeGreaterThan(200);
  });
});

describe('confinedReader', () => {
  it('resolves its folders only when something is read (validate makes one per document; most read nothing)', async () => {
    const resolved: string[] = [];
    const io = testIo(tmp);
    const counting = { ...io, fs: { ...io.fs, realpath: (async (p: string) => (resolved.push(p), fs.promises.realpath(p))) as typeof io.fs.realpath } };
    fs.writeFileSync(path.join(tmp, 'part.xml'), '<p/>');
    const read = confinedReader(counting, [tmp]);
    expect(resolved).toEqual([]);
    expect(Buffer.from(await read(path.join(tmp, 'part.xml'))).toString()).toBe('<p/>');
    await expect(read(path.dirname(tmp))).rejects.toThrow(/outside the folders/);
    expect(resolved.filter((p) => p === tmp)).toHaveLength(1);
  });
});
