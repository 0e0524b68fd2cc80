import { lineColumnAt } from '../diagnostic.js';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import { prepareDocument } from './entities.js';
import { decodeXml } from './input.js';
import { checkWellFormed } from './wellformed.js';

export const XINCLUDE_NS = 'http://www.w3.org/2001/XInclude';

/** A stretch of the expanded text and where it came from, so errors can be reported against the real file. */
interface Chunk {
  text: string;
  /** Display path of the file the text comes from. */
  file: string;
  /** Line of `text`'s first character in that file. */
  line: number;
}

export interface Expanded {
  /** The document with every xi:include replaced by the included resource or its fallback. */
  text: string;
  /** Maps a line of `text` back to its file and line; the identity when nothing was included. */
  origin(line: number): { file: string; line: number };
  /** Errors (include failed without fallback) and warnings (fallback used). */
  diagnostics: Diagnostic[];
}

export interface XIncludeContext {
  /** Display path and absolute path of the document. */
  file: string;
  absPath: string;
  /** Reads a local file; rejects when it cannot. */
  readFile(absPath: string): Promise<Uint8Array>;
  /** How a local path is shown in diagnostics (relative to cwd, as the user gave the document). */
  display(absPath: string): string;
}

const MAX_DEPTH = 32;

function lineCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}


interface Tag {
  kind: 'start' | 'end' | 'other';
  qname: string;
  /** The attributes as written (parsed only where needed: most tags declare no namespace and include nothing). */
  rawAttrs: string;
  selfClosing: boolean;
  start: number;
  end: number;
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^[>]*\[[\s\S]*?\]\s*>|[^>]*>)|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;

function* tags(text: string, from: number): Generator<Tag> {
  const re = new RegExp(TOKEN.source, 'g');
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) yield { kind: 'end', qname: m[1], rawAttrs: '', selfClosing: false, start, end };
    else if (m[2] !== undefined) yield { kind: 'start', qname: m[2], rawAttrs: m[3]!, selfClosing: m[4] === '/', start, end };
    else yield { kind: 'other', qname: '', rawAttrs: '', selfClosing: false, start, end };
  }
}

function attributesOf(rawAttrs: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const a of rawAttrs.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs.set(a[1]!, a[2] ?? a[3] ?? '');
  return attrs;
}

function withDeclarations(prefixes: Map<string, string>, rawAttrs: string): Map<string, string> {
  // No attribute name can start with "xmlns" unless the text has it.
  if (!rawAttrs.includes('xmlns')) return prefixes;
  let out = prefixes;
  for (const [k, v] of attributesOf(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (out === prefixes) out = new Map(prefixes);
      out.set(k === 'xmlns' ? '' : k.slice(6), v);
    }
  }
  return out;
}

function nsOf(qname: string, prefixes: Map<string, string>): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0 ? { ns: prefixes.get('') ?? '', local: qname } : { ns: prefixes.get(qname.slice(0, colon)) ?? '', local: qname.slice(colon + 1) };
}

function unescapeAttr(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_m, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

class IncludeFailure extends Error {
  constructor(
    message: string,
    /** A failure of the resource (missing file…) may use the fallback; an error in it may not. */
    readonly resource: boolean,
    readonly diagnostic?: Diagnostic,
  ) {
    super(message);
  }
}

/**
 * XInclude 1.0 for local files, before validation, as the Debian `jing` (Xerces' XInclude parser) does for TEI:
 * `parse="xml"` and `parse="text"`, nested includes, `xi:fallback` when the resource cannot be read.
 * Never reads the network: a URL with a scheme other than `file:` is refused (its fallback is used if there is one).
 * Not supported (reported, fallback used): `xpointer`.
 */
export async function expandXIncludes(text: string, ctx: XIncludeContext): Promise<Expanded> {
  const identity: Expanded = { text, origin: (line) => ({ file: ctx.file, line }), diagnostics: [] };
  // An xi:include start tag has `<include` or `:include` in it: without either (a namespace declared but never
  // used, as in a TEI header), the tag scan below would find nothing to include.
  if (!text.includes(XINCLUDE_NS) || (!text.includes(':include') && !text.includes('<include'))) return identity;
  const diagnostics: Diagnostic[] = [];
  const chunks = await expand(text, ctx.file, ctx.absPath, 1, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), [ctx.absPath], ctx, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { ...identity, diagnostics };

  const starts: Array<{ outLine: number; atLineStart: boolean; chunk: Chunk }> = [];
  let outLine = 1;
  let atLineStart = true;
  for (const c of chunks) {
    if (!c.text) continue;
    starts.push({ outLine, atLineStart, chunk: c });
    outLine += lineCount(c.text);
    atLineStart = c.text.endsWith('\n');
  }
  // A line is attributed to the chunk holding its first character: the line where an include starts
  // belongs to the including document, where the xi:include was.
  const origin = (line: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s = starts[mid]!;
      if (s.outLine < line || (s.outLine === line && s.atLineStart)) lo = mid;
      else hi = mid - 1;
    }
    const s = starts[lo];
    return s ? { file: s.chunk.file, line: s.chunk.line + (line - s.outLine) } : { file: ctx.file, line };
  };
  return { text: chunks.map((c) => c.text).join(''), origin, diagnostics };
}

async function expand(
  text: string,
  file: string,
  absPath: string,
  firstLine: number,
  inherited: Map<string, string>,
  stack: string[],
  ctx: XIncludeContext,
  diagnostics: Diagnostic[],
): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  let copied = 0;
  const lineAt = (offset: number) => firstLine + lineCount(text.slice(0, offset));
  const pushText = (from: number, to: number) => {
    if (to > from) chunks.push({ text: text.slice(from, to), file, line: lineAt(from) });
  };
  const open: Array<Map<string, string>> = [inherited];
  const it = tags(text, 0);
  for (let r = it.next(); !r.done; r = it.next()) {
    const tag = r.value;
    if (tag.kind === 'end') {
      // `build --force` expands documents that are not well-formed too: a stray end tag must not empty the stack.
      if (open.length > 1) open.pop();
      continue;
    }
    if (tag.kind !== 'start') continue;
    const prefixes = withDeclarations(open[open.length - 1]!, tag.rawAttrs);
    const { ns, local } = nsOf(tag.qname, prefixes);
    if (ns !== XINCLUDE_NS || local !== 'include') {
      if (!tag.selfClosing) open.push(prefixes);
      continue;
    }
    // Find the end of this xi:include and its xi:fallback child.
    let end = tag.end;
    let fallback: { start: number; end: number; prefixes: Map<string, string> } | null = null;
    if (!tag.selfClosing) {
      let depth = 1;
      const inner: Array<Map<string, string>> = [prefixes];
      for (let r2 = it.next(); !r2.done; r2 = it.next()) {
        const t = r2.value;
        if (t.kind === 'start') {
          const p = withDeclarations(inner[inner.length - 1]!, t.rawAttrs);
          const n = nsOf(t.qname, p);
          if (depth === 1 && n.ns === XINCLUDE_NS && n.local === 'fallback') fallback = { start: t.end, end: t.selfClosing ? t.end : -1, prefixes: p };
          if (!t.selfClosing) {
            depth++;
            inner.push(p);
          }
        } else if (t.kind === 'end') {
          depth--;
          inner.pop();
          if (depth === 1 && fallback && fallback.end < 0) fallback.end = t.start;
          if (depth === 0) {
            end = t.end;
            break;
          }
        }
      }
    }
    pushText(copied, tag.start);
    copied = end;
    const where = lineColumnAt(text, tag.start);
    const at = { file, line: firstLine + where.line - 1, column: where.column };
    const attrs = attributesOf(tag.rawAttrs);
    const href = unescapeAttr(attrs.get('href') ?? '');
    try {
      chunks.push(...(await include(href, attrs, absPath, prefixes, stack, ctx, diagnostics)));
    } catch (err) {
      if (!(err instanceof IncludeFailure)) throw err;
      if (err.diagnostic) {
        diagnostics.push(err.diagnostic);
      } else if (err.resource && fallback) {
        diagnostics.push(diagnostic({ ...at, severity: 'warning', source: 'xinclude', code: 'xinclude.fallback', message: `${err.message}; its <xi:fallback> is used instead` }));
        chunks.push(...(await expand(text.slice(fallback.start, fallback.end), file, absPath, lineAt(fallback.start), fallback.prefixes, stack, ctx, diagnostics)));
      } else {
        const hint = err.resource ? 'fix the href, make the file available, or add an <xi:fallback> child' : 'fix the xi:include';
        diagnostics.push(diagnostic({ ...at, severity: 'error', source: 'xinclude', code: 'xinclude.failed', message: `${err.message}, and it has no <xi:fallback>; ${hint}` }));
      }
    }
  }
  pushText(copied, text.length);
  return chunks;
}

async function include(
  href: string,
  attrs: Map<string, string>,
  baseAbs: string,
  context: Map<string, string>,
  stack: string[],
  ctx: XIncludeContext,
  diagnostics: Diagnostic[],
): Promise<Chunk[]> {
  const parse = attrs.get('parse') ?? 'xml';
  const shown = `xi:include href="${href}"`;
  if (attrs.has('xpointer')) throw new IncludeFailure(`${shown}: xpointer is not supported by teikit`, true);
  if (!href) throw new IncludeFailure('xi:include without href', false);
  if (parse !== 'xml' && parse !== 'text') throw new IncludeFailure(`${shown}: parse="${parse}" must be "xml" or "text"`, false);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(href)?.[1];
  if (scheme && scheme.length > 1 && scheme.toLowerCase() !== 'file') {
    throw new IncludeFailure(`${shown}: teikit includes local files only and never reads the network`, true);
  }
  let target: string;
  try {
    target = scheme?.toLowerCase() === 'file' ? fileURLToPath(href) : path.resolve(path.dirname(baseAbs), decodeURIComponent(href.split('#')[0]!));
  } catch {
    throw new IncludeFailure(`${shown}: not a usable file reference`, true);
  }
  if (parse === 'xml' && stack.includes(target)) throw new IncludeFailure(`${shown}: includes itself (a loop through ${ctx.display(target)})`, false);
  if (stack.length > MAX_DEPTH) throw new IncludeFailure(`${shown}: includes nested deeper than ${MAX_DEPTH}`, false);
  let bytes: Uint8Array;
  try {
    bytes = await ctx.readFile(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IncludeFailure(`${shown}: ${code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? (err as Error).message})`}: ${ctx.display(target)}`, true);
  }
  const file = ctx.display(target);
  const decoded = decodeXml(file, bytes);
  if (!decoded.ok) throw new IncludeFailure(decoded.diagnostic.message, false, decoded.diagnostic);
  if (parse === 'text') {
    return [{ text: decoded.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), file, line: 1 }];
  }
  // Included documents get the same defensive preparation as documents (entities expanded, DOCTYPE blanked).
  const prepared = prepareDocument(file, decoded.text);
  if (!prepared.ok) throw new IncludeFailure(prepared.diagnostics[0]!.message, false, prepared.diagnostics[0]);
  const wf = checkWellFormed(file, prepared.text);
  if (wf) throw new IncludeFailure(wf.message, false, wf);
  // The included document's children (not its XML declaration or DOCTYPE) replace the xi:include element.
  let body = prepared.text;
  let bodyLine = 1;
  const prolog = /^(?:\s|<\?xml[\s\S]*?\?>|<!DOCTYPE(?:[^[>]*\[[\s\S]*?\]\s*>|[^>]*>))*/.exec(body)![0];
  bodyLine += lineCount(prolog);
  body = body.slice(prolog.length);
  // Textual splicing would put an unprefixed root into the includer's default namespace: undo that.
  if ((context.get('') ?? '') !== '') {
    body = body.replace(/^((?:\s|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*<[^\s/>!?]+)(?![^>]*\sxmlns\s*=)/, '$1 xmlns=""');
  }
  return expand(body, file, target, bodyLine, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), [...stack, target], ctx, diagnostics);
}
