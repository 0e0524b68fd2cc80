import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../../src/build/manifest.js';
import { build, type BuildOptions, type TransformEngine } from '../../../src/commands/build/index.js';
import type { Io } from '../../../src/io.js';
import { SaxonEngine } from '../../../src/transform/saxon.js';
import { readCompiledStylesheets } from '../../../src/transform/stylesheets.js';
import { repoRoot, runCli, schemaDir, testIo } from '../../helpers/io.js';

/*
 * Incremental builds, observed without timing: a SaxonJS engine wrapped to count the documents it
 * transforms, the `upToDate`/`built` lists, output mtimes, and the manifest itself.
 */
const fixtures = path.join(repoRoot, 'tests/fixtures');
const SUFFIXES = ['.html', '.txt', '.entities.csv', '.mentions.csv', '.reactions.csv', '.dc.xml'];
// Made on first use, after the first validation: a SaxonJS loaded before the Schematron checks load theirs
// stops working (see the note in src/commands/build/index.ts).
let saxon: Promise<SaxonEngine> | undefined;

/** The real engine, counting calls; `onCall` may interrupt the run (abort) at a chosen call. */
function counting(onCall?: (n: number) => void): TransformEngine & { calls: number } {
  const engine = {
    calls: 0,
    async transform(xml: string) {
      engine.calls++;
      onCall?.(engine.calls);
      saxon ??= readCompiledStylesheets(testIo()).then((c) => SaxonEngine.create(c));
      return (await saxon).transform(xml);
    },
  };
  return engine;
}

/** A work folder: tei/a.xml and tei/b.xml (valid), tei/warned.xml (valid with a Schematron warning). */
async function workspace(): Promise<{ dir: string; io: Io }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-incremental-'));
  await fs.mkdir(path.join(dir, 'tei'));
  await fs.copyFile(path.join(fixtures, 'transform/journal.xml'), path.join(dir, 'tei/a.xml'));
  await fs.copyFile(path.join(fixtures, 'transform/minimal.xml'), path.join(dir, 'tei/b.xml'));
  await fs.copyFile(path.join(fixtures, 'schematron/tei_all-att.datable.w3c-att-datable-w3c-when-constraint-rule-2.xml'), path.join(dir, 'tei/warned.xml'));
  return { dir, io: testIo(dir) };
}

const ALL = ['tei/a.xml', 'tei/b.xml', 'tei/warned.xml'];

async function run(io: Io, engine: TransformEngine, extra: Partial<BuildOptions> = {}) {
  return build({ paths: ['tei'], out: 'output', engine, ...extra }, io);
}

async function mtimes(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const f of await fs.readdir(path.join(dir, 'output'))) out[f] = (await fs.stat(path.join(dir, 'output', f))).mtimeMs;
  return out;
}

async function append(file: string, text: string): Promise<void> {
  await fs.appendFile(file, text);
}

describe('teikit build: incremental', () => {
  it('a second build skips every document: no transform, outputs untouched, the same reports again', async () => {
    const { dir, io } = await workspace();
    const first = await run(io, counting());
    expect(first.built.map((b) => b.file)).toEqual(ALL);
    expect(first.upToDate).toEqual([]);
    const warned = first.documents.find((d) => d.file === 'tei/warned.xml')!;
    expect(warned.valid).toBe(true);
    expect(warned.diagnostics.map((d) => d.severity)).toContain('warning');
    const before = await mtimes(dir);

    const engine = counting();
    const second = await run(io, engine);
    expect(engine.calls).toBe(0);
    expect(second.built).toEqual([]);
    expect(second.upToDate).toEqual(ALL);
    // Recorded diagnostics come back as validation gave them, with the same file names.
    expect(second.documents).toEqual(first.documents);
    expect(second.summary).toMatchObject({ documents: 3, valid: 3, skipped: 3 });
    expect(await mtimes(dir)).toEqual(before);
  });

  it('a changed source rebuilds that document only', async () => {
    const { dir, io } = await workspace();
    await run(io, counting());
    await append(path.join(dir, 'tei/b.xml'), '<!-- edited -->\n');
    const engine = counting();
    const r = await run(io, engine);
    expect(engine.calls).toBe(1);
    expect(r.built.map((b) => b.file)).toEqual(['tei/b.xml']);
    expect(r.upToDate).toEqual(['tei/a.xml', 'tei/warned.xml']);
  });

  it('a changed option rebuilds every document (--max-size, --force); back to the first options rebuilds again', async () => {
    const { io } = await workspace();
    await run(io, counting());
    // The second pass with the same option is up to date again.
    const engines = [counting(), counting(), counting()];
    expect((await run(io, engines[0]!, { maxSizeMB: 32 })).built).toHaveLength(3);
    expect((await run(io, engines[1]!, { maxSizeMB: 32 })).upToDate).toEqual(ALL);
    expect((await run(io, engines[2]!, {})).built).toHaveLength(3);
    const forced = counting();
    expect((await run(io, forced, { force: true })).built).toHaveLength(3);
    expect(forced.calls).toBe(3);
  });

  it('a deleted or hand-edited output rebuilds its document', async () => {
    const { dir, io } = await workspace();
    await run(io, counting());
    await fs.rm(path.join(dir, 'output/a.txt'));
    await fs.writeFile(path.join(dir, 'output/b.html'), '<p>edited by hand</p>');
    const engine = counting();
    const r = await run(io, engine);
    expect(r.built.map((b) => b.file)).toEqual(['tei/a.xml', 'tei/b.xml']);
    expect(engine.calls).toBe(2);
    expect(await fs.readFile(path.join(dir, 'output/b.html'), 'utf8')).not.toContain('edited by hand');
    expect(await fs.readFile(path.join(dir, 'output/a.txt'), 'utf8')).not.toBe('');
  });

  it('--rebuild builds every document, and --force implies it', async () => {
    const { io } = await workspace();
    await run(io, counting());
    for (const extra of [{ rebuild: true }, { force: true }]) {
      const engine = counting();
      const r = await run(io, engine, extra);
      expect(engine.calls).toBe(3);
      expect(r.upToDate).toEqual([]);
    }
  });

  it('a changed schema rebuilds (RELAX NG and its embedded Schematron are one file)', async () => {
    const { dir, io } = await workspace();
    const schema = path.join(dir, 'tei_all.rng');
    await fs.copyFile(path.join(schemaDir, 'tei_all.rng'), schema);
    await run(io, counting(), { paths: ['tei/a.xml'], schema });
    const same = counting();
    expect((await run(io, same, { paths: ['tei/a.xml'], schema })).upToDate).toEqual(['tei/a.xml']);
    await append(schema, '<!-- a new version of the schema -->\n');
    const changed = counting();
    expect((await run(io, changed, { paths: ['tei/a.xml'], schema })).built.map((b) => b.file)).toEqual(['tei/a.xml']);
    expect(changed.calls).toBe(1);
  });

  it('an interrupted build leaves a manifest that claims only what is on disk, and the next build completes it', async () => {
    const { dir, io } = await workspace();
    await run(io, counting());
    for (const f of ALL) await append(path.join(dir, f), '<!-- second version -->\n');
    const controller = new AbortController();
    const interrupted = counting((n) => {
      if (n === 2) controller.abort(new Error('interrupted'));
    });
    await expect(run({ ...io, signal: controller.signal }, interrupted)).rejects.toThrow('interrupted');

    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'output', MANIFEST_NAME), 'utf8')) as {
      documents: Record<string, { source: string; outputs: Record<string, string> }>;
    };
    for (const entry of Object.values(manifest.documents)) {
      for (const [f, hash] of Object.entries(entry.outputs)) {
        expect(createHash('sha256').update(await fs.readFile(path.join(dir, 'output', f))).digest('hex')).toBe(hash);
      }
    }
    // Every source changed, so nothing may be up to date; afterwards, output/ is what a full build gives.
    const resumed = counting();
    const r = await run(io, resumed);
    expect(r.upToDate).toEqual([]);
    expect(resumed.calls).toBe(3);
    const reference = await build({ paths: ['tei'], out: 'reference', engine: counting() }, io);
    expect(reference.built).toHaveLength(3);
    for (const stem of ['a', 'b', 'warned']) {
      for (const s of SUFFIXES) {
        expect((await fs.readFile(path.join(dir, 'output', stem + s))).equals(await fs.readFile(path.join(dir, 'reference', stem + s))), stem + s).toBe(true);
      }
    }
  });

  it('the manifest holds no absolute path and no time, and is the same from another working directory', async () => {
    const { dir, io } = await workspace();
    await run(io, counting());
    const text = await fs.readFile(path.join(dir, 'output', MANIFEST_NAME), 'utf8');
    expect(text).not.toContain(dir);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(Object.keys(JSON.parse(text).documents)).toEqual(['../tei/a.xml', '../tei/b.xml', '../tei/warned.xml']);
    // Run from tei/: every document is still up to date, and its diagnostics name it as seen from there.
    const fromTei = await build({ paths: ['.'], out: '../output', engine: counting() }, testIo(path.join(dir, 'tei')));
    expect(fromTei.upToDate).toEqual(['a.xml', 'b.xml', 'warned.xml']);
    expect(fromTei.documents[2]!.diagnostics.every((d) => d.file === 'warned.xml')).toBe(true);
  });
});
