import fc from 'fast-check';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/commands/build/index.js';
import { ToolError } from '../../src/errors.js';
import { SaxonEngine } from '../../src/transform/saxon.js';
import { readCompiledStylesheets } from '../../src/transform/stylesheets.js';
import { corpusDir, repoRoot, runCli, testIo, type Captured } from '../helpers/io.js';
import { mutantArb, mutate, type Mutation } from './mutate.js';

/**
 * Property: whatever a mutant of the bundled edition looks like, validate ends with diagnostics and exit 0 or 1
 * in bounded time, never an uncaught exception or "internal error". A few hundred cases in `npm test`;
 * TEIKIT_FUZZ_RUNS=5000 TEIKIT_FUZZ_SEED=random for a longer, new run (TEIKIT_FUZZ_SEED=N replays one).
 */
const RUNS = Number(process.env['TEIKIT_FUZZ_RUNS'] ?? 150);
/** build validates and transforms: a third as many cases keeps `npm test` quick. */
const BUILD_RUNS = Math.max(1, Math.round(RUNS / 3));
// A fixed seed keeps `npm test` (and so main) deterministic; TEIKIT_FUZZ_SEED=random explores new mutants.
const SEED_ENV = process.env['TEIKIT_FUZZ_SEED'];
const SEED = SEED_ENV === 'random' ? undefined : SEED_ENV ? Number(SEED_ENV) : 20261130;
/** Generous: a cold RELAX NG schema compile on a loaded two-core machine stays well under it. */
const CASE_TIMEOUT_MS = 60_000;

const edition = path.join(repoRoot, 'tei/puzanov-1957-07-08.xml');
const fallback = path.join(corpusDir, 'docs/COST-ELTeC--ELTeC-eng--Reports__eng-zoom-report.xml');
let base: Buffer;
let tmp: string;
/** Shared across runs and test files: derived schemas are cached there, which keeps each case cheap. */
const cacheDir = path.join(os.tmpdir(), 'teikit-test-cache');

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-fuzz-'));
  base = await fs.readFile(edition).catch(() => fs.readFile(fallback));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** Exit 2 is a failure of the property unless it is a justified tool error: the mutant's xml-model names a schema that cannot be had. */
function justifiedToolError(r: Captured): boolean {
  if (r.code !== 2 || /internal error/.test(r.stderr)) return false;
  if (/^teikit: error: (schema .* not (found|available offline)|.* is not a RELAX NG or Schematron schema)/m.test(r.stderr)) return true;
  // A schema only the document declares is reported on the document (code schema.unavailable), the run still exits 2.
  return r.stdout !== '' && (JSON.parse(r.stdout) as { documents: Array<{ diagnostics: Array<{ code: string }> }> }).documents.some((d) => d.diagnostics.some((x) => x.code === 'schema.unavailable'));
}

const stats = { cases: 0, exit0: 0, exit1: 0, justified2: 0, codes: new Map<string, number>() };

async function checkValidate(file: string, mutations: readonly Mutation[]): Promise<void> {
  const r = await withTimeout(runCli(['validate', '--format', 'json', file], tmp, { TEIKIT_CACHE_DIR: cacheDir }), CASE_TIMEOUT_MS, 'validate');
  stats.cases++;
  const where = `mutations ${JSON.stringify(mutations)}\nexit ${r.code}\nstderr ${r.stderr.slice(0, 2000)}`;
  if (justifiedToolError(r)) {
    stats.justified2++;
    return;
  }
  expect([0, 1], where).toContain(r.code);
  expect(r.stderr, where).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
  const out = JSON.parse(r.stdout) as { documents: Array<{ valid: boolean; diagnostics: Array<{ file: string; line: number | null; severity: string; code: string; message: string }> }> };
  expect(out.documents, where).toHaveLength(1);
  const doc = out.documents[0]!;
  expect(doc.valid, where).toBe(r.code === 0);
  if (!doc.valid) expect(doc.diagnostics.length, where).toBeGreaterThan(0);
  for (const d of doc.diagnostics) {
    expect(d.message.length, where).toBeGreaterThan(0);
    stats.codes.set(d.code, (stats.codes.get(d.code) ?? 0) + 1);
  }
  // Nothing a mutant names is ever read into an output: /etc/passwd appears in several snippets.
  expect(r.stdout + r.stderr, where).not.toMatch(/root:x:0:0/);
  r.code === 0 ? stats.exit0++ : stats.exit1++;
}

describe('fuzz: mutants of the edition', () => {
  it('the unmutated base document is valid (so mutants start from a real edition)', async () => {
    const file = path.join(tmp, 'base.xml');
    await fs.writeFile(file, base);
    const r = await runCli(['validate', '--format', 'json', file], tmp, { TEIKIT_CACHE_DIR: cacheDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it(`validate: ${RUNS} mutants end with diagnostics and exit 0 or 1`, async () => {
    const file = path.join(tmp, 'mutant.xml');
    await fc.assert(
      fc.asyncProperty(mutantArb, async (mutations) => {
        await fs.writeFile(file, mutate(base, mutations));
        await checkValidate(file, mutations);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The run must have exercised both outcomes, or the mutations are too weak (or too strong) to mean anything.
    expect(stats.exit1).toBeGreaterThan(0);
    expect(stats.exit0).toBeGreaterThan(0);
    console.log(`fuzz validate: ${stats.cases} cases, exit 0: ${stats.exit0}, exit 1: ${stats.exit1}, justified exit 2: ${stats.justified2}; codes: ${[...stats.codes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  });

  it(`build --force: ${BUILD_RUNS} mutants end with a report, outputs whole or untouched, never an internal error`, async () => {
    const file = path.join(tmp, 'mutant.xml');
    const out = path.join(tmp, 'out');
    const engine = await SaxonEngine.create(await readCompiledStylesheets(testIo()));
    // The unmutated edition builds completely: the property below starts from a working build.
    await fs.writeFile(file, base);
    const first = await build({ paths: [file], out, force: true, engine }, testIo(tmp, { TEIKIT_CACHE_DIR: cacheDir }));
    expect(first.built).toHaveLength(1);
    const counts = { built: 0, skipped: 0, justified2: 0 };
    await fc.assert(
      fc.asyncProperty(mutantArb, async (mutations) => {
        await fs.writeFile(file, mutate(base, mutations));
        await fs.rm(out, { recursive: true, force: true });
        const where = `mutations ${JSON.stringify(mutations)}`;
        const io = testIo(tmp, { TEIKIT_CACHE_DIR: cacheDir });
        let result;
        try {
          result = await withTimeout(build({ paths: [file], out, force: true, engine }, io), CASE_TIMEOUT_MS, 'build');
        } catch (err) {
          // Only a schema the mutant's xml-model names and that cannot be had may stop the tool (exit 2).
          expect(err instanceof ToolError && /schema .* not (found|available offline)|is not a RELAX NG or Schematron schema/.test(err.message), `${where}\n${String(err)}`).toBe(true);
          counts.justified2++;
          return;
        }
        expect(result.documents, where).toHaveLength(1);
        // The incremental-build manifest (a dotfile) sits beside the outputs; only the six outputs are counted.
        const written = (await fs.readdir(out).catch(() => [] as string[])).filter((f) => !f.startsWith("."));
        if (result.built.length) {
          counts.built++;
          expect(written.sort(), where).toEqual(['mutant.dc.xml', 'mutant.entities.csv', 'mutant.html', 'mutant.mentions.csv', 'mutant.reactions.csv', 'mutant.txt']);
        } else {
          counts.skipped++;
          expect(result.documents[0]!.diagnostics.length, where).toBeGreaterThan(0);
          expect(written, where).toEqual([]);
        }
        expect(io.err.join('') + io.out.join(''), where).not.toMatch(/root:x:0:0/);
      }),
      { numRuns: BUILD_RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`fuzz build: ${BUILD_RUNS} cases, built ${counts.built}, not built ${counts.skipped}, justified exit 2: ${counts.justified2}`);
  });
});
