import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { runCli, repoRoot } from '../helpers/io.js';

// Two SaxonJS copies in one process break each other (globalThis.HostPlatform): a build's transforms followed
// by a validation in the same process once lost every Schematron result. One shared copy keeps both working.
it('Schematron still reports after transforms ran in the same process', async () => {
  const fixture = path.join(repoRoot, 'tests/fixtures/schematron/tei_all-addSpan-addSpan-requires-spanTo-constraint-rule-44.xml');
  const codes = async () => {
    const r = await runCli(['validate', '--format', 'json', fixture]);
    return (JSON.parse(r.stdout) as { documents: Array<{ diagnostics: Array<{ source: string }> }> }).documents[0]!.diagnostics.filter((d) => d.source === 'schematron').length;
  };
  const before = await codes();
  expect(before).toBeGreaterThan(0);
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-one-saxon-'));
  const b = await runCli(['build', '--rebuild', '--out', out, path.join(repoRoot, 'tei')]);
  expect(b.code).toBe(0);
  expect((await fs.readFile(path.join(out, 'puzanov-1957-07-08.txt'), 'utf8')).length).toBeGreaterThan(1000);
  expect(await codes()).toBe(before);
});
