import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../helpers/io.js';
import { runChild } from '../../hostile/helpers/child.js';

// With worker threads (only the built CLI can start them), validation runs in chunks of 32 documents and the
// transforms go one document at a time, largest first, to the free thread (src/parallel/run.ts runBuild).
// Whatever thread builds a document, reports and outputs must be those of a build in one thread.
const fixtures = path.join(repoRoot, 'tests/fixtures/transform');
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-build-workers-'));
  await fs.mkdir(path.join(dir, 'docs'));
  for (const f of ['journal.xml', 'minimal.xml', 'hostile.xml', 'unknown-elements.xml']) await fs.copyFile(path.join(fixtures, f), path.join(dir, 'docs', f));
  await fs.copyFile(path.join(repoRoot, 'tei/puzanov-1957-07-08.xml'), path.join(dir, 'docs/puzanov-1957-07-08.xml'));
  await fs.writeFile(path.join(dir, 'docs/broken.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader></TEI>\n');
});

/** Every output file of a folder with its content (the manifest, a dotfile, holds paths and is left out). */
async function outputs(out: string): Promise<Record<string, string>> {
  const files = (await fs.readdir(path.join(dir, out)).catch(() => [])).filter((f) => !f.startsWith('.')).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await fs.readFile(path.join(dir, out, f), 'utf8')] as const)));
}

/** The JSON report without the summary's elapsed time, the output folder's name replaced. */
function report(stdout: string, out: string): unknown {
  const doc = JSON.parse(stdout.replaceAll(`"${out}/`, '"OUT/')) as { summary?: Record<string, unknown> };
  delete doc.summary?.['seconds'];
  return doc;
}

describe('teikit build --jobs 2 (worker threads) gives what one thread gives', () => {
  for (const force of [false, true]) {
    it(force ? 'with --force: invalid documents built too' : 'invalid documents skipped at validation', async () => {
      const extra = force ? ['--force'] : [];
      const one = await runCli(['build', 'docs', '--jobs', '1', '--format', 'json', '--out', `one-${force}`, ...extra], dir);
      const two = await runChild(['build', 'docs', '--jobs', '2', '--format', 'json', '--out', `two-${force}`, ...extra], dir);
      expect(two.code).toBe(one.code);
      expect(one.code).toBeGreaterThan(0);
      expect(report(two.stdout, `two-${force}`)).toEqual(report(one.stdout, `one-${force}`));
      const a = await outputs(`one-${force}`);
      expect(Object.keys(a).length).toBe(force ? 30 : 18);
      expect(await outputs(`two-${force}`)).toEqual(a);
    });
  }
});
