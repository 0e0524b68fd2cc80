import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../helpers/io.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/transform');
const SUFFIXES = ['.html', '.txt', '.entities.csv', '.mentions.csv', '.reactions.csv', '.dc.xml'];
let dir: string;

/** A work folder with a valid document (journal), an invalid one (unknown elements) and a broken one. */
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-build-'));
  await fs.mkdir(path.join(dir, 'tei'));
  await fs.copyFile(path.join(fixtures, 'journal.xml'), path.join(dir, 'tei/journal.xml'));
  await fs.copyFile(path.join(fixtures, 'unknown-elements.xml'), path.join(dir, 'invalid.xml'));
  await fs.writeFile(path.join(dir, 'broken.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader></TEI>\n');
});

/** The outputs in a folder; the manifest (a dotfile) is checked by tests/commands/build/incremental.test.ts. */
async function listing(out: string): Promise<string[]> {
  return (await fs.readdir(path.join(dir, out)).catch(() => [])).filter((f) => !f.startsWith('.')).sort();
}

/** CLI behaviour as a table: arguments (run in `dir`), exit code, stderr, and the files the output folder then holds. */
const cases: Array<{ name: string; args: string[]; code: number; stderr: RegExp; out: string; files: string[] }> = [
  { name: 'valid document: six outputs, default tei/', args: ['build', '--out', 'o1'], code: 0, stderr: /built tei\/journal\.xml -> o1\/journal\.html/, out: 'o1', files: SUFFIXES.map((s) => 'journal' + s).sort() },
  { name: 'invalid document: reported like validate, not built', args: ['build', 'invalid.xml', '--out', 'o2'], code: 1, stderr: /invalid\.xml:14:\d+: error: element frobnicate is not allowed[\s\S]*not built: invalid\.xml: invalid/, out: 'o2', files: [] },
  { name: 'invalid document with --force: built, still exit 1', args: ['build', 'invalid.xml', '--force', '--out', 'o3'], code: 1, stderr: /error: element frobnicate[\s\S]*built invalid\.xml/, out: 'o3', files: SUFFIXES.map((s) => 'invalid' + s).sort() },
  { name: 'not well-formed: never built, even with --force', args: ['build', 'broken.xml', '--force', '--out', 'o4'], code: 1, stderr: /broken\.xml:2:\d+: error: not well-formed[\s\S]*not built: broken\.xml/, out: 'o4', files: [] },
  { name: 'missing path is a usage error', args: ['build', 'nope.xml', '--out', 'o5'], code: 2, stderr: /nope\.xml: no such file or folder/, out: 'o5', files: [] },
];

describe('teikit build (CLI table)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(c.args, dir);
      expect(r.stderr).toMatch(c.stderr);
      expect(r.code).toBe(c.code);
      expect(await listing(c.out)).toEqual(c.files);
    });
  }

  it('--format json: one document on stdout with the diagnostics, built and skipped', async () => {
    const r = await runCli(['build', 'tei/journal.xml', 'invalid.xml', '--format', 'json', '--out', 'o6'], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.documents.map((d: { file: string; valid: boolean }) => [d.file, d.valid])).toEqual([['tei/journal.xml', true], ['invalid.xml', false]]);
    expect(doc.built).toEqual([{ file: 'tei/journal.xml', outputs: SUFFIXES.map((s) => 'o6/journal' + s) }]);
    expect(doc.skipped).toEqual([{ file: 'invalid.xml', reason: expect.stringMatching(/--force/) }]);
  });

  it('a failed build leaves the previous outputs byte for byte', async () => {
    await fs.mkdir(path.join(dir, 'o7'));
    for (const s of SUFFIXES) await fs.writeFile(path.join(dir, 'o7', 'invalid' + s), 'previous ' + s);
    const r = await runCli(['build', 'invalid.xml', '--out', 'o7'], dir);
    expect(r.code).toBe(1);
    for (const s of SUFFIXES) expect(await fs.readFile(path.join(dir, 'o7', 'invalid' + s), 'utf8')).toBe('previous ' + s);
    // No temporary files left behind either.
    expect(await listing('o7')).toEqual(SUFFIXES.map((s) => 'invalid' + s).sort());
  });

  it('refuses two documents that would write the same outputs', async () => {
    await fs.mkdir(path.join(dir, 'twin'), { recursive: true });
    await fs.copyFile(path.join(fixtures, 'journal.xml'), path.join(dir, 'twin/journal.xml'));
    const r = await runCli(['build', 'tei', 'twin', '--out', 'o8'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tei\/journal\.xml and twin\/journal\.xml would both write o8\/journal\.\*/);
    expect(await listing('o8')).toEqual([]);
  });
});
