import * as path from 'node:path';
import type { Diagnostic } from '../../diagnostic.js';
import { ToolError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { Fingerprinter } from '../../build/fingerprint.js';
import { BuildManifest, type Fingerprint, type RecordedReport } from '../../build/manifest.js';
import { collectDocuments, type DocumentPath } from '../../util/files.js';
import { SummaryCounter, type Summary } from '../../util/progress.js';
import type { BatchOptions, BatchResult, TransformEngine } from './documents.js';
import { stemOf } from './documents.js';

export type { TransformEngine } from './documents.js';

export interface BuildOptions {
  /** Files or folders; folders contribute every *.xml below them. Default: tei/. */
  paths: readonly string[];
  /** Output folder, created when missing. Default: output/. */
  out?: string;
  /** Build documents that fail validation too (they are still reported, and the exit code still says so); rebuilds all. */
  force?: boolean;
  /** Ignore the manifest: build every document, even those whose outputs are up to date. */
  rebuild?: boolean;
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  maxSizeMB?: number;
  /** Worker threads for the documents to build (default 1: in this thread). */
  jobs?: number;
  /** No progress bar. */
  quiet?: boolean;
  /** Stylesheets engine, for tests that share one across runs or count its calls; runs in this thread. */
  engine?: TransformEngine;
}

export interface BuiltDocument {
  file: string;
  /** The files written, as paths relative to the working directory when below it. */
  outputs: string[];
}

export interface BuildResult {
  /** One report per document, in the order given; up-to-date documents carry the report recorded when they were built. */
  documents: DocumentReport[];
  built: BuiltDocument[];
  /** Documents not built, and why (invalid without --force, or failed in a stylesheet). */
  skipped: Array<{ file: string; reason: string }>;
  /** Documents not built because their outputs are up to date (same source, schema, stylesheets, options, outputs untouched). */
  upToDate: string[];
  summary: Summary;
}

/** How the user sees a path: relative to the working directory when below it, as collectDocuments shows documents. */
function display(io: Io, absPath: string): string {
  const rel = path.relative(io.cwd, absPath);
  return rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel;
}

/**
 * Diagnostics as the manifest keeps them: files relative to the output folder (as its keys are), so the
 * manifest holds no absolute paths and reads the same from any working directory.
 */
function toRecorded(report: DocumentReport, outDir: string, io: Io): RecordedReport {
  const rel = (file: string) => path.relative(outDir, path.resolve(io.cwd, file)).split(path.sep).join('/');
  return { valid: report.valid, diagnostics: report.diagnostics.map((d) => ({ ...d, file: rel(d.file) })) };
}

function fromRecorded(recorded: RecordedReport, outDir: string, io: Io): Diagnostic[] {
  return recorded.diagnostics.map((d) => ({ ...d, file: display(io, path.resolve(outDir, d.file)) }));
}

/**
 * collect → for each document, its fingerprint (hashes only) against the manifest of the output folder →
 * the documents that changed are validated, transformed and written (src/commands/build/documents.ts), in
 * worker threads when asked → the manifest records what was written. An unchanged document costs one
 * hash of it and of its outputs: no SaxonJS, no xmllint.
 */
export async function build(options: BuildOptions, io: Io): Promise<BuildResult> {
  const started = Date.now();
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

  const fingerprinter = await Fingerprinter.create(io, options);
  const manifest = await BuildManifest.load(io, outDir);
  const useManifest = !options.force && !options.rebuild;

  const reports = new Map<string, DocumentReport>();
  const fingerprints = new Map<string, Fingerprint>();
  const upToDate: string[] = [];
  const toBuild: string[] = [];
  for (const doc of docs) {
    io.signal?.throwIfAborted();
    const fp = await fingerprinter.of(doc.absPath);
    if (fp) fingerprints.set(doc.absPath, fp.fingerprint);
    const recorded = fp && useManifest ? manifest.recordedReport(doc.absPath) : null;
    if (fp && recorded && (await manifest.upToDate(io, doc.absPath, fp.fingerprint))) {
      reports.set(doc.absPath, { file: doc.file, valid: recorded.valid, diagnostics: fromRecorded(recorded, outDir, io), schema: { path: fp.schema.path, sha256: fp.schema.sha256 } });
      upToDate.push(doc.file);
    } else {
      toBuild.push(doc.absPath);
    }
  }

  const built: BuiltDocument[] = [];
  const skipped: BuildResult['skipped'] = [];
  let changed = false;
  // Each batch is recorded as it arrives, so an interrupted run keeps what it finished; only documents
  // whose six outputs were all written are recorded.
  const onBatch = (r: Pick<BatchResult, 'documents'> & Partial<BatchResult>) => {
    const byAbs = new Map<string, DocumentReport>();
    for (const b of r.built ?? []) {
      const report = r.documents.find((d) => d.file === b.file);
      if (report) byAbs.set(b.absPath, report);
      built.push({ file: b.file, outputs: b.outputs });
      const fp = fingerprints.get(b.absPath);
      if (fp && report) {
        manifest.recordHashes(b.absPath, fp, b.written, toRecorded(report, outDir, io));
        changed = true;
      } else if (manifest.forget(b.absPath)) {
        changed = true;
      }
    }
    for (const s of r.skipped ?? []) {
      skipped.push({ file: s.file, reason: s.reason });
      if (manifest.forget(s.absPath)) changed = true;
    }
    for (const d of r.documents) reports.set(path.resolve(io.cwd, d.file), d);
  };

  const batch: BatchOptions = { outDir, force: options.force, schema: options.schema, catalogs: options.catalogs, offline: options.offline, maxSizeMB: options.maxSizeMB };
  try {
    if (toBuild.length && options.engine) {
      const { buildBatch } = await import('./documents.js');
      onBatch(await buildBatch(toBuild, batch, io, options.engine));
    } else if (toBuild.length) {
      const { runBuild } = await import('../../parallel/run.js');
      // Validation in chunks of bounded size, then the transforms shared out by size (runBuild).
      await runBuild(io, { paths: toBuild, options: { ...batch }, jobs: options.jobs ?? 1, quiet: options.quiet, onChunk: onBatch });
    }
  } finally {
    if (changed) await manifest.save(io);
  }

  // Batches arrive in any order from the workers; lists follow the order of the documents.
  const order = new Map(docs.map((d, i) => [d.file, i]));
  const byOrder = (a: { file: string }, b: { file: string }) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0);
  built.sort(byOrder);
  skipped.sort(byOrder);
  const documents = docs.map((d) => {
    const r = reports.get(d.absPath);
    if (!r) throw new Error(`no report for ${d.file}`);
    return r;
  });
  const counter = new SummaryCounter(started).addAll(documents);
  if (upToDate.length) counter.skipped(upToDate.length);
  return { documents, built, skipped, upToDate, summary: counter.summary() };
}
