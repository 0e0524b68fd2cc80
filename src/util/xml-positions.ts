/**
 * A small, position-aware XML reader: a light tree in which every element knows where its start tag
 * begins (offset, line, column) and every text node can map each of its characters back to the source.
 * fast-xml-parser and saxon-js give trees without positions; checkers that point at file:line:col need them.
 * It assumes a well-formed document (check that first); on broken markup it throws XmlSyntaxError.
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XmlAttr {
  /** Qualified name as written, e.g. `xml:id`. */
  name: string;
  local: string;
  ns: string | null;
  /** Value with entity and character references replaced. */
  value: string;
  /** Offset of the attribute name in the source. */
  offset: number;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  local: string;
  ns: string | null;
  attrs: XmlAttr[];
  children: XmlNode[];
  parent: XmlElement | null;
  /** Offset of `<`. */
  start: number;
  /** Offset just after the start tag's `>`. */
  startTagEnd: number;
  /** Offset just after the end tag (or the empty tag). */
  end: number;
}

export interface XmlText {
  kind: 'text';
  /** Decoded text (references replaced, CDATA unwrapped). */
  text: string;
  parent: XmlElement;
  /** Offset of the first source character. */
  start: number;
  end: number;
  /**
   * Only when decoding changed lengths (a reference): pairs [decodedIndex, sourceOffset] at every point
   * where the mapping jumps. Absent means `start + i` for every character i.
   */
  jumps?: Array<[number, number]>;
}

export type XmlNode = XmlElement | XmlText;

export interface Position {
  line: number;
  column: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export class XmlDocument {
  readonly byId: Map<string, XmlElement>;
  /** Every element in document order (the root first): a whole-document walk without building a list again. */
  readonly elements: readonly XmlElement[];
  /** Computed on the first position() call: most documents never need one. */
  private lineStarts: number[] | null = null;

  constructor(
    readonly source: string,
    readonly root: XmlElement,
    elements?: XmlElement[],
    byId?: Map<string, XmlElement>,
  ) {
    this.elements = elements ?? descendants(root);
    if (byId) this.byId = byId;
    else {
      this.byId = new Map();
      for (const el of this.elements) {
        const id = attr(el, 'id', XML_NS);
        if (id !== null && !this.byId.has(id)) this.byId.set(id, el);
      }
    }
  }

  /** 1-based line and column (in UTF-16 code units, as editors count) of a source offset. */
  position(offset: number): Position {
    const lineStarts = (this.lineStarts ??= lineStartsOf(this.source));
    const line = lineAt(lineStarts, offset);
    return { line, column: offset - lineStarts[line - 1]! + 1 };
  }
}

/** 1-based line of a source offset, given the offsets where lines start (lineStartsOf). */
export function lineAt(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let nl = source.indexOf('\n'); nl !== -1; nl = source.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

/** Source offset of character `i` of a text node's decoded text. */
export function sourceOffset(t: XmlText, i: number): number {
  if (!t.jumps) return t.start + i;
  let base: [number, number] = [0, t.start];
  for (const j of t.jumps) {
    if (j[0] <= i) base = j;
    else break;
  }
  return base[1] + (i - base[0]);
}

/** Attribute value by local name (and namespace; `null` means no namespace), or null. */
export function attr(el: XmlElement, local: string, ns: string | null = null): string | null {
  for (const a of el.attrs) if (a.local === local && a.ns === ns) return a.value;
  return null;
}

/**
 * The element and every element below it, in document order. An array built by plain recursion: a
 * recursive generator costs a resumption per level for every element. For a whole document,
 * `XmlDocument.elements` is the same list, already built.
 */
export function descendants(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  collect(el, out);
  return out;
}

function collect(el: XmlElement, out: XmlElement[]): void {
  out.push(el);
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'element') collect(c, out);
  }
}

export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'element') out.push(c);
  }
  return out;
}

/** All decoded text below an element, in document order. */
export function textContent(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += c.kind === 'text' ? c.text : textContent(c);
  return s;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Replaces references; unknown named entities stay as written (their text is still worth showing). */
function decode(raw: string, base: number): { text: string; jumps?: Array<[number, number]> } {
  if (!raw.includes('&')) return { text: raw };
  let text = '';
  const jumps: Array<[number, number]> = [];
  let i = 0;
  while (i < raw.length) {
    const amp = raw.indexOf('&', i);
    if (amp < 0) {
      text += raw.slice(i);
      break;
    }
    text += raw.slice(i, amp);
    const semi = raw.indexOf(';', amp);
    const name = semi > amp ? raw.slice(amp + 1, semi) : '';
    let rep: string | null = null;
    if (name.startsWith('#x') || name.startsWith('#X')) rep = safeFromCodePoint(parseInt(name.slice(2), 16));
    else if (name.startsWith('#')) rep = safeFromCodePoint(parseInt(name.slice(1), 10));
    else if (name in PREDEFINED) rep = PREDEFINED[name]!;
    if (rep === null || semi < 0) {
      text += '&';
      i = amp + 1;
      continue;
    }
    text += rep;
    i = semi + 1;
    jumps.push([text.length, base + i]);
  }
  return { text, jumps };
}

function safeFromCodePoint(cp: number): string | null {
  return Number.isInteger(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
}

/** Whitespace, `/`, `>` or `=`: where a name ends. Char codes, not a regex: this runs once per character. */
function isNameEnd(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 47 || c === 62 || c === 61;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** A qualified name as written and its parts, made once per distinct name in a document and shared. */
interface QName {
  name: string;
  prefix: string;
  local: string;
  /** An element name `.trim()` leaves as it is (an end tag's name is compared trimmed). */
  trimStable: boolean;
}

/** What an element needs to list its children when first asked: one per document, shared by its elements. */
interface Content {
  source: string;
  /** Every element in document order (so sorted by `start`). */
  elements: XmlElement[];
}

/**
 * An element whose children (and the text nodes among them) are made on the first `children` read, from the
 * source and the document's element list. A corpus validation reads the children of under 1% of the elements,
 * and the text nodes were half the objects of a tree, all of them kept alive through a scavenge or two.
 */
class LazyElement implements XmlElement {
  readonly kind = 'element' as const;
  /** The children once listed; until then the document's Content. */
  #children: XmlNode[] | Content;

  constructor(
    readonly name: string,
    readonly local: string,
    readonly ns: string | null,
    readonly attrs: XmlAttr[],
    readonly parent: XmlElement | null,
    readonly start: number,
    readonly startTagEnd: number,
    public end: number,
    content: Content,
  ) {
    this.#children = content;
  }

  get children(): XmlNode[] {
    const c = this.#children;
    return Array.isArray(c) ? c : (this.#children = listChildren(this, c));
  }
}

/**
 * The children of a parsed element: its child elements from the element list, and between them the text
 * nodes the source holds, found by the same scan as parseXml's (from the same points, so comments, CDATA
 * and processing instructions split the text the same way).
 */
function listChildren(el: XmlElement, { source: s, elements }: Content): XmlNode[] {
  const out: XmlNode[] = [];
  if (el.end === el.startTagEnd) return out;
  let k = firstStartingAt(elements, el.start + 1, 0);
  let at = el.startTagEnd;
  while (k < elements.length && elements[k]!.start < el.end) {
    const child = elements[k]!;
    scanContent(s, at, child.start, el, out);
    out.push(child);
    at = child.end;
    k = firstStartingAt(elements, at, k + 1);
  }
  // Names hold no '/', so the end tag's '</' is the last one.
  scanContent(s, at, s.lastIndexOf('</', el.end - 2), el, out);
  return out;
}

/** Index of the first element at or after `lo` that starts at `offset` or later. */
function firstStartingAt(elements: XmlElement[], offset: number, lo: number): number {
  let hi = elements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (elements[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Text nodes of source[from, to), which holds no element: text runs and CDATA sections; comments and PIs end runs. */
function scanContent(s: string, from: number, to: number, parent: XmlElement, out: XmlNode[]): void {
  let i = from;
  while (i < to) {
    const lt = s.indexOf('<', i);
    if (lt < 0 || lt >= to) {
      out.push(textNode(s, i, to, parent));
      return;
    }
    if (lt > i) out.push(textNode(s, i, lt, parent));
    if (s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt + 9);
      out.push({ kind: 'text', text: s.slice(lt + 9, e), parent, start: lt + 9, end: e });
      i = e + 3;
    } else i = skipMarkup(s, lt);
  }
}

function textNode(s: string, from: number, to: number, parent: XmlElement): XmlText {
  const raw = s.slice(from, to);
  // Not s.indexOf('&', from): without a reference further on, that reads to the end of the document.
  if (!raw.includes('&')) return { kind: 'text', text: raw, parent, start: from, end: to };
  const d = decode(raw, from);
  const node: XmlText = { kind: 'text', text: d.text, parent, start: from, end: to };
  if (d.jumps && d.jumps.length) node.jumps = d.jumps;
  return node;
}

/**
 * Offset just after the comment, processing instruction or DOCTYPE (or other `<!` declaration) at `lt`, or
 * -1 if it is not closed. Not for CDATA sections, which are text.
 */
function skipMarkup(s: string, lt: number): number {
  const c1 = s.charCodeAt(lt + 1);
  if (c1 === 33 && s.startsWith('<!--', lt)) {
    const e = s.indexOf('-->', lt + 4);
    return e < 0 ? -1 : e + 3;
  }
  if (c1 === 63) {
    const e = s.indexOf('?>', lt + 2);
    return e < 0 ? -1 : e + 2;
  }
  // DOCTYPE, possibly with an internal subset in brackets (which may itself hold '>').
  const n = s.length;
  let k = lt + 2;
  let depth = 0;
  let quote = 0;
  for (; k < n; k++) {
    const c = s.charCodeAt(k);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 91) depth++;
    else if (c === 93) depth--;
    else if (c === 62 && depth <= 0) break;
  }
  return k + 1;
}

// parseXml's helpers live out here, not as closures in it: new closures per call made V8 throw away parseXml's
// optimized code at the second document ("wrong call target") and compile it again.
function fail(msg: string, at: number): never {
  throw new XmlSyntaxError(msg, at);
}

function qname(qnames: Map<string, QName>, name: string): QName {
  let q = qnames.get(name);
  if (q === undefined) {
    const c = name.indexOf(':');
    q = c < 0 ? { name, prefix: '', local: name, trimStable: name.trim() === name } : { name, prefix: name.slice(0, c), local: name.slice(c + 1), trimStable: name.trim() === name };
    qnames.set(name, q);
  }
  return q;
}

/** The namespace bound to `prefix` by the first `top` bindings, newest last (null for none or an undeclaration). */
function lookupNs(prefixes: string[], uris: string[], top: number, prefix: string): string | null {
  for (let k = top - 1; k >= 0; k--) {
    if (prefixes[k] === prefix) {
      const v = uris[k]!;
      return v === '' ? null : v;
    }
  }
  return null;
}

/** Outside the root only white space may stand; most of it needs no decoding to tell. */
function outside(s: string, from: number, to: number): void {
  let k = from;
  while (k < to && isSpace(s.charCodeAt(k))) k++;
  if (k === to) return;
  if (decode(s.slice(from, to), from).text.trim()) fail('text outside the root element', from);
}

/**
 * Parses a document into a positioned tree. Comments, processing instructions and the DOCTYPE are skipped.
 * Text inside the root is not read here: elements list their children, text nodes included, when asked.
 */
export function parseXml(source: string): XmlDocument {
  const s = source;
  const n = s.length;
  let i = 0;
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  const elements: XmlElement[] = [];
  const content: Content = { source, elements };
  const byId = new Map<string, XmlElement>();
  const qnames = new Map<string, QName>();
  // In-scope namespace bindings as a stack of (prefix, uri) pairs, newest last; `marks[d]` is the binding
  // count before the element at depth d declared its own. A handful of bindings: a scan beats a Map per element.
  const bindPrefix: string[] = ['xml'];
  const bindUri: string[] = [XML_NS];
  let bindTop = 1;
  const marks: number[] = [];
  // Attributes of the start tag being read, reused from tag to tag.
  const aNames: string[] = [];
  const aValues: string[] = [];
  const aOffsets: number[] = [];
  let na = 0;
  // This element's attribute objects, copied out by slice(): an array of the exact size whose elements kind
  // is already settled (filling `new Array(n)` changes it on the first store, a slow path per element).
  const attrBuf: XmlAttr[] = [];

  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      if (!stack.length) outside(s, i, n);
      break;
    }
    if (lt > i && !stack.length) outside(s, i, lt);
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === 33 && s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt + 9);
      if (e < 0) fail('unterminated CDATA section', lt);
      if (!stack.length && s.slice(lt + 9, e).trim()) fail('text outside the root element', lt + 9);
      i = e + 3;
    } else if (c1 === 33 || c1 === 63) {
      i = skipMarkup(s, lt);
      if (i < 0) fail(c1 === 63 ? 'unterminated processing instruction' : 'unterminated comment', lt);
    } else if (c1 === 47) {
      const gt = s.indexOf('>', lt);
      if (gt < 0) fail('unterminated end tag', lt);
      const open = stack.pop();
      // The usual case checked in place: the open element's name, then only white space.
      let same = false;
      if (open) {
        const q = qname(qnames, open.name);
        if (q.trimStable && s.startsWith(open.name, lt + 2)) {
          let k = lt + 2 + open.name.length;
          while (k < gt && isSpace(s.charCodeAt(k))) k++;
          same = k === gt;
        }
      }
      if (!same) {
        const name = s.slice(lt + 2, gt).trim();
        if (!open || open.name !== name) fail(`end tag </${name}> does not match <${open?.name ?? '(none)'}>`, lt);
      }
      open!.end = gt + 1;
      bindTop = marks.pop()!;
      i = gt + 1;
    } else {
      let k = lt + 1;
      while (k < n && !isNameEnd(s.charCodeAt(k))) k++;
      if (k === lt + 1) fail('element name expected after <', lt);
      const q = qname(qnames, s.slice(lt + 1, k));
      const name = q.name;
      na = 0;
      let selfClosing = false;
      for (;;) {
        while (k < n && isSpace(s.charCodeAt(k))) k++;
        if (k >= n) fail(`unterminated start tag <${name}>`, lt);
        const c = s.charCodeAt(k);
        if (c === 62) {
          k++;
          break;
        }
        if (c === 47 && s.charCodeAt(k + 1) === 62) {
          selfClosing = true;
          k += 2;
          break;
        }
        const aStart = k;
        while (k < n && !isNameEnd(s.charCodeAt(k))) k++;
        const aName = s.slice(aStart, k);
        while (isSpace(s.charCodeAt(k))) k++;
        if (s.charCodeAt(k) !== 61) fail(`attribute ${aName} has no value`, aStart);
        k++;
        while (isSpace(s.charCodeAt(k))) k++;
        const qc = s.charCodeAt(k);
        if (qc !== 34 && qc !== 39) fail(`value of attribute ${aName} is not quoted`, k);
        const vEnd = s.indexOf(qc === 34 ? '"' : "'", k + 1);
        if (vEnd < 0) fail(`unterminated value of attribute ${aName}`, k);
        // Attribute-value normalisation: literal whitespace characters become spaces (before references are
        // replaced, so that &#10; stays a line feed, as XML specifies). Most values have neither.
        let plain = true;
        for (let v = k + 1; v < vEnd; v++) {
          const vc = s.charCodeAt(v);
          if (vc === 38 || vc === 9 || vc === 10 || vc === 13) {
            plain = false;
            break;
          }
        }
        aNames[na] = aName;
        aValues[na] = plain ? s.slice(k + 1, vEnd) : decode(s.slice(k + 1, vEnd).replace(/[\t\n\r]/g, ' '), k + 1).text;
        aOffsets[na++] = aStart;
        k = vEnd + 1;
      }
      const mark = bindTop;
      let declarations = 0;
      for (let a = 0; a < na; a++) {
        const an = aNames[a]!;
        if (an === 'xmlns') {
          bindPrefix[bindTop] = '';
          bindUri[bindTop++] = aValues[a]!;
          declarations++;
        } else if (an.startsWith('xmlns:')) {
          bindPrefix[bindTop] = an.slice(6);
          bindUri[bindTop++] = aValues[a]!;
          declarations++;
        }
      }
      let id: string | null = null;
      let at = 0;
      for (let a = 0; a < na; a++) {
        const aq = qname(qnames, aNames[a]!);
        const an = aq.name;
        if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
        const ns = aq.prefix ? lookupNs(bindPrefix, bindUri, bindTop, aq.prefix) : null;
        const value = aValues[a]!;
        attrBuf[at++] = { name: an, local: aq.local, ns, value, offset: aOffsets[a]! };
        if (id === null && ns === XML_NS && aq.local === 'id') id = value;
      }
      const attrs: XmlAttr[] = at === 0 ? [] : attrBuf.slice(0, at);
      const parent = stack.length ? stack[stack.length - 1]! : null;
      const el = new LazyElement(name, q.local, lookupNs(bindPrefix, bindUri, bindTop, q.prefix), attrs, parent, lt, k, k, content);
      if (!parent) {
        if (root) fail('a second root element', lt);
        root = el;
      }
      elements.push(el);
      if (id !== null && !byId.has(id)) byId.set(id, el);
      if (selfClosing) bindTop = mark;
      else {
        stack.push(el);
        marks.push(mark);
      }
      i = k;
    }
  }
  if (stack.length) fail(`element <${stack[stack.length - 1]!.name}> is not closed`, stack[stack.length - 1]!.start);
  if (!root) fail('no root element', 0);
  return new XmlDocument(source, root!, elements, byId);
}
