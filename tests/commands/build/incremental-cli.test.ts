import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../helpers/io.js';

/*
 * Incremental builds as the user sees them. Its own file (so its own process) because the first run must
 * validate before SaxonJS is loaded for the stylesheets: see the note in src/commands/build/index.ts.
 */
const fixtures = path.join(repoRoot, 'tests/fixtures');
const ALL = ['tei/a.xml', 'tei/b.xml', 'tei/warned.xml'];

async function workspace(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-incremental-cli-'));
  await fs.mkdir(path.join(dir, 'tei'));
  await fs.copyFile(path.join(fixtures, 'transform/journal.xml'), path.join(dir, 'tei/a.xml'));
  await fs.copyFile(path.join(fixtures, 'transform/minimal.xml'), path.join(dir, 'tei/b.xml'));
  await fs.copyFile(path.join(fixtures, 'schematron/tei_all-att.datable.w3c-att-datable-w3c-when-constraint-rule-2.xml'), path.join(dir, 'tei/warned.xml'));
  return dir;
}

describe('teikit build: incremental, on the command line', () => {
  it('says what is up to date, lists it in JSON, and --quiet silences only progress, summary and per-file notes', async () => {
    const dir = await workspace();
    const first = await runCli(['build', '--jobs', '2'], dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/built tei\/a\.xml/);
    expect(first.stderr).toMatch(/teikit: 3 documents, 3 valid, 0 invalid; .* s\n$/);
    const second = await runCli(['build'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/teikit: 3 documents up to date \(unchanged since built; --rebuild builds anyway\)/);
    expect(second.stderr).toMatch(/warned\.xml:\d+:\d+: warning:/);
    expect(second.stderr).toMatch(/3 up to date/);
    const json = JSON.parse((await runCli(['build', '--format', 'json'], dir)).stdout);
    expect(json.upToDate).toEqual(ALL);
    expect(json.built).toEqual([]);
    const quiet = await runCli(['build', '--quiet'], dir);
    expect(quiet.stderr).not.toMatch(/up to date|documents,/);
    expect(quiet.stderr).toMatch(/warned\.xml:\d+:\d+: warning:/);
    const rebuilt = await runCli(['build', '--rebuild', '--quiet', '--format', 'json'], dir);
    expect(JSON.parse(rebuilt.stdout).built).toHaveLength(3);
  });
});
