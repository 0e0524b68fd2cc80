import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/io.js';
import { FIXTURE, plant, positionOf, readText } from '../../review/helpers.js';

let dir: string;
let clean: string;
let untagged: string;
let dangling: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-review-cli-'));
  clean = await readText(FIXTURE);
  await fs.writeFile(path.join(dir, 'clean.xml'), clean);
  untagged = plant(clean, '<persName ref="#weber">Anna Weber</persName> promised', 'Anna Weber promised');
  await fs.writeFile(path.join(dir, 'untagged.xml'), untagged);
  dangling = plant(clean, '<placeName ref="#pl-dresden">', '<placeName ref="#pl-nowhere">');
  await fs.writeFile(path.join(dir, 'dangling.xml'), dangling);
  await fs.writeFile(path.join(dir, 'broken.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader></TEI>\n');
  await fs.mkdir(path.join(dir, 'a'));
  await fs.mkdir(path.join(dir, 'b'));
  await fs.writeFile(path.join(dir, 'a', 'same.xml'), clean);
  await fs.writeFile(path.join(dir, 'b', 'same.xml'), clean);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const at = (text: string, needle: string) => {
  const p = positionOf(text, needle);
  return `${p.line}:${p.column}`;
};

/** CLI behaviour as a table: arguments (run in the temp folder), exit code, what stderr must show. */
const cases: Array<{ name: string; args: () => string[]; code: number; stderr: () => RegExp }> = [
  { name: 'clean document: exit 0, page written to output/', args: () => ['review', 'clean.xml'], code: 0, stderr: () => /^teikit: wrote output\/clean\.review\.html\n$/ },
  { name: 'untagged mention is a warning: exit 0', args: () => ['review', '--out', 'o1', 'untagged.xml'], code: 0, stderr: () => new RegExp(`untagged\\.xml:${at(untagged, 'Anna Weber promised')}: warning: "Anna Weber" is a name of #weber`) },
  { name: '--strict makes the warning fail', args: () => ['review', '--strict', '--out', 'o2', 'untagged.xml'], code: 1, stderr: () => /untagged\.xml:\d+:\d+: warning: .*\n.*wrote o2\/untagged\.review\.html/ },
  { name: '--strict on a clean document still passes', args: () => ['review', '--strict', '--out', 'o3', 'clean.xml'], code: 0, stderr: () => /wrote o3\/clean\.review\.html/ },
  { name: 'pointer to a missing entry is an error', args: () => ['review', '--out', 'o4', 'dangling.xml'], code: 1, stderr: () => new RegExp(`dangling\\.xml:${positionOf(dangling, '<placeName ref="#pl-nowhere">').line}:\\d+: error: .*pl-nowhere`) },
  { name: 'not well-formed: the validate error, exit 1, no page', args: () => ['review', '--out', 'o5', 'broken.xml'], code: 1, stderr: () => /^broken\.xml:2:\d+: error: .*\n$/ },
  { name: 'missing path is a usage error', args: () => ['review', 'nope.xml'], code: 2, stderr: () => /nope\.xml: no such file or folder/ },
  { name: 'two documents with one name would collide', args: () => ['review', '--out', 'o6', 'a', 'b'], code: 2, stderr: () => /a\/same\.xml and b\/same\.xml would both be reviewed into same\.review\.html/ },
  { name: 'unknown option is a usage error', args: () => ['review', '--frobnicate'], code: 2, stderr: () => /unknown option '--frobnicate'/ },
];

describe('teikit review (CLI table)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(c.args(), dir);
      expect(r.stderr).toMatch(c.stderr());
      expect(r.code).toBe(c.code);
    });
  }

  it('writes the page where --out says, and nothing for a document it cannot read', async () => {
    await expect(fs.readFile(path.join(dir, 'o1', 'untagged.review.html'), 'utf8')).resolves.toMatch(/^<!DOCTYPE html>/);
    await expect(fs.stat(path.join(dir, 'o5', 'broken.review.html'))).rejects.toThrow();
  });

  it('an earlier page survives a run that cannot review the document', async () => {
    const out = path.join(dir, 'keep');
    await fs.writeFile(path.join(dir, 'doc.xml'), clean);
    expect((await runCli(['review', '--out', 'keep', 'doc.xml'], dir)).code).toBe(0);
    const before = await fs.readFile(path.join(out, 'doc.review.html'), 'utf8');
    await fs.writeFile(path.join(dir, 'doc.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>');
    expect((await runCli(['review', '--out', 'keep', 'doc.xml'], dir)).code).toBe(1);
    expect(await fs.readFile(path.join(out, 'doc.review.html'), 'utf8')).toBe(before);
    expect((await fs.readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--format json: one document on stdout, the same shape as validate, plus the pages written', async () => {
    const r = await runCli(['review', '--format', 'json', '--out', 'o7', 'untagged.xml', 'dangling.xml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.reports).toEqual(['o7/untagged.review.html', 'o7/dangling.review.html']);
    expect(doc.documents.map((d: { file: string; valid: boolean }) => [d.file, d.valid])).toEqual([
      ['untagged.xml', true],
      ['dangling.xml', false],
    ]);
    const d = doc.documents[0].diagnostics.find((x: { code: string }) => x.code === 'review.untagged-mention');
    expect(d).toMatchObject({ file: 'untagged.xml', severity: 'warning', source: 'review', rule: null });
    expect(`${d.line}:${d.column}`).toBe(at(untagged, 'Anna Weber promised'));
  });
});
