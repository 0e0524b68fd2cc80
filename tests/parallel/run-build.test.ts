import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildValidationChunk, runBuild, type TaskResult } from '../../src/parallel/run.js';
import { repoRoot, testIo } from '../helpers/io.js';

// A build holds the texts of one validation chunk at a time, never the folder's: documents are validated in
// chunks of at most 32, and every transform comes after the last validation (src/parallel/run.ts runBuild).
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-run-build-'));
  await fs.mkdir(path.join(dir, 'docs'));
  const minimal = await fs.readFile(path.join(repoRoot, 'tests/fixtures/transform/minimal.xml'), 'utf8');
  for (let i = 0; i < 40; i++) await fs.writeFile(path.join(dir, 'docs', `d${String(i).padStart(2, '0')}.xml`), minimal.replace('Hello, world.', `Document ${i}.`));
});

describe('runBuild (inline, --jobs 1)', () => {
  it('chunk sizes: an eighth of a small folder, 32 at most', () => {
    expect([1, 6, 40, 100, 256, 257, 10_000].map(buildValidationChunk)).toEqual([1, 1, 5, 13, 32, 32, 32]);
  });

  // --jobs 2 where no worker can start (here: no worker script) runs inline too, one task at a time.
  for (const jobs of [1, 2]) it(`validates in chunks, then transforms each document (--jobs ${jobs}, inline)`, async () => {
    const results: TaskResult[] = [];
    const io = testIo(dir, { TEIKIT_CACHE_DIR: path.join(dir, 'cache') });
    await fs.rm(path.join(dir, 'out'), { recursive: true, force: true });
    await runBuild(io, {
      paths: [path.join(dir, 'docs')],
      options: { outDir: path.join(dir, 'out') },
      jobs,
      quiet: true,
      workerUrl: new URL('file:///nonexistent/teikit-worker.js'),
      onChunk: (r) => results.push(r),
    });
    const validations = results.filter((r) => (r.built ?? []).length === 0);
    const transforms = results.filter((r) => (r.built ?? []).length > 0);
    expect(validations.map((r) => r.documents.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    expect(validations.every((r) => r.documents.every((d) => d.valid))).toBe(true);
    expect(transforms).toHaveLength(40);
    expect(transforms.every((r) => r.documents.length === 1 && r.built!.length === 1)).toBe(true);
    // No transform before the last validation.
    expect(results.findIndex((r) => (r.built ?? []).length > 0)).toBe(8);
    expect((await fs.readdir(path.join(dir, 'out'))).filter((f) => f.endsWith('.txt'))).toHaveLength(40);
  }, 120_000);
});
