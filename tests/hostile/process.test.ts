import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/io.js';
import { runChild } from './helpers/child.js';

/** The built CLI in a real process, for what only a process shows: peak memory (all threads) on documents built to exhaust it. */
const fixtures = path.join(repoRoot, 'tests/fixtures/hostile');
/** Node with worker threads and libxml2 loaded stays far below this; an entity bomb or a read 100 MB file would not. */
const MAX_RSS_MB = 400;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-process-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('bounded time and memory in a real process', () => {
  it('the billion laughs: a clear error, exit 1, bounded memory', async () => {
    const r = await runChild(['validate', path.join(fixtures, 'dtd/billion-laughs.xml')], tmp);
    expect(r.stderr).toMatch(/billion-laughs\.xml:15:\d+: error: entity expansion stopped at &lol\d;/);
    expect(r.code).toBe(1);
    expect(r.rssMB).toBeLessThan(MAX_RSS_MB);
  });

  it('a 100 MB document: refused unread, bounded memory', async () => {
    const file = path.join(tmp, 'big.xml');
    const handle = await fs.open(file, 'w');
    const chunk = Buffer.from('<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n'.repeat(16_384));
    await handle.write('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>\n');
    for (let n = 0; n < (100 * 1024 * 1024) / chunk.length; n++) await handle.write(chunk);
    await handle.write('</body></text></TEI>\n');
    await handle.close();
    const r = await runChild(['validate', file], tmp);
    expect(r.stderr).toMatch(/big\.xml: error: big\.xml is 100\.\d MB, over the 64 MB limit/);
    expect(r.code).toBe(1);
    expect(r.rssMB).toBeLessThan(MAX_RSS_MB);
  });

  it('20,000 nested elements and a 10 MB attribute: refused, bounded memory', async () => {
    await fs.writeFile(path.join(tmp, 'deep.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">' + '<div>'.repeat(20_000) + '</div>'.repeat(20_000) + '</TEI>');
    await fs.writeFile(path.join(tmp, 'attr.xml'), `<TEI xmlns="http://www.tei-c.org/ns/1.0" n="${'x'.repeat(10 * 1024 * 1024)}"/>`);
    const r = await runChild(['validate', 'deep.xml', 'attr.xml'], tmp);
    expect(r.stderr).toMatch(/deep\.xml:1:\d+: error: elements nest more than 256 deep/);
    expect(r.stderr).toMatch(/attr\.xml:1:\d+: error: an attribute value of 10,485,760 characters/);
    expect(r.code).toBe(1);
    expect(r.rssMB).toBeLessThan(MAX_RSS_MB);
  });
});
