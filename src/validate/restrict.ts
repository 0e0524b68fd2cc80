/**
 * Derives from a RELAX NG schema (tei_all: 588 element patterns, ~8 s to compile in libxml2) a much smaller
 * schema that gives the same verdicts and the same errors for documents using only a given set of element names.
 *
 * Why it is exact: an element pattern whose name class matches none of the names a document uses can never
 * match any element of that document, whatever its content model. So its content is replaced by `<empty/>`
 * (a "stub"): the stub keeps its name class, hence every choice, group and sequence around it keeps its shape
 * (libxml2 still expects `<title>` where tei_all expects it, with the same message), while everything only
 * that content referred to (attribute classes, datatypes, other elements) becomes unreachable and is dropped.
 * Wildcard name classes (anyName/nsName, e.g. inside egXML) are always kept whole.
 */

const RNG_NS = 'http://relaxng.org/ns/structure/1.0';
const XSD_DATATYPES = 'http://www.w3.org/2001/XMLSchema-datatypes';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** One RELAX NG pattern element, with names and datatype libraries made explicit (no inheritance left). */
export interface RngNode {
  /** Local name of the RELAX NG element: element, attribute, ref, choice, data… */
  k: string;
  a: Record<string, string>;
  c: RngNode[];
  /** Text content, for name, value and param. */
  t?: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function unescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? m),
  );
}

interface Frame {
  prefixes: Map<string, string>;
  ns: string;
  dtl: string;
  /** Null inside foreign (annotation, Schematron) subtrees, which RELAX NG ignores. */
  node: RngNode | null;
}

/**
 * Parses RELAX NG XML syntax into a tree, applying the spec's simplification steps that make names explicit
 * (4.3 datatypeLibrary, 4.5 value type, 4.8–4.10 ns and QNames), so any subtree can be moved or written out alone.
 * Foreign elements and attributes (documentation, embedded Schematron) are dropped.
 */
export function parseRng(text: string): RngNode {
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<\/[^>]*>|<([^\s/>]+)([^>]*?)(\/?)>|([^<]+)/g;
  const attrRe = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  const root: RngNode = { k: '#root', a: {}, c: [] };
  const stack: Frame[] = [{ prefixes: new Map([['xml', XML_NS]]), ns: '', dtl: '', node: root }];
  let m: RegExpExecArray | null;
  while ((m = token.exec(text))) {
    const top = stack[stack.length - 1]!;
    const tok = m[0];
    if (m[2] !== undefined) {
      const attrs = new Map<string, string>();
      let prefixes = top.prefixes;
      for (const a of m[3]!.matchAll(attrRe)) {
        const name = a[1]!;
        const value = unescape(a[2] ?? a[3] ?? '');
        if (name === 'xmlns' || name.startsWith('xmlns:')) {
          if (prefixes === top.prefixes) prefixes = new Map(prefixes);
          prefixes.set(name === 'xmlns' ? '' : name.slice(6), value);
        } else attrs.set(name, value);
      }
      const qname = m[2];
      const colon = qname.indexOf(':');
      const uri = prefixes.get(colon < 0 ? '' : qname.slice(0, colon)) ?? '';
      const local = colon < 0 ? qname : qname.slice(colon + 1);
      const frame: Frame = { prefixes, ns: attrs.get('ns') ?? top.ns, dtl: attrs.get('datatypeLibrary') ?? top.dtl, node: null };
      if (top.node && uri === RNG_NS) {
        const node: RngNode = { k: local, a: {}, c: [] };
        for (const [n, v] of attrs) if (!n.includes(':') && n !== 'ns' && n !== 'datatypeLibrary') node.a[n] = v;
        if ((local === 'element' || local === 'attribute') && node.a['name'] !== undefined) {
          const q = resolveQName(node.a['name'].trim(), prefixes, local === 'attribute' && !attrs.has('ns') ? '' : frame.ns);
          node.a['name'] = q.local;
          node.a['ns'] = q.ns;
        }
        if (local === 'nsName' || local === 'value' || local === 'name') node.a['ns'] = frame.ns;
        if (local === 'data' || local === 'value') node.a['datatypeLibrary'] = frame.dtl;
        if (local === 'value' && node.a['type'] === undefined) {
          node.a['type'] = 'token';
          node.a['datatypeLibrary'] = '';
        }
        top.node.c.push(node);
        frame.node = node;
        // The name element needs the prefixes in scope to resolve its text when it closes.
        if (local === 'name') nameScopes.set(node, prefixes);
      }
      if (m[4] === '/') closeFrame(frame);
      else stack.push(frame);
    } else if (tok.startsWith('</')) {
      const frame = stack.pop();
      if (frame) closeFrame(frame);
    } else if (m[5] !== undefined || m[1] !== undefined) {
      if (top.node && top.node !== root) top.node.t = (top.node.t ?? '') + (m[1] ?? unescape(m[5]!));
    }
  }
  const grammar = root.c[0];
  if (!grammar) throw new Error('not a RELAX NG schema: no element in the RELAX NG namespace');
  return grammar;
}

const nameScopes = new WeakMap<RngNode, Map<string, string>>();

function closeFrame(frame: Frame): void {
  const node = frame.node;
  if (!node) return;
  if (node.k === 'name') {
    const q = resolveQName((node.t ?? '').trim(), nameScopes.get(node) ?? new Map(), node.a['ns'] ?? '');
    node.t = q.local;
    node.a['ns'] = q.ns;
  } else if (node.k !== 'value' && node.k !== 'param') {
    delete node.t;
  }
}

function resolveQName(qname: string, prefixes: Map<string, string>, defaultNs: string): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon < 0) return { ns: defaultNs, local: qname };
  return { ns: prefixes.get(qname.slice(0, colon)) ?? '', local: qname.slice(colon + 1) };
}

/** Local names an element pattern's name class can match, or null when it is a wildcard (anyName, nsName). */
function elementNames(el: RngNode): string[] | null {
  if (el.a['name'] !== undefined) return [el.a['name']];
  const names: string[] = [];
  let wildcard = false;
  const visit = (nc: RngNode) => {
    if (nc.k === 'name') names.push(nc.t ?? '');
    else if (nc.k === 'anyName' || nc.k === 'nsName') wildcard = true;
    else if (nc.k === 'choice') nc.c.forEach(visit);
  };
  if (el.c[0]) visit(el.c[0]);
  return wildcard ? null : names;
}

/**
 * Jing's check for xsd:anyURI (com.thaiopensource.util.Uri.isValid) as an XSD regular expression: every `%`
 * starts a two-digit hex escape, at most one `#`, and when the value is absolute (a `:` before any `/ ? #`)
 * the scheme is a letter followed by letters, digits, `+ - .` and something follows the colon.
 * libxml2 parses anyURI values as RFC 3986 URIs and rejects values Jing (the TEI reference) accepts,
 * such as `http://http://example.org`, so derived schemas use this pattern on `token` instead.
 */
export const JING_ANYURI_PATTERN = (() => {
  const pct = '%[0-9A-Fa-f]{2}';
  const any = `([^#%]|${pct})`;
  const beforeColon = `([^:#/?%]|${pct})`;
  const fragment = `#${any}*`;
  const relative = `${beforeColon}*(${fragment}|[/?]${any}*(${fragment})?)?`;
  const absolute = `[A-Za-z][A-Za-z0-9+\\-.]*:(${any}+(${fragment})?|${fragment})`;
  return `${relative}|${absolute}`;
})();

function rewriteAnyUri(node: RngNode): RngNode {
  return {
    k: 'data',
    a: { type: 'token', datatypeLibrary: XSD_DATATYPES },
    c: [{ k: 'param', a: { name: 'pattern' }, c: [], t: JING_ANYURI_PATTERN }, ...node.c],
  };
}

/**
 * What a relaxed derived schema leaves to JavaScript (scanAttributes) instead of libxml2, which compiles an
 * XSD pattern afresh for every value it checks (20% of its instructions over the corpus went to Jing's anyURI
 * check and TEI's word pattern): `uri`, Jing's anyURI check (JING_ANYURI_PATTERN) on each token; `word`,
 * `[^\p{C}\p{Z}]+` on each token; `one-token`, the value is a single token (some placement is not a list).
 */
export type TokenCheck = 'uri' | 'word' | 'one-token';

const WORD_PATTERN = '[^\\p{C}\\p{Z}]+';

/**
 * The check a data pattern can hand over, or null: anyURI whose value is one token (in a list, or with TEI's
 * `\S+`), and token with TEI's word pattern (which allows no space, so one token too). Anything with other
 * facets or an `except` stays with libxml2.
 */
function tokenCheckOf(n: RngNode, inList: boolean): 'uri' | 'word' | null {
  if (n.k !== 'data' || n.a['datatypeLibrary'] !== XSD_DATATYPES) return null;
  if (!n.c.every((p) => p.k === 'param' && p.a['name'] === 'pattern')) return null;
  const patterns = n.c.map((p) => p.t ?? '');
  if (n.a['type'] === 'anyURI' && patterns.every((p) => p === '\\S+') && (inList || patterns.length === 1)) return 'uri';
  if (n.a['type'] === 'token' && patterns.length === 1 && patterns[0] === WORD_PATTERN) return 'word';
  return null;
}

const TOKEN: RngNode = { k: 'data', a: { type: 'token', datatypeLibrary: XSD_DATATYPES }, c: [] };
/** A relaxed data pattern: any one token, which is what the exact one accepts once JavaScript has vouched for the tokens. */
const relaxedToken = (inList: boolean): RngNode => (inList ? TOKEN : { k: 'list', a: {}, c: [TOKEN] });

/**
 * Where a data pattern sits, as far as relaxing it goes: only inside a named attribute (so JavaScript knows
 * which values to check) and without crossing a ref (a define may be used elsewhere too).
 */
const enum Place {
  Other,
  Attribute,
  AttributeList,
}
function placeIn(n: RngNode, outer: Place): Place {
  if (n.k === 'element' || n.k === 'ref') return Place.Other;
  if (n.k === 'attribute') return n.a['name'] !== undefined ? Place.Attribute : Place.Other;
  if (n.k === 'list' && outer === Place.Attribute) return Place.AttributeList;
  return outer;
}

/** Per element (local name, or `*` for a wildcard element pattern), per attribute (local name): the checks its values need. */
export type RelaxableAttributes = Map<string, Map<string, Set<TokenCheck>>>;

/**
 * The attributes whose values a relaxed schema leaves to JavaScript, by the element patterns they belong to, with
 * the checks each needs: over the whole grammar, so the answer holds for every schema derived from it. An
 * attribute belongs to an element pattern when it is reached from the element's content through refs without
 * entering another element pattern.
 */
export function relaxableAttributes(grammar: RngNode): RelaxableAttributes {
  const defines = new Map<string, RngNode[]>();
  const elements: RngNode[] = [];
  const index = (n: RngNode) => {
    if (n.k === 'define') defines.set(n.a['name']!, [...(defines.get(n.a['name']!) ?? []), n]);
    if (n.k === 'element') elements.push(n);
    n.c.forEach(index);
  };
  index(grammar);

  type Found = Map<string, Set<TokenCheck>>;
  const add = (into: Found, name: string, checks: Iterable<TokenCheck>) => {
    let set = into.get(name);
    if (!set) into.set(name, (set = new Set()));
    for (const c of checks) set.add(c);
  };
  // The checks of the data patterns the derivation relaxes inside one attribute pattern (no ref crossed).
  const inAttribute = (n: RngNode, place: Place, into: Set<TokenCheck>) => {
    const here = placeIn(n, place);
    if (here === Place.Other) return;
    const check = tokenCheckOf(n, here === Place.AttributeList);
    if (check) {
      into.add(check);
      if (here === Place.Attribute) into.add('one-token');
    }
    for (const c of n.c) inAttribute(c, here, into);
  };
  const memo = new Map<string, Found>();
  const inContent = (n: RngNode, into: Found) => {
    if (n.k === 'element') return;
    if (n.k === 'attribute') {
      const checks = new Set<TokenCheck>();
      if (n.a['name'] !== undefined) n.c.forEach((c) => inAttribute(c, Place.Attribute, checks));
      if (checks.size) add(into, n.a['name']!, checks);
      return;
    }
    if (n.k === 'ref') {
      const name = n.a['name']!;
      let found = memo.get(name);
      if (!found) {
        memo.set(name, (found = new Map()));
        for (const d of defines.get(name) ?? []) d.c.forEach((c) => inContent(c, found!));
      }
      for (const [a, checks] of found) add(into, a, checks);
      return;
    }
    n.c.forEach((c) => inContent(c, into));
  };

  const out: RelaxableAttributes = new Map();
  for (const el of elements) {
    const found: Found = new Map();
    el.c.forEach((c) => inContent(c, found));
    if (!found.size) continue;
    for (const name of elementNames(el) ?? ['*']) {
      let byAttribute = out.get(name);
      if (!byAttribute) out.set(name, (byAttribute = new Map()));
      for (const [a, checks] of found) add(byAttribute, a, checks);
    }
  }
  return out;
}

export interface DeriveOptions {
  /** Local names (any namespace) of every element the documents use; null keeps every element pattern. */
  elements: ReadonlySet<string> | null;
  /**
   * Write registers' `(X+, Y*)+` as `X, (X | Y)*` (same verdicts, linear time in libxml2). Off by default because
   * libxml2 then reports misplaced entries on their own lines, not on the list's, so errors differ from the
   * full schema's: worth it only for documents with long registers (see documentShape).
   */
  flattenRegisters?: boolean;
  /**
   * Hand the values of relaxableAttributes to JavaScript: their data patterns become "one token", with no XSD
   * pattern for libxml2 to compile per value, except in the attributes named in `keepPatterns`. Exact for
   * documents whose unvouched attributes (scanAttributes) are all in `keepPatterns`.
   */
  relaxTokens?: boolean;
  /** Local names of attributes whose patterns stay even with `relaxTokens`. */
  keepPatterns?: ReadonlySet<string>;
  /**
   * For each element local name, the local names (any namespace) of the attributes the documents use on it
   * (scanAttributes); null or absent keeps every attribute pattern. Among an element's attributes, an optional
   * attribute the documents never put on it is dropped, and so is a reference to a definition left with nothing
   * but such attributes; elsewhere, one no element of the documents has. For libxml2 an optional attribute that
   * is not there is a no-op, yet one it costs: a copy of its validation state for every element (most of its
   * validation time on the corpus, as TEI gives each element dozens of optional attributes).
   */
  attributes?: ReadonlyMap<string, ReadonlySet<string>> | null;
  /**
   * Write element choices so that libxml2 compiles them into small automata (see compactChoices); on by default,
   * off only to compare libxml2's reports with and without.
   */
  compactChoices?: boolean;
}

export interface DerivedSchema {
  text: string;
  /** Element patterns kept, and replaced by notAllowed (among those the simplification looked at). */
  kept: number;
  dropped: number;
}

/** `<empty/>`, shared: derived trees are built anew, never changed in place. */
const EMPTY: RngNode = { k: 'empty', a: {}, c: [] };

/** The derived schema as RELAX NG XML, ready for libxml2. */
export function deriveSchema(grammar: RngNode, options: DeriveOptions): DerivedSchema {
  if (grammar.k !== 'grammar') throw new Error(`derived schemas need a <grammar> root, not <${grammar.k}>`);
  const unsupported = findFirst(grammar, (n) => n.k === 'include' || n.k === 'externalRef' || n.k === 'parentRef' || n.k === 'grammar' && n !== grammar);
  if (unsupported) throw new Error(`<${unsupported.k}> in the schema is not supported by the schema restriction`);

  const defines = new Map<string, RngNode[]>();
  const starts: RngNode[] = [];
  const collectTop = (container: RngNode) => {
    for (const n of container.c) {
      if (n.k === 'define') defines.set(n.a['name']!, [...(defines.get(n.a['name']!) ?? []), n]);
      else if (n.k === 'start') starts.push(n);
      else if (n.k === 'div') collectTop(n);
    }
  };
  collectTop(grammar);

  // An element pattern none of the documents' names can match is notAllowed for those documents.
  let kept = 0;
  let dropped = 0;
  const dead = new Map<RngNode, boolean>();
  const isDeadElement = (el: RngNode): boolean => {
    let d = dead.get(el);
    if (d === undefined) {
      const names = elementNames(el);
      d = !(options.elements === null || names === null || names.some((x) => options.elements!.has(x)));
      dead.set(el, d);
      if (d) dropped++;
      else kept++;
    }
    return d;
  };

  // Whether a pattern is notAllowed after simplification (RELAX NG 4.19). Elements stop the propagation on
  // purpose: an element whose content became notAllowed stays an element, so libxml2 reports the error on
  // that element's line, as it would with the full schema. Recursion always passes through an element.
  const naMemo = new Map<string, boolean>();
  const isNA = (n: RngNode): boolean => {
    switch (n.k) {
      case 'notAllowed':
        return true;
      case 'element':
        return isDeadElement(n);
      case 'ref': {
        const name = n.a['name']!;
        let v = naMemo.get(name);
        if (v === undefined) {
          naMemo.set(name, false);
          v = (defines.get(name) ?? []).some((d) => d.c.some(isNA));
          naMemo.set(name, v);
        }
        return v;
      }
      case 'choice':
        return n.c.every(isNA);
      case 'group':
      case 'interleave':
      case 'oneOrMore':
      case 'list':
      case 'mixed':
        return n.c.some(isNA);
      case 'attribute':
        return n.c.slice(n.a['name'] !== undefined ? 0 : 1).some(isNA);
      default:
        return false;
    }
  };
  // `optional(attribute X)` with no attribute X where it stands, and references to definitions holding only
  // those, are dropped where they stand (withoutEmpty): leaving `<empty/>` or a reference to an empty definition
  // among an element's attributes makes libxml2 give up compiling some content models, which changes its
  // messages. Other attribute patterns (required, in a choice, with a name class) stay as they are.
  // Attribute sets: 0 is every attribute of the documents; the others, what the documents use on an element.
  const byElement = options.attributes ?? null;
  const sets: ReadonlySet<string>[] = byElement !== null ? [new Set([...byElement.values()].flatMap((a) => [...a]))] : [];
  const setIndex = new Map<string, number>();
  const setOf = (el: RngNode): number => {
    const names = byElement !== null ? elementNames(el) : null;
    if (names === null) return 0;
    const used = new Set(names.flatMap((x) => [...(byElement!.get(x) ?? [])]));
    const key = [...used].sort().join(' ');
    let k = setIndex.get(key);
    if (k === undefined) setIndex.set(key, (k = sets.push(used) - 1));
    return k;
  };
  // The local name of `optional(attribute NAME)`, or null for any other pattern.
  const optionalAttribute = (n: RngNode): string | null => (n.k === 'optional' && n.c.length === 1 && n.c[0]!.k === 'attribute' ? (n.c[0]!.a['name'] ?? null) : null);
  const unusedAttribute = (n: RngNode, set: number): boolean => {
    const name = sets.length > 0 ? optionalAttribute(n) : null;
    return name !== null && !sets[set]!.has(name);
  };
  // Definitions of optional attributes only (through references): an element's references to them get a copy
  // with just the attributes that element has, in the same nesting and order, named `NAME--attributes-SET`.
  const attributeOnlyMemo = new Map<string, boolean>();
  const attributeOnly = (name: string): boolean => {
    let v = attributeOnlyMemo.get(name);
    if (v === undefined) {
      attributeOnlyMemo.set(name, false);
      const ds = defines.get(name) ?? [];
      const item = (c: RngNode): boolean => optionalAttribute(c) !== null || (c.k === 'ref' && attributeOnly(c.a['name']!));
      v = ds.length > 0 && ds.every((d) => d.a['combine'] === undefined && d.c.length > 0 && d.c.every(item));
      attributeOnlyMemo.set(name, v);
    }
    return v;
  };
  const copies = new Map<string, { name: string; set: number }>();
  // A suffix no definition of the schema holds, so a copy's name never clashes with one of its own.
  let suffix = '--attributes-';
  while ([...defines.keys()].some((k) => k.includes(suffix))) suffix = `-${suffix}`;
  const copyName = (name: string, set: number): string => {
    const copy = `${name}${suffix}${set}`;
    copies.set(copy, { name, set });
    return copy;
  };
  const voidMemo = new Map<string, boolean>();
  const isVoid = (n: RngNode, set: number): boolean => {
    if (unusedAttribute(n, set)) return true;
    if (n.k !== 'ref' || sets.length === 0) return false;
    const key = `${set} ${n.a['name']!}`;
    let v = voidMemo.get(key);
    if (v === undefined) {
      voidMemo.set(key, false);
      const ds = defines.get(n.a['name']!) ?? [];
      v = ds.length > 0 && ds.every((d) => d.a['combine'] === undefined && d.c.length > 0 && d.c.every((c) => isVoid(c, set)));
      voidMemo.set(key, v);
    }
    return v;
  };
  // The first optional attribute a void pattern drops (through references).
  const firstDropped = (n: RngNode): RngNode => (n.k === 'ref' ? firstDropped(defines.get(n.a['name']!)![0]!.c[0]!) : n);
  // A pattern that cannot match in a required place is kept as it is, its unused elements turned into stubs:
  // element patterns with the same name and empty content. For these documents a stub is exactly as
  // notAllowed (it matches no element they contain), but libxml2 still "expects <title>" at the same place,
  // so its error lands on the same line with the same words as with the full schema.
  const stub = (el: RngNode): RngNode => ({ k: 'element', a: el.a, c: [...(el.a['name'] !== undefined ? [] : [el.c[0]!]), EMPTY] });

  const loneElement = (n: RngNode): boolean => {
    if (n.k === 'element') return true;
    if (n.k === 'ref') {
      const ds = defines.get(n.a['name']!) ?? [];
      return ds.length === 1 && ds[0]!.c.length === 1 && loneElement(ds[0]!.c[0]!);
    }
    return ['zeroOrMore', 'optional', 'oneOrMore', 'group', 'choice'].includes(n.k) && n.c.length === 1 && loneElement(n.c[0]!);
  };

  // Whether a pattern matches only elements (no attribute, text or data at its level): then it denotes a set
  // of element sequences, and regular-language identities hold for it. Refs are followed; a cycle can only
  // pass through an element, which stops the walk.
  const elementOnlyMemo = new Map<string, boolean>();
  const elementOnly = (n: RngNode): boolean => {
    switch (n.k) {
      case 'element':
      case 'empty':
      case 'notAllowed':
        return true;
      case 'ref': {
        const name = n.a['name']!;
        let v = elementOnlyMemo.get(name);
        if (v === undefined) {
          elementOnlyMemo.set(name, true);
          v = (defines.get(name) ?? []).every((d) => d.a['combine'] !== 'interleave' && d.c.every(elementOnly));
          elementOnlyMemo.set(name, v);
        }
        return v;
      }
      case 'choice':
      case 'group':
      case 'optional':
      case 'zeroOrMore':
      case 'oneOrMore':
        return n.c.every(elementOnly);
      default:
        return false;
    }
  };
  // TEI's registers say `((place | listPlace)+, (relation | listRelation)*)+`: libxml2 keeps, for each of the
  // nested repetitions, every way of splitting the run seen so far, and takes time super-quadratic in the
  // number of siblings (2,216 <place>: 7 s; 4,432: 48 s). As sets of element sequences (X+, Y*)+ = X, (X | Y)*:
  // both are the sequences of X and Y items that start with an X, cut after each maximal run of Y. The flat
  // form is validated in linear time. Only element-only X and Y are rewritten, where that identity holds.
  const flattenRunsOf = (c: RngNode[]): RngNode | null => {
    const seq = c.length === 1 && c[0]!.k === 'group' ? c[0]!.c : c;
    if (seq.length !== 2 || seq[0]!.k !== 'oneOrMore' || seq[1]!.k !== 'zeroOrMore') return null;
    if (!seq.every(elementOnly)) return null;
    const one = (cs: RngNode[]): RngNode => (cs.length === 1 ? cs[0]! : { k: 'group', a: {}, c: cs });
    const alternatives = (p: RngNode): RngNode[] => (p.k === 'choice' ? p.c : [p]);
    const x = one(seq[0]!.c);
    const y = one(seq[1]!.c);
    return { k: 'group', a: {}, c: [x, { k: 'zeroOrMore', a: {}, c: [{ k: 'choice', a: {}, c: [...alternatives(x), ...alternatives(y)] }] }] };
  };

  const simplify = (n: RngNode, outer: Place = Place.Other, attribute: string | null = null, set = 0): RngNode => {
    if (n.k === 'element' && isDeadElement(n)) return stub(n);
    const place = placeIn(n, outer);
    const named = n.k === 'attribute' ? (n.a['name'] ?? null) : attribute;
    const inner = (c: RngNode) => simplify(c, place, named, set);
    if (isVoid(n, set)) return EMPTY;
    switch (n.k) {
      case 'element': {
        const nameClass = n.a['name'] !== undefined ? [] : [n.c[0]!];
        const content = n.c.slice(nameClass.length);
        const own = setOf(n);
        const c = content.map((x) => simplify(x, place, named, own));
        // An element left with neither content nor attributes keeps one attribute it dropped: libxml2 then sees
        // no content (text in it is "extra content", as with the full schema), where `<empty/>` words it otherwise.
        const dropped = c.every((x) => x.k === 'empty') ? content.find((x) => isVoid(x, own)) : undefined;
        return { ...n, c: [...nameClass, ...(dropped ? [firstDropped(dropped)] : withoutEmpty(c))] };
      }
      case 'ref':
        return set !== 0 && attributeOnly(n.a['name']!) ? { ...n, a: { ...n.a, name: copyName(n.a['name']!, set) } } : n;
      case 'choice': {
        const live = n.c.filter((c) => !isNA(c));
        const alternatives = (live.length ? live : n.c).map(inner);
        const rest = alternatives.filter((c) => c.k !== 'empty');
        if (rest.length === alternatives.length) return { ...n, c: rest };
        return rest.length ? { k: 'optional', a: {}, c: [{ ...n, c: rest }] } : EMPTY;
      }
      case 'zeroOrMore':
      case 'optional':
      case 'oneOrMore': {
        // Zero occurrences of what cannot occur is all that is left; one or more of it stays (stubbed) and fails.
        // (A lone element is kept as a stub all the same: libxml2 names it when it explains an error nearby.)
        if (n.k !== 'oneOrMore' && n.c.some(isNA) && !loneElement(n)) return EMPTY;
        const c = withoutEmpty(n.c.map(inner));
        if (c[0]!.k === 'empty') return EMPTY;
        // A repetition of a single repetition is one repetition (X++ = X+, X*+ = X+* = X** = X*); the nested
        // form, left where a branch was pruned, makes libxml2 backtrack quadratically over long lists.
        const only = c.length === 1 ? c[0]! : null;
        if (only && (n.k === 'zeroOrMore' || n.k === 'oneOrMore') && (only.k === 'zeroOrMore' || only.k === 'oneOrMore')) {
          return { ...only, k: n.k === 'oneOrMore' && only.k === 'oneOrMore' ? 'oneOrMore' : 'zeroOrMore' };
        }
        if (n.k === 'oneOrMore' && options.flattenRegisters) {
          const flat = flattenRunsOf(c);
          if (flat) return flat;
        }
        return { ...n, c };
      }
      case 'group':
      case 'interleave': {
        const c = withoutEmpty(n.c.map(inner));
        return c.length === 1 ? c[0]! : { ...n, c };
      }
      case 'data':
        if (options.relaxTokens && place !== Place.Other && !options.keepPatterns?.has(named!) && tokenCheckOf(n, place === Place.AttributeList)) {
          return relaxedToken(place === Place.AttributeList);
        }
        if (n.a['type'] === 'anyURI' && n.a['datatypeLibrary'] === XSD_DATATYPES) return rewriteAnyUri(n);
        return n;
      default:
        return n.c.length ? { ...n, c: n.c.map(inner) } : n;
    }
  };
  const simplifyDefine = (d: RngNode, set = 0, name = d.a['name']): RngNode => ({
    ...d,
    a: name === undefined ? d.a : { ...d.a, name },
    c: withoutEmpty(d.c.map((c) => simplify(c, Place.Other, null, set))),
  });

  const out: RngNode[] = [];
  const reached = new Set<string>();
  const queue: Array<{ d: RngNode; set: number; name: string }> = [];
  const enqueueRefs = (n: RngNode) => {
    const name = n.k === 'ref' ? n.a['name']! : null;
    if (name !== null && !reached.has(name)) {
      reached.add(name);
      const copy = copies.get(name);
      for (const d of defines.get(copy?.name ?? name) ?? []) queue.push({ d, set: copy?.set ?? 0, name });
    }
    n.c.forEach(enqueueRefs);
  };
  for (const s of starts) {
    const t = simplifyDefine(s);
    out.push(t);
    enqueueRefs(t);
  }
  while (queue.length) {
    const { d, set, name } = queue.shift()!;
    const t = simplifyDefine(d, set, name);
    out.push(t);
    enqueueRefs(t);
  }
  const written = options.compactChoices === false ? out : compactChoices(out);
  const text =
    `<?xml version="1.0" encoding="UTF-8"?>\n<grammar xmlns="${RNG_NS}">\n` + written.map((n) => serialize(n)).join('\n') + '\n</grammar>\n';
  return { text, kept, dropped };
}

/**
 * Rewrites element choices for libxml2's content-model compiler, whose time went mostly (92% of the instructions
 * of a batch's compile, and compiling was about half of libxml2's time on the corpus) to checking the automata
 * for determinism: each state against all its transitions, pairwise. A choice's branches after the first end in
 * states of their own, which keep copies of every transition after the epsilons are removed, so
 * `zeroOrMore(choice(N names))` gave about N states of N transitions each (TEI's paragraph content: 44 states,
 * 81 names, in each of some 20 elements of a batch). Two rewrites, neither changing what matches:
 * - a reference, inside a choice, to a definition that is only a choice of references (a TEI class) is replaced
 *   by the alternatives it stands for, in the same order, as is a choice directly inside a choice;
 * - a repeated choice, `zeroOrMore(choice)` or `oneOrMore(choice)`, becomes `zeroOrMore(choice, choice(empty,
 *   empty))`. The trailing pattern gives the end state of the choice two ways out, so libxml2's first pass
 *   (xmlFAEliminateSimpleEpsilonTransitions) keeps it and folds every other branch's end state into it.
 * Then the repeated paragraph content is 2 to 4 states. Patterns inside attributes (values, lists) are left as
 * they are. libxml2's reports stay the same: tests/validate/restrict-choices.test.ts compares them.
 */
function compactChoices(defs: readonly RngNode[]): RngNode[] {
  const byName = new Map<string, RngNode[]>();
  for (const d of defs) if (d.k === 'define') byName.set(d.a['name']!, [...(byName.get(d.a['name']!) ?? []), d]);
  // The choice a class definition consists of: one definition, not combined, a choice of references and choices only.
  const classChoice = (name: string): RngNode | null => {
    const ds = byName.get(name);
    if (ds?.length !== 1 || ds[0]!.a['combine'] !== undefined || ds[0]!.c.length !== 1) return null;
    const only = ds[0]!.c[0]!;
    return only.k === 'choice' && only.c.every((c) => c.k === 'ref' || c.k === 'choice') ? only : null;
  };
  const alternatives = (choice: RngNode, inlined: ReadonlySet<string>): RngNode[] =>
    choice.c.flatMap((c) => {
      if (c.k === 'choice') return alternatives(c, inlined);
      const name = c.k === 'ref' ? c.a['name']! : null;
      const cls = name !== null && !inlined.has(name) ? classChoice(name) : null;
      return cls ? alternatives(cls, new Set([...inlined, name!])) : [c];
    });
  const rewrite = (n: RngNode): RngNode => {
    if (n.k === 'attribute' || !n.c.length) return n;
    if (n.k === 'choice') return { ...n, c: alternatives(n, new Set()).map(rewrite) };
    const c = n.c.map(rewrite);
    if ((n.k === 'zeroOrMore' || n.k === 'oneOrMore') && c.length === 1 && c[0]!.k === 'choice') {
      return { ...n, c: [{ k: 'group', a: {}, c: [c[0]!, { k: 'choice', a: {}, c: [EMPTY, EMPTY] }] }] };
    }
    return { ...n, c };
  };
  return defs.map(rewrite);
}

/**
 * Drops `empty` from a sequence (keeping one when nothing else is left): besides being shorter, libxml2
 * mis-validates some groups holding `<empty/>` between element patterns, which simplification produces.
 */
function withoutEmpty(seq: RngNode[]): RngNode[] {
  const rest = seq.filter((c) => c.k !== 'empty');
  return rest.length ? rest : [EMPTY];
}

/** The first node of a tree (depth first, the node itself first) that `pred` holds for, or null. */
export function findFirst(n: RngNode, pred: (n: RngNode) => boolean): RngNode | null {
  if (pred(n)) return n;
  for (const c of n.c) {
    const hit = findFirst(c, pred);
    if (hit) return hit;
  }
  return null;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function serialize(n: RngNode): string {
  const attrs = Object.entries(n.a)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  if (n.t !== undefined) return `<${n.k}${attrs}>${escapeText(n.t)}</${n.k}>`;
  if (!n.c.length) return `<${n.k}${attrs}/>`;
  return `<${n.k}${attrs}>${n.c.map(serialize).join('')}</${n.k}>`;
}

// Characters that end a tag name in documentShape: JavaScript's `\s`, and / > ! ? < = " ' (as `[^\s/>!?<="']`).
const NAME_END = new Uint8Array(128);
for (const c of '\t\n\v\f\r /> !?<="\'') NAME_END[c.charCodeAt(0)] = 1;
function endsName(c: number): boolean {
  if (c < 128) return NAME_END[c] === 1;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export interface DocumentShape {
  /**
   * Local names of every element the document may contain, in any namespace, in order of first appearance: a
   * superset by construction, since every start tag is `<` followed by its name; names seen inside comments,
   * CDATA or the internal DTD subset (where entity replacement text may define elements) only add stubs back,
   * never remove one. Exactly what `/<([^\s/>!?<="']+)/g` finds after each `<`, local part only.
   */
  names: Set<string>;
  /**
   * The longest run of same-named consecutive sibling elements (a register's entries), from the tags that
   * `/<(\/?)([^\s/>!?<="']+)[^>]*?(\/?)>/g` finds. Only used to choose between two schemas that give the same
   * verdicts, so markup it misreads (comments, CDATA) can only cost time or change which lines errors are reported on.
   */
  longestRun: number;
}

/**
 * Both of a document's figures the RELAX NG engine needs, in one pass over its `<`s instead of two regex scans
 * (which allocated a match per tag): same sets, in the same order, and same runs as those regexes
 * (tests/validate/restrict.test.ts holds it to them on the corpus and on mutants).
 */
export function documentShape(text: string): DocumentShape {
  const names = new Set<string>();
  const n = text.length;
  // Per open element (as the sibling scan sees them): its last child's name and how many of it in a row.
  const lasts: string[] = [''];
  const runs: number[] = [0];
  let depth = 0;
  let longest = 0;
  // The sibling scan resumes after the `>` of the tag it last read; -1 once no `>` is left to end a tag.
  let resume = 0;
  for (let lt = text.indexOf('<'); lt !== -1; lt = text.indexOf('<', lt + 1)) {
    let k = lt + 1;
    while (k < n && !endsName(text.charCodeAt(k))) k++;
    const qname = k > lt + 1 ? text.slice(lt + 1, k) : null;
    if (qname !== null) {
      const colon = qname.lastIndexOf(':');
      names.add(colon < 0 ? qname : qname.slice(colon + 1));
    }
    if (resume < 0 || lt < resume) continue;
    if (qname === null) {
      // `</name`: an end tag, if a `>` follows.
      if (text.charCodeAt(lt + 1) !== 47) continue;
      k = lt + 2;
      while (k < n && !endsName(text.charCodeAt(k))) k++;
      if (k === lt + 2) continue;
      const gt = text.indexOf('>', k);
      if (gt < 0) {
        resume = -1;
        continue;
      }
      if (depth > 0) depth--;
      resume = gt + 1;
      continue;
    }
    const gt = text.indexOf('>', k);
    if (gt < 0) {
      resume = -1;
      continue;
    }
    const run = lasts[depth] === qname ? runs[depth]! + 1 : 1;
    runs[depth] = run;
    lasts[depth] = qname;
    if (run > longest) longest = run;
    if (!(gt > k && text.charCodeAt(gt - 1) === 47)) {
      depth++;
      lasts[depth] = '';
      runs[depth] = 0;
    }
    resume = gt + 1;
  }
  return { names, longestRun: longest };
}

/**
 * Characters libxml2's `\p{C}` or `\p{Z}` may hold although JavaScript's do not: its Unicode 4.0 tables still
 * class these as format characters. Beyond U+2FFFF nothing is vouched for (the test covers up to there).
 */
const WORD_UNSAFE = /[\p{C}\p{Z}\u17B4\u17B5\u{1D17B}\u{30000}-\u{10FFFF}]/u;
const URI_TOKEN = new RegExp(`^(?:${JING_ANYURI_PATTERN})$`);
const XML_SPACE = /[ \t\n\r]+/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** An attribute value as the parser gives it (references replaced), or null when it uses an entity JavaScript cannot see. */
function attributeValue(raw: string): string | null {
  if (!raw.includes('&')) return raw;
  let unknown = false;
  const value = raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[^;\s&]*);?/g, (_, ref: string) => {
    const code = ref[0] !== '#' ? -1 : ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const c = code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : PREDEFINED[ref];
    if (c === undefined) unknown = true;
    return c ?? '';
  });
  return unknown ? null : value;
}

/** What scanAttributes finds in a document's start tags. */
export interface AttributeScan {
  /**
   * The attributes (local names) whose values a schema derived with `relaxTokens` must still check itself: those
   * named in `checks` (relaxableAttributes) with a value that fails them, or that is empty or surrounded by white
   * space (libxml2 matches a pattern against the value as it is, the relaxed list splits it, and the two word their
   * errors differently). For the others both schemas accept every value, so with these kept
   * (DeriveOptions.keepPatterns) the two give the same verdicts and errors.
   */
  unvouched: Set<string>;
  /** For each element local name, the local names of its attributes in every start tag (DeriveOptions.attributes), namespace declarations too. */
  byElement: Map<string, Set<string>>;
}

/**
 * One pass over a document's start tags for the derived schema's attribute options. Null, to be safe, when
 * markup could hide or change an attribute from this scan: an internal DTD subset (entities, default
 * attributes), an entity other than the five predefined in a value it checks, a tag it cannot read. The
 * document is well-formed (checked before).
 */
export function scanAttributes(text: string, checks: RelaxableAttributes): AttributeScan | null {
  const unvouched = new Set<string>();
  const byElement = new Map<string, Set<string>>();
  const anyElement = checks.get('*');
  // Values repeat (the same rend, type or pointer on many elements): each is checked once per set of checks.
  const held = new Map<ReadonlySet<TokenCheck>, Map<string, boolean>>();
  const holds = (raw: string, set: ReadonlySet<TokenCheck>): boolean => {
    let memo = held.get(set);
    if (!memo) held.set(set, (memo = new Map()));
    let v = memo.get(raw);
    if (v === undefined) memo.set(raw, (v = tokensHold(raw, set)));
    return v;
  };
  // Per qualified name of a start tag, and per attribute name on it, what the loop needs, worked out once: most
  // documents repeat a few dozen names, so this saves slicing and looking up the same local names again.
  interface Tag {
    names: Set<string>;
    byName: ReadonlyMap<string, ReadonlySet<TokenCheck>> | undefined;
    attributes: Map<string, { local: string; own: ReadonlySet<TokenCheck> | undefined; wild: ReadonlySet<TokenCheck> | undefined }>;
  }
  const tags = new Map<string, Tag>();
  const tagOf = (qname: string): Tag => {
    const element = qname.slice(qname.indexOf(':') + 1);
    let names = byElement.get(element);
    if (!names) byElement.set(element, (names = new Set()));
    return { names, byName: checks.get(element), attributes: new Map() };
  };
  const attributeOf = (tag: Tag, attribute: string) => {
    const local = attribute.slice(attribute.indexOf(':') + 1);
    tag.names.add(local);
    return { local, own: tag.byName?.get(local), wild: anyElement?.get(local) };
  };
  const n = text.length;
  let at = text.indexOf('<');
  while (at !== -1) {
    const next = text.charCodeAt(at + 1);
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', at)) at = text.indexOf('-->', at + 4);
      else if (text.startsWith('<![CDATA[', at)) at = text.indexOf(']]>', at + 9);
      else {
        // <!DOCTYPE: without an internal subset it ends at the first `>`.
        const gt = text.indexOf('>', at);
        const bracket = text.indexOf('[', at);
        if (bracket !== -1 && bracket < gt) return null;
        at = gt;
      }
    } else if (next === 63 /* ? */) at = text.indexOf('?>', at + 2);
    else if (next === 47 /* / */) at = text.indexOf('>', at + 2);
    else {
      // A start tag: its name, then name="value" pairs up to > or />.
      let k = at + 1;
      while (k < n && !endsName(text.charCodeAt(k))) k++;
      const qname = text.slice(at + 1, k);
      let tag = tags.get(qname);
      if (!tag) tags.set(qname, (tag = tagOf(qname)));
      for (;;) {
        while (k < n && isXmlSpace(text.charCodeAt(k))) k++;
        const c = text.charCodeAt(k);
        if (c === 62 /* > */ || c === 47 /* / */) break;
        const nameStart = k;
        while (k < n && !isXmlSpace(text.charCodeAt(k)) && text.charCodeAt(k) !== 61 /* = */) k++;
        const attribute = text.slice(nameStart, k);
        while (k < n && isXmlSpace(text.charCodeAt(k))) k++;
        if (text.charCodeAt(k) !== 61) return null;
        k++;
        while (k < n && isXmlSpace(text.charCodeAt(k))) k++;
        const quote = text.charCodeAt(k);
        if (quote !== 34 && quote !== 39) return null;
        const end = text.indexOf(quote === 34 ? '"' : "'", k + 1);
        if (end === -1 || attribute === '') return null;
        let seen = tag.attributes.get(attribute);
        if (!seen) tag.attributes.set(attribute, (seen = attributeOf(tag, attribute)));
        const { local, own, wild } = seen;
        if ((own || wild) && !unvouched.has(local)) {
          const raw = text.slice(k + 1, end);
          if ((own && !holds(raw, own)) || (wild && !holds(raw, wild))) {
            if (attributeValue(raw) === null) return null;
            unvouched.add(local);
          }
        }
        k = end + 1;
      }
      at = k;
    }
    if (at === -1) return null;
    at = text.indexOf('<', at + 1);
  }
  return { unvouched, byElement };
}

function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function tokensHold(raw: string, checks: ReadonlySet<TokenCheck>): boolean {
  const value = attributeValue(raw);
  if (value === null || value === '' || isXmlSpace(value.charCodeAt(0)) || isXmlSpace(value.charCodeAt(value.length - 1))) return false;
  const tokens = value.split(XML_SPACE);
  if (tokens.length > 1 && checks.has('one-token')) return false;
  for (const token of tokens) {
    if (checks.has('uri') && !URI_TOKEN.test(token)) return false;
    if (checks.has('word') && WORD_UNSAFE.test(token)) return false;
  }
  return true;
}
