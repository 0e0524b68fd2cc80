import { diagnostic, type Diagnostic } from '../diagnostic.js';

export type Decoded = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

/** The encoding named in the XML declaration, if any (read as ASCII: the name itself is ASCII). */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const m = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m?.[1]?.toLowerCase() ?? null;
}

function lineColumnOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/**
 * Turns a file's bytes into a string the way an XML parser would: BOM first, then the declared
 * encoding, UTF-8 by default. Bytes that contradict the encoding are reported with their line,
 * never silently replaced (a replacement character would be lost text).
 */
export function decodeXml(file: string, bytes: Uint8Array): Decoded {
  if (bytes.length === 0) {
    return { ok: false, diagnostic: diagnostic({ file, line: 1, column: 1, severity: 'error', source: 'xml', code: 'xml.empty', message: 'the file is empty; a TEI document needs at least a root element' }) };
  }
  let encoding = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) (encoding = 'utf-16le'), (start = 2);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) (encoding = 'utf-16be'), (start = 2);
  else encoding = declaredEncoding(bytes) ?? 'utf-8';
  if (encoding === 'utf8') encoding = 'utf-8';

  const body = bytes.subarray(start);
  if (encoding === 'utf-8') {
    const bad = firstInvalidUtf8(body);
    if (bad >= 0) {
      const { line, column } = lineColumnOfByte(body, bad);
      return {
        ok: false,
        diagnostic: diagnostic({ file, line, column, severity: 'error', source: 'xml', code: 'xml.encoding', message: `byte 0x${body[bad]!.toString(16).padStart(2, '0')} is not valid UTF-8; declare the file's real encoding in the XML declaration (e.g. encoding="ISO-8859-1") or convert it to UTF-8` }),
      };
    }
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    return { ok: false, diagnostic: diagnostic({ file, line: 1, column: 1, severity: 'error', source: 'xml', code: 'xml.encoding', message: `unsupported encoding "${encoding}" in the XML declaration; convert the file to UTF-8` }) };
  }
  try {
    return { ok: true, text: decoder.decode(body) };
  } catch {
    return { ok: false, diagnostic: diagnostic({ file, line: 1, column: 1, severity: 'error', source: 'xml', code: 'xml.encoding', message: `the bytes are not valid ${encoding.toUpperCase()}; check the encoding declared in the XML declaration` }) };
  }
}
