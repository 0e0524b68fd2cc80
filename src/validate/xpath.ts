import { textContent, XML_NS, type XmlAttr, type XmlDocument, type XmlElement, type XmlText } from '../util/xml-positions.js';

/**
 * A small XPath 2.0 evaluator over teikit's own parse of a document, for the Schematron rules schemas
 * embed: location paths, predicates, general and value comparisons, and the functions TEI's rules use.
 * It refuses (throws XPathUnsupported), when parsing or while evaluating, whatever it does not implement
 * exactly as XPath 2.0 specifies: other functions and operators, type errors, casts it would have to
 * guess. The caller then runs the rule through SaxonJS, so a refusal costs time, never a wrong result.
 */
export class XPathUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XPathUnsupported';
  }
}

const refuse = (why: string): never => {
  throw new XPathUnsupported(why);
};

// ---------------------------------------------------------------------------------------------
// Data model

/** An atomic value: u = xs:untypedAtomic, s = xs:string (and anyURI), i = xs:integer, d = xs:decimal, b = xs:boolean. */
export type Atomic = { t: 'u' | 's'; v: string } | { t: 'i' | 'd'; v: number } | { t: 'b'; v: boolean };

export interface DocNode {
  kind: 'document';
  root: XmlElement;
}
export interface AttrNode {
  kind: 'attribute';
  attr: XmlAttr;
  parent: XmlElement;
}
export type XNode = XmlElement | XmlText | AttrNode | DocNode;
export type Item = XNode | Atomic;

const isNode = (i: Item): i is XNode => 'kind' in i;

/**
 * The XPath view of one parsed document: the document node, attribute nodes and document order. Only
 * for documents without a DOCTYPE or lone carriage returns (see `nativeEligible`), where
 * teikit's tree and an XPath data model built by any conforming parser hold the same nodes and text.
 */
export class XPathDocument {
  readonly docNode: DocNode;
  /** Per element, its attribute nodes made so far (by position in `attrs`). */
  private readonly attrNodes = new Map<XmlElement, Array<AttrNode | undefined>>();
  /** Elements and text nodes in document order, for the following and preceding axes (built on first use). */
  private flat: Array<XmlElement | XmlText> | null = null;
  private elementIndex: ElementIndex | null;

  /**
   * CDATA sections: teikit's parse keeps them as text nodes of their own, where XPath merges them with the
   * text around them. Only text() can tell the difference, so that test is refused in such documents.
   */
  get hasCdata(): boolean {
    // Looked for only when a text() step runs: most documents never need the scan.
    return (this.cdata ??= this.doc.source.includes('<![CDATA['));
  }
  private cdata: boolean | undefined;

  /** `index`: the document's ElementIndex, when the caller has it already. */
  constructor(
    readonly doc: XmlDocument,
    index?: ElementIndex,
  ) {
    this.docNode = { kind: 'document', root: doc.root };
    this.elementIndex = index ?? null;
  }

  index(): ElementIndex {
    return (this.elementIndex ??= new ElementIndex(this.doc.elements));
  }

  /** Document order is source order: where each element, text node or attribute begins (the document first). */
  orderOf(n: XNode): number {
    switch (n.kind) {
      case 'document':
        return -1;
      case 'attribute':
        return n.attr.offset;
      default:
        return n.start;
    }
  }

  /** Attribute nodes, made once per attribute so that node identity holds. The list is shared: not to be changed. */
  attributes(el: XmlElement): AttrNode[] {
    const n = el.attrs.length;
    for (let k = 0; k < n; k++) this.attributeAt(el, k);
    return n ? (this.attrNodes.get(el) as AttrNode[]) : [];
  }

  /** The node of `el.attrs[k]`: a name test on the attribute axis makes only the nodes it selects. */
  attributeAt(el: XmlElement, k: number): AttrNode {
    let a = this.attrNodes.get(el);
    if (!a) this.attrNodes.set(el, (a = new Array<AttrNode | undefined>(el.attrs.length)));
    return (a[k] ??= { kind: 'attribute', attr: el.attrs[k]!, parent: el });
  }

  /**
   * What id() finds: each element by its xml:id. SaxonJS also takes an unprefixed @id for an ID, trims the
   * value (of any Unicode space) and gives every element of an id used twice: documents with an @id, an
   * xml:id holding a space, or an xml:id used twice are refused.
   */
  idElements(): Map<string, XmlElement> {
    if (!this.ids) {
      const ids = new Map<string, XmlElement>();
      let why: string | null = null;
      for (const el of this.doc.elements) {
        for (const a of el.attrs) {
          if (a.local !== 'id' || (a.ns && a.ns !== XML_NS)) continue;
          if (!a.ns) why = 'id() in a document with an unprefixed @id';
          // Any space JavaScript knows (SaxonJS trims xml:id values with them).
          else if (/\s/.test(a.value) || ids.has(a.value)) why = 'id() in a document with an xml:id holding whitespace or used twice';
          else ids.set(a.value, el);
        }
      }
      this.ids = why === null ? ids : new XPathUnsupported(why);
    }
    if (this.ids instanceof XPathUnsupported) throw this.ids;
    return this.ids;
  }
  private ids: Map<string, XmlElement> | XPathUnsupported | null = null;

  flatNodes(): Array<XmlElement | XmlText> {
    if (!this.flat) {
      const out: Array<XmlElement | XmlText> = [];
      const visit = (el: XmlElement) => {
        out.push(el);
        for (const c of el.children) {
          if (c.kind === 'element') visit(c);
          else out.push(c);
        }
      };
      visit(this.doc.root);
      this.flat = out;
    }
    return this.flat;
  }
}

const NO_POSITIONS: readonly number[] = [];

/**
 * A document's elements in document order (so sorted by `start`: an element's descendants are the range
 * of those that start inside it) and, by local name, their positions in that order: shared by the
 * Schematron candidates and the XPath descendant steps.
 */
export class ElementIndex {
  private readonly byLocal = new Map<string, number[]>();

  /** `elements`: every element of a document in document order (XmlDocument.elements). */
  constructor(readonly elements: readonly XmlElement[]) {
    for (let k = 0; k < elements.length; k++) {
      const local = elements[k]!.local;
      const list = this.byLocal.get(local);
      if (list) list.push(k);
      else this.byLocal.set(local, [k]);
    }
  }

  /** Positions (0-based, ascending) of the elements with this local name. */
  positions(local: string): readonly number[] {
    return this.byLocal.get(local) ?? NO_POSITIONS;
  }

  /** First index k of `positions` (of every element when null) whose element starts at or after `offset`. */
  firstFrom(positions: readonly number[] | null, offset: number): number {
    let lo = 0;
    let hi = positions ? positions.length : this.elements.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.elements[positions ? positions[mid]! : mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Whether teikit's parse of this text is the XPath data model SaxonJS would build (see XPathDocument),
 * once CR LF line ends are made LF (`forXPath`), text() aside in documents with CDATA (see hasCdata). A lone CR is a line end to XML but not to teikit's
 * line numbering, so such documents are left to SaxonJS.
 */
export function nativeEligible(text: string): boolean {
  if (text.includes('<!DOCTYPE')) return false;
  // Each CR followed by LF (indexOf rather than a regex over the whole text: most documents have no CR).
  for (let cr = text.indexOf('\r'); cr !== -1; cr = text.indexOf('\r', cr + 1)) if (text.charCodeAt(cr + 1) !== 10) return false;
  return true;
}

/** The text as an XML parser sees it: CR LF normalized to LF (same lines, same columns). */
export function forXPath(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
}

// ---------------------------------------------------------------------------------------------
// Syntax

type Axis =
  | 'child'
  | 'attribute'
  | 'self'
  | 'parent'
  | 'ancestor'
  | 'ancestor-or-self'
  | 'descendant'
  | 'descendant-or-self'
  | 'following-sibling'
  | 'preceding-sibling'
  | 'following'
  | 'preceding';
const AXES = new Set<string>(['child', 'attribute', 'self', 'parent', 'ancestor', 'ancestor-or-self', 'descendant', 'descendant-or-self', 'following-sibling', 'preceding-sibling', 'following', 'preceding']);
const REVERSE = new Set<Axis>(['parent', 'ancestor', 'ancestor-or-self', 'preceding-sibling', 'preceding']);

/** A node test: a name (`ns` null = no namespace, undefined = any; `local` undefined = any) or text(). */
type NodeTest = { k: 'name'; ns?: string | null; local?: string } | { k: 'text' } | { k: 'any' };

export type Expr =
  | { k: 'lit'; v: Atomic }
  | { k: 'var'; name: string }
  | { k: 'ctx' }
  | { k: 'seq'; items: Expr[] }
  | { k: 'or' | 'and' | 'union' | 'except' | 'intersect'; a: Expr; b: Expr }
  | { k: 'gcmp' | 'vcmp'; op: string; a: Expr; b: Expr }
  | { k: 'ncmp'; op: '<<' | '>>' | 'is'; a: Expr; b: Expr }
  | { k: 'neg'; a: Expr }
  | { k: 'if'; c: Expr; t: Expr; e: Expr }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'root' }
  | { k: 'path'; a: Expr; b: Expr }
  | { k: 'step'; axis: Axis; test: NodeTest; preds: Expr[] }
  | { k: 'filter'; e: Expr; preds: Expr[] };

type Tok = { t: 'name' | 'str' | 'num' | 'var' | 'op'; v: string };

const NAME_START = /[A-Za-z_\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' && src[i + 1] === ':') refuse('XPath comments');
    if (c === '"' || c === "'") {
      let v = '';
      let k = i + 1;
      for (;;) {
        if (k >= src.length) refuse('unterminated string literal');
        if (src[k] === c) {
          if (src[k + 1] === c) {
            v += c;
            k += 2;
            continue;
          }
          break;
        }
        v += src[k++];
      }
      out.push({ t: 'str', v });
      i = k + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '$') {
      let k = i + 1;
      while (k < src.length && (NAME_CHAR.test(src[k]!) || (src[k] === ':' && NAME_START.test(src[k + 1] ?? '')))) k++;
      if (k === i + 1) refuse('a $ without a variable name');
      out.push({ t: 'var', v: src.slice(i + 1, k) });
      i = k;
      continue;
    }
    if (NAME_START.test(c) || (c === '*' && src[i + 1] === ':' && NAME_START.test(src[i + 2] ?? ''))) {
      let k = c === '*' ? i + 2 : i;
      while (k < src.length && NAME_CHAR.test(src[k]!)) k++;
      // prefix:local or prefix:* (not the axis separator ::)
      if (c !== '*' && src[k] === ':' && src[k + 1] !== ':') {
        if (src[k + 1] === '*') k += 2;
        else if (NAME_START.test(src[k + 1] ?? '')) {
          k++;
          while (k < src.length && NAME_CHAR.test(src[k]!)) k++;
        }
      }
      out.push({ t: 'name', v: src.slice(i, k) });
      i = k;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['//', '::', '!=', '<=', '>=', '..', '<<', '>>', '||'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('/()[]@,|=<>*.-+'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    refuse(`the character ${c}`);
  }
  return out;
}

const VCMP = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const GCMP = new Set(['=', '!=', '<', '<=', '>', '>=']);
/** Functions by arity; anything else is refused, so that SaxonJS runs the rule. */
const FUNCTIONS: Record<string, number[]> = {
  not: [1],
  count: [1],
  exists: [1],
  empty: [1],
  boolean: [1],
  true: [0],
  false: [0],
  string: [0, 1],
  'normalize-space': [0, 1],
  'string-length': [0, 1],
  contains: [2],
  'starts-with': [2],
  'ends-with': [2],
  concat: [2, 3, 4, 5, 6, 7, 8, 9, 10],
  name: [0, 1],
  'local-name': [0, 1],
  'namespace-uri': [0, 1],
  current: [0],
  position: [0],
  last: [0],
  tokenize: [2],
  'distinct-values': [1],
  substring: [2, 3],
  id: [1],
};

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly nsOf: (prefix: string) => string | undefined,
  ) {}

  parse(): Expr {
    const e = this.expr();
    if (this.i < this.toks.length) refuse(`unexpected ${this.toks[this.i]!.v}`);
    return e;
  }

  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.t === 'op' && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'name' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) refuse(`expected ${v}`);
    this.i++;
  }

  private expr(): Expr {
    const items = [this.single()];
    while (this.isOp(',')) {
      this.i++;
      items.push(this.single());
    }
    return items.length === 1 ? items[0]! : { k: 'seq', items };
  }

  private single(): Expr {
    if (this.isWord('if') && this.isOp('(', 1)) {
      this.i += 2;
      const c = this.expr();
      this.expect(')');
      if (!this.isWord('then')) refuse('if without then');
      this.i++;
      const t = this.single();
      if (!this.isWord('else')) refuse('if without else');
      this.i++;
      return { k: 'if', c, t, e: this.single() };
    }
    for (const w of ['for', 'some', 'every', 'let']) if (this.isWord(w) && this.peek(1)?.t === 'var') refuse(`${w} expressions`);
    return this.or();
  }

  private or(): Expr {
    let a = this.and();
    while (this.isWord('or')) {
      this.i++;
      a = { k: 'or', a, b: this.and() };
    }
    return a;
  }

  private and(): Expr {
    let a = this.comparison();
    while (this.isWord('and')) {
      this.i++;
      a = { k: 'and', a, b: this.comparison() };
    }
    return a;
  }

  private comparison(): Expr {
    const a = this.unary();
    const t = this.peek();
    if (t?.t === 'op' && GCMP.has(t.v)) {
      this.i++;
      return { k: 'gcmp', op: t.v, a, b: this.unary() };
    }
    if (t?.t === 'name' && VCMP.has(t.v)) {
      this.i++;
      return { k: 'vcmp', op: t.v, a, b: this.unary() };
    }
    if ((t?.t === 'op' && (t.v === '<<' || t.v === '>>')) || (t?.t === 'name' && t.v === 'is')) {
      this.i++;
      return { k: 'ncmp', op: t.v as '<<' | '>>' | 'is', a, b: this.unary() };
    }
    if (t && ((t.t === 'op' && ['||', '+', '-', '*'].includes(t.v)) || (t.t === 'name' && ['is', 'to', 'div', 'idiv', 'mod', 'instance', 'treat', 'castable', 'cast'].includes(t.v)))) {
      refuse(`the operator ${t.v}`);
    }
    return a;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      this.i++;
      return { k: 'neg', a: this.unary() };
    }
    if (this.isOp('+')) refuse('unary +');
    return this.union();
  }

  private union(): Expr {
    let a = this.intersectExcept();
    while (this.isOp('|') || this.isWord('union')) {
      this.i++;
      a = { k: 'union', a, b: this.intersectExcept() };
    }
    return a;
  }

  private intersectExcept(): Expr {
    let a = this.path();
    while (this.isWord('except') || this.isWord('intersect')) {
      const k = this.peek()!.v as 'except' | 'intersect';
      this.i++;
      a = { k, a, b: this.path() };
    }
    return a;
  }

  private path(): Expr {
    if (this.isOp('/')) {
      this.i++;
      // `/` alone, or followed by a step.
      return this.startsStep() ? this.relative({ k: 'root' }, '/') : { k: 'root' };
    }
    if (this.isOp('//')) {
      this.i++;
      return this.relative({ k: 'root' }, '//');
    }
    return this.relative(null, null);
  }

  private startsStep(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === 'name') return !['and', 'or', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'union', 'except', 'intersect', 'then', 'else'].includes(t.v) || this.isOp('(', 1) || this.isOp('::', 1);
    return t.t !== 'op' || ['@', '*', '.', '..', '(', '$'].includes(t.v);
  }

  private relative(start: Expr | null, sep: '/' | '//' | null): Expr {
    let e: Expr = start ?? this.stepExpr();
    if (start) e = this.join(e, sep!, this.stepExpr());
    while (this.isOp('/') || this.isOp('//')) {
      const s = this.peek()!.v as '/' | '//';
      this.i++;
      e = this.join(e, s, this.stepExpr());
    }
    return e;
  }

  private join(a: Expr, sep: '/' | '//', b: Expr): Expr {
    if (sep === '/') return { k: 'path', a, b };
    // `//` is /descendant-or-self::node()/, implemented over elements and the document node, which is
    // the same whenever the next step is on the child or attribute axis (the only steps allowed after it).
    if (b.k !== 'step' || (b.axis !== 'child' && b.axis !== 'attribute')) refuse('// followed by a step on another axis');
    return { k: 'path', a: { k: 'path', a, b: { k: 'step', axis: 'descendant-or-self', test: { k: 'any' }, preds: [] } }, b };
  }

  private stepExpr(): Expr {
    const t = this.peek() ?? refuse('unexpected end of expression');
    // Primary expressions, possibly filtered.
    if (t.t === 'str' || t.t === 'num' || t.t === 'var' || (t.t === 'op' && (t.v === '(' || t.v === '.')) || (t.t === 'name' && this.isOp('(', 1) && !['text', 'node', 'element', 'attribute', 'comment', 'processing-instruction', 'document-node', 'schema-element', 'schema-attribute', 'item'].includes(t.v))) {
      const e = this.primary();
      const preds = this.predicates();
      return preds.length ? { k: 'filter', e, preds } : e;
    }
    if (t.t === 'op' && t.v === '..') {
      this.i++;
      // parent::node(): the document node too.
      return { k: 'step', axis: 'parent', test: { k: 'any' }, preds: this.noPredicates() };
    }
    let axis: Axis = 'child';
    if (t.t === 'op' && t.v === '@') {
      axis = 'attribute';
      this.i++;
    } else if (t.t === 'name' && this.isOp('::', 1)) {
      if (!AXES.has(t.v)) refuse(`the axis ${t.v}`);
      axis = t.v as Axis;
      this.i += 2;
    }
    const test = this.nodeTest(axis);
    return { k: 'step', axis, test, preds: this.predicates() };
  }

  private noPredicates(): Expr[] {
    if (this.isOp('[')) refuse('predicates on ..');
    return [];
  }

  private nodeTest(axis: Axis): NodeTest {
    const t = this.peek() ?? refuse('node test expected');
    if (t.t === 'op' && t.v === '*') {
      this.i++;
      return { k: 'name' };
    }
    if (t.t !== 'name') refuse(`node test expected, found ${t.v}`);
    this.i++;
    if (this.isOp('(')) {
      if (t.v === 'text' && this.isOp(')', 1)) {
        this.i += 2;
        if (axis === 'attribute') refuse('text() on the attribute axis');
        return { k: 'text' };
      }
      refuse(`the kind test ${t.v}()`);
    }
    const v = t.v;
    if (v.startsWith('*:')) return { k: 'name', local: v.slice(2) };
    const c = v.indexOf(':');
    if (c < 0) return { k: 'name', ns: null, local: v };
    const prefix = v.slice(0, c);
    const ns = prefix === 'xml' ? XML_NS : this.nsOf(prefix);
    if (ns === undefined) refuse(`the undeclared prefix ${prefix}`);
    const local = v.slice(c + 1);
    return local === '*' ? { k: 'name', ns } : { k: 'name', ns, local };
  }

  private predicates(): Expr[] {
    const preds: Expr[] = [];
    while (this.isOp('[')) {
      this.i++;
      preds.push(this.expr());
      this.expect(']');
    }
    return preds;
  }

  private primary(): Expr {
    const t = this.toks[this.i++]!;
    if (t.t === 'str') return { k: 'lit', v: { t: 's', v: t.v } };
    if (t.t === 'num') {
      if (/[eE]/.test(t.v)) refuse('double literals');
      return { k: 'lit', v: t.v.includes('.') ? { t: 'd', v: Number(t.v) } : { t: 'i', v: Number(t.v) } };
    }
    if (t.t === 'var') return { k: 'var', name: t.v };
    if (t.v === '.') return { k: 'ctx' };
    if (t.v === '(') {
      if (this.isOp(')')) {
        this.i++;
        return { k: 'seq', items: [] };
      }
      const e = this.expr();
      this.expect(')');
      return e;
    }
    // A function call.
    const name = t.v.startsWith('fn:') ? t.v.slice(3) : t.v;
    this.expect('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.single());
      while (this.isOp(',')) {
        this.i++;
        args.push(this.single());
      }
    }
    this.expect(')');
    if (!FUNCTIONS[name]?.includes(args.length)) refuse(`the function ${t.v}#${args.length}`);
    if (name === 'tokenize') {
      const p = args[1]!;
      // Only a literal separator with no regular-expression meaning, so splitting on it is exact.
      if (p.k !== 'lit' || p.v.t !== 's' || !p.v.v || /[\\^$.|?*+()[\]{}]/.test(p.v.v)) refuse('tokenize with a regular expression');
    }
    return { k: 'call', name, args };
  }
}

/** A coarse static type: boolean, number, string, nodes, or unknown. */
export type StaticType = 'b' | 'n' | 's' | 'node' | 'any';

const STRING_ARGS = new Set(['normalize-space', 'string-length', 'contains', 'starts-with', 'ends-with', 'tokenize', 'id']);
const NODE_ARGS = new Set(['name', 'local-name', 'namespace-uri']);
const BOOLEAN_FNS = new Set(['not', 'exists', 'empty', 'boolean', 'true', 'false', 'contains', 'starts-with', 'ends-with']);
const NUMBER_FNS = new Set(['count', 'string-length', 'position', 'last']);
const STRING_FNS = new Set(['string', 'normalize-space', 'concat', 'name', 'local-name', 'namespace-uri', 'tokenize', 'substring']);

/** Whether the value of an expression may be that of a comparison (directly, or through if, a filter or a sequence). */
function holdsComparison(e: Expr): boolean {
  switch (e.k) {
    case 'gcmp':
    case 'vcmp':
    case 'ncmp':
      return true;
    case 'if':
      return holdsComparison(e.t) || holdsComparison(e.e);
    case 'filter':
      return holdsComparison(e.e);
    case 'seq':
      return e.items.some(holdsComparison);
    default:
      return false;
  }
}

/**
 * SaxonJS checks types when it compiles: an expression that passes a boolean where a string is required
 * fails to compile even if that branch would never run. The same mismatches are refused here (and, where
 * the type is unknown but could clash, refused too), so a rule SaxonJS cannot compile is never answered
 * by this evaluator. `ctx` is the type of the context item, `vars` the types of the variables in scope.
 */
export function staticType(e: Expr, vars: ReadonlyMap<string, StaticType> = new Map(), ctx: StaticType = 'node'): StaticType {
  const t = (x: Expr, c: StaticType = ctx) => staticType(x, vars, c);
  const atomic = (x: StaticType) => x === 'b' || x === 'n' || x === 's';
  // A predicate must be plainly boolean (or nodes), or a number literal or last(): where it could be either
  // a position or a truth value only at run time, SaxonJS has been seen to disagree with the spec.
  const predicate = (p: Expr, c: StaticType) => {
    const pt = t(p, c);
    const positional = (p.k === 'lit' && p.v.t === 'i') || (p.k === 'call' && p.name === 'last');
    if (pt !== 'b' && pt !== 'node' && !positional) refuse('a predicate that is neither boolean nor a plain position');
  };
  switch (e.k) {
    case 'lit':
      return e.v.t === 'b' ? 'b' : e.v.t === 'i' || e.v.t === 'd' ? 'n' : 's';
    case 'var':
      return vars.get(e.name) ?? 'any';
    case 'ctx':
      return ctx;
    case 'seq': {
      const ts = e.items.map((x) => t(x));
      return ts.length && ts.every((x) => x === ts[0]) ? ts[0]! : 'any';
    }
    case 'or':
    case 'and':
      t(e.a);
      t(e.b);
      return 'b';
    case 'gcmp':
    case 'vcmp': {
      // SaxonJS gives () where the spec gives false for `(x eq ()) = y`: refused rather than copied.
      if (holdsComparison(e.a) || holdsComparison(e.b)) refuse('a comparison of the result of a comparison');
      // ...and a static type error for a comparison with a literal ().
      if ([e.a, e.b].some((x) => x.k === 'seq' && !x.items.length)) refuse('a comparison with ()');
      // A value comparison takes nodes' untyped values as strings.
      const asValue = (x: StaticType): StaticType => (e.k === 'vcmp' && x === 'node' ? 's' : x);
      const a = asValue(t(e.a));
      const b = asValue(t(e.b));
      const typed = (x: StaticType) => x === 'b' || x === 'n';
      if (a !== b && ((typed(a) && b !== 'node') || (typed(b) && a !== 'node'))) refuse(`comparing ${a} with ${b} (XPTY0004, or possibly so)`);
      return 'b';
    }
    case 'ncmp':
      if (holdsComparison(e.a) || holdsComparison(e.b)) refuse('a node comparison of the result of a comparison');
      for (const x of [t(e.a), t(e.b)]) if (x !== 'node') refuse(`a node comparison of values that may be atomic (XPTY0004)`);
      return 'b';
    case 'union':
    case 'except':
    case 'intersect':
      for (const x of [t(e.a), t(e.b)]) if (atomic(x)) refuse(`${e.k} of atomic values (XPTY0004)`);
      return 'node';
    case 'neg':
      if (t(e.a) !== 'n') refuse('unary minus of a non-number');
      return 'n';
    case 'if': {
      t(e.c);
      const a = t(e.t);
      return a === t(e.e) ? a : 'any';
    }
    case 'call': {
      // SaxonJS's boolean() of a value comparison gives () (even for true): refused rather than copied.
      if (e.name === 'boolean' && holdsComparison(e.args[0]!)) refuse('boolean() of a comparison');
      const ts = e.args.map((x) => t(x));
      ts.forEach((x, k) => {
        if (STRING_ARGS.has(e.name) && (x === 'b' || x === 'n')) refuse(`a ${x === 'b' ? 'boolean' : 'number'} as an argument of ${e.name} (XPTY0004)`);
        if (NODE_ARGS.has(e.name) && k === 0 && x !== 'node') refuse(`a value that may be atomic as the argument of ${e.name} (XPTY0004)`);
        // substring's string, then its numbers (xs:double: a string or an untyped node value would have to be cast).
        if (e.name === 'substring' && (k === 0 ? x === 'b' || x === 'n' : x !== 'n')) refuse(`this argument ${k + 1} of substring (XPTY0004, or possibly so)`);
      });
      if (e.name === 'id' && ctx !== 'node') refuse('id() of a context item that may be atomic');
      if (NODE_ARGS.has(e.name) && !e.args.length && ctx !== 'node') refuse(`${e.name}() of a context item that may be atomic`);
      return BOOLEAN_FNS.has(e.name) ? 'b' : NUMBER_FNS.has(e.name) ? 'n' : STRING_FNS.has(e.name) ? 's' : e.name === 'current' || e.name === 'id' ? 'node' : 'any';
    }
    case 'root':
      return 'node';
    case 'path': {
      const a = t(e.a);
      if (atomic(a)) refuse('a path step from an atomic value (XPTY0019)');
      return t(e.b, 'node');
    }
    case 'step':
      if (atomic(ctx)) refuse('a path step from an atomic value (XPTY0019)');
      for (const p of e.preds) predicate(p, 'node');
      return 'node';
    case 'filter': {
      const base = t(e.e);
      for (const p of e.preds) predicate(p, base);
      return base;
    }
  }
}

const parsedCache = new Map<string, Map<string, Expr | XPathUnsupported>>();

/**
 * A parser for one set of namespace prefixes (`nsKey` names the set), remembering what it parsed, and
 * what it refused, for the whole process.
 */
export function xpathParser(nsOf: (prefix: string) => string | undefined, nsKey: string): (src: string) => Expr {
  let cache = parsedCache.get(nsKey);
  if (!cache) parsedCache.set(nsKey, (cache = new Map()));
  const memo = cache;
  return (src) => {
    let e = memo.get(src);
    if (!e) {
      try {
        e = new Parser(tokenize(src), nsOf).parse();
      } catch (err) {
        if (!(err instanceof XPathUnsupported)) throw err;
        e = err;
      }
      memo.set(src, e);
    }
    if (e instanceof XPathUnsupported) throw e;
    return e;
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Variables in scope: each evaluated at most once, on first use (XSLT's variables are lazy too). */
export class Scope {
  private readonly values = new Map<string, Item[]>();
  constructor(
    private readonly parent: Scope | null,
    private readonly defs: ReadonlyMap<string, () => Item[]>,
  ) {}

  lookup(name: string): Item[] {
    const hit = this.values.get(name);
    if (hit) return hit;
    const def = this.defs.get(name);
    if (def) {
      const v = def();
      this.values.set(name, v);
      return v;
    }
    return this.parent ? this.parent.lookup(name) : refuse(`the unbound variable $${name}`);
  }
}

interface Focus {
  item: Item;
  /** Position and size, or null where the focus comes from outside the expression (position() refused). */
  pos: number | null;
  size: number | null;
}

export interface EvalContext {
  xdoc: XPathDocument;
  scope: Scope;
  /** What current() returns. */
  current: XNode;
}

export function evaluate(e: Expr, ctx: EvalContext, item: Item): Item[] {
  return ev(e, ctx, { item, pos: null, size: null });
}

const untyped = (v: string): Atomic => ({ t: 'u', v });
const str = (v: string): Atomic => ({ t: 's', v });
const TRUE: Atomic = { t: 'b', v: true };
const FALSE: Atomic = { t: 'b', v: false };
/** A boolean result as a sequence: shared, as every result is (results are never changed in place). */
const TRUE_SEQ: readonly Item[] = Object.freeze([TRUE]);
const FALSE_SEQ: readonly Item[] = Object.freeze([FALSE]);
const boolSeq = (v: boolean): Item[] => (v ? TRUE_SEQ : FALSE_SEQ) as Item[];
const int = (v: number): Atomic => ({ t: 'i', v });

export function stringValue(n: XNode): string {
  switch (n.kind) {
    case 'element':
      return textContent(n);
    case 'text':
      return n.text;
    case 'attribute':
      return n.attr.value;
    case 'document':
      return textContent(n.root);
  }
}

function atomize(items: Item[]): Atomic[] {
  return items.map((i) => (isNode(i) ? untyped(stringValue(i)) : i));
}

function parentOf(n: XNode, xdoc: XPathDocument): XNode | null {
  switch (n.kind) {
    case 'document':
      return null;
    case 'attribute':
      return n.parent;
    case 'text':
      return n.parent;
    case 'element':
      return n.parent ?? xdoc.docNode;
  }
}

function childrenOf(n: XNode): Array<XmlElement | XmlText> {
  if (n.kind === 'element') return n.children;
  if (n.kind === 'document') return [n.root];
  return [];
}

function nameMatches(test: NodeTest, n: XNode, principal: 'element' | 'attribute'): boolean {
  if (test.k === 'any') return n.kind === 'element' || n.kind === 'document';
  if (test.k === 'text') return n.kind === 'text';
  if (n.kind !== principal) return false;
  const ns = n.kind === 'element' ? n.ns : (n as AttrNode).attr.ns;
  const local = n.kind === 'element' ? n.local : (n as AttrNode).attr.local;
  return (test.ns === undefined || test.ns === ns) && (test.local === undefined || test.local === local);
}

function axisNodes(axis: Axis, n: XNode, xdoc: XPathDocument): XNode[] {
  switch (axis) {
    case 'self':
      return [n];
    case 'child':
      return childrenOf(n);
    case 'attribute':
      return n.kind === 'element' ? xdoc.attributes(n) : [];
    case 'parent': {
      const p = parentOf(n, xdoc);
      return p ? [p] : [];
    }
    case 'ancestor':
    case 'ancestor-or-self': {
      const out: XNode[] = axis === 'ancestor-or-self' ? [n] : [];
      for (let p = parentOf(n, xdoc); p; p = parentOf(p, xdoc)) out.push(p);
      return out;
    }
    case 'descendant':
    case 'descendant-or-self': {
      const out: XNode[] = axis === 'descendant-or-self' ? [n] : [];
      const visit = (x: XNode) => {
        for (const c of childrenOf(x)) {
          out.push(c);
          if (c.kind === 'element') visit(c);
        }
      };
      visit(n);
      return out;
    }
    case 'following-sibling':
    case 'preceding-sibling': {
      if (n.kind === 'attribute' || n.kind === 'document') return [];
      const sibs = childrenOf(parentOf(n, xdoc)!);
      const at = sibs.indexOf(n);
      return axis === 'following-sibling' ? sibs.slice(at + 1) : sibs.slice(0, at).reverse();
    }
    case 'following':
    case 'preceding': {
      if (n.kind === 'attribute') return refuse(`the ${axis} axis from an attribute`);
      if (n.kind === 'document') return [];
      const flat = xdoc.flatNodes();
      const at = flat.indexOf(n);
      if (axis === 'preceding') {
        const ancestors = new Set<XNode>();
        for (let p = parentOf(n, xdoc); p; p = parentOf(p, xdoc)) ancestors.add(p);
        return flat.slice(0, at).filter((x) => !ancestors.has(x)).reverse();
      }
      return flat.slice(at + 1).filter((x) => x.start >= n.end);
    }
  }
}

/** The nodes of an axis that pass a node test, in axis order; the common axes without a list of every node first. */
function stepNodes(axis: Axis, test: NodeTest, n: XNode, xdoc: XPathDocument): XNode[] {
  if (test.k !== 'text') {
    if (axis === 'child') {
      const out: XNode[] = [];
      if (n.kind === 'document') {
        if (elementMatches(test, n.root)) out.push(n.root);
      } else if (n.kind === 'element') {
        for (const c of n.children) if (c.kind === 'element' && elementMatches(test, c)) out.push(c);
      }
      return out;
    }
    if (axis === 'descendant' || axis === 'descendant-or-self') return descendantElements(axis === 'descendant-or-self', test, n, xdoc);
    if (axis === 'parent' || axis === 'ancestor' || axis === 'ancestor-or-self') {
      // Nearest first (axis order); without the list of every ancestor first.
      const out: XNode[] = [];
      if (axis === 'ancestor-or-self' && nameMatches(test, n, 'element')) out.push(n);
      if (n.kind === 'document') return out;
      // Up the elements (an attribute's or text node's parent is one), then the document node, which only node() matches.
      for (let p: XmlElement | null = n.parent; p; p = axis === 'parent' ? null : p.parent) if (elementMatches(test, p)) out.push(p);
      if (test.k === 'any' && (axis !== 'parent' || (n.kind === 'element' && !n.parent))) out.push(xdoc.docNode);
      return out;
    }
    if (axis === 'attribute' && test.k === 'name') {
      const out: XNode[] = [];
      if (n.kind !== 'element') return out;
      const attrs = n.attrs;
      for (let k = 0; k < attrs.length; k++) {
        const a = attrs[k]!;
        if ((test.ns === undefined || test.ns === a.ns) && (test.local === undefined || test.local === a.local)) out.push(xdoc.attributeAt(n, k));
      }
      return out;
    }
  }
  const principal = axis === 'attribute' ? 'attribute' : 'element';
  return axisNodes(axis, n, xdoc).filter((x) => nameMatches(test, x, principal));
}

/** nameMatches for an element and a test other than text(). */
function elementMatches(test: NodeTest, el: XmlElement): boolean {
  return test.k === 'any' || (test.k === 'name' && (test.ns === undefined || test.ns === el.ns) && (test.local === undefined || test.local === el.local));
}

/**
 * The descendant(-or-self) axis filtered by an element test: the elements that start inside the node's
 * span, taken from the document's lists (by local name when the test has one) instead of walking the subtree.
 */
function descendantElements(orSelf: boolean, test: NodeTest, n: XNode, xdoc: XPathDocument): XNode[] {
  const out: XNode[] = [];
  if (orSelf && nameMatches(test, n, 'element')) out.push(n);
  if (n.kind !== 'element' && n.kind !== 'document') return out;
  const index = xdoc.index();
  const els = index.elements;
  // By name: only that name's positions; else every element.
  const list = test.k === 'name' && test.local !== undefined ? index.positions(test.local) : null;
  const from = n.kind === 'document' ? 0 : index.firstFrom(list, n.start + 1);
  const to = n.kind === 'document' ? (list ? list.length : els.length) : index.firstFrom(list, n.end);
  for (let k = from; k < to; k++) {
    const el = els[list ? list[k]! : k]!;
    if (elementMatches(test, el)) out.push(el);
  }
  return out;
}

function inDocumentOrder(items: Item[], xdoc: XPathDocument): Item[] {
  if (items.length < 2) return items;
  const nodes = items as XNode[];
  const seen = new Set<XNode>();
  const unique = nodes.filter((n) => (seen.has(n) ? false : (seen.add(n), true)));
  return unique.sort((a, b) => xdoc.orderOf(a) - xdoc.orderOf(b));
}

function applyPredicates(items: Item[], preds: Expr[], ctx: EvalContext): Item[] {
  let cur = items;
  for (const p of preds) {
    const size = cur.length;
    cur = cur.filter((item, k) => {
      const v = ev(p, ctx, { item, pos: k + 1, size });
      if (v.length === 1 && !isNode(v[0]!) && ((v[0] as Atomic).t === 'i' || (v[0] as Atomic).t === 'd')) return (v[0] as Atomic).v === k + 1;
      return ebv(v);
    });
  }
  return cur;
}

export function ebv(v: Item[]): boolean {
  if (!v.length) return false;
  const first = v[0]!;
  if (isNode(first)) return true;
  if (v.length > 1) refuse('the effective boolean value of several atomic values (FORG0006)');
  switch (first.t) {
    case 'b':
      return first.v;
    case 'u':
    case 's':
      return first.v.length > 0;
    default:
      return first.v !== 0 && !Number.isNaN(first.v);
  }
}

/** XPath's xs:double lexical form (what casting untypedAtomic to a number accepts), else a refusal. */
function toDouble(s: string): number {
  const t = s.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
  if (/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(t)) return Number(t);
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  return refuse(`"${s}" cannot be cast to a number (FORG0001)`);
}

/** Code-point order, which JavaScript's UTF-16 comparison differs from above the BMP. */
function compareStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

const isNum = (a: Atomic): a is { t: 'i' | 'd'; v: number } => a.t === 'i' || a.t === 'd';
const isStr = (a: Atomic): a is { t: 'u' | 's'; v: string } => a.t === 'u' || a.t === 's';

function holds(op: string, d: number): boolean {
  switch (op) {
    case '=':
    case 'eq':
      return d === 0;
    case '!=':
    case 'ne':
      return d !== 0 && !Number.isNaN(d);
    case '<':
    case 'lt':
      return d < 0;
    case '<=':
    case 'le':
      return d <= 0;
    case '>':
    case 'gt':
      return d > 0;
    default:
      return d >= 0;
  }
}

/** One pair of a comparison, both already converted the way the operator requires. */
function compareAtomics(op: string, a: Atomic, b: Atomic): boolean {
  if (isStr(a) && isStr(b)) return holds(op, op === '=' || op === '!=' || op === 'eq' || op === 'ne' ? (a.v === b.v ? 0 : 1) : compareStrings(a.v, b.v));
  if (isNum(a) && isNum(b)) return Number.isNaN(a.v) || Number.isNaN(b.v) ? op === '!=' || op === 'ne' : holds(op, a.v === b.v ? 0 : a.v < b.v ? -1 : 1);
  if (a.t === 'b' && b.t === 'b') return holds(op, Number(a.v) - Number(b.v));
  return refuse(`comparing ${a.t} with ${b.t} (XPTY0004)`);
}

function generalCompare(op: string, left: Atomic[], right: Atomic[]): boolean {
  for (const a of left) {
    for (const b of right) {
      let x = a;
      let y = b;
      // XPath 2.0's rules for untypedAtomic in general comparisons.
      if (x.t === 'u' && isNum(y)) x = { t: 'd', v: toDouble(x.v) };
      else if (y.t === 'u' && isNum(x)) y = { t: 'd', v: toDouble(y.v) };
      else if ((x.t === 'u' && y.t === 'b') || (y.t === 'u' && x.t === 'b')) refuse('comparing untypedAtomic with a boolean');
      if (compareAtomics(op, x, y)) return true;
    }
  }
  return false;
}

/** The single atomic value an argument of type xs:string? (or xs:anyAtomicType?) must be; null for (). */
function optionalAtomic(v: Item[], what: string): Atomic | null {
  const a = atomize(v);
  if (a.length > 1) refuse(`a sequence of ${a.length} items as ${what} (XPTY0004)`);
  return a[0] ?? null;
}

function optionalString(v: Item[], what: string): string {
  const a = optionalAtomic(v, what);
  if (a === null) return '';
  if (!isStr(a)) refuse(`a ${a.t} value as ${what} (XPTY0004)`);
  return (a as { v: string }).v;
}

/** xs:string(value) for the atomic values this evaluator produces. */
export function atomicString(a: Atomic): string {
  switch (a.t) {
    case 'u':
    case 's':
      return a.v;
    case 'b':
      return a.v ? 'true' : 'false';
    default: {
      const s = Object.is(a.v, -0) ? '0' : String(a.v);
      if (/[eE]|Infinity|NaN/.test(s)) refuse('formatting this number');
      return s;
    }
  }
}

/** XPath's normalize-space: only space, tab, CR and LF are whitespace. */
export function normalizeSpace(s: string): string {
  return s.replace(/[ \t\n\r]+/g, ' ').replace(/^ | $/g, '');
}

function optionalNode(v: Item[], what: string): XNode | null {
  if (v.length > 1) refuse(`a sequence of ${v.length} items as ${what} (XPTY0004)`);
  const n = v[0];
  if (n === undefined) return null;
  if (!isNode(n)) refuse(`an atomic value as ${what} (XPTY0004)`);
  return n as XNode;
}

/** The one number an xs:double argument must be (integers and decimals are promoted); anything else is refused. */
function singleNumber(v: Item[], what: string): number {
  if (v.length !== 1 || isNode(v[0]!) || !isNum(v[0] as Atomic)) refuse(`a value other than one number as ${what} (XPTY0004)`);
  return (v[0] as { v: number }).v;
}

/** fn:round: the nearest integer, halves upwards (integers, NaN and infinities unchanged; x + 0.5 is exact for the rest). */
const xsRound = (x: number): number => (Number.isInteger(x) || !Number.isFinite(x) ? x : Math.floor(x + 0.5));

function focusNode(f: Focus, fn: string): XNode {
  if (!isNode(f.item)) refuse(`${fn}() with an atomic context item (XPTY0004)`);
  return f.item as XNode;
}

function call(name: string, args: Expr[], ctx: EvalContext, f: Focus): Item[] {
  const arg = (k: number) => ev(args[k]!, ctx, f);
  const ctxOr = (k: number, fn: string): Item[] => (args.length > k ? arg(k) : [focusNode(f, fn)]);
  switch (name) {
    case 'not':
      return boolSeq(!truth(args[0]!, ctx, f));
    case 'boolean':
      return boolSeq(truth(args[0]!, ctx, f));
    case 'true':
      return boolSeq(true);
    case 'false':
      return boolSeq(false);
    case 'count':
      return [int(arg(0).length)];
    case 'exists':
      return boolSeq(arg(0).length > 0);
    case 'empty':
      return boolSeq(arg(0).length === 0);
    case 'string': {
      const v = args.length ? arg(0) : [f.item];
      if (v.length > 1) refuse('string() of a sequence (XPTY0004)');
      const x = v[0];
      return [str(x === undefined ? '' : isNode(x) ? stringValue(x) : atomicString(x))];
    }
    case 'normalize-space':
      return [str(normalizeSpace(args.length ? optionalString(arg(0), 'the argument of normalize-space') : stringValue(focusNode(f, name))))];
    case 'string-length':
      return [int([...(args.length ? optionalString(arg(0), 'the argument of string-length') : stringValue(focusNode(f, name)))].length)];
    case 'contains':
      return boolSeq(optionalString(arg(0), 'an argument of contains').includes(optionalString(arg(1), 'an argument of contains')));
    case 'starts-with':
      return boolSeq(optionalString(arg(0), 'an argument of starts-with').startsWith(optionalString(arg(1), 'an argument of starts-with')));
    case 'ends-with':
      return boolSeq(optionalString(arg(0), 'an argument of ends-with').endsWith(optionalString(arg(1), 'an argument of ends-with')));
    case 'concat':
      return [str(args.map((_, k) => {
        const a = optionalAtomic(arg(k), 'an argument of concat');
        return a === null ? '' : atomicString(a);
      }).join(''))];
    case 'name':
    case 'local-name':
    case 'namespace-uri': {
      const n = optionalNode(ctxOr(0, name), `the argument of ${name}`);
      if (n === null || n.kind === 'document' || n.kind === 'text') return [str('')];
      if (n.kind === 'element') return [str(name === 'name' ? n.name : name === 'local-name' ? n.local : (n.ns ?? ''))];
      return [str(name === 'name' ? n.attr.name : name === 'local-name' ? n.attr.local : (n.attr.ns ?? ''))];
    }
    case 'current':
      return [ctx.current];
    case 'position':
      return f.pos === null ? refuse('position() outside a predicate') : [int(f.pos)];
    case 'last':
      return f.size === null ? refuse('last() outside a predicate') : [int(f.size)];
    case 'tokenize': {
      const s = optionalString(arg(0), 'the input of tokenize');
      const sep = ((args[1] as { v: Atomic }).v as { v: string }).v;
      return s === '' ? [] : s.split(sep).map(str);
    }
    case 'distinct-values': {
      const seen = new Set<string>();
      const out: Atomic[] = [];
      for (const a of atomize(arg(0))) {
        if (!isStr(a)) refuse('distinct-values of non-string values');
        if (!seen.has((a as { v: string }).v)) {
          seen.add((a as { v: string }).v);
          out.push(a);
        }
      }
      return out;
    }
    case 'substring': {
      const s = optionalString(arg(0), 'the first argument of substring');
      const start = xsRound(singleNumber(arg(1), 'the start of substring'));
      const end = args.length > 2 ? start + xsRound(singleNumber(arg(2), 'the length of substring')) : Infinity;
      // Characters are code points, counted from 1; comparisons with NaN are false, so NaN gives ''.
      const chars = [...s];
      let out = '';
      for (let p = 1; p <= chars.length; p++) if (p >= start && p < end) out += chars[p - 1];
      return [str(out)];
    }
    case 'id': {
      // The context node's document: the one tree there is.
      focusNode(f, name);
      const ids = ctx.xdoc.idElements();
      const found: XNode[] = [];
      for (const a of atomize(arg(0))) {
        if (!isStr(a)) refuse('id() of a non-string value (XPTY0004)');
        // SaxonJS also splits at other Unicode spaces (no-break space...), which XML does not count as whitespace.
        if (/[^\S \t\n\r]/.test((a as { v: string }).v)) refuse('id() of a value holding a space other than XML whitespace');
        for (const token of (a as { v: string }).v.split(/[ \t\n\r]+/)) {
          const el = token ? ids.get(token) : undefined;
          if (el) found.push(el);
        }
      }
      return inDocumentOrder(found, ctx.xdoc);
    }
    default:
      return refuse(`the function ${name}`);
  }
}

/**
 * Steps whose effective boolean value is found without listing their nodes: a name test without predicates
 * on an axis read near the node. Like ev's, their only refusal is an atomic focus, the same for a union's
 * two sides, so a union of them can stop at its first side that selects something.
 */
function existsStep(e: Expr): boolean {
  if (e.k === 'union') return existsStep(e.a) && existsStep(e.b);
  return e.k === 'step' && e.preds.length === 0 && e.test.k === 'name' && (e.axis === 'attribute' || e.axis === 'child' || e.axis === 'parent' || e.axis === 'ancestor' || e.axis === 'self');
}

/** The effective boolean value of an expression: ebv(ev(e)), without the node list for the steps above. */
function truth(e: Expr, ctx: EvalContext, f: Focus): boolean {
  if (!existsStep(e)) return ebv(ev(e, ctx, f));
  if (e.k === 'union') return truth(e.a, ctx, f) || truth(e.b, ctx, f);
  const step = e as Extract<Expr, { k: 'step' }>;
  const test = step.test as Extract<NodeTest, { k: 'name' }>;
  const n = focusNode(f, 'a path step');
  if (n.kind === 'document') return step.axis === 'child' && elementMatches(test, n.root);
  switch (step.axis) {
    case 'attribute':
      if (n.kind !== 'element') return false;
      for (const a of n.attrs) if ((test.ns === undefined || test.ns === a.ns) && (test.local === undefined || test.local === a.local)) return true;
      return false;
    case 'child':
      if (n.kind !== 'element') return false;
      for (const c of n.children) if (c.kind === 'element' && elementMatches(test, c)) return true;
      return false;
    case 'self':
      return n.kind === 'element' && elementMatches(test, n);
    case 'parent':
      return n.parent !== null && elementMatches(test, n.parent);
    default:
      for (let p: XmlElement | null = n.parent; p; p = p.parent) if (elementMatches(test, p)) return true;
      return false;
  }
}

/** The effective boolean value of an expression with `item` as the context item. */
export function evaluateTruth(e: Expr, ctx: EvalContext, item: Item): boolean {
  return truth(e, ctx, { item, pos: null, size: null });
}

/** `A//name` rewritten as `A/descendant::name`, made once per expression. */
const descendantPaths = new WeakMap<Expr, Expr>();

function ev(e: Expr, ctx: EvalContext, f: Focus): Item[] {
  switch (e.k) {
    case 'lit':
      return [e.v];
    case 'var':
      return ctx.scope.lookup(e.name);
    case 'ctx':
      return [f.item];
    case 'seq':
      return e.items.flatMap((x) => ev(x, ctx, f));
    case 'or':
      return boolSeq(truth(e.a, ctx, f) || truth(e.b, ctx, f));
    case 'and':
      return boolSeq(truth(e.a, ctx, f) && truth(e.b, ctx, f));
    case 'union': {
      const all = [...ev(e.a, ctx, f), ...ev(e.b, ctx, f)];
      if (!all.every(isNode)) refuse('a union of atomic values (XPTY0004)');
      return inDocumentOrder(all, ctx.xdoc);
    }
    case 'except':
    case 'intersect': {
      const a = ev(e.a, ctx, f);
      const b = ev(e.b, ctx, f);
      if (!a.every(isNode) || !b.every(isNode)) refuse(`${e.k} of atomic values (XPTY0004)`);
      const right = new Set(b);
      return inDocumentOrder(a.filter((n) => right.has(n) === (e.k === 'intersect')), ctx.xdoc);
    }
    case 'gcmp':
      return boolSeq(generalCompare(e.op, atomize(ev(e.a, ctx, f)), atomize(ev(e.b, ctx, f))));
    case 'vcmp': {
      const a = optionalAtomic(ev(e.a, ctx, f), 'an operand of a value comparison');
      const b = optionalAtomic(ev(e.b, ctx, f), 'an operand of a value comparison');
      if (a === null || b === null) return [];
      // Value comparisons take untypedAtomic as a string.
      const x = a.t === 'u' ? str(a.v) : a;
      const y = b.t === 'u' ? str(b.v) : b;
      return boolSeq(compareAtomics(e.op, x, y));
    }
    case 'ncmp': {
      const a = optionalNode(ev(e.a, ctx, f), 'an operand of a node comparison');
      const b = optionalNode(ev(e.b, ctx, f), 'an operand of a node comparison');
      if (a === null || b === null) return [];
      if (e.op === 'is') return boolSeq(a === b);
      const d = ctx.xdoc.orderOf(a) - ctx.xdoc.orderOf(b);
      return boolSeq(e.op === '>>' ? d > 0 : d < 0);
    }
    case 'neg': {
      const a = optionalAtomic(ev(e.a, ctx, f), 'the operand of unary minus');
      if (a === null) return [];
      if (!isNum(a)) refuse('unary minus of a non-number');
      return [{ t: (a as { t: 'i' | 'd' }).t, v: -(a as { v: number }).v }];
    }
    case 'if':
      return ebv(ev(e.c, ctx, f)) ? ev(e.t, ctx, f) : ev(e.e, ctx, f);
    case 'call':
      return call(e.name, e.args, ctx, f);
    case 'root': {
      const n = focusNode(f, 'root');
      let top: XNode = n;
      for (let p = parentOf(top, ctx.xdoc); p; p = parentOf(p, ctx.xdoc)) top = p;
      if (top.kind !== 'document') refuse('/ in a tree without a document node (XPDY0050)');
      return [top];
    }
    case 'path': {
      // `A//name` without predicates: the descendants of A by that name, without listing every node in between.
      if (e.a.k === 'path' && e.a.b.k === 'step' && e.a.b.axis === 'descendant-or-self' && e.b.k === 'step' && e.b.axis === 'child' && !e.b.preds.length) {
        let short = descendantPaths.get(e);
        if (!short) descendantPaths.set(e, (short = { k: 'path', a: e.a.a, b: { k: 'step', axis: 'descendant', test: e.b.test, preds: [] } }));
        return ev(short, ctx, f);
      }
      const left = ev(e.a, ctx, f);
      if (!left.every(isNode)) refuse('a path step from an atomic value (XPTY0019)');
      // One step from one node gives its nodes without duplicates and in document order already.
      if (left.length === 1 && e.b.k === 'step') return ev(e.b, ctx, { item: left[0]!, pos: 1, size: 1 });
      const out: Item[] = [];
      // A loop, not push(...): one step can give hundreds of thousands of nodes, more than a call's arguments.
      left.forEach((item, k) => {
        for (const x of ev(e.b, ctx, { item, pos: k + 1, size: left.length })) out.push(x);
      });
      if (out.every(isNode)) return inDocumentOrder(out, ctx.xdoc);
      if (out.some(isNode)) refuse('a path that gives both nodes and atomic values (XPTY0018)');
      return out;
    }
    case 'step': {
      if (e.test.k === 'text' && ctx.xdoc.hasCdata) refuse('text() in a document with CDATA sections');
      const n = focusNode(f, 'a path step');
      const found = stepNodes(e.axis, e.test, n, ctx.xdoc);
      // Predicates count positions in axis order (reverse axes count backwards), the result is in document order.
      const kept = applyPredicates(found, e.preds, ctx);
      return REVERSE.has(e.axis) ? kept.reverse() : kept;
    }
    case 'filter':
      return applyPredicates(ev(e.e, ctx, f), e.preds, ctx);
  }
}

/**
 * Whether a node matches an XSLT pattern (a rule's context), decided from the node upwards: its last
 * step must match the node, and the steps before it its parent (`/`), an ancestor (`//`) or the
 * document node (a leading `/`). Predicates in patterns are taken as boolean: a numeric one is refused.
 */
export function matchesPattern(p: Expr, node: XNode, ctx: EvalContext): boolean {
  switch (p.k) {
    case 'union':
      return matchesPattern(p.a, node, ctx) || matchesPattern(p.b, node, ctx);
    case 'step': {
      if (p.axis !== 'child' && p.axis !== 'attribute') refuse(`a pattern step on the ${p.axis} axis`);
      if (node.kind === 'document' || !nameMatches(p.test, node, p.axis === 'attribute' ? 'attribute' : 'element')) return false;
      if (p.axis === 'child' && node.kind === 'attribute') return false;
      for (const pred of p.preds) {
        const focus: Focus = { item: node, pos: null, size: null };
        // A step gives nodes, never a number: its truth is whether it selects any.
        if (existsStep(pred)) {
          if (!truth(pred, ctx, focus)) return false;
          continue;
        }
        const v = ev(pred, ctx.current === node ? ctx : { ...ctx, current: node }, focus);
        if (v.length === 1 && !isNode(v[0]!) && isNum(v[0] as Atomic)) refuse('a numeric predicate in a pattern');
        if (!ebv(v)) return false;
      }
      return true;
    }
    case 'path': {
      // a//b arrives as path(path(a, descendant-or-self), b).
      if (!matchesPattern(p.b, node, ctx)) return false;
      const parent = parentOf(node, ctx.xdoc);
      if (!parent) return false;
      if (p.a.k === 'root') return parent.kind === 'document';
      if (p.a.k === 'path' && p.a.b.k === 'step' && p.a.b.axis === 'descendant-or-self') {
        const up = p.a.a;
        for (let a: XNode | null = parent; a; a = parentOf(a, ctx.xdoc)) {
          if (up.k === 'root' ? a.kind === 'document' : matchesPattern(up, a, ctx)) return true;
        }
        return false;
      }
      return matchesPattern(p.a, parent, ctx);
    }
    default:
      return refuse(`this form of pattern (${p.k})`);
  }
}

/** Refuses, at parse time, a pattern matchesPattern would refuse for its form. */
export function checkPattern(p: Expr): void {
  switch (p.k) {
    case 'union':
      checkPattern(p.a);
      checkPattern(p.b);
      return;
    case 'step':
      if (p.axis !== 'child' && p.axis !== 'attribute') refuse(`a pattern step on the ${p.axis} axis`);
      return;
    case 'path':
      checkPattern(p.b);
      if (p.a.k === 'root') return;
      if (p.a.k === 'path' && p.a.b.k === 'step' && p.a.b.axis === 'descendant-or-self') {
        if (p.a.a.k !== 'root') checkPattern(p.a.a);
        return;
      }
      checkPattern(p.a);
      return;
    default:
      refuse(`this form of pattern (${p.k})`);
  }
}
