import * as path from 'node:path';
import { compareDiagnostics, diagnostic, hasErrors, type Diagnostic } from '../../diagnostic.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { collectDocuments } from '../../util/files.js';
import { loadDocument } from '../../validate/input.js';
import { XmllintEngine, type RelaxNgEngine } from '../../validate/relaxng.js';
import { declaredRelaxNg, SchemaResolver, TEI_ALL_URL, type ResolvedSchema } from '../../validate/schema.js';
import { checkWellFormed } from '../../validate/wellformed.js';

export interface ValidateOptions {
  /** Files or folders; folders contribute every *.xml below them. */
  paths: readonly string[];
  /** A RELAX NG schema that overrides what the documents declare. */
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  engine?: RelaxNgEngine;
  /** Documents larger than this (MB) are refused unread; default DEFAULT_MAX_SIZE_MB. */
  maxSizeMB?: number;
}

export interface ValidateResult {
  documents: DocumentReport[];
}

/** Runs every check on every document; problems in documents are diagnostics, never exceptions. */
export async function validate(options: ValidateOptions, io: Io): Promise<ValidateResult> {
  const resolver = new SchemaResolver(io, { catalogs: options.catalogs, offline: options.offline });
  await resolver.checkCatalogs();
  const engine = options.engine ?? new XmllintEngine();
  const paths = await collectDocuments(options.paths.length ? options.paths : ['tei'], io);
  const forced = options.schema ? await resolver.resolve(options.schema, path.join(io.cwd, '_')) : null;

  const reports: DocumentReport[] = [];
  // Documents grouped by schema so each schema is prepared once per run.
  const bySchema = new Map<string, { schema: ResolvedSchema; items: Array<{ report: DocumentReport; text: string }> }>();
  for (const doc of paths) {
    const report: DocumentReport = { file: doc.file, valid: false, diagnostics: [], schema: null };
    reports.push(report);
    // One defensive reader for every command: size limit, encodings, DOCTYPE and entities (never read).
    const loaded = await loadDocument(io, doc, { maxSizeMB: options.maxSizeMB });
    report.diagnostics.push(...loaded.diagnostics);
    if (loaded.text === null) continue;
    const decoded = { text: loaded.text };
    const wf = checkWellFormed(doc.file, decoded.text);
    if (wf) {
      report.diagnostics.push(wf);
      continue;
    }
    const schema = forced ?? (await resolver.resolve(declaredRelaxNg(decoded.text) ?? TEI_ALL_URL, doc.absPath));
    report.schema = { path: schema.path, sha256: schema.sha256 };
    let group = bySchema.get(schema.path);
    if (!group) bySchema.set(schema.path, (group = { schema, items: [] }));
    group.items.push({ report, text: decoded.text });
  }

  for (const { schema, items } of bySchema.values()) {
    const results = await engine.validate(schema, items.map((it) => ({ file: it.report.file, text: it.text })));
    items.forEach((it, i) => it.report.diagnostics.push(...(results[i] ?? [])));
  }

  for (const r of reports) {
    r.diagnostics.sort(compareDiagnostics);
    r.valid = !hasErrors(r.diagnostics);
  }
  return { documents: reports };
}

export type { Diagnostic };
