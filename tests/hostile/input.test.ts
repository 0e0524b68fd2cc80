import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confinedReader, decodeXml } from '../../src/validate/input.js';
import { corpusDir, testIo } from '../helpers/io.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-input-'));
  await fs.mkdir(path.join(dir, 'project/tei/parts'), { recursive: true });
  await fs.writeFile(path.join(dir, 'project/tei/parts/ch1.xml'), '<div/>');
  await fs.writeFile(path.join(dir, 'outside.txt'), 'SECRET');
  await fs.symlink(path.join(dir, 'outside.txt'), path.join(dir, 'project/tei/link.xml'));
  await fs.symlink('/etc/passwd', path.join(dir, 'project/tei/passwd.xml'));
  execFileSync('mkfifo', [path.join(dir, 'project/tei/fifo.xml')]);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('confinedReader: what an XInclude may read', () => {
  const read = () => confinedReader(testIo(path.join(dir, 'project')), [path.join(dir, 'project'), path.join(dir, 'project/tei')]);
  it('reads a regular file below the roots', async () => {
    expect(Buffer.from(await read()(path.join(dir, 'project/tei/parts/ch1.xml'))).toString()).toBe('<div/>');
  });
  const refused: Array<[string, () => string, RegExp]> = [
    ['/etc/passwd', () => '/etc/passwd', /outside the folders teikit reads from/],
    ['a path climbing out with ..', () => path.join(dir, 'project/tei/../../outside.txt'), /outside the folders/],
    ['a symlink inside pointing outside', () => path.join(dir, 'project/tei/link.xml'), /outside the folders/],
    ['a symlink to /etc/passwd', () => path.join(dir, 'project/tei/passwd.xml'), /outside the folders/],
    ['a FIFO (would block forever)', () => path.join(dir, 'project/tei/fifo.xml'), /not a regular file/],
    ['/dev/zero (would never end)', () => '/dev/zero', /outside the folders/],
    ['a missing file', () => path.join(dir, 'project/tei/none.xml'), /ENOENT/],
  ];
  for (const [name, p, re] of refused) {
    it(`refuses ${name}, naming no content`, async () => {
      const err = await read()(p()).then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(re);
      expect(err?.message).not.toMatch(/SECRET|root:x/);
    });
  }
});

describe('decodeXml edge cases', () => {
  const cases: Array<{ name: string; bytes: number[] | string; ok: boolean; expect: RegExp }> = [
    { name: 'UTF-16LE without BOM (detected from "<?")', bytes: [...Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>é</a>', 'utf16le')], ok: true, expect: /<a>é<\/a>/ },
    { name: 'UTF-32 is named and refused', bytes: [0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0], ok: false, expect: /UTF-32/ },
    { name: 'an unknown encoding', bytes: '<?xml version="1.0" encoding="x-klingon"?><a/>', ok: false, expect: /unsupported encoding "x-klingon"/ },
    { name: 'an overlong UTF-8 sequence', bytes: [0x3c, 0x61, 0x3e, 0xe0, 0x80, 0xaf, 0x3c, 0x2f, 0x61, 0x3e], ok: false, expect: /byte 0xe0 is not valid UTF-8/ },
    { name: 'a UTF-8-encoded surrogate', bytes: [0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x61, 0x3e], ok: false, expect: /byte 0xed is not valid UTF-8/ },
    // Node 20's own windows-1252 decoder would give these bytes as C1 controls.
    { name: 'windows-1252 reads 0x80-0x9F as its quotes, dashes and daggers', bytes: [...Buffer.from('<?xml version="1.0" encoding="windows-1252"?><a>'), 0x93, 0x92, 0x86, 0x96, 0x80, 0x81, 0xe9, ...Buffer.from('</a>')], ok: true, expect: /<a>“’†–€\u0081é<\/a>/ },
    { name: 'ISO-8859-1 with C1 bytes warns about windows-1252', bytes: [...Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0x93, 0x94, ...Buffer.from('</a>')], ok: true, expect: /<a>\u0093\u0094<\/a>/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = decodeXml('t.xml', typeof c.bytes === 'string' ? Buffer.from(c.bytes) : Uint8Array.from(c.bytes));
      expect(r.ok).toBe(c.ok);
      if (r.ok) expect(r.text).toMatch(c.expect);
      else expect(r.diagnostic.message).toMatch(c.expect);
    });
  }

  it('a C1 control character in UTF-8 is a warning naming the windows-1252 character it probably stands for', () => {
    const r = decodeXml('t.xml', Buffer.from('<?xml version="1.0"?>\n<p>Cuvier (\u0086 1832), \u0092x\u0092</p>'));
    expect(r.ok && r.warnings).toEqual([expect.objectContaining({ severity: 'warning', code: 'xml.control-char', line: 2, column: 12,
      message: 'character U+0086 is a control character, not text: probably "†" (U+2020) from windows-1252 text that some tool read as ISO-8859-1; replace it with the character meant, as HTML forbids control characters (3 in this file)' })]);
    // Written as character references, which the parser would turn into the same controls.
    const refs = decodeXml('t.xml', Buffer.from('<a>ok</a>\n<b>&#146;s &#x86; &#X8D; &#159;&#160;&#127;</b>'));
    expect(refs.ok && refs.warnings[0]).toMatchObject({ code: 'xml.control-char', line: 2, column: 4,
      message: expect.stringMatching(/^the character reference &#146; \(U\+0092\) is a control character, not text: probably "’" \(U\+2019\) .*\(4 in this file\)$/) });
    // 0x81 has no windows-1252 character: no guess is offered.
    const u = decodeXml('t.xml', Buffer.from('<a>\u0081</a>'));
    expect(u.ok && u.warnings[0]?.message).toMatch(/^character U\+0081 is a control character, not text: probably a character that some tool decoded wrongly;/);
    const clean = decodeXml('t.xml', Buffer.from('<a>† ’ \u00a0</a>'));
    expect(clean.ok && clean.warnings).toEqual([]);
  });

  it('a corpus document with mis-decoded daggers gets the warning at the first one', async () => {
    const file = path.join(corpusDir, 'docs', 'eeditiones--tei-publisher-app--data__demo__Kirchner-Michaelis-1907.xml');
    const r = decodeXml(file, await fs.readFile(file));
    expect(r.ok && r.warnings).toEqual([expect.objectContaining({ code: 'xml.control-char', line: 1340, column: 3313, message: expect.stringMatching(/U\+0086 .*"†" \(U\+2020\).*\(75 in this file\)$/) })]);
  });

  it('the warning for C1 bytes in ISO-8859-1 says where and what to declare', () => {
    const r = decodeXml('t.xml', Uint8Array.from([...Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>'), 0x93, ...Buffer.from('</a>')]));
    expect(r.ok && r.warnings[0]).toMatchObject({ severity: 'warning', line: 2, column: 4, message: expect.stringMatching(/declare encoding="windows-1252"/) });
  });
});
