import * as path from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import { attr, childElements, lineAt, lineStartsOf, parseXml, XML_NS, type XmlAttr, type XmlDocument, type XmlElement } from '../util/xml-positions.js';
import { RELAXNG_NS } from './schema.js';

/**
 * Pointer integrity: every local pointer (`#id`) in an attribute of TEI's pointer datatype must name an
 * `xml:id` of the same document, or of another document of the same run when it names that document
 * (`other.xml#id`); prefixed pointers declared in `listPrefixDef` are expanded first; URLs are left alone.
 */

export const TEI_NS = 'http://www.tei-c.org/ns/1.0';
/** TEI examples (`egXML`) quote other documents: their ids and pointers are not this document's. */
export const EXAMPLES_NS = 'http://www.tei-c.org/ns/Examples';

/** Which attributes hold pointers: per element (`Q{ns}local` → attribute names as written), plus any element. */
export interface PointerAttributes {
  byElement: Record<string, string[]>;
  anyElement: string[];
}

/**
 * Used when the schema says nothing about pointers (not RELAX NG, or no TEI datatypes in it): the
 * attributes the TEI Guidelines type as teidata.pointer on most elements.
 */
export const DEFAULT_POINTER_ATTRIBUTES: PointerAttributes = {
  byElement: {},
  anyElement: ['ref', 'target', 'who', 'ana', 'corresp', 'sameAs', 'source', 'resp', 'hand', 'scheme', 'next', 'prev', 'synch', 'copyOf', 'exclude', 'select', 'facs', 'wit', 'rendition', 'decls', 'inst', 'spanTo', 'nymRef', 'scribeRef', 'scriptRef', 'edRef', 'parts', 'given'],
};

/** TEI's pointer datatype as tei_all.rng spells it once ODD has flattened `teidata.pointer` away. */
function isPointerType(el: XmlElement): boolean {
  for (const c of childElements(el)) {
    if (c.ns !== RELAXNG_NS) continue;
    if (c.local === 'ref' && attr(c, 'name') === 'teidata.pointer') return true;
    if (c.local === 'data' && attr(c, 'type') === 'anyURI') {
      const p = childElements(c).find((x) => x.local === 'param' && attr(x, 'name') === 'pattern');
      if (p && p.children.map((t) => (t.kind === 'text' ? t.text : '')).join('').trim() === '\\S+') return true;
    }
    if (c.local !== 'element' && c.local !== 'attribute' && isPointerType(c)) return true;
  }
  return false;
}

/**
 * Reads from a RELAX NG schema which attributes of which elements have the pointer datatype (the
 * attributes whose content is `teidata.pointer`, alone or in a list), following `ref`s through the
 * attribute classes. Returns null when the schema declares none (then the caller uses the defaults).
 */
export function pointerAttributesFromRng(rngText: string): PointerAttributes | null {
  let doc: XmlDocument;
  try {
    doc = parseXml(rngText);
  } catch {
    return null;
  }
  if (doc.root.ns !== RELAXNG_NS) return null;
  const defines = new Map<string, XmlElement[]>();
  const elements: Array<{ el: XmlElement; ns: string }> = [];
  const walk = (el: XmlElement, ns: string) => {
    const here = attr(el, 'ns') ?? ns;
    if (el.ns === RELAXNG_NS && el.local === 'define') {
      const name = attr(el, 'name') ?? '';
      defines.set(name, [...(defines.get(name) ?? []), el]);
    }
    if (el.ns === RELAXNG_NS && el.local === 'element' && attr(el, 'name')) elements.push({ el, ns: here });
    for (const c of childElements(el)) walk(c, here);
  };
  walk(doc.root, '');

  const memo = new Map<string, Set<string>>();
  const attrsIn = (el: XmlElement, acc: Set<string>, visiting: Set<string>) => {
    for (const c of childElements(el)) {
      if (c.ns !== RELAXNG_NS || c.local === 'element') continue;
      if (c.local === 'attribute') {
        const name = attr(c, 'name');
        if (name && isPointerType(c)) acc.add(name);
      } else if (c.local === 'ref') {
        for (const a of attrsOfDefine(attr(c, 'name') ?? '', visiting)) acc.add(a);
      } else attrsIn(c, acc, visiting);
    }
  };
  const attrsOfDefine = (name: string, visiting: Set<string>): Set<string> => {
    const hit = memo.get(name);
    if (hit) return hit;
    if (visiting.has(name)) return new Set();
    visiting.add(name);
    const acc = new Set<string>();
    for (const d of defines.get(name) ?? []) attrsIn(d, acc, visiting);
    visiting.delete(name);
    memo.set(name, acc);
    return acc;
  };

  const byElement: Record<string, string[]> = {};
  let found = 0;
  for (const { el, ns } of elements) {
    const acc = new Set<string>();
    attrsIn(el, acc, new Set());
    if (!acc.size) continue;
    const key = `Q{${ns}}${attr(el, 'name')}`;
    byElement[key] = [...new Set([...(byElement[key] ?? []), ...acc])].sort();
    found += acc.size;
  }
  return found ? { byElement, anyElement: [] } : null;
}

// ---------------------------------------------------------------------------------------------

export interface PointerInput {
  /** Path as the user gave it; `other.xml#id` is resolved against its folder. */
  file: string;
  text: string;
  parsed?: XmlDocument;
  /** From the document's schema; DEFAULT_POINTER_ATTRIBUTES when absent. */
  attributes?: PointerAttributes;
}

/** A pointer whose target document is known only once every document of the run has been added. */
interface Deferred {
  attrName: string;
  token: string;
  pointer: string;
  docPart: string;
  id: string;
  line: number;
  column: number;
}

/** What pointer checking keeps of a document once its tree is gone. */
interface DocPointers {
  file: string;
  /** The parsed text, for the line of an id a suggestion names. */
  source: string;
  lineStarts: number[] | null;
  /** Its tree while it is being added, whose line table is made already (a dangling pointer's position). */
  doc: XmlDocument | null;
  /** Each xml:id (outside examples) and the offset of its first occurrence. */
  ids: Map<string, number>;
  index: IdIndex | null;
  /** Diagnostics in order: duplicate ids, then pointers in document order (a Deferred until its target is known). */
  entries: Array<Diagnostic | Deferred>;
}

/** Which attributes of an element hold pointers: `specific` (by expanded name) and `anyElement` together. */
type PointerNames = Map<string, Map<string, ReadonlySet<string>>>;
const pointerNames = new WeakMap<PointerAttributes, { any: ReadonlySet<string>; byName: PointerNames }>();

function pointerNamesOf(attrs: PointerAttributes): { any: ReadonlySet<string>; byName: PointerNames } {
  let known = pointerNames.get(attrs);
  if (!known) {
    const any = new Set(attrs.anyElement);
    const byName: PointerNames = new Map();
    for (const [key, names] of Object.entries(attrs.byElement)) {
      // `Q{uri}local`: a local name has no `}`.
      const close = key.lastIndexOf('}');
      const ns = key.slice(2, close);
      let locals = byName.get(ns);
      if (!locals) byName.set(ns, (locals = new Map()));
      locals.set(key.slice(close + 1), new Set([...names, ...any]));
    }
    pointerNames.set(attrs, (known = { any, byName }));
  }
  return known;
}

/** One pass over a document's elements outside examples: its xml:id attributes, prefixDef elements and pointer attributes, in document order. */
function scan(doc: XmlDocument, attrs: PointerAttributes): { ids: Array<{ value: string; offset: number }>; prefixDefEls: XmlElement[]; pointers: XmlAttr[] } {
  const { any, byName } = pointerNamesOf(attrs);
  const ids: Array<{ value: string; offset: number }> = [];
  const prefixDefEls: XmlElement[] = [];
  const pointers: XmlAttr[] = [];
  const els = doc.elements;
  for (let k = 0; k < els.length; k++) {
    const el = els[k]!;
    if (el.ns === EXAMPLES_NS) {
      // An example and everything in it: the elements that start before it ends (document order).
      while (k + 1 < els.length && els[k + 1]!.start < el.end) k++;
      continue;
    }
    if (el.attrs.length) {
      const names = byName.get(el.ns ?? '')?.get(el.local) ?? any;
      let idSeen = false;
      for (const a of el.attrs) {
        // An element's first xml:id is its id.
        if (!idSeen && a.local === 'id' && a.ns === XML_NS) {
          idSeen = true;
          ids.push({ value: a.value, offset: a.offset });
        }
        if (names.has(a.name)) pointers.push(a);
      }
    }
    if (el.local === 'prefixDef' && el.ns === TEI_NS) prefixDefEls.push(el);
  }
  return { ids, prefixDefEls, pointers };
}

interface PrefixDef {
  match: RegExp;
  replacement: string;
}

/** `listPrefixDef/prefixDef`: `ident:rest` → `rest` matched whole by @matchPattern and rewritten by @replacementPattern. */
function prefixDefs(els: readonly XmlElement[]): Map<string, PrefixDef[]> {
  const out = new Map<string, PrefixDef[]>();
  for (const el of els) {
    const ident = attr(el, 'ident');
    const match = attr(el, 'matchPattern');
    const replacement = attr(el, 'replacementPattern');
    if (!ident || match === null || replacement === null) continue;
    try {
      out.set(ident, [...(out.get(ident) ?? []), { match: new RegExp(`^(?:${match})$`, 'u'), replacement }]);
    } catch {
      // An XPath regex JavaScript cannot read: such pointers stay unexpanded (and so unchecked).
    }
  }
  return out;
}

/** Rows of the edit-distance table, reused: one per call would be garbage for every candidate id. */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Larger than any distance: a cell outside the band. */
const FAR = 0x3fffffff;

/**
 * Edit distance of a and b when it is at most `max`, else max + 1. Their common prefix and suffix are
 * set aside first (they do not change the distance, and a document's ids share long ones), and only the
 * cells within `max` of the diagonal are computed (a path through any other costs more than max); work
 * stops as soon as a row's best exceeds max.
 */
export function levenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let from = 0;
  let endA = a.length;
  let endB = b.length;
  while (from < endA && from < endB && a.charCodeAt(from) === b.charCodeAt(from)) from++;
  while (endA > from && endB > from && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const n = endA - from;
  const m = endB - from;
  if (n === 0 || m === 0) return n + m > max ? max + 1 : n + m;
  const w = Math.min(max, Math.max(n, m));
  if (rowA.length <= m + 1) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= m; j++) prev[j] = j <= w ? j : FAR;
  for (let i = 1; i <= n; i++) {
    const lo = i - w > 1 ? i - w : 1;
    const hi = i + w < m ? i + w : m;
    cur[lo - 1] = lo === 1 ? i : FAR;
    let best = cur[lo - 1]!;
    const ca = a.charCodeAt(from + i - 1);
    for (let j = lo; j <= hi; j++) {
      const sub = prev[j - 1]! + (ca === b.charCodeAt(from + j - 1) ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      cur[j] = v;
      if (v < best) best = v;
    }
    // The next row reads this cell (its last one's `del`): outside the band.
    if (hi < m) cur[hi + 1] = FAR;
    if (best > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[m]!;
  return d > max ? max + 1 : d;
}

/**
 * A document's ids grouped by length, and the suggestions already made: a corpus document can have
 * thousands of dangling pointers, often to the same few ids, against thousands of ids.
 */
interface IdIndex {
  byLength: Map<number, string[]>;
  memo: Map<string, string[]>;
}

function idIndex(ids: Iterable<string>): IdIndex {
  const byLength = new Map<number, string[]>();
  for (const id of ids) {
    const list = byLength.get(id.length);
    if (list) list.push(id);
    else byLength.set(id.length, [id]);
  }
  return { byLength, memo: new Map() };
}

/** Ids within edit distance 2 (and less than half the id's length, so short ids do not match everything). */
function nearest(id: string, index: IdIndex): string[] {
  const known = index.memo.get(id);
  if (known) return known;
  const max = Math.min(2, Math.ceil(id.length / 2) - 1);
  const scored: Array<[string, number]> = [];
  // Only ids whose length is within the distance can be within it.
  for (let len = id.length - max; max >= 1 && len <= id.length + max; len++) {
    for (const cand of index.byLength.get(len) ?? []) {
      const d = levenshtein(id, cand, max);
      if (d <= max) scored.push([cand, d]);
    }
  }
  const near = scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).slice(0, 3).map((x) => x[0]);
  index.memo.set(id, near);
  return near;
}

/** True for a URI with a scheme (http:, urn:, mailto:…), which names something outside the run. */
const hasScheme = (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);

/** 1-based line of an offset, as XmlDocument.position counts lines. */
function lineOf(d: DocPointers, offset: number): number {
  if (d.doc) return d.doc.position(offset).line;
  return lineAt((d.lineStarts ??= lineStartsOf(d.source)), offset);
}

/**
 * Pointer integrity over the documents of a run, added one at a time so that each document's tree can
 * be dropped once added (a corpus's trees together are hundreds of megabytes): what a document keeps is
 * its ids and the diagnostics found so far. Pointers into this document are resolved when it is added;
 * `other.xml#id` once every document is known (`finish`).
 */
export class PointerChecker {
  private readonly docs: DocPointers[] = [];

  /** Adds a well-formed document (parsed here unless `parsed` is given). */
  add(input: PointerInput): void {
    const doc = input.parsed ?? parseXml(input.text);
    const file = input.file;
    const entries: Array<Diagnostic | Deferred> = [];
    const found = scan(doc, input.attributes ?? DEFAULT_POINTER_ATTRIBUTES);
    const ids = new Map<string, number>();
    for (const a of found.ids) {
      const first = ids.get(a.value);
      if (first !== undefined) {
        const p = doc.position(first);
        const here = doc.position(a.offset);
        entries.push(
          diagnostic({ file, line: here.line, column: here.column, severity: 'error', source: 'pointer', code: 'pointer.duplicate-id', message: `xml:id "${a.value}" is already used at line ${p.line}:${p.column}; ids must be unique within a document: rename one of them (and the pointers meant for it)` }),
        );
      } else ids.set(a.value, a.offset);
    }
    const self: DocPointers = { file, source: doc.source, lineStarts: null, doc, ids, index: null, entries };
    const prefixes = found.prefixDefEls.length ? prefixDefs(found.prefixDefEls) : null;
    for (const a of found.pointers) {
      // Most values are one pointer: split (and allocate) only values with whitespace.
      for (const token of /\s/.test(a.value) ? a.value.split(/\s+/) : [a.value]) {
        if (!token) continue;
        let pointer = token;
        const colon = token.indexOf(':');
        if (prefixes && colon > 0 && !token.startsWith('#')) {
          const defs = prefixes.get(token.slice(0, colon));
          const rest = token.slice(colon + 1);
          const def = defs?.find((d) => d.match.test(rest));
          // XPath replacement syntax ($1) is JavaScript's too.
          if (def) pointer = rest.replace(def.match, def.replacement);
        }
        const hash = pointer.indexOf('#');
        if (hash < 0) continue;
        const docPart = pointer.slice(0, hash);
        const id = decodeFragment(pointer.slice(hash + 1));
        // Empty fragments and XPointer schemes (#xpath(…), #range(…)) are not id references.
        if (!id || id.includes('(')) continue;
        if (docPart) {
          if (hasScheme(docPart) || docPart.startsWith('/')) continue;
          const pos = doc.position(a.offset);
          entries.push({ attrName: a.name, token, pointer, docPart, id, line: pos.line, column: pos.column });
          continue;
        }
        if (ids.has(id)) continue;
        const pos = doc.position(a.offset);
        entries.push(this.dangling(self, self, { attrName: a.name, token, pointer, docPart, id, line: pos.line, column: pos.column }));
      }
    }
    // The tree is not kept (see the class).
    self.doc = null;
    this.docs.push(self);
  }

  /** Diagnostics of every document added, in the order added; `other.xml#id` resolved among them. */
  finish(): Diagnostic[][] {
    const byFile = new Map(this.docs.map((d, i) => [path.normalize(d.file), i]));
    return this.docs.map((d) => {
      const out: Diagnostic[] = [];
      for (const e of d.entries) {
        if (!('docPart' in e)) {
          out.push(e);
          continue;
        }
        const t = byFile.get(path.normalize(path.join(path.dirname(d.file), e.docPart)));
        if (t === undefined) continue; // a document outside this run: nothing to check it against
        const target = this.docs[t]!;
        if (target.ids.has(e.id)) continue;
        out.push(this.dangling(d, target, e));
      }
      return out;
    });
  }

  private dangling(from: DocPointers, target: DocPointers, e: Deferred): Diagnostic {
    const where = target === from ? 'this document' : target.file;
    const near = nearest(e.id, (target.index ??= idIndex(target.ids.keys())));
    const hint = near.length
      ? `; did you mean ${near.map((n) => `"#${n}" (line ${lineOf(target, target.ids.get(n)!)})`).join(' or ')}?`
      : `; add xml:id="${e.id}" to the element meant, or correct the pointer`;
    const shown = e.pointer === e.token ? `"${e.token}"` : `"${e.token}" (expanded to "${e.pointer}")`;
    return diagnostic({ file: from.file, line: e.line, column: e.column, severity: 'error', source: 'pointer', code: 'pointer.dangling', message: `@${e.attrName} points to ${shown}, but no element in ${where} has xml:id "${e.id}"${hint}` });
  }
}

/**
 * Checks every document's pointers; result i holds the diagnostics of docs[i]. Documents must be
 * well-formed (they are parsed here unless `parsed` is given).
 */
export function checkPointers(docs: readonly PointerInput[]): Diagnostic[][] {
  const checker = new PointerChecker();
  for (const d of docs) checker.add(d);
  return checker.finish();
}

function decodeFragment(s: string): string {
  // Without a % there is nothing to decode (and nothing to fail on).
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
