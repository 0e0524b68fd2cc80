import * as path from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import { attr, childElements, parseXml, XML_NS, type XmlDocument, type XmlElement } from '../util/xml-positions.js';
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

interface IdSite {
  el: XmlElement;
  offset: number;
}

function inExample(el: XmlElement): boolean {
  for (let e: XmlElement | null = el; e; e = e.parent) if (e.ns === EXAMPLES_NS) return true;
  return false;
}

function* elementsOutsideExamples(el: XmlElement): Generator<XmlElement> {
  if (el.ns === EXAMPLES_NS) return;
  yield el;
  for (const c of childElements(el)) yield* elementsOutsideExamples(c);
}

interface PrefixDef {
  match: RegExp;
  replacement: string;
}

/** `listPrefixDef/prefixDef`: `ident:rest` → `rest` matched whole by @matchPattern and rewritten by @replacementPattern. */
function prefixDefs(doc: XmlDocument): Map<string, PrefixDef[]> {
  const out = new Map<string, PrefixDef[]>();
  for (const el of elementsOutsideExamples(doc.root)) {
    if (el.local !== 'prefixDef' || el.ns !== TEI_NS) continue;
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

export function levenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
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

/**
 * Checks every document's pointers; result i holds the diagnostics of docs[i]. Documents must be
 * well-formed (they are parsed here unless `parsed` is given).
 */
export function checkPointers(docs: readonly PointerInput[]): Diagnostic[][] {
  const parsed = docs.map((d) => d.parsed ?? parseXml(d.text));
  const ids: Array<Map<string, IdSite>> = [];
  const results: Diagnostic[][] = docs.map(() => []);
  parsed.forEach((doc, i) => {
    const map = new Map<string, IdSite>();
    for (const el of elementsOutsideExamples(doc.root)) {
      const a = el.attrs.find((x) => x.local === 'id' && x.ns === XML_NS);
      if (!a) continue;
      const first = map.get(a.value);
      if (first) {
        const p = doc.position(first.offset);
        const here = doc.position(a.offset);
        results[i]!.push(
          diagnostic({ file: docs[i]!.file, line: here.line, column: here.column, severity: 'error', source: 'pointer', code: 'pointer.duplicate-id', message: `xml:id "${a.value}" is already used at line ${p.line}:${p.column}; ids must be unique within a document: rename one of them (and the pointers meant for it)` }),
        );
      } else map.set(a.value, { el, offset: a.offset });
    }
    ids.push(map);
  });
  const byFile = new Map(docs.map((d, i) => [path.normalize(d.file), i]));
  const indexes: Array<IdIndex | undefined> = [];
  parsed.forEach((doc, i) => {
    const file = docs[i]!.file;
    const pointerAttrs = docs[i]!.attributes ?? DEFAULT_POINTER_ATTRIBUTES;
    const any = new Set(pointerAttrs.anyElement);
    const prefixes = prefixDefs(doc);
    for (const el of elementsOutsideExamples(doc.root)) {
      if (!el.attrs.length) continue;
      const specific = pointerAttrs.byElement[`Q{${el.ns ?? ''}}${el.local}`];
      for (const a of el.attrs) {
        if (!(specific?.includes(a.name) || any.has(a.name))) continue;
        for (const token of a.value.split(/\s+/).filter(Boolean)) {
          let pointer = token;
          const colon = token.indexOf(':');
          if (colon > 0 && !token.startsWith('#')) {
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
          let target = i;
          if (docPart) {
            if (hasScheme(docPart) || docPart.startsWith('/')) continue;
            const t = byFile.get(path.normalize(path.join(path.dirname(file), docPart)));
            if (t === undefined) continue; // a document outside this run: nothing to check it against
            target = t;
          }
          if (ids[target]!.has(id)) continue;
          const pos = doc.position(a.offset);
          const where = target === i ? 'this document' : docs[target]!.file;
          const near = nearest(id, (indexes[target] ??= idIndex(ids[target]!.keys())));
          const hint = near.length
            ? `; did you mean ${near.map((n) => `"#${n}" (line ${parsed[target]!.position(ids[target]!.get(n)!.offset).line})`).join(' or ')}?`
            : `; add xml:id="${id}" to the element meant, or correct the pointer`;
          const shown = pointer === token ? `"${token}"` : `"${token}" (expanded to "${pointer}")`;
          results[i]!.push(
            diagnostic({ file, line: pos.line, column: pos.column, severity: 'error', source: 'pointer', code: 'pointer.dangling', message: `@${a.name} points to ${shown}, but no element in ${where} has xml:id "${id}"${hint}` }),
          );
        }
      }
    }
  });
  return results;
}

function decodeFragment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
