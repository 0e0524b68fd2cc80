import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputPath, writeFilesAtomic } from '../../src/util/atomic.js';
import { testIo } from '../helpers/io.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-atomic-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const listing = async (d: string) => (await fs.readdir(d, { recursive: true })).sort();

describe('writeFilesAtomic', () => {
  it('replaces every file and leaves no temporary file', async () => {
    await fs.writeFile(path.join(dir, 'a.html'), 'old a');
    await writeFilesAtomic(testIo(dir), [
      { path: path.join(dir, 'a.html'), data: 'new a' },
      { path: path.join(dir, 'sub/b.csv'), data: new Uint8Array([1, 2, 3]) },
    ]);
    expect(await fs.readFile(path.join(dir, 'a.html'), 'utf8')).toBe('new a');
    expect([...(await fs.readFile(path.join(dir, 'sub/b.csv')))]).toEqual([1, 2, 3]);
    expect(await listing(dir)).toEqual(['a.html', 'sub', 'sub/b.csv']);
  });

  it('an aborted run (SIGINT) changes nothing and leaves no temporary file', async () => {
    await fs.writeFile(path.join(dir, 'a.html'), 'old a');
    const controller = new AbortController();
    controller.abort(new Error('interrupted by SIGINT'));
    const io = { ...testIo(dir), signal: controller.signal };
    await expect(writeFilesAtomic(io, [{ path: path.join(dir, 'a.html'), data: 'new a' }])).rejects.toThrow(/interrupted/);
    expect(await fs.readFile(path.join(dir, 'a.html'), 'utf8')).toBe('old a');
    expect(await listing(dir)).toEqual(['a.html']);
  });

  it('a failure on the second file leaves the first as it was (all or nothing) and no temporary file', async () => {
    await fs.writeFile(path.join(dir, 'a.html'), 'old a');
    // A file where a folder is needed: mkdir fails for the second output.
    await fs.writeFile(path.join(dir, 'blocker'), '');
    await expect(
      writeFilesAtomic(testIo(dir), [
        { path: path.join(dir, 'a.html'), data: 'new a' },
        { path: path.join(dir, 'blocker/b.html'), data: 'b' },
      ]),
    ).rejects.toThrow();
    expect(await fs.readFile(path.join(dir, 'a.html'), 'utf8')).toBe('old a');
    expect(await listing(dir)).toEqual(['a.html', 'blocker']);
  });

  it('a folder in the way of the second file: nothing is replaced, no temporary or backup file is left', async () => {
    await fs.writeFile(path.join(dir, 'a.html'), 'old a');
    await fs.mkdir(path.join(dir, 'a.txt'));
    await expect(
      writeFilesAtomic(testIo(dir), [
        { path: path.join(dir, 'a.html'), data: 'new a' },
        { path: path.join(dir, 'a.txt'), data: 'new b' },
      ]),
    ).rejects.toThrow(/a folder of that name is in the way/);
    expect(await fs.readFile(path.join(dir, 'a.html'), 'utf8')).toBe('old a');
    expect(await listing(dir)).toEqual(['a.html', 'a.txt']);
  });

  it('twenty concurrent writers of the same files: each file ends whole, from one writer, with no temporary file', async () => {
    const big = (i: number) => `${i}:`.padEnd(200_000, String.fromCharCode(97 + i));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writeFilesAtomic(testIo(dir), [
          { path: path.join(dir, 'x.html'), data: big(i) },
          { path: path.join(dir, 'x.txt'), data: big(i) },
        ]),
      ),
    );
    for (const f of ['x.html', 'x.txt']) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      const i = Number(text.split(':')[0]);
      expect(text).toBe(big(i));
    }
    expect(await listing(dir)).toEqual(['x.html', 'x.txt']);
  });
});

describe('outputPath never leaves the output folder', () => {
  const refused = ['../x.html', '../../etc/passwd', '/etc/passwd', 'sub/../../x.html', '', '.', 'a\0b.html'];
  for (const name of refused) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      expect(() => outputPath('/tmp/out', name)).toThrow(/refusing to write/);
    });
  }
  const accepted = ['x.html', '..notes.html', 'sub/x.html', 'with space.html', `it's "quoted".html`, 'Пузанов 김일성.html'];
  for (const name of accepted) {
    it(`accepts ${JSON.stringify(name)}`, () => {
      expect(outputPath('/tmp/out', name)).toBe(path.join('/tmp/out', name));
    });
  }
});
