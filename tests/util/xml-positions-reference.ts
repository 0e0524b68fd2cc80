/**
 * The eager parser that src/util/xml-positions.ts had before its children became lazy (commit 325ad17), kept
 * verbatim as the reference the lazy tree must equal node for node: every text node built while parsing,
 * every element's children as a plain array.
 */
import { XML_NS, XmlSyntaxError, type XmlAttr, type XmlElement, type XmlNode, type XmlText } from '../../src/util/xml-positions.js';

export interface EagerDocument {
  root: XmlElement;
  elements: XmlElement[];
  byId: Map<string, XmlElement>;
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

/** An open element's children until its end tag; no element keeps it once the parse succeeds. */
const NO_CHILDREN_YET: XmlNode[] = [];

/** Parses a document into a positioned tree. Comments, processing instructions and the DOCTYPE are skipped. */
export function parseEager(source: string): EagerDocument {
  const s = source;
  const n = s.length;
  let i = 0;
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  // Children of the open elements, in order; `childStart[d]` is where those of the element at depth d begin. At
  // its end tag they become its `children`, an array of exactly their number: one grown by push keeps room for
  // 16, and a corpus run builds a million of them, which the garbage collector then goes over.
  const pending: XmlNode[] = [];
  // Counters instead of shrinking arrays by `.length =`, which costs a runtime call each time.
  let pendingTop = 0;
  const childStart: number[] = [];
  const elements: XmlElement[] = [];
  // One string for each distinct run of white space between tags (half of all text nodes).
  const spaces = new Map<string, string>();
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
  // The next '&' at or after the current position, so that a text run without one is never searched twice.
  let nextAmp = s.indexOf('&');

  const fail = (msg: string, at: number): never => {
    throw new XmlSyntaxError(msg, at);
  };
  const qname = (name: string): QName => {
    let q = qnames.get(name);
    if (q === undefined) {
      const c = name.indexOf(':');
      q = c < 0 ? { name, prefix: '', local: name, trimStable: name.trim() === name } : { name, prefix: name.slice(0, c), local: name.slice(c + 1), trimStable: name.trim() === name };
      qnames.set(name, q);
    }
    return q;
  };
  const lookupNs = (prefix: string): string | null => {
    for (let k = bindTop - 1; k >= 0; k--) {
      if (bindPrefix[k] === prefix) {
        const v = bindUri[k]!;
        return v === '' ? null : v;
      }
    }
    return null;
  };
  const text = (from: number, to: number): void => {
    const parent = stack.length ? stack[stack.length - 1]! : undefined;
    if (nextAmp !== -1 && nextAmp < from) nextAmp = s.indexOf('&', from);
    const hasRef = nextAmp !== -1 && nextAmp < to;
    if (!parent) {
      // Outside the root only white space may stand; most of it needs no decoding to tell.
      let k = from;
      while (k < to && isSpace(s.charCodeAt(k))) k++;
      if (k === to) return;
      const d = decode(s.slice(from, to), from);
      if (d.text.trim()) fail('text outside the root element', from);
      return;
    }
    if (!hasRef) {
      let t = s.slice(from, to);
      if (to - from <= 64) {
        let k = from;
        while (k < to && isSpace(s.charCodeAt(k))) k++;
        if (k === to) {
          const shared = spaces.get(t);
          if (shared === undefined) spaces.set(t, t);
          else t = shared;
        }
      }
      pending[pendingTop++] = { kind: 'text', text: t, parent, start: from, end: to };
      return;
    }
    const d = decode(s.slice(from, to), from);
    const node: XmlText = { kind: 'text', text: d.text, parent, start: from, end: to };
    if (d.jumps && d.jumps.length) node.jumps = d.jumps;
    pending[pendingTop++] = node;
  };

  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      text(i, n);
      break;
    }
    if (lt > i) text(i, lt);
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === 33 && s.startsWith('<!--', lt)) {
      const e = s.indexOf('-->', lt + 4);
      if (e < 0) fail('unterminated comment', lt);
      i = e + 3;
    } else if (c1 === 33 && s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt + 9);
      if (e < 0) fail('unterminated CDATA section', lt);
      const parent = stack.length ? stack[stack.length - 1]! : undefined;
      if (parent) pending[pendingTop++] = { kind: 'text', text: s.slice(lt + 9, e), parent, start: lt + 9, end: e };
      else if (s.slice(lt + 9, e).trim()) fail('text outside the root element', lt + 9);
      i = e + 3;
    } else if (c1 === 63) {
      const e = s.indexOf('?>', lt + 2);
      if (e < 0) fail('unterminated processing instruction', lt);
      i = e + 2;
    } else if (c1 === 33) {
      // DOCTYPE, possibly with an internal subset in brackets (which may itself hold '>').
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
      i = k + 1;
    } else if (c1 === 47) {
      const gt = s.indexOf('>', lt);
      if (gt < 0) fail('unterminated end tag', lt);
      const open = stack.pop();
      // The usual case checked in place: the open element's name, then only white space.
      let same = false;
      if (open) {
        const q = qname(open.name);
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
      const first = childStart.pop()!;
      open!.children = pending.slice(first, pendingTop);
      pendingTop = first;
      bindTop = marks.pop()!;
      i = gt + 1;
    } else {
      let k = lt + 1;
      while (k < n && !isNameEnd(s.charCodeAt(k))) k++;
      if (k === lt + 1) fail('element name expected after <', lt);
      const q = qname(s.slice(lt + 1, k));
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
        const aq = qname(aNames[a]!);
        const an = aq.name;
        if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
        const ns = aq.prefix ? lookupNs(aq.prefix) : null;
        const value = aValues[a]!;
        attrBuf[at++] = { name: an, local: aq.local, ns, value, offset: aOffsets[a]! };
        if (id === null && ns === XML_NS && aq.local === 'id') id = value;
      }
      const attrs: XmlAttr[] = at === 0 ? [] : attrBuf.slice(0, at);
      const parent = stack.length ? stack[stack.length - 1]! : null;
      const el: XmlElement = { kind: 'element', name, local: q.local, ns: lookupNs(q.prefix), attrs, children: selfClosing ? [] : NO_CHILDREN_YET, parent, start: lt, startTagEnd: k, end: k };
      if (parent) pending[pendingTop++] = el;
      else if (root) fail('a second root element', lt);
      else root = el;
      elements.push(el);
      if (id !== null && !byId.has(id)) byId.set(id, el);
      if (selfClosing) bindTop = mark;
      else {
        stack.push(el);
        childStart.push(pendingTop);
        marks.push(mark);
      }
      i = k;
    }
  }
  if (stack.length) fail(`element <${stack[stack.length - 1]!.name}> is not closed`, stack[stack.length - 1]!.start);
  if (!root) fail('no root element', 0);
  return { root: root!, elements, byId };
}
