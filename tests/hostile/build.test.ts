import { parse as parseCsv } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/io.js';
import { runChild } from './helpers/child.js';

const fixtures = path.join(repoRoot, 'tests/fixtures/hostile');
const edition = path.join(repoRoot, 'tei/puzanov-1957-07-08.xml');
const SUFFIXES = ['.html', '.txt', '.entities.csv', '.mentions.csv', '.reactions.csv', '.dc.xml'];
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-hostile-build-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

// The build manifest is checked on its own (below and in tests/commands/build/incremental.test.ts).
const MANIFEST = '.teikit-manifest.json';
const listing = async (d: string) => (await fs.readdir(d, { recursive: true })).filter((f) => path.basename(f) !== MANIFEST).sort();

describe('injection through content', () => {
  let out: string;
  beforeAll(async () => {
    out = path.join(tmp, 'injection-out');
    const r = await runCli(['build', '--out', out, path.join(fixtures, 'injection/injection.xml')], tmp);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  it('HTML: text that looks like code stays text, and only http(s), mailto and #fragment links are live', async () => {
    const html = await fs.readFile(path.join(out, 'injection.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img|<[^>]*\son\w+\s*=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const urls = [...html.matchAll(/\s(?:href|src|action|formaction|data|poster|srcset)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^(https?:\/\/|mailto:|#)/);
    expect(html).not.toMatch(/(href|src)\s*=\s*"\s*(javascript|vbscript|data):/i);
    // The links' text is still shown, so nothing is lost to the reader.
    for (const word of ['one', 'two', 'three', 'four', 'five']) expect(html).toContain(word);
  });

  it('CSV: a name starting with = + - @ (or white space and =) never becomes a live formula', async () => {
    for (const table of ['entities', 'mentions', 'reactions']) {
      const text = await fs.readFile(path.join(out, `injection.${table}.csv`), 'utf8');
      const rows = parseCsv(text, { bom: true, relax_column_count: false }) as string[][];
      expect(rows.length).toBeGreaterThan(1);
      for (const field of rows.flat()) expect(field, `${table}: ${field}`).not.toMatch(/^[=+\-@\t\r]/);
      // And the text is still there, after the neutralising apostrophe.
      expect(rows.flat()).toContain(`'=HYPERLINK("http://evil.example/","x")`);
    }
  });
});

describe('file names', () => {
  it('names with spaces, quotes, non-ASCII or leading dots and dashes build inside the output folder only', async () => {
    const src = path.join(tmp, 'names');
    await fs.mkdir(src);
    const names = ['with space', `it's "quoted"`, 'Пузанов 김일성 ü', '-rf', '.', '..hidden'];
    for (const n of names) await fs.copyFile(path.join(fixtures, 'encodings/utf8.xml'), path.join(src, `${n}.xml`));
    const before = await listing(tmp);
    const r = await runCli(['build', '--out', 'names-out', ...names.map((n) => path.join(src, `${n}.xml`))], tmp);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const written = await listing(path.join(tmp, 'names-out'));
    expect(written).toEqual(names.flatMap((n) => SUFFIXES.map((s) => n + s)).sort());
    // Nothing appeared anywhere else.
    const after = (await listing(tmp)).filter((f) => !f.startsWith('names-out'));
    expect(after).toEqual(before);
  });
});

describe('shape', () => {
  it('elements nested just under the depth limit (250) are built, not only validated', async () => {
    const file = path.join(tmp, 'deep250.xml');
    const hi = (n: number) => '<hi>'.repeat(n) + 'deep' + '</hi>'.repeat(n);
    await fs.writeFile(file, `<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Deep</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body><p>${hi(250)}</p></body></text></TEI>`);
    const r = await runCli(['build', '--out', 'deep-out', file], tmp);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(await fs.readFile(path.join(tmp, 'deep-out/deep250.txt'), 'utf8')).toContain('deep');
  });
});

/** Copies of the edition under distinct names, so a build takes long enough to be interrupted. */
async function corpus(dir: string, n: number): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(dir, `doc${String(i).padStart(2, '0')}.xml`);
    await fs.copyFile(edition, f);
    files.push(f);
  }
  return files;
}

describe('output safety with real processes', () => {
  const N = 12;
  let docs: string[];
  const reference = new Map<string, Buffer>();

  beforeAll(async () => {
    docs = await corpus(path.join(tmp, 'src'), N);
    const r = await runChild(['build', '--out', path.join(tmp, 'ref'), ...docs], tmp);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    for (const f of await listing(path.join(tmp, 'ref'))) reference.set(f, await fs.readFile(path.join(tmp, 'ref', f)));
    expect(reference.size).toBe(N * SUFFIXES.length);
  }, 300_000);

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} mid-build: every document's outputs are all old or all new and complete, no temporary file, ended by ${sig}`, async () => {
      const out = path.join(tmp, `out-${sig}`);
      await fs.mkdir(out);
      // Earlier outputs: sentinels that a partial write or a half-renamed set would show.
      for (const f of reference.keys()) await fs.writeFile(path.join(out, f), `OLD ${f}`);
      let timer: NodeJS.Timeout | undefined;
      const r = await runChild(['build', '--out', out, ...docs], tmp, (child) => {
        timer = setTimeout(() => child.kill(sig), 1500);
      });
      clearTimeout(timer);
      expect(r.signal, `the build ended before the signal (exit ${r.code}); make the corpus larger`).toBe(sig);
      expect(r.stderr).toMatch(new RegExp(`interrupted by ${sig}; outputs written before this run are unchanged`));
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(await listing(out)).toEqual([...reference.keys()].sort());
      let replaced = 0;
      for (let i = 0; i < N; i++) {
        const stem = `doc${String(i).padStart(2, '0')}`;
        const states = await Promise.all(
          SUFFIXES.map(async (s) => {
            const data = await fs.readFile(path.join(out, stem + s));
            if (data.equals(Buffer.from(`OLD ${stem}${s}`))) return 'old';
            expect(data.equals(reference.get(stem + s)!), `${stem}${s} is neither old nor the complete new output`).toBe(true);
            return 'new';
          }),
        );
        expect(new Set(states).size, `${stem}: a mix of old and new outputs`).toBe(1);
        if (states[0] === 'new') replaced++;
      }
      expect(replaced).toBeLessThan(N);
      // The manifest, if the run got to write one, claims only outputs that are on disk as it recorded them.
      const manifest = await fs.readFile(path.join(out, MANIFEST), 'utf8').then((t) => JSON.parse(t) as { documents: Record<string, { outputs: Record<string, string> }> }, () => null);
      for (const entry of Object.values(manifest?.documents ?? {})) {
        for (const [f, hash] of Object.entries(entry.outputs)) {
          expect(createHash('sha256').update(await fs.readFile(path.join(out, f))).digest('hex'), `${f} is not what the manifest says was written`).toBe(hash);
        }
      }
    });
  }

  it('two builds into the same folder at once: both succeed, every output complete, no temporary file', async () => {
    const out = path.join(tmp, 'out-concurrent');
    const some = docs.slice(0, 3);
    const [a, b] = await Promise.all([runChild(['build', '--out', out, ...some], tmp), runChild(['build', '--out', out, ...some], tmp)]);
    expect(a.stderr + b.stderr).not.toMatch(/error/);
    expect([a.code, b.code]).toEqual([0, 0]);
    const expected = [...reference.keys()].filter((f) => /^doc0[0-2]\./.test(f)).sort();
    expect(await listing(out)).toEqual(expected);
    for (const f of expected) expect((await fs.readFile(path.join(out, f))).equals(reference.get(f)!), f).toBe(true);
  });
});
