import { XMLValidator } from 'fast-xml-parser';
import { diagnostic, type Diagnostic } from '../diagnostic.js';

/**
 * First well-formedness error with line and column, or null. fast-xml-parser is used because it reports
 * columns (libxml2 in xmllint-wasm only gives lines); libxml2 still parses the document afterwards and
 * catches what this parser tolerates (undeclared entities, for one).
 */
export function checkWellFormed(file: string, text: string): Diagnostic | null {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result === true) return null;
  const { msg, line, col } = result.err;
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
