import { createRequire } from 'node:module';
import { diagnostic, type Diagnostic } from '../diagnostic.js';

// The CommonJS bundle, as in catalog.ts: the ESM entry costs every run ~65 ms more to load.
const { XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

/**
 * First well-formedness error with line and column, or null. fast-xml-parser is used because it reports
 * columns (libxml2 in xmllint-wasm only gives lines); libxml2 still parses the document afterwards and
 * catches what this parser tolerates (undeclared entities, for one).
 */
export function checkWellFormed(file: string, text: string): Diagnostic | null {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result === true) return null;
  const { msg, line, col } = result.err;
  // Several elements still open at the end: fast-xml-parser names them as a JSON list at 1:1; say it at the end.
  const open = /^Invalid '(\[.*\])' found\.$/.exec(msg);
  if (open) {
    const names = JSON.parse(open[1]!) as string[];
    const lines = text.split('\n');
    return diagnostic({
      file,
      line: lines.length,
      column: lines[lines.length - 1]!.length + 1,
      severity: 'error',
      source: 'xml',
      code: 'xml.not-well-formed',
      message: `not well-formed: the document ends while ${names.map((n) => `<${n}>`).join(', ')} ${names.length > 1 ? 'are' : 'is'} still open; the file may be truncated, or end tags are missing`,
    });
  }
  return diagnostic({
    file,
    line: line ?? 1,
    column: col ?? null,
    severity: 'error',
    source: 'xml',
    code: 'xml.not-well-formed',
    message: `not well-formed: ${msg}`,
  });
}
