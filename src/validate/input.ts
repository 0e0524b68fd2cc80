import * as path from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { Io } from '../io.js';
import type { DocumentPath } from '../util/files.js';
import { DEFAULT_LIMITS, prepareDocument, type DocumentLimits } from './entities.js';

export type Decoded =
  | {
      ok: true;
      text: string;
      warnings: Diagnostic[];
      /** The UTF-8 encoding of `text` when it costs no encoding pass (a UTF-8 file without BOM): xmllint then gets these bytes. */
      utf8?: Uint8Array;
    }
  | { ok: false; diagnostic: Diagnostic };

/** Default for --max-size: larger files are refused before they are read (a parse needs several times the file in memory). */
export const DEFAULT_MAX_SIZE_MB = 64;

/** The encoding named in the XML declaration, if any (read as ASCII: the name itself is ASCII). */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const m = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m?.[1]?.toLowerCase() ?? null;
}

const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'cp819', 'ibm819', 'iso-ir-100']);
const ASCII = new Set(['us-ascii', 'ascii', 'iso646-us']);

/**
 * windows-1252's characters for the bytes 0x80 to 0x9F; its other bytes are ISO-8859-1's, and the five it leaves
 * undefined stay the C1 control of the same number, as the WHATWG decoder has them.
 */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** windows-1252 decoded by hand: Node 20's TextDecoder('windows-1252') gives 0x80–0x9F as C1 controls (ISO-8859-1). */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1').replace(/[\u0080-\u009F]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}

/** The 1-based line and column of a position in a decoded text. */
function lineColumnOfIndex(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
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

/** Line and column (in characters) of byte `offset`, for encodings where a byte 0x0A need not be a newline. */
function lineColumnOfDecodedPrefix(encoding: string, bytes: Uint8Array, offset: number): { line: number; column: number } {
  const prefix = new TextDecoder(encoding).decode(bytes.subarray(0, offset));
  const lastNl = prefix.lastIndexOf('\n');
  let line = 1;
  for (let i = prefix.indexOf('\n'); i !== -1; i = prefix.indexOf('\n', i + 1)) line++;
  return { line, column: [...prefix.slice(lastNl + 1)].length + 1 };
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
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong 3/4-byte forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8 either.
    const b1 = bytes[i + 1]!;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 >= 0xa0) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 >= 0x90)) return i;
    i += len;
  }
  return -1;
}

/** Offset of the first byte a fatal decoder of `encoding` rejects, found by decoding in chunks and then byte by byte. */
function firstUndecodable(encoding: string, bytes: Uint8Array): number {
  const chunk = 1 << 16;
  let good = new TextDecoder(encoding, { fatal: true });
  let start = 0;
  for (; start < bytes.length; start += chunk) {
    try {
      good.decode(bytes.subarray(start, start + chunk), { stream: true });
    } catch {
      break;
    }
  }
  if (start >= bytes.length) return Math.max(0, bytes.length - 1);
  // Replay up to the failing chunk with a fresh decoder, then go byte by byte.
  good = new TextDecoder(encoding, { fatal: true });
  good.decode(bytes.subarray(0, start), { stream: true });
  for (let i = start; i < Math.min(bytes.length, start + chunk); i++) {
    try {
      good.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return start;
}

function encodingError(file: string, line: number, column: number, message: string): Decoded {
  return { ok: false, diagnostic: diagnostic({ file, line, column, severity: 'error', source: 'xml', code: 'xml.encoding', message }) };
}

/**
 * Turns a file's bytes into a string the way an XML parser would: BOM first, then the declared
 * encoding, UTF-8 by default. Bytes that contradict the encoding are reported with their line,
 * never silently replaced (a replacement character would be lost text). The XML declaration of the
 * result says UTF-8, because the text is no longer in the file's encoding: libxml2 and SaxonJS read it
 * as UTF-8 and would otherwise decode it a second time.
 */
export function decodeXml(file: string, bytes: Uint8Array): Decoded {
  if (bytes.length === 0) {
    return { ok: false, diagnostic: diagnostic({ file, line: 1, column: 1, severity: 'error', source: 'xml', code: 'xml.empty', message: 'the file is empty; a TEI document needs at least a root element' }) };
  }
  const b = bytes;
  let encoding: string;
  let start = 0;
  if ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)) {
    return encodingError(file, 1, 1, 'the file is UTF-32, which teikit does not read; convert it to UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)');
  } else if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) (encoding = 'utf-8'), (start = 3);
  else if (b[0] === 0xff && b[1] === 0xfe) (encoding = 'utf-16le'), (start = 2);
  else if (b[0] === 0xfe && b[1] === 0xff) (encoding = 'utf-16be'), (start = 2);
  else if (b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) encoding = 'utf-16le';
  else if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) encoding = 'utf-16be';
  else {
    encoding = declaredEncoding(bytes) ?? 'utf-8';
    if (encoding === 'utf8') encoding = 'utf-8';
    if (/^(utf-?16|ucs-?2)/.test(encoding)) {
      return encodingError(file, 1, 1, `the XML declaration says ${encoding.toUpperCase()}, but the file is stored in an 8-bit encoding; declare its real encoding (or UTF-8) or save it as UTF-16 with a byte order mark`);
    }
    // A NUL byte in an 8-bit text is never text: say "binary" rather than "bad UTF-8 at byte …".
    const nul = bytes.subarray(0, 8192).indexOf(0);
    if (nul >= 0) {
      const { line, column } = lineColumnOfByte(bytes, nul);
      return { ok: false, diagnostic: diagnostic({ file, line, column, severity: 'error', source: 'xml', code: 'xml.binary', message: 'the file holds binary data (NUL bytes), not XML text; check that you gave the right file' }) };
    }
  }

  const body = bytes.subarray(start);
  let text: string;
  if (encoding === 'utf-8') {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      // The native decoder is fast but does not say where: find the first bad byte only now.
      const bad = Math.max(0, firstInvalidUtf8(body));
      const { line, column } = lineColumnOfByte(body, bad);
      return encodingError(file, line, column, `byte 0x${body[bad]!.toString(16).padStart(2, '0')} is not valid UTF-8; declare the file's real encoding in the XML declaration (e.g. encoding="ISO-8859-1") or convert it to UTF-8`);
    }
    if (start === 0) {
      const fixed = rewriteDeclaredEncoding(text);
      return { ok: true, text: fixed, warnings: c1Warnings(file, text, false), utf8: fixed === text ? body : sameLengthDeclaration(text, fixed, body) };
    }
  } else if (LATIN1.has(encoding)) {
    // Strict ISO-8859-1 as libxml2 and Java read it (the WHATWG decoder would read windows-1252).
    text = Buffer.from(body).toString('latin1');
    return { ok: true, text: rewriteDeclaredEncoding(text), warnings: c1Warnings(file, text, true) };
  } else if (ASCII.has(encoding)) {
    const bad = body.findIndex((x) => x >= 0x80);
    if (bad >= 0) {
      const { line, column } = lineColumnOfByte(body, bad);
      return encodingError(file, line, column, `byte 0x${body[bad]!.toString(16)} is not ASCII, which the XML declaration promises; declare the file's real encoding (e.g. UTF-8) or convert it`);
    }
    text = Buffer.from(body).toString('latin1');
  } else {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    } catch {
      return encodingError(file, 1, 1, `unsupported encoding "${encoding}" in the XML declaration; convert the file to UTF-8`);
    }
    try {
      text = decoder.encoding === 'windows-1252' ? decodeWindows1252(body) : decoder.decode(body);
    } catch {
      const bad = firstUndecodable(encoding, body);
      const { line, column } = lineColumnOfDecodedPrefix(encoding, body, bad);
      return encodingError(file, line, column, `the bytes here are not valid ${encoding.toUpperCase()}, the encoding the file declares (or that its byte order mark says); fix the declaration or convert the file to UTF-8`);
    }
  }
  return { ok: true, text: rewriteDeclaredEncoding(text), warnings: c1Warnings(file, text, false) };
}

/** A C1 control character (U+0080 to U+009F), written as itself or as a character reference. */
const C1_CONTROL = /[\u0080-\u009F]|&#(?:[xX](0*[89][0-9a-fA-F])|(0*(?:12[89]|1[3-5][0-9])));/;

/**
 * A warning at the first C1 control character: legal XML, but never text. It is nearly always a windows-1252
 * quote, dash or dagger that some tool read as ISO-8859-1, and HTML forbids it (Saxon-HE will not write such an
 * HTML page; a browser shows nothing or a box), so the fix is named with the character meant.
 */
function c1Warnings(file: string, text: string, latin1: boolean): Diagnostic[] {
  const m = C1_CONTROL.exec(text);
  if (!m) return [];
  const { line, column } = lineColumnOfIndex(text, m.index);
  const literal = m[0].length === 1;
  const code = m[1] ? Number.parseInt(m[1], 16) : m[2] ? Number(m[2]) : m[0].charCodeAt(0);
  if (latin1 && literal) {
    return [diagnostic({ file, line, column, severity: 'warning', source: 'xml', code: 'xml.encoding', message: `byte 0x${code.toString(16)} is a control character in ISO-8859-1; if it should be a quote or a dash, the file is really windows-1252: declare encoding="windows-1252"` })];
  }
  const meant = CP1252_C1[code - 0x80]!;
  const hex = (c: number) => 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
  const what = literal ? `character ${hex(code)}` : `the character reference ${m[0]} (${hex(code)})`;
  const guess = meant.charCodeAt(0) === code ? 'a character that some tool decoded wrongly' : `"${meant}" (${hex(meant.charCodeAt(0))}) from windows-1252 text that some tool read as ISO-8859-1`;
  const count = text.match(new RegExp(C1_CONTROL, 'g'))!.length;
  return [diagnostic({ file, line, column, severity: 'warning', source: 'xml', code: 'xml.control-char', message: `${what} is a control character, not text: probably ${guess}; replace it with the character meant, as HTML forbids control characters (${count} in this file)` })];
}

/**
 * The UTF-8 bytes of `fixed`, a copy of `text` whose XML declaration rewriteDeclaredEncoding changed, from `bytes`
 * (the UTF-8 of `text`) when the declaration is ASCII and kept its length (`utf-8` → `UTF-8`): a copy with the
 * declaration's bytes replaced. Anything else gets no bytes (they are then encoded from the text).
 */
function sameLengthDeclaration(text: string, fixed: string, bytes: Uint8Array): Uint8Array | undefined {
  if (fixed.length !== text.length) return undefined;
  const end = text.indexOf('?>');
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) >= 0x80 || fixed.charCodeAt(i) >= 0x80) return undefined;
  // A copy (Uint8Array.from would iterate, and a Buffer's slice shares memory).
  const out = new Uint8Array(bytes);
  for (let i = 0; i < end; i++) out[i] = fixed.charCodeAt(i);
  return out;
}

/** The text is a JS string now: its XML declaration must not tell the next parser to decode it again. */
function rewriteDeclaredEncoding(text: string): string {
  if (!text.startsWith('<?xml')) return text;
  const end = text.indexOf('?>');
  if (end < 0) return text;
  const decl = text.slice(0, end);
  const fixed = decl.replace(/(\sencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');
  return fixed === decl ? text : fixed + text.slice(end);
}

/** The first character XML 1.0 forbids (control characters, U+FFFE/U+FFFF), with its position. */
export function findForbiddenChar(file: string, text: string): Diagnostic | null {
  const m = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(text);
  if (!m) return null;
  const { line, column } = lineColumnOfIndex(text, m.index);
  const cp = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return diagnostic({ file, line, column, severity: 'error', source: 'xml', code: 'xml.forbidden-char', message: `character U+${cp} is not allowed in XML; remove it (a control character often comes from a copy from a PDF or a word processor)` });
}

/** A first look at what the text is, so JSON or HTML is named as such instead of "char '{' is not expected". */
function notXml(file: string, text: string): Diagnostic | null {
  const first = /\S/.exec(text);
  const at = (message: string, code = 'xml.not-xml') => {
    return diagnostic({ file, ...lineColumnOfIndex(text, first?.index ?? 0), severity: 'error', source: 'xml', code, message });
  };
  if (!first) return at('the file holds only white space; a TEI document needs at least a root element', 'xml.empty');
  const c = first[0];
  if (c === '{' || c === '[') return at('this is not XML: it starts with "' + c + '" and looks like JSON; teikit reads TEI XML documents');
  if (c !== '<') return at(`this is not XML: an XML document starts with "<" (a declaration, comment or the root element), not "${c}"`);
  if (/^\s*(<\?xml[^>]*>\s*)?<!doctype\s+html\b/i.test(text.slice(0, 2000))) return at('this is an HTML page, not a TEI XML document');
  return null;
}

export interface LoadOptions {
  /** Files larger than this many megabytes are refused unread. */
  maxSizeMB?: number;
  limits?: DocumentLimits;
}

export type LoadedDocument =
  | {
      /** The text every parser downstream gets (decoded, DOCTYPE blanked, entities expanded). */
      text: string;
      /** Warnings about the text. */
      diagnostics: Diagnostic[];
      /** The file's bytes as read (validate finds the DOCTYPE's external identifier in them). */
      bytes: Uint8Array;
      /** The UTF-8 encoding of `text`, when it came without an encoding pass (see Decoded). */
      utf8?: Uint8Array;
    }
  | { text: null; diagnostics: Diagnostic[] };

/**
 * Reads one document for any command, defensively: size limit before reading, unreadable paths, encodings,
 * things that are not XML, forbidden characters, the DOCTYPE and its entities. Everything wrong becomes a
 * diagnostic for the file; nothing the document names (DTDs, external entities) is ever read.
 */
export async function loadDocument(io: Io, doc: DocumentPath, options: LoadOptions = {}): Promise<LoadedDocument> {
  const fail = (d: Diagnostic): LoadedDocument => ({ text: null, diagnostics: [d] });
  const ioError = (message: string, code = 'io.unreadable') => fail(diagnostic({ file: doc.file, severity: 'error', source: 'io', code, message }));
  const maxMB = options.maxSizeMB ?? DEFAULT_MAX_SIZE_MB;
  let bytes: Uint8Array;
  try {
    const st = await io.fs.stat(doc.absPath);
    if (st.isDirectory()) return ioError(`${doc.file} is a folder, not a file`);
    // A FIFO or device would block or never end: only regular files are read.
    if (!st.isFile()) return ioError(`${doc.file} is not a regular file (a pipe, socket or device); give the path of an XML file`);
    if (st.size > maxMB * 1024 * 1024) {
      return ioError(`${doc.file} is ${(st.size / 1024 / 1024).toFixed(1)} MB, over the ${maxMB} MB limit; split it (e.g. with XInclude) or raise the limit with --max-size ${Math.ceil(st.size / 1024 / 1024) + 1}`, 'io.too-large');
    }
    bytes = await io.fs.readFile(doc.absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : code === 'ENOENT' ? 'no longer exists' : `cannot be read (${code ?? (err as Error).message})`;
    return ioError(`${doc.file} ${why}`);
  }
  const decoded = decodeXml(doc.file, bytes);
  if (!decoded.ok) return fail(decoded.diagnostic);
  const warnings = decoded.warnings;
  const problem = notXml(doc.file, decoded.text) ?? findForbiddenChar(doc.file, decoded.text);
  if (problem) return { text: null, diagnostics: [problem, ...warnings] };
  const prepared = prepareDocument(doc.file, decoded.text, options.limits ?? DEFAULT_LIMITS);
  if (!prepared.ok) return { text: null, diagnostics: [...prepared.diagnostics, ...warnings] };
  // prepareDocument returns the very string it got when it changed nothing (no DOCTYPE, no entity expanded).
  const utf8 = prepared.text === decoded.text ? decoded.utf8 : undefined;
  return { text: prepared.text, diagnostics: warnings, bytes, utf8 };
}

/**
 * How files a document pulls in (XInclude) are read: regular files only (a FIFO or /dev/zero would never end),
 * within the size limit, and only below `roots` once symlinks are resolved, so a document from elsewhere cannot
 * include /etc/passwd or ~/.ssh into a validation message or a built page. The refusal names the path only.
 */
export function confinedReader(io: Io, roots: readonly string[], maxSizeMB = DEFAULT_MAX_SIZE_MB): (absPath: string) => Promise<Uint8Array> {
  // Resolved at the first read, not here: validate makes a reader for every document and most include nothing.
  let realRoots: Promise<string[]> | undefined;
  return async (absPath) => {
    const real = await io.fs.realpath(absPath);
    realRoots ??= Promise.all(roots.map((r) => io.fs.realpath(r).catch(() => path.resolve(r))));
    const inside = (await realRoots).some((root) => {
      const rel = path.relative(root, real);
      return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
    });
    if (!inside) throw new Error(`outside the folders teikit reads from (${roots.join(', ')}); teikit never reads other files a document names`);
    const st = await io.fs.stat(real);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > maxSizeMB * 1024 * 1024) throw new Error(`larger than the ${maxSizeMB} MB limit (--max-size)`);
    return io.fs.readFile(real);
  };
}
