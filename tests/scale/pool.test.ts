import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { canStartWorker, forEachChunk, WorkerPool } from '../../src/parallel/pool.js';
import { streamDocuments } from '../../src/parallel/stream.js';
import { collectDocuments } from '../../src/util/files.js';
import { corpusDir, testIo } from '../helpers/io.js';

const squareWorker = new URL('./fixtures/square-worker.mjs', import.meta.url);

describe('WorkerPool', () => {
  it('spreads tasks over real worker threads and returns each result to its caller', async () => {
    expect(canStartWorker(squareWorker)).toBe(true);
    const pool = new WorkerPool<{ n: number }, { square: number; threadId: number }>(squareWorker, 2);
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, n) => pool.run({ n })));
      expect(results.map((r) => r.square)).toEqual(Array.from({ length: 40 }, (_, n) => n * n));
      expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('keeps a ToolError a ToolError across the thread boundary (exit 2 with its hint)', async () => {
    const pool = new WorkerPool<{ n: number; fail?: string }, unknown>(squareWorker, 1);
    try {
      const err = await pool.run({ n: 3, fail: 'ToolError' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect(err).toMatchObject({ message: 'task 3 failed', hint: 'a hint' });
      await expect(pool.run({ n: 4, fail: 'TypeError' })).rejects.toThrow('task 4 failed');
      expect((await pool.run({ n: 5 })) as { square: number }).toMatchObject({ square: 25 });
    } finally {
      await pool.close();
    }
  });

  it('does not start TypeScript sources as workers (the caller runs them in the main thread)', () => {
    expect(canStartWorker(new URL('../../src/parallel/worker.ts', import.meta.url))).toBe(false);
    expect(canStartWorker(new URL('./fixtures/missing.mjs', import.meta.url))).toBe(false);
  });
});

describe('forEachChunk', () => {
  it('pulls items lazily: never more than concurrency × chunkSize taken ahead of the results', async () => {
    let pulled = 0;
    let done = 0;
    let maxAhead = 0;
    function* items() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - done);
        yield i;
      }
    }
    const seen: number[] = [];
    await forEachChunk(
      items(),
      { chunkSize: 10, concurrency: 3 },
      async (chunk) => {
        await new Promise((r) => setTimeout(r, 1));
        return chunk.map((x) => x * 2);
      },
      (result, chunk) => {
        done += chunk.length;
        seen.push(...result);
      },
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2));
    expect(maxAhead).toBeLessThanOrEqual(3 * 10 + 1);
  });

  it('takes a chunk size per chunk when given a function (validate\'s growing chunks)', async () => {
    const sizes: number[] = [];
    await forEachChunk(
      Array.from({ length: 100 }, (_, i) => i),
      { chunkSize: (k) => 8 << k, concurrency: 2 },
      async (chunk) => chunk,
      (_, chunk) => sizes.push(chunk.length),
    );
    expect(sizes.sort((a, b) => a - b)).toEqual([8, 16, 32, 44]);
  });

  it('stops at the first failing chunk and rethrows its error', async () => {
    const calls: number[] = [];
    const run = forEachChunk(
      Array.from({ length: 100 }, (_, i) => i),
      { chunkSize: 5, concurrency: 2 },
      async (chunk) => {
        calls.push(chunk[0]!);
        if (chunk[0] === 10) throw new Error('chunk 10 broke');
        return null;
      },
      () => undefined,
    );
    await expect(run).rejects.toThrow('chunk 10 broke');
    expect(calls.length).toBeLessThan(20);
  });
});

describe('streamDocuments', () => {
  it('finds the same documents as collectDocuments in the corpus, walking lazily', async () => {
    const io = testIo();
    const streamed: string[] = [];
    for await (const d of streamDocuments([corpusDir], io)) streamed.push(d.file);
    const collected = (await collectDocuments([corpusDir], io)).map((d) => d.file);
    expect(streamed.length).toBeGreaterThan(230);
    expect([...streamed].sort()).toEqual([...collected].sort());
  });

  it('skips hidden folders and files, follows no folder links, and names a missing path', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-stream-'));
    await fs.mkdir(path.join(dir, 'a', '.hidden'), { recursive: true });
    await fs.writeFile(path.join(dir, 'a', 'x.xml'), '<x/>');
    await fs.writeFile(path.join(dir, 'a', '.y.xml'), '<y/>');
    await fs.writeFile(path.join(dir, 'a', '.hidden', 'z.xml'), '<z/>');
    await fs.writeFile(path.join(dir, 'a', 'notes.txt'), 'no');
    await fs.symlink(dir, path.join(dir, 'a', 'loop'));
    const io = testIo(dir);
    const found: string[] = [];
    for await (const d of streamDocuments(['a', 'a/x.xml'], io)) found.push(d.file);
    expect(found).toEqual([path.join('a', 'x.xml')]);
    await expect(async () => {
      for await (const _ of streamDocuments(['nope'], io)) void _;
    }).rejects.toThrow('nope: no such file or folder');
  });
});
