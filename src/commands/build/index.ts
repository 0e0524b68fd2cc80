import * as path from 'node:path';
import { diagnostic, hasErrors } from '../../diagnostic.js';
import { ToolError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { SaxonEngine, TransformError, OUTPUT_SUFFIXES, type Outputs } from '../../transform/saxon.js';
import { readCompiledStylesheets } from '../../transform/stylesheets.js';
import { outputPath, writeFilesAtomic } from '../../util/atomic.js';
import { collectDocuments, type DocumentPath } from '../../util/files.js';
import { confinedReader, loadDocument } from '../../validate/input.js';
import { expandXIncludes } from '../../validate/xinclude.js';
import { validate } from '../validate/index.js';

export interface BuildOptions {
  /** Files or folders; folders contribute every *.xml below them. Default: tei/. */
  paths: readonly string[];
  /** Output folder, created when missing. Default: output/. */
  out?: string;
  /** Build documents that fail validation too (they are still reported, and the exit code still says so). */
  force?: boolean;
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  maxSizeMB?: number;
  /** Stylesheets engine, for tests that share one across runs; created from xslt/compiled/ otherwise. */
  engine?: SaxonEngine;
}

export interface BuiltDocument {
  file: string;
  /** The files written, as paths relative to the working directory when below it. */
  outputs: string[];
}

export interface BuildResult {
  documents: DocumentReport[];
  built: BuiltDocument[];
  /** Documents not built, and why (invalid without --force, or failed in a stylesheet). */
  skipped: Array<{ file: string; reason: string }>;
}

/** NAME of tei/NAME.xml: the stem every output file of the document shares. */
function stemOf(doc: DocumentPath): string {
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

/**
 * collect → validate → for each document to build: transform (pure, strings in and out) → write its six
 * files atomically. A document that fails leaves its previous outputs untouched; the others are still built.
 */
export async function build(options: BuildOptions, io: Io): Promise<BuildResult> {
  const paths = options.paths.length ? options.paths : ['tei'];
  const outDir = path.resolve(io.cwd, options.out ?? 'output');
  const docs = await collectDocuments(paths, io);

  // Two documents with one name in different folders would overwrite each other's outputs.
  const byStem = new Map<string, DocumentPath>();
  for (const d of docs) {
    const other = byStem.get(stemOf(d));
    if (other) throw new ToolError(`${other.file} and ${d.file} would both write ${path.join(options.out ?? 'output', stemOf(d))}.*`, 'build them into different --out folders');
    byStem.set(stemOf(d), d);
  }

  const { documents } = await validate({ paths, schema: options.schema, catalogs: options.catalogs, offline: options.offline, maxSizeMB: options.maxSizeMB }, io);
  const result: BuildResult = { documents, built: [], skipped: [] };
  let engine = options.engine;

  for (const [i, doc] of docs.entries()) {
    io.signal?.throwIfAborted();
    const report = documents[i];
    if (!report || report.file !== doc.file) throw new Error(`validate reported ${report?.file} where ${doc.file} was expected`);
    if (!report.valid && !options.force) {
      result.skipped.push({ file: doc.file, reason: 'invalid (fix the errors reported, or build anyway with --force)' });
      continue;
    }
    const text = await sourceText(io, doc, options.maxSizeMB);
    if (text === null) {
      result.skipped.push({ file: doc.file, reason: 'cannot be read as XML' });
      continue;
    }
    engine ??= await SaxonEngine.create(await readCompiledStylesheets(io));
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
      result.skipped.push({ file: doc.file, reason: 'a stylesheet failed' });
      continue;
    }
    const stem = stemOf(doc);
    const files = OUTPUT_SUFFIXES.map((suffix) => ({ path: outputPath(outDir, stem + suffix), data: outputs[suffix] }));
    await writeFilesAtomic(io, files);
    result.built.push({
      file: doc.file,
      outputs: files.map((f) => {
        const rel = path.relative(io.cwd, f.path);
        return rel.startsWith('..') || path.isAbsolute(rel) ? f.path : rel;
      }),
    });
  }
  return result;
}
