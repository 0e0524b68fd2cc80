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
