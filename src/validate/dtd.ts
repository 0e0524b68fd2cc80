import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnostic, type Diagnostic } from '../diagnostic.js';

export interface Doctype {
  root: string;
  publicId: string | null;
  systemId: string | null;
  /** Offset of `<!DOCTYPE` in the text. */
  offset: number;
}

/** The document type declaration of the prolog, or null. */
export function readDoctype(text: string): Doctype | null {
  const m = /^(?:\uFEFF)?(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<!DOCTYPE\s+([^\s[>]+)(?:\s+(?:SYSTEM\s+(?:"([^"]*)"|'([^']*)')|PUBLIC\s+(?:"([^"]*)"|'([^']*)')\s+(?:"([^"]*)"|'([^']*)')))?/.exec(text);
  if (!m) return null;
  return { root: m[1]!, systemId: m[2] ?? m[3] ?? m[6] ?? m[7] ?? null, publicId: m[4] ?? m[5] ?? null, offset: m[0].lastIndexOf('<!DOCTYPE') };
}

/** How many bytes of a file its prolog is looked for in. */
const PROLOG_BYTES = 65536;

/**
 * The start of a file as text, enough for its prolog: the DOCTYPE is blanked in what loadDocument returns, so
 * its external identifier is read from the file's bytes (UTF-16 by BOM, else an ASCII-compatible encoding), the
 * ones loadDocument has just read. Only a DOCTYPE matters in it, so a start with no `<!DOCTYPE` is not decoded.
 */
export function prologText(fileBytes: Uint8Array, bytes = PROLOG_BYTES): string {
  const head = fileBytes.subarray(0, bytes);
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head);
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head);
  if (Buffer.from(head.buffer, head.byteOffset, head.length).indexOf('<!DOCTYPE', 0, 'latin1') < 0) return '';
  return new TextDecoder('latin1').decode(head);
}

/**
 * Checks a DOCTYPE's external DTD the way the reference validator sees it: Jing (Xerces) reads the external
 * subset and stops with a fatal error when the file is not there, while libxml2 only warns and validates on.
 * A missing local DTD is therefore an error here (the verdict must not depend on a file nobody can see).
 * A DTD on the network is never fetched: a warning says its declarations (attribute defaults, entities) are not applied.
 */
export async function checkExternalDtd(
  file: string,
  absPath: string,
  text: string,
  exists: (absPath: string) => Promise<boolean>,
): Promise<Diagnostic | null> {
  const dt = readDoctype(text);
  if (!dt?.systemId) return null;
  const before = text.slice(0, dt.offset);
  const line = before.split('\n').length;
  const column = dt.offset - before.lastIndexOf('\n');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(dt.systemId)?.[1];
  if (scheme && scheme.length > 1 && scheme.toLowerCase() !== 'file') {
    return diagnostic({
      file, line, column, severity: 'warning', source: 'xml', code: 'xml.dtd-remote',
      message: `the external DTD ${dt.systemId} is not read (teikit never reads the network), so attribute defaults and entities it declares are not applied; remove the DOCTYPE if the document does not need it`,
    });
  }
  const dtdPath = scheme ? fileURLToPath(dt.systemId) : path.resolve(path.dirname(absPath), dt.systemId);
  if (await exists(dtdPath)) return null;
  return diagnostic({
    file, line, column, severity: 'error', source: 'xml', code: 'xml.dtd-missing',
    message: `the DOCTYPE names the external DTD "${dt.systemId}", which does not exist (looked for ${dtdPath}); put the DTD there, or remove the DOCTYPE declaration (TEI P5 documents are validated with RELAX NG and need no DTD)`,
  });
}
