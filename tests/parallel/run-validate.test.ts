import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runDocuments, validationChunkSize } from '../../src/parallel/run.js';
import { sharedXmllint } from '../../src/parallel/xmllint-session.js';
import { corpusDir, schemaDir, testIo } from '../helpers/io.js';

// Documents whose RELAX NG follow-up messages depend on the documents batched with them (libxml2's recovery
// differs with the derived schema), and the first documents the reference validator judges.
const sensitive = [
  'pruizf--disco--tei__15th-17th__per-author__disco093g.xml',
  'arthur-schnitzler--schnitzler-briefe-data--data__editions__L01840.xml',
  'arthur-schnitzler--schnitzler-briefe-data--data__editions__L03065.xml',
  'arthur-schnitzler--schnitzler-briefe-data--data__editions__L03677.xml',
  'arthur-schnitzler--schnitzler-briefe-data--data__editions__L03965.xml',
];
const manifest: Array<Record<string, string>> = parse(fs.readFileSync(path.join(corpusDir, 'manifest.csv'), 'utf8'), { columns: true });
const judged = manifest.filter((r) => r['jing_verdict'] === 'valid' || r['jing_verdict'] === 'invalid').map((r) => path.basename(r['file']!));
const files = [...sensitive, ...judged.filter((f) => !sensitive.includes(f)).slice(0, 25)].map((f) => path.join(corpusDir, 'docs', f));
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-run-validate-'));

describe('runDocuments (validate)', () => {
  it('chunk sizes grow 8, 16, 32, then stay at 64, whatever --jobs is', () => {
    expect([0, 1, 2, 3, 4, 100].map(validationChunkSize)).toEqual([8, 16, 32, 64, 64, 64]);
  });

  it('gives the same reports with 1, 2 or 3 jobs, libxml2 in as many threads as jobs up to 2', async () => {
    const outputs: string[] = [];
    for (const jobs of [1, 2, 3]) {
      const io = testIo(corpusDir, { TEIKIT_CACHE_DIR: cacheDir });
      const result = await runDocuments(io, {
        command: 'validate',
        paths: files,
        options: { schema: path.join(schemaDir, 'tei_all.rng') },
        jobs,
        quiet: true,
        // No worker script: --jobs 3 checks documents in this thread too, as it does under any runner that cannot start one.
        workerUrl: new URL('file:///nonexistent/teikit-worker.js'),
      });
      expect(result.documents.map((d) => path.resolve(corpusDir, d.file))).toEqual(files);
      outputs.push(JSON.stringify(result.documents));
      if (jobs === 2) expect(sharedXmllint().size).toBe(2);
    }
    const verdicts = JSON.parse(outputs[0]!).map((d: { valid: boolean }) => d.valid);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  }, 120_000);

  it('gives the same reports with the rule checks in a thread of their own (--jobs 2, the compiled rules-worker script)', async () => {
    const rulesWorkerUrl = new URL('../../dist/parallel/rules-worker.js', import.meta.url);
    expect(fs.existsSync(rulesWorkerUrl)).toBe(true);
    const run = (url: URL) =>
      runDocuments(testIo(corpusDir, { TEIKIT_CACHE_DIR: cacheDir }), { command: 'validate', paths: files, options: { schema: path.join(schemaDir, 'tei_all.rng') }, jobs: 2, quiet: true, rulesWorkerUrl: url });
    const inThread = await run(new URL('file:///nonexistent/rules-worker.js'));
    const inWorker = await run(rulesWorkerUrl);
    expect(inThread.ruleWorker).toBe(false);
    expect(inWorker.ruleWorker).toBe(true);
    expect(JSON.stringify(inWorker.documents)).toBe(JSON.stringify(inThread.documents));
    // Both rule checks reported something, so the comparison covers them.
    const sources = new Set(inWorker.documents.flatMap((d) => d.diagnostics.map((x) => x.source)));
    expect(sources).toContain('pointer');
    expect(sources).toContain('schematron');
  }, 120_000);

  it('gives the same reports from document workers (--jobs 3, the compiled worker script) as from this thread', async () => {
    // The path a machine with more than two cores takes by default; it runs dist/, which `npm install` builds.
    const workerUrl = new URL('../../dist/parallel/worker.js', import.meta.url);
    expect(fs.existsSync(workerUrl)).toBe(true);
    const run = (jobs: number, url: URL) =>
      runDocuments(testIo(corpusDir, { TEIKIT_CACHE_DIR: cacheDir }), { command: 'validate', paths: files, options: { schema: path.join(schemaDir, 'tei_all.rng') }, jobs, quiet: true, workerUrl: url });
    const inThread = await run(1, workerUrl);
    const inWorkers = await run(3, workerUrl);
    expect(inThread.workers).toBe(0);
    expect(inWorkers.workers).toBe(3);
    expect(JSON.stringify(inWorkers.documents)).toBe(JSON.stringify(inThread.documents));
    expect(inWorkers.summary.invalid).toBeGreaterThan(0);
  }, 120_000);
});
