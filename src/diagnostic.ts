export type Severity = 'error' | 'warning' | 'info';

/** Which checker found the problem. */
export type Source = 'io' | 'xml' | 'xinclude' | 'relaxng' | 'schematron' | 'pointer' | 'review' | 'build';

/** One finding, from any checker; printed by the one reporter in src/report.ts. */
export interface Diagnostic {
  /** Path as the user gave it (relative to cwd when it was given relative). */
  file: string;
  /** 1-based; null when the checker cannot tell (e.g. an unreadable file). */
  line: number | null;
  /** 1-based; null when only the line is known. */
  column: number | null;
  severity: Severity;
  source: Source;
  /** Stable machine-readable kind, e.g. `xml.not-well-formed`, `relaxng.invalid`, `pointer.dangling`. */
  code: string;
  message: string;
  /** The schema rule that fired (Schematron id or pattern/position), when there is one. */
  rule: string | null;
}

export function diagnostic(d: Omit<Diagnostic, 'rule' | 'line' | 'column'> & Partial<Pick<Diagnostic, 'rule' | 'line' | 'column'>>): Diagnostic {
  return { line: null, column: null, rule: null, ...d };
}

/**
 * Diagnostic codes that mean teikit could not do its job for that document (a schema it declares cannot be
 * found): reported on the document so the rest of the run goes on, but the run still exits 2.
 */
export const SCHEMA_UNAVAILABLE = 'schema.unavailable';
const TOOL_FAILURES = new Set([SCHEMA_UNAVAILABLE]);

export function isToolFailure(d: Diagnostic): boolean {
  return TOOL_FAILURES.has(d.code);
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: offset - text.lastIndexOf('\n', offset - 1) };
}

const severityOrder: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Document order, then severity: the order an encoder fixes things in. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    severityOrder[a.severity] - severityOrder[b.severity]
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[], strict = false): boolean {
  return diagnostics.some((d) => d.severity === 'error' || (strict && d.severity === 'warning'));
}
