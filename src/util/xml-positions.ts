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
  readonly byId = new Map<string, XmlElement>();
  private readonly lineStarts: number[];

  constructor(
    readonly source: string,
    readonly root: XmlElement,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    for (const el of descendants(root)) {
      const id = attr(el, 'id', XML_NS);
      if (id !== null && !this.byId.has(id)) this.byId.set(id, el);
    }
  }

  /** 1-based line and column (in UTF-16 code units, as editors count) of a source offset. */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
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

export function* descendants(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) if (c.kind === 'element') yield* descendants(c);
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element');
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

/** Parses a document into a positioned tree. Comments, processing instructions and the DOCTYPE are skipped. */
export function parseXml(source: string): XmlDocument {
  const s = source;
  let i = 0;
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  const nsStack: Array<Map<string, string>> = [new Map([['xml', XML_NS]])];

  const fail = (msg: string, at: number): never => {
    throw new XmlSyntaxError(msg, at);
  };
  const lookupNs = (prefix: string): string | null => {
    for (let k = nsStack.length - 1; k >= 0; k--) {
      const v = nsStack[k]!.get(prefix);
      if (v !== undefined) return v === '' ? null : v;
    }
    return null;
  };
  const addText = (text: string, start: number, end: number, jumps?: Array<[number, number]>) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (text.trim()) fail('text outside the root element', start);
      return;
    }
    const node: XmlText = { kind: 'text', text, parent, start, end };
    if (jumps && jumps.length) node.jumps = jumps;
    parent.children.push(node);
  };

  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      const d = decode(s.slice(i), i);
      addText(d.text, i, s.length, d.jumps);
      break;
    }
    if (lt > i) {
      const d = decode(s.slice(i, lt), i);
      addText(d.text, i, lt, d.jumps);
    }
    if (s.startsWith('<!--', lt)) {
      const e = s.indexOf('-->', lt + 4);
      if (e < 0) fail('unterminated comment', lt);
      i = e + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt + 9);
      if (e < 0) fail('unterminated CDATA section', lt);
      addText(s.slice(lt + 9, e), lt + 9, e);
      i = e + 3;
    } else if (s.startsWith('<?', lt)) {
      const e = s.indexOf('?>', lt + 2);
      if (e < 0) fail('unterminated processing instruction', lt);
      i = e + 2;
    } else if (s.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets (which may itself hold '>').
      let k = lt + 2;
      let depth = 0;
      let quote = '';
      for (; k < s.length; k++) {
        const c = s[k]!;
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      i = k + 1;
    } else if (s[lt + 1] === '/') {
      const gt = s.indexOf('>', lt);
      if (gt < 0) fail('unterminated end tag', lt);
      const name = s.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`end tag </${name}> does not match <${open?.name ?? '(none)'}>`, lt);
      open!.end = gt + 1;
      nsStack.pop();
      i = gt + 1;
    } else {
      let k = lt + 1;
      while (k < s.length && !isNameEnd(s.charCodeAt(k))) k++;
      const name = s.slice(lt + 1, k);
      if (!name) fail('element name expected after <', lt);
      const raw: Array<{ name: string; value: string; offset: number }> = [];
      let selfClosing = false;
      for (;;) {
        while (k < s.length && isSpace(s.charCodeAt(k))) k++;
        if (k >= s.length) fail(`unterminated start tag <${name}>`, lt);
        if (s[k] === '>') {
          k++;
          break;
        }
        if (s[k] === '/' && s[k + 1] === '>') {
          selfClosing = true;
          k += 2;
          break;
        }
        const aStart = k;
        while (k < s.length && !isNameEnd(s.charCodeAt(k))) k++;
        const aName = s.slice(aStart, k);
        while (isSpace(s.charCodeAt(k))) k++;
        if (s[k] !== '=') fail(`attribute ${aName} has no value`, aStart);
        k++;
        while (isSpace(s.charCodeAt(k))) k++;
        const q = s[k];
        if (q !== '"' && q !== "'") fail(`value of attribute ${aName} is not quoted`, k);
        const vEnd = s.indexOf(q!, k + 1);
        if (vEnd < 0) fail(`unterminated value of attribute ${aName}`, k);
        // Attribute-value normalisation: literal whitespace characters become spaces (before references are
        // replaced, so that &#10; stays a line feed, as XML specifies).
        raw.push({ name: aName, value: decode(s.slice(k + 1, vEnd).replace(/[\t\n\r]/g, ' '), k + 1).text, offset: aStart });
        k = vEnd + 1;
      }
      const scope = new Map<string, string>();
      for (const a of raw) {
        if (a.name === 'xmlns') scope.set('', a.value);
        else if (a.name.startsWith('xmlns:')) scope.set(a.name.slice(6), a.value);
      }
      nsStack.push(scope);
      const split = (qn: string) => {
        const c = qn.indexOf(':');
        return c < 0 ? { prefix: '', local: qn } : { prefix: qn.slice(0, c), local: qn.slice(c + 1) };
      };
      const en = split(name);
      const attrs: XmlAttr[] = raw
        .filter((a) => a.name !== 'xmlns' && !a.name.startsWith('xmlns:'))
        .map((a) => {
          const an = split(a.name);
          return { name: a.name, local: an.local, ns: an.prefix ? lookupNs(an.prefix) : null, value: a.value, offset: a.offset };
        });
      const parent = stack[stack.length - 1] ?? null;
      const el: XmlElement = { kind: 'element', name, local: en.local, ns: lookupNs(en.prefix), attrs, children: [], parent, start: lt, startTagEnd: k, end: k };
      if (parent) parent.children.push(el);
      else if (root) fail('a second root element', lt);
      else root = el;
      if (selfClosing) nsStack.pop();
      else stack.push(el);
      i = k;
    }
  }
  if (stack.length) fail(`element <${stack[stack.length - 1]!.name}> is not closed`, stack[stack.length - 1]!.start);
  if (!root) fail('no root element', 0);
  return new XmlDocument(source, root!);
}
