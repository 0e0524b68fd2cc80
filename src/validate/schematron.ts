import { diagnostic, type Diagnostic, type Severity } from '../diagnostic.js';
import { childElements, parseXml, type XmlDocument, type XmlElement } from '../util/xml-positions.js';
import { SCHEMATRON_NS, sha256 } from './schema.js';
import { loadSaxon, type SaxonJsApi } from './schematron-saxon.js';
import { atomicString, evaluate, evaluateTruth, matchesPattern, checkPattern, forXPath, nativeEligible, normalizeSpace, Scope, staticType, xpathParser, stringValue, XPathDocument, XPathUnsupported, type Expr, type Item, type StaticType, type XNode } from './xpath.js';

/**
 * ISO Schematron, run through SaxonJS. The rules of a schema (embedded in RELAX NG, as TEI's are, or a
 * standalone .sch) are turned into one XSLT 3.0 stylesheet per pattern that follows the skeleton's
 * semantics: one template per rule with priorities falling in document order (so within a pattern a
 * node is handled by its first matching rule), attributes and elements visited, the schema's lets in
 * every stylesheet. Each is compiled (SaxonJS's own XSLT compiler) when a document first needs it, and
 * the result cached by the caller; a document runs only the patterns its elements could match.
 */

/** Bump when the cached index's shape changes, so old cache entries are ignored. */
export const SCHEMATRON_FORMAT = 4;
/** Bump when the generated stylesheets change: part of each pattern's id, the cache key of its SEF. */
const STYLESHEET_FORMAT = 3;

export interface SchCheck {
  kind: 'assert' | 'report';
  test: string;
  severity: Severity;
  /** The role as written (or flag), kept for the JSON output of tools that want it. */
  role: string | null;
  /** The rule id teikit reports: the check's or rule's @id, else pattern id and position. */
  ruleId: string;
}

export interface SchRuleInfo {
  ruleId: string;
  pattern: string;
  context: string;
}

export interface SkippedRule {
  ruleId: string;
  context: string;
  reason: string;
}

/**
 * One pattern, compiled on its own: a document's run loads and runs only the patterns some of its nodes
 * could match, and SaxonJS's setup of a stylesheet costs in proportion to its size.
 */
export interface CompiledPattern {
  /** Key of its candidates in `candidates()`, `p<N>`. */
  key: string;
  /**
   * Its XSLT 3.0 stylesheet, compiled to SEF when a document first needs it; null in a cached index
   * (a third of its size), where `compileSchematron` gives it again by `id` on a cache miss.
   */
  xslt: string | null;
  /** SHA-256 of the stylesheet and of SCHEMATRON_FORMAT: the cache key of its SEF. */
  id: string;
  /** How to offer it elements; null: it visits every node (a context teikit cannot read). */
  dispatch: PatternDispatch | null;
  /** What the stylesheet's check numbers stand for. */
  checks: SchCheck[];
  /** Its rules, listed as skipped if SaxonJS cannot compile the stylesheet. */
  rules: Array<{ ruleId: string; context: string }>;
  /** The pattern as written, for teikit's own XPath evaluator (tried before SaxonJS). */
  source: PatternSource;
}

/** A pattern's lets, rules and checks as XPath text; check numbers index `CompiledPattern.checks`. */
export interface PatternSource {
  lets: Let[];
  rules: Array<{ context: string; lets: Let[]; checks: Array<{ no: number; test: string; message: MsgPart[] }> }>;
}

/** Everything needed to run a schema's rules again; plain JSON, cached on disk. */
export interface CompiledSchematron {
  format: number;
  /** The schema's namespace prefixes and top-level lets, for the XPath evaluator. */
  namespaces: Array<{ prefix: string; uri: string }>;
  lets: Let[];
  patterns: CompiledPattern[];
  rules: SchRuleInfo[];
  skipped: SkippedRule[];
}

/** A pattern's SEF, or why SaxonJS could not compile it. */
export type PatternSef = { sef: unknown } | { error: string };

/**
 * Gives the compiled form of a pattern, compiling it if need be. The object may be shared by every run
 * in the process, not serialized after one: running a SEF changes it in place.
 */
export type PatternCompiler = (pattern: CompiledPattern, saxon: SaxonJsApi) => Promise<PatternSef>;

// ---------------------------------------------------------------------------------------------
// Reading the Schematron out of a schema

export interface MsgText {
  t: 'text';
  text: string;
}
export interface MsgName {
  t: 'name';
  path: string | null;
}
export interface MsgValue {
  t: 'value';
  select: string;
}
export type MsgPart = MsgText | MsgName | MsgValue;

export interface Let {
  name: string;
  value: string;
}

interface Check {
  kind: 'assert' | 'report';
  test: string;
  id: string | null;
  role: string | null;
  flag: string | null;
  message: MsgPart[];
}

interface Rule {
  id: string | null;
  context: string;
  role: string | null;
  flag: string | null;
  lets: Let[];
  checks: Check[];
  /** Why the rule cannot be run as written (found while reading it), or null. */
  problem: string | null;
}

interface Pattern {
  id: string | null;
  lets: Let[];
  rules: Rule[];
}

export interface SchematronSchema {
  namespaces: Array<{ prefix: string; uri: string }>;
  lets: Let[];
  patterns: Pattern[];
  /** Patterns dropped while reading (abstract patterns used wrongly, say), with the reason. */
  problems: SkippedRule[];
}

const isSch = (el: XmlElement, local?: string) => el.ns === SCHEMATRON_NS && (local === undefined || el.local === local);
const attrOf = (el: XmlElement, name: string): string | null => el.attrs.find((a) => a.ns === null && a.local === name)?.value ?? null;

function readLet(el: XmlElement): Let | string {
  const name = attrOf(el, 'name');
  const value = attrOf(el, 'value');
  if (!name) return 'a <let> without @name';
  if (value === null) return `<let name="${name}"> has content instead of @value (not supported)`;
  return { name, value };
}

function readMessage(el: XmlElement): MsgPart[] {
  const parts: MsgPart[] = [];
  for (const c of el.children) {
    if (c.kind === 'text') parts.push({ t: 'text', text: c.text });
    else if (isSch(c, 'name')) parts.push({ t: 'name', path: attrOf(c, 'path') });
    else if (isSch(c, 'value-of')) parts.push({ t: 'value', select: attrOf(c, 'select') ?? '.' });
    // emph, dir, span and foreign markup: their text is the message.
    else parts.push(...readMessage(c));
  }
  return parts;
}

/** Replaces `$param` by its value (ISO abstract patterns are macros over the text of the expressions). */
function substitute(expr: string, params: Map<string, string>): string {
  if (!params.size) return expr;
  return expr.replace(/\$([A-Za-z_][\w.-]*)/g, (m, name: string) => params.get(name) ?? m);
}

function readRule(el: XmlElement, abstractRules: Map<string, XmlElement>, params: Map<string, string>, seen = new Set<string>()): Omit<Rule, 'id' | 'context' | 'role' | 'flag'> {
  const lets: Let[] = [];
  const checks: Check[] = [];
  let problem: string | null = null;
  for (const c of childElements(el)) {
    if (!isSch(c)) continue;
    if (c.local === 'let') {
      const l = readLet(c);
      if (typeof l === 'string') problem ??= l;
      else lets.push({ name: l.name, value: substitute(l.value, params) });
    } else if (c.local === 'assert' || c.local === 'report') {
      const message = readMessage(c).map((p): MsgPart =>
        p.t === 'value' ? { t: 'value', select: substitute(p.select, params) } : p.t === 'name' && p.path ? { t: 'name', path: substitute(p.path, params) } : p,
      );
      checks.push({ kind: c.local, test: substitute(attrOf(c, 'test') ?? 'true()', params), id: attrOf(c, 'id'), role: attrOf(c, 'role'), flag: attrOf(c, 'flag'), message });
    } else if (c.local === 'extends') {
      const ref = attrOf(c, 'rule');
      const target = ref ? abstractRules.get(ref) : undefined;
      if (!ref || !target || seen.has(ref)) {
        problem ??= `<extends rule="${ref ?? ''}"> names no abstract rule`;
        continue;
      }
      const inner = readRule(target, abstractRules, params, new Set([...seen, ref]));
      lets.push(...inner.lets);
      checks.push(...inner.checks);
      problem ??= inner.problem;
    }
  }
  return { lets, checks, problem };
}

/**
 * Collects the Schematron of a schema: a RELAX NG grammar with embedded `sch:` elements (anywhere, as
 * ExtractSchFromRNG does) or a Schematron schema document.
 */
export function extractSchematron(schemaText: string): SchematronSchema {
  const doc = parseXml(schemaText);
  const namespaces: SchematronSchema['namespaces'] = [];
  const lets: Let[] = [];
  const patternEls: XmlElement[] = [];
  const abstractRules = new Map<string, XmlElement>();
  const abstractPatterns = new Map<string, XmlElement>();
  const problems: SkippedRule[] = [];

  const visit = (el: XmlElement) => {
    if (isSch(el)) {
      if (el.local === 'ns') {
        const prefix = attrOf(el, 'prefix');
        const uri = attrOf(el, 'uri');
        if (prefix && uri && !namespaces.some((n) => n.prefix === prefix)) namespaces.push({ prefix, uri });
        return;
      }
      if (el.local === 'let' && !(el.parent && isSch(el.parent, 'pattern')) && !(el.parent && isSch(el.parent, 'rule'))) {
        const l = readLet(el);
        if (typeof l === 'string') problems.push({ ruleId: '(schema)', context: '', reason: l });
        else lets.push(l);
        return;
      }
      if (el.local === 'pattern') {
        if (attrOf(el, 'abstract') === 'true') abstractPatterns.set(attrOf(el, 'id') ?? '', el);
        else patternEls.push(el);
        for (const r of childElements(el)) if (isSch(r, 'rule') && attrOf(r, 'abstract') === 'true') abstractRules.set(attrOf(r, 'id') ?? '', r);
        return;
      }
      if (el.local === 'rules') {
        for (const r of childElements(el)) if (isSch(r, 'rule') && attrOf(r, 'abstract') === 'true') abstractRules.set(attrOf(r, 'id') ?? '', r);
        return;
      }
    }
    for (const c of childElements(el)) visit(c);
  };
  visit(doc.root);

  const patterns: Pattern[] = patternEls.map((p, pi) => {
    let source = p;
    const params = new Map<string, string>();
    const isA = attrOf(p, 'is-a');
    if (isA) {
      const abs = abstractPatterns.get(isA);
      for (const prm of childElements(p)) if (isSch(prm, 'param')) params.set(attrOf(prm, 'name') ?? '', attrOf(prm, 'value') ?? '');
      if (abs) source = abs;
      else problems.push({ ruleId: attrOf(p, 'id') ?? `pattern-${pi + 1}`, context: '', reason: `is-a="${isA}" names no abstract pattern` });
    }
    const patternLets: Let[] = [];
    const rules: Rule[] = [];
    for (const c of childElements(source)) {
      if (!isSch(c)) continue;
      if (c.local === 'let') {
        const l = readLet(c);
        if (typeof l === 'string') problems.push({ ruleId: attrOf(p, 'id') ?? `pattern-${pi + 1}`, context: '', reason: l });
        else patternLets.push({ name: l.name, value: substitute(l.value, params) });
      } else if (c.local === 'rule' && attrOf(c, 'abstract') !== 'true') {
        const body = readRule(c, abstractRules, params);
        const context = attrOf(c, 'context');
        rules.push({
          id: attrOf(c, 'id'),
          context: substitute(context ?? '', params),
          role: attrOf(c, 'role'),
          flag: attrOf(c, 'flag'),
          ...body,
          problem: body.problem ?? (context ? null : 'a <rule> without @context'),
        });
      }
    }
    return { id: attrOf(p, 'id'), lets: patternLets, rules };
  });
  return { namespaces, lets, patterns, problems };
}

/**
 * Severity from ISO's free-text @role (or @flag). teikit's reading: "warning", "warn", "nonfatal",
 * "non-fatal", "caution" → warning; "info", "information", "informational", "note", "hint" → info;
 * anything else, or nothing, → error (a rule the schema states is a rule to obey).
 */
export function severityOfRole(role: string | null): Severity {
  const r = (role ?? '').trim().toLowerCase();
  if (['warning', 'warn', 'nonfatal', 'non-fatal', 'caution'].includes(r)) return 'warning';
  if (['info', 'information', 'informational', 'note', 'hint'].includes(r)) return 'info';
  return 'error';
}

// ---------------------------------------------------------------------------------------------
// Generating the XSLT

const INTERNAL_NS = 'urn:x-teikit:schematron';

const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;').replace(/\r/g, '&#13;');
const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** An XPath string literal. */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface PlannedRule {
  pattern: Pattern;
  patternIndex: number;
  rule: Rule;
  ruleIndex: number;
  ruleId: string;
}

function ruleIdOf(pattern: Pattern, patternIndex: number, rule: Rule, ruleIndex: number): string {
  if (rule.id) return rule.id;
  const p = pattern.id ?? `pattern-${patternIndex + 1}`;
  return pattern.rules.length > 1 ? `${p}/rule-${ruleIndex + 1}` : p;
}

function messageXslt(parts: MsgPart[]): string {
  return parts
    .map((p) =>
      p.t === 'text'
        ? `<xsl:text>${escText(p.text)}</xsl:text>`
        : p.t === 'name'
          ? `<xsl:value-of select="${escAttr(p.path ? `name(${p.path})` : 'name(.)')}"/>`
          : `<xsl:value-of select="${escAttr(p.select)}"/>`,
    )
    .join('');
}

/** One line of output per failure: check number, node path, message (tab-separated). */
function emit(checkNo: number | string, message: string): string {
  return `<xsl:value-of select="(${lit(String(checkNo))}, _tk:path(.), normalize-space(${message}))" separator="&#9;"/><xsl:text>&#10;</xsl:text>`;
}

function letXslt(l: Let): string {
  return `<xsl:variable name="${escAttr(l.name)}" select="${escAttr(l.value)}"/>`;
}

/** Splits an XPath at top-level occurrences of `sep` (outside brackets, parentheses, braces and strings). */
function splitTop(expr: string, sep: '|' | '/'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map((x) => x.trim());
}

/**
 * Which nodes a rule context can match, worked out from its last step, so that teikit offers each
 * pattern only the elements that could match it (found in JavaScript on its own parse of the document)
 * instead of walking the whole tree once per pattern, which is what makes the skeleton slow in SaxonJS.
 * It only narrows what is offered: the rule's own match pattern still decides, so a context read too
 * widely costs time, never a wrong result. `slow`: not analysable, the pattern visits every node the
 * way the skeleton does.
 */
export interface PatternDispatch {
  /** Mode and parameter key, `p<N>`. */
  key: string;
  slow: boolean;
  /** Offer every element. */
  wild: boolean;
  /** Offer the root element. */
  root: boolean;
  /** Offer elements with these expanded names (`Q{uri}local`). */
  names: string[];
  /** Offer elements carrying one of these attributes (`Q{uri}local`, `Q{}local` for no namespace). */
  attrs: string[];
  /** Offer the attributes of elements with these names... */
  attrParents: string[];
  /** ...or of every element. */
  attrAnyParent: boolean;
}

const NCNAME = '[A-Za-z_][\\w.-]*';
const NAMETEST = new RegExp(`^(?:\\*|${NCNAME}:\\*|\\*:${NCNAME}|${NCNAME}(?::${NCNAME})?|Q\\{[^}]*\\}(?:${NCNAME}|\\*))$`);
/** A predicate that is false unless the element has attribute X: `[@X]`, `[@X and …]`, `[starts-with(@X, 'lit')]`. */
const NEEDS_ATTR = new RegExp(`^\\[\\s*(?:@(${NCNAME})\\s*(?:\\]|and\\s)|(?:starts-with|contains|ends-with)\\(\\s*@(${NCNAME})\\s*,\\s*(?:'[^']+'|"[^"]+")\\s*\\)\\s*\\])`);

function analyseContext(context: string, key: string, nsOf: (prefix: string) => string | undefined): PatternDispatch {
  const d: PatternDispatch = { key, slow: false, wild: false, root: false, names: [], attrs: [], attrParents: [], attrAnyParent: false };
  const eqName = (test: string): string | null => {
    if (test.startsWith('Q{')) return test;
    const c = test.indexOf(':');
    if (c < 0) return `Q{}${test}`; // unprefixed names are in no namespace (ISO Schematron, as XSLT)
    const uri = nsOf(test.slice(0, c));
    return uri === undefined ? null : `Q{${uri}}${test.slice(c + 1)}`;
  };
  const step = (s: string) => /^(@|attribute::|child::)?([^[(]+?)\s*((?:\[.*\])?)$/s.exec(s);
  for (const alt of splitTop(context, '|')) {
    const steps = splitTop(alt, '/');
    const m = step(steps[steps.length - 1] ?? '');
    if (!m || !NAMETEST.test(m[2]!)) {
      d.slow = true;
      continue;
    }
    const axis = m[1];
    const test = m[2]!;
    const preds = splitPredicates(m[3] ?? '');
    if (axis === '@' || axis === 'attribute::') {
      const pm = steps.length >= 2 ? step(steps[steps.length - 2]!) : null;
      const parent = pm && !pm[1] && NAMETEST.test(pm[2]!) && !pm[2]!.includes('*') ? eqName(pm[2]!) : null;
      if (parent) d.attrParents.push(parent);
      else d.attrAnyParent = true;
      continue;
    }
    // `/name` (one step below the document node) can only be the root element.
    if (steps.length === 2 && steps[0] === '') {
      d.root = true;
      continue;
    }
    if (test.includes('*')) {
      const needed = test.startsWith('*:') ? null : preds.map((p) => NEEDS_ATTR.exec(p)).find((x) => x);
      if (needed) d.attrs.push(`Q{}${needed[1] ?? needed[2]}`);
      else d.wild = true;
      continue;
    }
    const name = eqName(test);
    if (name === null) d.slow = true;
    else d.names.push(name);
  }
  return d;
}

function splitPredicates(preds: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < preds.length; i++) {
    const c = preds[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === ']' && --depth === 0) out.push(preds.slice(start, i + 1));
  }
  return out;
}

const mergeDispatch = (a: PatternDispatch, b: PatternDispatch): PatternDispatch => ({
  key: a.key,
  slow: a.slow || b.slow,
  wild: a.wild || b.wild,
  root: a.root || b.root,
  names: [...new Set([...a.names, ...b.names])],
  attrs: [...new Set([...a.attrs, ...b.attrs])],
  attrParents: [...new Set([...a.attrParents, ...b.attrParents])],
  attrAnyParent: a.attrAnyParent || b.attrAnyParent,
});

const XS = 'http://www.w3.org/2001/XMLSchema';

/**
 * The stylesheet of one pattern: the schema's namespaces and lets, the pattern's rules as templates of
 * one mode, and a root template that applies them to the elements (`_tk:nodes`) and the attributes of
 * the elements (`_tk:attrs`) teikit offers, or, for a pattern whose contexts teikit cannot read, to
 * every node. Check numbers are local to the pattern, so the same pattern in another schema (a TEI
 * customization) gives the same text, and its compiled form is shared through the cache.
 */
function generatePattern(schema: SchematronSchema, rules: PlannedRule[], slow: boolean, checks: SchCheck[]): string {
  const ns = schema.namespaces.map((n) => ` xmlns:${n.prefix}="${escAttr(n.uri)}"`).join('');
  const out: string[] = [];
  out.push(`<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:_tk="${INTERNAL_NS}"${ns} exclude-result-prefixes="#all">`);
  out.push('<xsl:output method="text"/>');
  out.push(`<xsl:param name="_tk:nodes" as="element()*" select="()"/>`);
  out.push(`<xsl:param name="_tk:attrs" as="element()*" select="()"/>`);
  // The node's place as child-element positions from the root (plus @name for an attribute): teikit maps it to line and column.
  out.push(
    `<xsl:function name="_tk:path" as="Q{${XS}}string"><xsl:param name="n" as="node()"/>` +
      `<xsl:sequence select="string-join($n/ancestor-or-self::*/string(count(preceding-sibling::*) + 1), '/') || (if ($n instance of attribute()) then '/@' || node-name($n) else '')"/></xsl:function>`,
  );
  for (const l of schema.lets) out.push(letXslt(l));
  out.push(`<xsl:mode name="_tk:p" on-no-match="${slow ? 'shallow-skip' : 'deep-skip'}"/>`);
  rules.forEach((pr, k) => {
    const body: string[] = [];
    // Pattern-level lets are evaluated with the document as context, as global ones are.
    for (const l of pr.pattern.lets) body.push(`<xsl:variable name="${escAttr(l.name)}" as="item()*"><xsl:for-each select="root(.)"><xsl:sequence select="${escAttr(l.value)}"/></xsl:for-each></xsl:variable>`);
    for (const l of pr.rule.lets) body.push(letXslt(l));
    for (const c of pr.rule.checks) {
      const no = checks.length;
      const role = c.role ?? c.flag ?? pr.rule.role ?? pr.rule.flag;
      checks.push({ kind: c.kind, test: c.test, severity: severityOfRole(role), role, ruleId: c.id ?? pr.ruleId });
      const cond = c.kind === 'assert' ? `not(${c.test})` : `(${c.test})`;
      // Errors in a let surface where the variable is used, inside this try.
      body.push(
        `<xsl:try><xsl:if test="${escAttr(cond)}"><xsl:variable name="_tk_m" as="Q{${XS}}string"><xsl:value-of>${messageXslt(c.message)}</xsl:value-of></xsl:variable>${emit(no, '$_tk_m')}</xsl:if>` +
          `<xsl:catch>${emit(`E${no}`, "$Q{http://www.w3.org/2005/xqt-errors}code || ': ' || $Q{http://www.w3.org/2005/xqt-errors}description")}</xsl:catch></xsl:try>`,
      );
    }
    // Priorities fall in document order, so a node is handled by the pattern's first matching rule.
    const priority = 1000 + (rules.length - k);
    const recurse = slow ? `<xsl:apply-templates select="@*|node()" mode="#current"/>` : '';
    out.push(`<xsl:template match="${escAttr(pr.rule.context)}" priority="${priority}" mode="_tk:p">${body.join('')}${recurse}</xsl:template>`);
  });
  out.push(
    slow
      ? `<xsl:template match="/"><xsl:apply-templates select="." mode="_tk:p"/></xsl:template>`
      : `<xsl:template match="/"><xsl:apply-templates select="$_tk:nodes" mode="_tk:p"/><xsl:apply-templates select="$_tk:attrs/@*" mode="_tk:p"/></xsl:template>`,
  );
  out.push('</xsl:stylesheet>');
  return out.join('\n');
}

/** `Q{uri}local` as namespace ('' for none) and local name; a local name has no `}`. */
function splitEqName(eqName: string): { ns: string; local: string } {
  const close = eqName.lastIndexOf('}');
  return { ns: eqName.slice(2, close), local: eqName.slice(close + 1) };
}

/**
 * Where each pattern's offers go, by what an element must have: a name, an attribute, attributes at all,
 * or nothing (wild); made once per list of dispatches. Slot 2i collects pattern i's elements, 2i+1 the
 * elements whose attributes it is offered.
 */
interface OfferPlan {
  /** Local name, then namespace ('' for none) → slots. */
  byName: Map<string, Map<string, number[]>>;
  byAttr: Map<string, Map<string, number[]>>;
  attrsByName: Map<string, Map<string, number[]>>;
  wild: number[];
  root: number[];
  attrsAny: number[];
  /** By `shapeOf` (length and first character): names no slot can be for are passed over without a map lookup. */
  names: Uint8Array;
  attrNames: Uint8Array;
}

/** A name's length (up to 31) and first character (its low 7 bits): a cheap filter before a map lookup. */
const shapeOf = (name: string) => (Math.min(name.length, 31) << 7) | (name.charCodeAt(0) & 127);

const offerPlans = new WeakMap<readonly PatternDispatch[], OfferPlan>();

function offerPlan(dispatch: readonly PatternDispatch[]): OfferPlan {
  let plan = offerPlans.get(dispatch);
  if (plan) return plan;
  plan = { byName: new Map(), byAttr: new Map(), attrsByName: new Map(), wild: [], root: [], attrsAny: [], names: new Uint8Array(32 << 7), attrNames: new Uint8Array(32 << 7) };
  const add = (into: Map<string, Map<string, number[]>>, eqName: string, slot: number) => {
    const { ns, local } = splitEqName(eqName);
    (into === plan!.byAttr ? plan!.attrNames : plan!.names)[shapeOf(local)] = 1;
    let byNs = into.get(local);
    if (!byNs) into.set(local, (byNs = new Map()));
    const slots = byNs.get(ns);
    if (!slots) byNs.set(ns, [slot]);
    else if (!slots.includes(slot)) slots.push(slot);
  };
  dispatch.forEach((d, i) => {
    if (d.wild) plan!.wild.push(2 * i);
    else {
      for (const n of d.names) add(plan!.byName, n, 2 * i);
      for (const a of d.attrs) add(plan!.byAttr, a, 2 * i);
      if (d.root) plan!.root.push(2 * i);
    }
    if (d.attrAnyParent) plan!.attrsAny.push(2 * i + 1);
    else for (const p of d.attrParents) add(plan!.attrsByName, p, 2 * i + 1);
  });
  offerPlans.set(dispatch, plan);
  return plan;
}

/**
 * Positions (1-based, among all elements in document order) of what each fast pattern is offered, found
 * in one pass over the elements and their attributes (each position is pushed in ascending order, so a
 * list needs no sorting, and a repeat is the list's last entry).
 */
export function candidates(dispatch: readonly PatternDispatch[], doc: XmlDocument): { cand: Record<string, number[]>; count: number } {
  const plan = offerPlan(dispatch);
  const els = doc.elements;
  const slots: number[][] = [];
  for (let s = 0; s < 2 * dispatch.length; s++) slots.push([]);
  const offer = (list: readonly number[] | undefined, pos: number) => {
    if (!list) return;
    for (let j = 0; j < list.length; j++) {
      const out = slots[list[j]!]!;
      if (out[out.length - 1] !== pos) out.push(pos);
    }
  };
  const { byName, byAttr, attrsByName, wild, root, attrsAny, names, attrNames } = plan;
  for (let k = 0; k < els.length; k++) {
    const el = els[k]!;
    const pos = k + 1;
    if (k === 0) offer(root, pos);
    offer(wild, pos);
    const named = names[shapeOf(el.local)] === 1;
    if (named) {
      const local = byName.get(el.local);
      if (local) offer(local.get(el.ns ?? ''), pos);
    }
    const attrs = el.attrs;
    if (attrs.length === 0) continue;
    offer(attrsAny, pos);
    if (named) {
      const parents = attrsByName.get(el.local);
      if (parents) offer(parents.get(el.ns ?? ''), pos);
    }
    if (byAttr.size === 0) continue;
    for (let j = 0; j < attrs.length; j++) {
      const a = attrs[j]!;
      if (attrNames[shapeOf(a.local)] !== 1) continue;
      const holders = byAttr.get(a.local);
      if (holders) offer(holders.get(a.ns ?? ''), pos);
    }
  }
  const cand: Record<string, number[]> = {};
  dispatch.forEach((d, i) => {
    if (slots[2 * i]!.length) cand[d.key] = slots[2 * i]!;
    if (slots[2 * i + 1]!.length) cand[`a${d.key.slice(1)}`] = slots[2 * i + 1]!;
  });
  return { cand, count: els.length };
}

function plan(schema: SchematronSchema): { runnable: PlannedRule[]; skipped: SkippedRule[] } {
  const runnable: PlannedRule[] = [];
  const skipped: SkippedRule[] = [...schema.problems];
  schema.patterns.forEach((pattern, patternIndex) =>
    pattern.rules.forEach((rule, ruleIndex) => {
      const ruleId = ruleIdOf(pattern, patternIndex, rule, ruleIndex);
      if (rule.problem) skipped.push({ ruleId, context: rule.context, reason: rule.problem });
      else runnable.push({ pattern, patternIndex, rule, ruleIndex, ruleId });
    }),
  );
  return { runnable, skipped };
}

/**
 * Prepares a schema's Schematron: one stylesheet per pattern, not yet compiled (`compilePattern` does
 * that, and the caller caches it), so a document pays only for the patterns it needs.
 */
export async function compileSchematron(schemaText: string): Promise<CompiledSchematron> {
  const schema = extractSchematron(schemaText);
  const { runnable, skipped } = plan(schema);
  const nsOf = (prefix: string) => (prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : schema.namespaces.find((n) => n.prefix === prefix)?.uri);
  const byPattern = new Map<number, PlannedRule[]>();
  for (const pr of runnable) {
    let list = byPattern.get(pr.patternIndex);
    if (!list) byPattern.set(pr.patternIndex, (list = []));
    list.push(pr);
  }
  const patterns: CompiledPattern[] = [];
  for (const [pi, rules] of byPattern) {
    const key = `p${pi}`;
    const d = rules.map((r) => analyseContext(r.rule.context, key, nsOf)).reduce(mergeDispatch);
    const checks: SchCheck[] = [];
    const xslt = generatePattern(schema, rules, d.slow, checks);
    // Numbered as generatePattern numbers them: the checks of the rules in order.
    let no = 0;
    const source: PatternSource = {
      lets: rules[0]!.pattern.lets,
      rules: rules.map((r) => ({ context: r.rule.context, lets: r.rule.lets, checks: r.rule.checks.map((c) => ({ no: no++, test: c.test, message: c.message })) })),
    };
    patterns.push({ key, xslt, id: sha256(`${STYLESHEET_FORMAT}\n${xslt}`), dispatch: d.slow ? null : d, checks, rules: rules.map((r) => ({ ruleId: r.ruleId, context: r.rule.context })), source });
  }
  const rules: SchRuleInfo[] = runnable.map((r) => ({ ruleId: r.ruleId, pattern: r.pattern.id ?? `pattern-${r.patternIndex + 1}`, context: r.rule.context }));
  return { format: SCHEMATRON_FORMAT, namespaces: schema.namespaces, lets: schema.lets, patterns, rules, skipped };
}

/** Compiles one pattern's stylesheet; a pattern SaxonJS rejects is reported, not thrown. */
export async function compilePattern(pattern: CompiledPattern, saxon: SaxonJsApi): Promise<PatternSef> {
  if (pattern.xslt === null) throw new Error(`internal: pattern ${pattern.key} has no stylesheet to compile`);
  try {
    return { sef: await saxon.compileXslt(pattern.xslt) };
  } catch (err) {
    return { error: firstLine(err) };
  }
}

/** In-memory compiles for callers that keep no cache (tests, one-off use): once per pattern text. */
const compiledHere = new Map<string, Promise<PatternSef>>();
const compileInMemory: PatternCompiler = (pattern, saxon) => {
  let p = compiledHere.get(pattern.id);
  if (!p) compiledHere.set(pattern.id, (p = compilePattern(pattern, saxon)));
  return p;
};

function firstLine(err: unknown): string {
  const e = err as { message?: string; code?: string };
  return `${e.code ? e.code + ': ' : ''}${(e.message ?? String(err)).split('\n')[0]}`;
}

// ---------------------------------------------------------------------------------------------
// Running it

/** The element (or attribute) a path from the stylesheet names, as a source position. */
function locate(doc: XmlDocument, path: string): { line: number; column: number } | null {
  const steps = path.split('/').filter(Boolean);
  let el: XmlElement | null = null;
  let offset: number | null = null;
  for (const step of steps) {
    if (step.startsWith('@')) {
      const name = step.slice(1);
      const a = el?.attrs.find((x) => x.name === name || x.local === name.replace(/^.*:/, ''));
      if (a) offset = a.offset;
      break;
    }
    const n = Number(step);
    const next: XmlElement | undefined = el === null ? (n === 1 ? doc.root : undefined) : childElements(el)[n - 1];
    if (!next) return null;
    el = next;
    offset = next.start;
  }
  if (offset === null) offset = doc.root.start;
  return doc.position(offset);
}

/** The fast patterns' dispatches of a schema's rules, one list per CompiledSchematron (its plan is cached by it). */
const dispatches = new WeakMap<CompiledSchematron, PatternDispatch[]>();
function dispatchOf(compiled: CompiledSchematron): PatternDispatch[] {
  let d = dispatches.get(compiled);
  if (!d) dispatches.set(compiled, (d = compiled.patterns.flatMap((p) => (p.dispatch ? [p.dispatch] : []))));
  return d;
}

/**
 * Runs compiled rules on one document (already known to be well-formed). Every failed assert or
 * successful report is a diagnostic at the node it fired on; a check that raised an XPath error
 * on this document is reported as a warning naming the rule, never passed silently. Only the patterns
 * some node of the document could match are run: by teikit's XPath evaluator where it can (unless
 * `options.native` is false), else compiled (through `compile`) and run by SaxonJS on one parse of it.
 */
export async function runSchematron(
  compiled: CompiledSchematron,
  docText: string,
  file: string,
  saxon?: SaxonJsApi | (() => Promise<SaxonJsApi>),
  parsed?: XmlDocument,
  compile: PatternCompiler = compileInMemory,
  options: { native?: boolean } = {},
): Promise<Diagnostic[]> {
  const skippedDiag = (s: SkippedRule) =>
    diagnostic({ file, severity: 'info', source: 'schematron', code: 'schematron.rule-skipped', rule: s.ruleId, message: `Schematron rule ${s.ruleId}${s.context ? ` (context ${s.context})` : ''} was not checked: ${s.reason}` });
  const out: Diagnostic[] = compiled.skipped.map(skippedDiag);
  const doc = parsed ?? parseXml(docText);
  const { cand, count } = candidates(dispatchOf(compiled), doc);
  // A pattern none of whose contexts can match an element of the document cannot fire (exact: the offer
  // is a superset of what each rule matches), so it is neither compiled nor run; with none left, SaxonJS
  // is not even loaded.
  let needed = compiled.patterns.filter((p) => !p.dispatch || cand[p.key] || cand[`a${p.key.slice(1)}`]);
  // teikit's own XPath evaluator first; SaxonJS only for the patterns it refuses.
  if (options.native !== false && nativeEligible(docText)) {
    const xpathText = forXPath(docText);
    const native = new NativeRules(compiled, xpathText === docText ? doc : parseXml(xpathText));
    needed = needed.filter((p) => {
      const found = native.run(p, cand, file);
      if (found === null) return true;
      for (const d of found) out.push(d);
      return false;
    });
  }
  if (!needed.length) return out;
  const sx = typeof saxon === 'function' ? await saxon() : (saxon ?? (await loadSaxon()));
  const sefs = await Promise.all(needed.map((p) => compile(p, sx)));
  const source = await sx.parse(docText);
  // SaxonJS sees other elements than teikit's parse when a DTD declares entities: then every element is offered.
  const same = source.elements.length === count;
  const pick = (key: string) => (same ? (cand[key] ?? []).map((i) => source.elements[i - 1]) : source.elements);
  for (const [k, p] of needed.entries()) {
    const r = sefs[k]!;
    if ('error' in r) {
      for (const rule of p.rules) out.push(skippedDiag({ ...rule, reason: `SaxonJS cannot compile it: ${r.error}` }));
      continue;
    }
    const params = p.dispatch ? { [`Q{${INTERNAL_NS}}nodes`]: pick(p.key), [`Q{${INTERNAL_NS}}attrs`]: p.dispatch.attrAnyParent || p.dispatch.attrParents.length ? pick(`a${p.key.slice(1)}`) : [] } : {};
    const text = await sx.run(r.sef, source, params);
    for (const line of text.split('\n')) {
      if (!line) continue;
      const [key, path, message] = line.split('\t') as [string, string, string | undefined];
      const isError = key.startsWith('E');
      const check = p.checks[Number(isError ? key.slice(1) : key)];
      if (!check) continue;
      const pos = locate(doc, path);
      out.push(
        isError
          ? diagnostic({ file, line: pos?.line ?? null, column: pos?.column ?? null, severity: 'warning', source: 'schematron', code: 'schematron.rule-error', rule: check.ruleId, message: `Schematron rule ${check.ruleId} could not be evaluated here (${message ?? ''}); check this node by hand against: ${check.test}` })
          : diagnostic({ file, line: pos?.line ?? null, column: pos?.column ?? null, severity: check.severity, source: 'schematron', code: check.kind === 'assert' ? 'schematron.assert' : 'schematron.report', rule: check.ruleId, message: message ?? '' }),
      );
    }
  }
  return out;
}

/**
 * Runs patterns with teikit's XPath evaluator (xpath.ts) on its own parse of the document, with the
 * semantics of the generated stylesheets: each offered element, then each attribute of the offered
 * elements, is handled by the first rule whose context it matches; lets are evaluated lazily, pattern
 * and schema lets with the document node as context; a message is its parts concatenated, then
 * whitespace-normalized. A pattern the evaluator refuses anywhere gives null, to be run by SaxonJS.
 */
/** Per part and pattern id: null when its expressions type-check, else why not. */
const typeChecked = new Map<string, XPathUnsupported | null>();

class NativeRules {
  private readonly xdoc: XPathDocument;
  /** Every element in document order: the order of the candidates' positions. */
  private readonly elements: readonly XmlElement[];
  private readonly parse: (expr: string) => Expr;
  private readonly globals: Scope;

  constructor(
    private readonly compiled: CompiledSchematron,
    private readonly doc: XmlDocument,
  ) {
    // The element index is built only if a descendant step needs it.
    this.xdoc = new XPathDocument(doc);
    this.elements = doc.elements;
    const ns = new Map(compiled.namespaces.map((n) => [n.prefix, n.uri]));
    this.parse = xpathParser((prefix) => ns.get(prefix), JSON.stringify(compiled.namespaces));
    this.globals = this.scope(null, compiled.lets, this.xdoc.docNode);
  }

  private scope(parent: Scope | null, lets: readonly Let[], context: XNode): Scope {
    const defs = new Map<string, () => Item[]>();
    for (const l of lets) {
      const e = this.parse(l.value);
      // Later lets see earlier ones: each is evaluated in the scope that holds them all.
      defs.set(l.name, () => evaluate(e, { xdoc: this.xdoc, scope: inner, current: context }, context));
    }
    const inner: Scope = new Scope(parent, defs);
    return inner;
  }

  /**
   * Type-checks a pattern's expressions as SaxonJS does when compiling (see staticType), with each let
   * typed from its expression: the rule contexts (`contexts`), or everything (`all`), needed only once a
   * node matches. Once per pattern and process.
   */
  private typeCheck(p: CompiledPattern, part: 'contexts' | 'all'): void {
    const key = `${part}\0${p.id}`;
    let known = typeChecked.get(key);
    if (known === undefined) {
      try {
        const vars = new Map<string, StaticType>();
        const bind = (lets: readonly Let[], into: Map<string, StaticType>) => lets.forEach((l) => into.set(l.name, staticType(this.parse(l.value), into)));
        bind(this.compiled.lets, vars);
        bind(p.source.lets, vars);
        for (const r of p.source.rules) {
          staticType(this.parse(r.context), vars);
          if (part === 'contexts') continue;
          const inRule = new Map(vars);
          bind(r.lets, inRule);
          for (const c of r.checks) {
            staticType(this.parse(c.test), inRule);
            for (const m of c.message) if (m.t !== 'text') staticType(this.parse(m.t === 'name' ? `name(${m.path ?? '.'})` : m.select), inRule);
          }
        }
        known = null;
      } catch (err) {
        if (!(err instanceof XPathUnsupported)) throw err;
        known = err;
      }
      typeChecked.set(key, known);
    }
    if (known) throw known;
  }

  run(p: CompiledPattern, cand: Record<string, number[]>, file: string): Diagnostic[] | null {
    if (!p.dispatch) return null;
    try {
      this.typeCheck(p, 'contexts');
      const contexts = p.source.rules.map((r) => {
        const e = this.parse(r.context);
        checkPattern(e);
        return e;
      });
      const patternScope = this.scope(this.globals, p.source.lets, this.xdoc.docNode);
      const found: Diagnostic[] = [];
      // Each rule's tests, parsed once the first node matches (after the type check, which parses them all).
      let tests: Expr[][] | null = null;
      // One context for every node offered (evaluation never keeps it): `current` is the node.
      const matchCtx = { xdoc: this.xdoc, scope: patternScope, current: this.xdoc.docNode as XNode };
      const visit = (node: XNode) => {
        matchCtx.current = node;
        let k = 0;
        while (k < contexts.length && !matchesPattern(contexts[k]!, node, matchCtx)) k++;
        if (k === contexts.length) return;
        if (!tests) {
          this.typeCheck(p, 'all');
          tests = p.source.rules.map((r) => r.checks.map((c) => this.parse(c.test)));
        }
        const rule = p.source.rules[k]!;
        const ctx = rule.lets.length ? { xdoc: this.xdoc, scope: this.scope(patternScope, rule.lets, node), current: node } : matchCtx;
        const ruleTests = tests[k]!;
        for (let n = 0; n < rule.checks.length; n++) {
          const c = rule.checks[n]!;
          const check = p.checks[c.no]!;
          const holds = evaluateTruth(ruleTests[n]!, ctx, node);
          if (holds === (check.kind === 'assert')) continue;
          const message = normalizeSpace(c.message.map((part) => this.messagePart(part, ctx, node)).join(''));
          const at = this.doc.position(node.kind === 'attribute' ? node.attr.offset : node.kind === 'element' ? node.start : this.doc.root.start);
          found.push(diagnostic({ file, line: at.line, column: at.column, severity: check.severity, source: 'schematron', code: check.kind === 'assert' ? 'schematron.assert' : 'schematron.report', rule: check.ruleId, message }));
        }
      };
      // The elements offered, then the attributes of those offered theirs (the order the stylesheet applies templates in).
      for (const i of cand[p.key] ?? []) visit(this.elements[i - 1]!);
      if (p.dispatch.attrAnyParent || p.dispatch.attrParents.length) {
        for (const i of cand[`a${p.key.slice(1)}`] ?? []) for (const a of this.xdoc.attributes(this.elements[i - 1]!)) visit(a);
      }
      return found;
    } catch (err) {
      if (err instanceof XPathUnsupported) return null;
      throw err;
    }
  }

  private messagePart(part: MsgPart, ctx: { xdoc: XPathDocument; scope: Scope; current: XNode }, node: XNode): string {
    if (part.t === 'text') return part.text;
    const select = part.t === 'name' ? `name(${part.path ?? '.'})` : part.select;
    // xsl:value-of: each item's string value, joined by single spaces.
    return evaluate(this.parse(select), ctx, node)
      .map((i) => ('kind' in i ? stringValue(i) : atomicString(i)))
      .join(' ');
  }
}
