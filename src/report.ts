import { isToolFailure, type Diagnostic } from './diagnostic.js';
import type { Io } from './io.js';

/** What every checking command reports for one document. */
export interface DocumentReport {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
  /** SHA-256 of the RELAX NG schema the document was checked against, when one was used. */
  schema?: { path: string; sha256: string } | null;
}

export type OutputFormat = 'text' | 'json';

/** 0 every document clean, 1 some document has errors, 2 teikit could not do its job for some document. */
export function exitCodeOf(documents: readonly DocumentReport[]): number {
  if (documents.some((d) => d.diagnostics.some(isToolFailure))) return 2;
  return documents.some((d) => !d.valid) ? 1 : 0;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.line, d.line !== null ? d.column : null].filter((x) => x !== null).join(':');
  return `${where}: ${d.severity}: ${d.message}`;
}

/**
 * The one reporter: text goes to stderr a diagnostic a line (the compiler convention editors parse);
 * JSON is a single document on stdout and nothing else goes there.
 */
export function report(io: Io, format: OutputFormat, documents: readonly DocumentReport[], extra: Record<string, unknown> = {}): void {
  if (format === 'json') {
    io.stdout.write(JSON.stringify({ documents, ...extra }, null, 2) + '\n');
    return;
  }
  for (const doc of documents) {
    for (const d of doc.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  }
}
