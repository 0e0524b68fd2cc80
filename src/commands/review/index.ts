import * as path from 'node:path';
import { compareDiagnostics, diagnostic, hasErrors, type Diagnostic } from '../../diagnostic.js';
import { ToolError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { analyse, type Finding } from '../../review/analyse.js';
import { renderReport } from '../../review/report-html.js';
import { outputPath, writeFilesAtomic } from '../../util/atomic.js';
import { collectDocuments } from '../../util/files.js';
import { XmlSyntaxError } from '../../util/xml-positions.js';
import { loadDocument } from '../../validate/input.js';
import { validate, type ValidateOptions } from '../validate/index.js';

export interface ReviewOptions {
  paths: readonly string[];
  /** Folder for NAME.review.html (default `output`, relative to the working directory). */
  out?: string;
  /** Warnings make a document fail too. */
  strict?: boolean;
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  maxSizeMB?: number;
  engine?: ValidateOptions['engine'];
}

export interface ReviewResult {
  documents: DocumentReport[];
  /** The report pages written, as paths relative to the working directory when they are below it. */
  written: string[];
}

const GENERATOR = 'teikit review';

/**
 * Reviews documents: everything validate reports, plus what a schema cannot see (untagged and mislinked
 * mentions, register gaps, inconsistent tagging, unattributed quotations), and writes one HTML page each.
 * All pages are written together at the end, atomically: an earlier report is never half-overwritten.
 */
export async function review(options: ReviewOptions, io: Io): Promise<ReviewResult> {
  const paths = options.paths.length ? options.paths : ['tei'];
  const docs = await collectDocuments(paths, io);
  const outDir = path.resolve(io.cwd, options.out ?? 'output');

  // Two documents with one name would overwrite each other's page.
  const names = new Map<string, string>();
  for (const d of docs) {
    const name = path.basename(d.absPath).replace(/\.xml$/i, '');
    const other = names.get(name);
    if (other) throw new ToolError(`${other} and ${d.file} would both be reviewed into ${name}.review.html`, 'review them in separate runs with different --out folders');
    names.set(name, d.file);
  }

  const validated = await validate({ paths: docs.map((d) => d.absPath), schema: options.schema, catalogs: options.catalogs, offline: options.offline, maxSizeMB: options.maxSizeMB, engine: options.engine }, io);
  const byAbs = new Map(docs.map((d, i) => [d.absPath, validated.documents[i]]));

  const documents: DocumentReport[] = [];
  const files: Array<{ path: string; data: string }> = [];
  for (const doc of docs) {
    io.signal?.throwIfAborted();
    const v = byAbs.get(doc.absPath);
    // validate saw the absolute path; the user should see theirs.
    const fromValidate: Diagnostic[] = (v?.diagnostics ?? []).map((d) => (d.file === doc.absPath ? { ...d, file: doc.file } : d));
    const report: DocumentReport = { file: doc.file, valid: false, diagnostics: [...fromValidate], schema: v?.schema ?? null };
    documents.push(report);
    // A document validate could not read or parse has nothing to review; its earlier page is kept.
    if (fromValidate.some((d) => d.severity === 'error' && (d.source === 'io' || d.source === 'xml'))) continue;
    const loaded = await loadDocument(io, doc, { maxSizeMB: options.maxSizeMB });
    if (loaded.text === null) continue;
    let analysis;
    try {
      analysis = analyse(doc.file, loaded.text);
    } catch (err) {
      if (!(err instanceof XmlSyntaxError)) throw err;
      report.diagnostics.push(diagnostic({ file: doc.file, severity: 'error', source: 'review', code: 'review.unreadable', message: `review could not read the document: ${err.message}; check it with teikit validate` }));
      continue;
    }
    const findings = mergeFindings(fromValidate, analysis.findings);
    report.diagnostics = findings.map((f) => f.diagnostic);
    files.push({ path: outputPath(outDir, `${path.basename(doc.absPath).replace(/\.xml$/i, '')}.review.html`), data: renderReport({ analysis, findings, generator: GENERATOR }) });
  }
  for (const r of documents) {
    r.diagnostics.sort(compareDiagnostics);
    r.valid = !hasErrors(r.diagnostics, options.strict);
  }
  await writeFilesAtomic(io, files);
  return { documents, written: files.map((f) => displayPath(io, f.path)) };
}

/** validate's diagnostics and review's findings in document order, without review's copy of a dangling pointer validate reports. */
export function mergeFindings(fromValidate: readonly Diagnostic[], own: readonly Finding[]): Finding[] {
  const findings: Finding[] = [...fromValidate.map((d): Finding => ({ kind: 'validate', diagnostic: d, anchor: null })), ...own.filter((f) => !alreadyReported(f, fromValidate))];
  return findings.sort((x, y) => compareDiagnostics(x.diagnostic, y.diagnostic));
}

/** validate's pointer checker may already report a dangling pointer: the same line and id are not repeated. */
function alreadyReported(f: Finding, fromValidate: readonly Diagnostic[]): boolean {
  if (f.diagnostic.code !== 'review.dangling-pointer') return false;
  const id = /"#([^"]+)"/.exec(f.diagnostic.message)?.[1];
  return fromValidate.some((d) => d.source === 'pointer' && d.line === f.diagnostic.line && (id === undefined || d.message.includes(id)));
}

function displayPath(io: Io, p: string): string {
  const rel = path.relative(io.cwd, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
