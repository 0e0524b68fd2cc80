import * as path from 'node:path';
import { diagnostic, hasErrors } from '../../diagnostic.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { SaxonEngine, TransformError, OUTPUT_SUFFIXES, type Outputs } from '../../transform/saxon.js';
import { readCompiledStylesheets } from '../../transform/stylesheets.js';
import { outputPath, writeFilesAtomic } from '../../util/atomic.js';
import { sha256 } from '../../build/manifest.js';
import type { DocumentPath } from '../../util/files.js';
import { confinedReader, loadDocument } from '../../validate/input.js';
import { expandXIncludes } from '../../validate/xinclude.js';
import { validate } from '../validate/index.js';

/** What turns a document's text into its six outputs: SaxonEngine, or a wrapper of it in tests. */
export interface TransformEngine {
  transform(xml: string): Promise<Outputs>;
}

/** Options of one batch of documents; plain data, so a worker thread can receive them. */
export interface BatchOptions {
  /** Absolute output folder. */
  outDir: string;
  force?: boolean;
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  maxSizeMB?: number;
  /**
   * Only part of the work, so threads can share a run's transforms by size (src/parallel/run.ts runBuild):
   * 'validate' validates and skips the documents that will not be built; 'transform' builds documents
   * already validated, whose reports come in `reports` (in the order of the paths). Both by default.
   */
  stage?: 'validate' | 'transform';
  reports?: DocumentReport[];
}

export interface BatchResult {
  documents: DocumentReport[];
  /** Documents whose six outputs were written: their display name, source path and what was written. */
  built: Array<{ file: string; absPath: string; outputs: string[]; written: Array<{ path: string; sha256: string }> }>;
  skipped: Array<{ file: string; absPath: string; reason: string }>;
}

/** NAME of tei/NAME.xml: the stem every output file of the document shares. */
export function stemOf(doc: { absPath: string }): string {
  return path.basename(doc.absPath).replace(/\.xml$/i, '');
}

/** The text the stylesheets read: the same defensive loading and XInclude expansion as validation; null if unusable. */
async function sourceText(io: Io, doc: DocumentPath, maxSizeMB: number | undefined): Promise<string | null> {
  const loaded = await loadDocument(io, doc, { maxSizeMB });
  if (loaded.text === null) return null;
  const expanded = await expandXIncludes(loaded.text, {
    file: doc.file,
    absPath: doc.absPath,
    readFile: confinedReader(io, [io.cwd, path.dirname(doc.absPath)], maxSizeMB),
    display: (p) => (path.isAbsolute(doc.file) ? p : path.relative(io.cwd, p)),
  });
  return hasErrors(expanded.diagnostics) ? null : expanded.text;
}

// One engine per thread: each worker parses the SEFs once for the whole run, not once per batch.
let threadEngine: Promise<TransformEngine> | undefined;

/**
 * validate → for each document to build: transform (pure, strings in and out) → write its six files
 * atomically. A document that fails leaves its previous outputs untouched; the others are still built.
 * `paths` are absolute; the documents are shown relative to the working directory as everywhere else.
 */
export async function buildBatch(paths: readonly string[], options: BatchOptions, io: Io, engine?: TransformEngine): Promise<BatchResult> {
  const documents =
    options.reports ?? (await validate({ paths, schema: options.schema, catalogs: options.catalogs, offline: options.offline, maxSizeMB: options.maxSizeMB }, io)).documents;
  const result: BatchResult = { documents, built: [], skipped: [] };

  for (const [i, absPath] of paths.entries()) {
    io.signal?.throwIfAborted();
    const report = documents[i];
    if (!report) throw new Error(`validate reported no document for ${absPath}`);
    const doc: DocumentPath = { file: report.file, absPath };
    if (!report.valid && !options.force) {
      result.skipped.push({ file: doc.file, absPath, reason: 'invalid (fix the errors reported, or build anyway with --force)' });
      continue;
    }
    if (options.stage === 'validate') continue;
    const text = await sourceText(io, doc, options.maxSizeMB);
    if (text === null) {
      result.skipped.push({ file: doc.file, absPath, reason: 'cannot be read as XML' });
      continue;
    }
    engine ??= await (threadEngine ??= readCompiledStylesheets(io).then((c) => SaxonEngine.create(c)));
    let outputs: Outputs;
    try {
      outputs = await engine.transform(text);
    } catch (err) {
      if (!(err instanceof TransformError)) throw err;
      report.diagnostics.push(
        diagnostic({
          file: doc.file,
          severity: 'error',
          source: 'build',
          code: err.stage === 'parse' ? 'build.unparsable' : 'build.transform-failed',
          message: `${err.stage === 'parse' ? 'the stylesheets could not read the document' : 'a stylesheet failed on the document'}: ${err.message}; previous outputs were left as they were`,
        }),
      );
      report.valid = false;
      result.skipped.push({ file: doc.file, absPath, reason: 'a stylesheet failed' });
      continue;
    }
    const stem = stemOf(doc);
    const files = OUTPUT_SUFFIXES.map((suffix) => ({ path: outputPath(options.outDir, stem + suffix), data: outputs[suffix] }));
    await writeFilesAtomic(io, files);
    result.built.push({
      file: doc.file,
      absPath,
      outputs: files.map((f) => {
        const rel = path.relative(io.cwd, f.path);
        return rel.startsWith('..') || path.isAbsolute(rel) ? f.path : rel;
      }),
      written: files.map((f) => ({ path: f.path, sha256: sha256(f.data) })),
    });
  }
  return result;
}
