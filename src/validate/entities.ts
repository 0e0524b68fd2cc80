import { diagnostic, type Diagnostic } from '../diagnostic.js';

/**
 * Limits on what a document may make teikit do. The defaults follow libxml2 without XML_PARSE_HUGE, the
 * parser xmllint-wasm runs: a document within them passes through every engine teikit uses, and one
 * outside them is refused here with a clear message instead of failing later in an engine.
 */
export interface DocumentLimits {
  /** Characters that entity references may add to a document, counting 20 per reference (libxml2 charges a fixed cost too). */
  maxEntityExpansion: number;
  /** Entities referring to entities referring to entities... */
  maxEntityDepth: number;
  /** Element nesting: libxml2 stops at 256 without XML_PARSE_HUGE, and SaxonJS recurses per level. */
  maxElementDepth: number;
  /** One attribute value or one run of text between two tags (libxml2's XML_MAX_TEXT_LENGTH). */
  maxTextLength: number;
}

export const DEFAULT_LIMITS: DocumentLimits = {
  maxEntityExpansion: 10_000_000,
  maxEntityDepth: 40,
  maxElementDepth: 256,
  maxTextLength: 10_000_000,
};

/** Fixed cost of one entity reference in the expansion budget, so a bomb of empty entities stops too. */
const REFERENCE_COST = 20;
/** After this many errors in one document the rest are noise. */
const MAX_ERRORS = 20;

const PREDEFINED = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);
/** HTML entities that often end up in TEI pasted from the web, with the character to use instead. */
const HTML_HINTS: Record<string, string> = {
  nbsp: '&#160;', mdash: '&#8212;', ndash: '&#8211;', hellip: '&#8230;', copy: '&#169;', laquo: '&#171;', raquo: '&#187;',
  ldquo: '&#8220;', rdquo: '&#8221;', lsquo: '&#8216;', rsquo: '&#8217;', shy: '&#173;', eacute: 'é or &#233;', uuml: 'ü or &#252;',
};

const NAME_START = '[:A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}]';
const NAME_CHAR = `(?:${NAME_START}|[-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040])`;
const NAME = `${NAME_START}${NAME_CHAR}*`;
/** A reference at lastIndex: `&name;`, `&#123;` or `&#x1F;` (sticky, so long texts are never sliced). */
const REF_RE = new RegExp(`&(?:(${NAME})|#([0-9]+)|#x([0-9A-Fa-f]+));`, 'uy');

function referenceAt(s: string, at: number): RegExpExecArray | null {
  REF_RE.lastIndex = at;
  return REF_RE.exec(s);
}

interface Entity {
  name: string;
  /** Replacement text of an internal entity (character references already expanded), or null for an external one. */
  value: string | null;
  systemId: string | null;
  publicId: string | null;
  notation: string | null;
  /** Where it was declared, for messages. */
  line: number;
}

export type Expanded = { ok: true; text: string; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Line and column of offsets in a text, computed forward from the last question (diagnostics come in document order). */
class Locator {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  constructor(private readonly text: string) {}
  at(offset: number): { line: number; column: number } {
    if (offset < this.pos) (this.pos = 0), (this.line = 1), (this.lineStart = 0);
    for (let nl = this.text.indexOf('\n', this.pos); nl !== -1 && nl < offset; nl = this.text.indexOf('\n', nl + 1)) {
      this.line++;
      this.lineStart = nl + 1;
    }
    this.pos = offset;
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

class Stop extends Error {}

/** Is the code point allowed in XML 1.0 (Char production)? */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Makes a document safe and uniform for every downstream parser (fast-xml-parser, libxml2, SaxonJS):
 * - the DOCTYPE is parsed and then blanked (its newlines kept, so line numbers stay), so no parser sees an
 *   external DTD or subset to act on;
 * - internal general entities are expanded in place, within `limits`; external ones (SYSTEM/PUBLIC) are
 *   refused and never read; undeclared ones are reported with what to write instead;
 * - character references to characters XML forbids, elements nested deeper than the limit and oversized
 *   attribute values or text runs are reported with their line and column.
 * Expansions never add a line: a newline in replacement text becomes `&#10;` in text and a space in markup,
 * so every line number a later checker reports is a line of the file. Columns after an expansion on the
 * same line shift by the expansion's length.
 */
export function prepareDocument(file: string, text: string, limits: DocumentLimits = DEFAULT_LIMITS): Expanded {
  return new Preparer(file, text, limits).run();
}

class Preparer {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly entities = new Map<string, Entity>();
  private readonly parameterEntities = new Map<string, Entity>();
  private readonly loc: Locator;
  private budget: number;
  private readonly contentMemo = new Map<string, string>();
  private readonly attrMemo = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly limits: DocumentLimits,
  ) {
    this.loc = new Locator(text);
    this.budget = limits.maxEntityExpansion;
  }

  private error(offset: number, code: string, message: string, where: Locator = this.loc): void {
    const { line, column } = where.at(offset);
    this.diagnostics.push(diagnostic({ file: this.file, line, column, severity: 'error', source: 'xml', code, message }));
    if (this.diagnostics.length >= MAX_ERRORS) throw new Stop();
  }

  run(): Expanded {
    let out: string;
    try {
      const doctype = this.findDoctype();
      let body = this.text;
      let bodyStart = 0;
      let head = '';
      if (doctype) {
        this.parseDoctype(doctype.start, doctype.end);
        // Blank the DOCTYPE but keep its line breaks: no downstream parser sees a DTD, lines stay put.
        head = this.text.slice(0, doctype.start) + this.text.slice(doctype.start, doctype.end).replace(/[^\r\n]/g, ' ');
        bodyStart = doctype.end;
        body = this.text;
      }
      if (this.diagnostics.length) return { ok: false, diagnostics: this.diagnostics };
      const rest = this.scanDocument(body, bodyStart);
      out = doctype ? head + rest : rest;
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      return { ok: false, diagnostics: this.diagnostics };
    }
    return this.diagnostics.length ? { ok: false, diagnostics: this.diagnostics } : { ok: true, text: out, diagnostics: [] };
  }

  /** The DOCTYPE declaration in the prolog, if any: its start and the offset just after its `>`. */
  private findDoctype(): { start: number; end: number } | null {
    const t = this.text;
    let i = 0;
    // The prolog holds only the XML declaration, comments, PIs and white space before the DOCTYPE.
    for (;;) {
      while (i < t.length && /\s/.test(t[i]!)) i++;
      if (t.startsWith('<?', i)) {
        const e = t.indexOf('?>', i + 2);
        if (e < 0) return null;
        i = e + 2;
      } else if (t.startsWith('<!--', i)) {
        const e = t.indexOf('-->', i + 4);
        if (e < 0) return null;
        i = e + 3;
      } else break;
    }
    if (!t.startsWith('<!DOCTYPE', i)) return null;
    const start = i;
    i += 9;
    // Skip the name and external id (quoted literals may hold '[' or '>'), then the internal subset.
    for (; i < t.length; i++) {
      const c = t[i]!;
      if (c === '"' || c === "'") {
        const e = t.indexOf(c, i + 1);
        if (e < 0) break;
        i = e;
      } else if (c === '[') {
        const end = this.skipSubset(i + 1);
        if (end < 0) break;
        i = end;
      } else if (c === '>') return { start, end: i + 1 };
    }
    this.error(start, 'xml.doctype', 'the DOCTYPE declaration is never closed; end it with "]>" (with an internal subset) or ">"');
    throw new Stop();
  }

  /** Offset of the `]` closing the internal subset that starts at `i`, or -1. */
  private skipSubset(i: number): number {
    const t = this.text;
    while (i < t.length) {
      const c = t[i]!;
      if (c === ']') return i;
      if (t.startsWith('<!--', i)) {
        const e = t.indexOf('-->', i + 4);
        if (e < 0) return -1;
        i = e + 3;
      } else if (t.startsWith('<?', i)) {
        const e = t.indexOf('?>', i + 2);
        if (e < 0) return -1;
        i = e + 2;
      } else if (c === '<') {
        // A markup declaration: up to its '>', quoted literals included.
        i++;
        while (i < t.length && t[i] !== '>') {
          if (t[i] === '"' || t[i] === "'") {
            const e = t.indexOf(t[i]!, i + 1);
            if (e < 0) return -1;
            i = e;
          }
          i++;
        }
        i++;
      } else i++;
    }
    return -1;
  }

  private parseDoctype(start: number, end: number): void {
    const t = this.text;
    const open = t.indexOf('[', start);
    const close = t.lastIndexOf(']', end);
    if (open < 0 || open > end || close < open) return;
    this.parseSubset(t.slice(open + 1, close), open + 1, 0, new Locator(t));
  }

  /**
   * Reads the declarations of an internal subset. `base` is the subset's offset in the document (for
   * messages); text from a parameter entity is parsed with positions of the reference.
   */
  private parseSubset(s: string, base: number, depth: number, where: Locator, refOffset: number | null = null): void {
    const at = (i: number) => refOffset ?? base + i;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (s.startsWith('<!--', i)) {
        const e = s.indexOf('-->', i + 4);
        i = e < 0 ? s.length : e + 3;
        continue;
      }
      if (s.startsWith('<?', i)) {
        const e = s.indexOf('?>', i + 2);
        i = e < 0 ? s.length : e + 2;
        continue;
      }
      if (c === '%') {
        const m = /^%([^;\s]+);/.exec(s.slice(i, i + 200));
        const pe = m ? this.parameterEntities.get(m[1]!) : undefined;
        if (!m) {
          this.error(at(i), 'xml.doctype', 'a "%" in the DOCTYPE must start a parameter entity reference such as %name;', where);
          i++;
          continue;
        }
        if (!pe) {
          this.error(at(i), 'xml.undeclared-entity', `parameter entity %${m[1]}; is not declared before its use in the DOCTYPE`, where);
        } else if (pe.value === null) {
          this.error(at(i), 'xml.external-entity', `parameter entity %${m[1]}; points to an external file (${describeExternal(pe)}, declared on line ${pe.line}); teikit never reads files or URLs a document names: copy the declarations you need into the DOCTYPE`, where);
        } else if (depth >= this.limits.maxEntityDepth) {
          this.error(at(i), 'xml.entity-limit', `parameter entities nest more than ${this.limits.maxEntityDepth} deep (at %${m[1]};)`, where);
        } else {
          this.charge(at(i), pe.value.length, `%${m[1]};`, where);
          this.parseSubset(pe.value, 0, depth + 1, where, at(i));
              }
        i += m[0].length;
        continue;
      }
      if (s.startsWith('<![', i)) {
        this.error(at(i), 'xml.doctype', 'conditional sections (<![INCLUDE[ … ]]>) are not allowed in the internal subset of a DOCTYPE', where);
        return;
      }
      if (s.startsWith('<!ENTITY', i)) {
        const end = this.declarationEnd(s, i);
        if (end < 0) {
          this.error(at(i), 'xml.doctype', 'an <!ENTITY declaration is never closed with ">"', where);
          return;
        }
        this.parseEntityDecl(s.slice(i, end + 1), at(i), where);
        i = end + 1;
        continue;
      }
      if (c === '<') {
        // ELEMENT, ATTLIST, NOTATION: teikit validates with RELAX NG, so these are skipped (and blanked).
        const end = this.declarationEnd(s, i);
        if (end < 0) {
          this.error(at(i), 'xml.doctype', 'a markup declaration in the DOCTYPE is never closed with ">"', where);
          return;
        }
        i = end + 1;
        continue;
      }
      this.error(at(i), 'xml.doctype', `unexpected "${c}" in the DOCTYPE's internal subset; only declarations such as <!ENTITY name "text"> belong there`, where);
      return;
    }
  }

  /** Offset of the `>` ending the declaration starting at `i` (quoted literals may contain `>`), or -1. */
  private declarationEnd(s: string, i: number): number {
    for (let k = i + 2; k < s.length; k++) {
      const c = s[k]!;
      if (c === '"' || c === "'") {
        const e = s.indexOf(c, k + 1);
        if (e < 0) return -1;
        k = e;
      } else if (c === '>') return k;
    }
    return -1;
  }

  private parseEntityDecl(decl: string, offset: number, where: Locator): void {
    const m = new RegExp(
      `^<!ENTITY\\s+(%\\s+)?(${NAME})\\s+(?:"([^"]*)"|'([^']*)'|(?:SYSTEM\\s+(?:"([^"]*)"|'([^']*)')|PUBLIC\\s+(?:"([^"]*)"|'([^']*)')\\s+(?:"([^"]*)"|'([^']*)'))(?:\\s+NDATA\\s+(${NAME}))?)\\s*>$`,
      'u',
    ).exec(decl);
    if (!m) {
      this.error(offset, 'xml.doctype', `malformed entity declaration ${abbreviate(decl)}; write <!ENTITY name "replacement text">`, where);
      return;
    }
    const isParameter = Boolean(m[1]);
    const name = m[2]!;
    const literal = m[3] ?? m[4];
    const line = where.at(offset).line;
    let value: string | null = null;
    if (literal !== undefined) {
      if (/%/.test(literal)) {
        this.error(offset, 'xml.doctype', `the value of entity ${name} contains "%": parameter entity references are not allowed inside declarations in the internal subset`, where);
        return;
      }
      value = this.expandCharRefs(literal.replace(/\r\n?/g, '\n'), offset, name, where);
      if (value === null) return;
    }
    const entity: Entity = { name, value, systemId: m[5] ?? m[6] ?? m[9] ?? m[10] ?? null, publicId: m[7] ?? m[8] ?? null, notation: m[11] ?? null, line };
    const table = isParameter ? this.parameterEntities : this.entities;
    // The first declaration binds (XML 1.0 §4.2); later ones are ignored, as every parser does.
    if (!table.has(name)) table.set(name, entity);
  }

  /** Character references in an entity value are replaced when the entity is declared (XML 1.0 §4.5). */
  private expandCharRefs(literal: string, offset: number, name: string, where: Locator): string | null {
    let ok = true;
    const value = literal.replace(/&#(?:([0-9]+)|x([0-9A-Fa-f]+));/g, (ref, dec: string | undefined, hex: string | undefined) => {
      const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      if (!isXmlChar(cp)) {
        this.error(offset, 'xml.bad-char-ref', `the value of entity ${name} holds ${ref}, a character XML does not allow`, where);
        ok = false;
        return '';
      }
      return String.fromCodePoint(cp);
    });
    return ok ? value : null;
  }

  private charge(offset: number, chars: number, what: string, where: Locator = this.loc): void {
    this.budget -= chars + REFERENCE_COST;
    if (this.budget < 0) {
      this.error(
        offset,
        'xml.entity-limit',
        `entity expansion stopped at ${what}: entities would add more than ${this.limits.maxEntityExpansion.toLocaleString('en')} characters to the document (an "entity bomb"?); teikit refuses it`,
        where,
      );
      throw new Stop();
    }
  }

  /**
   * Walks the document after the DOCTYPE: skips comments, PIs and CDATA (no references there), checks
   * nesting depth and text lengths, and expands references in text and attribute values.
   */
  private scanDocument(t: string, from: number): string {
    const parts: string[] = [];
    let copied = from;
    let i = from;
    let depth = 0;
    let nextLt = t.indexOf('<', i);
    let nextAmp = t.indexOf('&', i);
    const limit = this.limits;
    const flush = (upTo: number) => {
      if (upTo > copied) parts.push(t.slice(copied, upTo));
    };
    let textStart = i;
    while (i < t.length) {
      if (nextLt !== -1 && nextLt < i) nextLt = t.indexOf('<', i);
      if (nextAmp !== -1 && nextAmp < i) nextAmp = t.indexOf('&', i);
      const next = nextAmp === -1 ? nextLt : nextLt === -1 ? nextAmp : Math.min(nextLt, nextAmp);
      if (next === -1) break;
      if (t.charCodeAt(next) === 38) {
        const r = this.reference(t, next, false);
        if (r !== null) {
          flush(next);
          parts.push(r.replacement);
          copied = next + r.length;
        }
        i = next + 1;
        continue;
      }
      if (next - textStart > limit.maxTextLength) {
        this.error(textStart, 'xml.too-long', `a run of text of ${(next - textStart).toLocaleString('en')} characters without markup exceeds the limit of ${limit.maxTextLength.toLocaleString('en')}; split it into paragraphs or other elements`);
      }
      i = next;
      // Dispatched on the character after `<` (char codes: no one-character strings in this per-tag loop).
      const c1 = t.charCodeAt(i + 1);
      if (c1 === 33 && t.startsWith('<!--', i)) {
        const e = t.indexOf('-->', i + 4);
        if (e < 0) break;
        i = e + 3;
      } else if (c1 === 33 && t.startsWith('<![CDATA[', i)) {
        const e = t.indexOf(']]>', i + 9);
        if (e < 0) break;
        if (e - i > limit.maxTextLength) this.error(i, 'xml.too-long', `a CDATA section of ${(e - i).toLocaleString('en')} characters exceeds the limit of ${limit.maxTextLength.toLocaleString('en')}`);
        i = e + 3;
      } else if (c1 === 63) {
        const e = t.indexOf('?>', i + 2);
        if (i > 0 && /^<\?xml[\s?]/i.test(t.slice(i, i + 6))) {
          this.error(i, 'xml.not-well-formed', 'not well-formed: an XML declaration (<?xml …?>) may only stand at the very start of the file; remove this one');
        }
        if (e < 0) break;
        i = e + 2;
      } else if (c1 === 47) {
        depth--;
        const e = t.indexOf('>', i + 2);
        if (e < 0) break;
        i = e + 1;
      } else if (c1 === 33) {
        // <!ENTITY …>, <!DOCTYPE …> in the body: fast-xml-parser lets them pass and SaxonJS's parser then fails.
        const e = t.indexOf('>', i + 2);
        this.error(i, 'xml.not-well-formed', `not well-formed: ${abbreviate(t.slice(i, e < 0 ? i + 40 : e + 1))} is a declaration outside the DOCTYPE; declarations belong in the DOCTYPE's internal subset at the top, or write it as text (&lt;!…)`);
        if (e < 0) break;
        i = e + 1;
      } else {
        // A start tag: attribute values are the only places inside it that hold references.
        const tagStart = i;
        let k = i + 1;
        let closed = false;
        let empty = false;
        while (k < t.length) {
          const c = t.charCodeAt(k);
          if (c === 34 || c === 39) {
            const e = t.indexOf(c === 34 ? '"' : "'", k + 1);
            if (e < 0) {
              k = t.length;
              break;
            }
            if (e - k - 1 > limit.maxTextLength) {
              this.error(k, 'xml.too-long', `an attribute value of ${(e - k - 1).toLocaleString('en')} characters exceeds the limit of ${limit.maxTextLength.toLocaleString('en')}`);
            }
            // The cached next '&' keeps this linear: searching afresh per attribute would rescan the rest of the file.
            if (nextAmp !== -1 && nextAmp <= k) nextAmp = t.indexOf('&', k + 1);
            if (nextAmp !== -1 && nextAmp < e) {
              const value = this.attributeValue(t, k + 1, e);
              if (value !== null) {
                flush(k + 1);
                parts.push(value);
                copied = e;
              }
            }
            k = e + 1;
          } else if (c === 62) {
            closed = true;
            empty = t.charCodeAt(k - 1) === 47;
            break;
          } else if (c === 60) break;
          else k++;
        }
        if (!closed) {
          // Not well-formed: leave it to the well-formedness check, which says where and why.
          i = k;
          textStart = i;
          continue;
        }
        if (!empty) {
          depth++;
          if (depth > limit.maxElementDepth) {
            this.error(tagStart, 'xml.too-deep', `elements nest more than ${limit.maxElementDepth} deep here; teikit (like libxml2) refuses deeper documents`);
            throw new Stop();
          }
        }
        i = k + 1;
      }
      textStart = i;
    }
    if (t.length - textStart > limit.maxTextLength) {
      this.error(textStart, 'xml.too-long', `a run of text of ${(t.length - textStart).toLocaleString('en')} characters without markup exceeds the limit of ${limit.maxTextLength.toLocaleString('en')}`);
    }
    if (copied === from && parts.length === 0) return from === 0 ? t : t.slice(from);
    flush(t.length);
    return parts.join('');
  }

  /**
   * The attribute value between `start` and `end` (exclusive) with its entity references expanded, or null when
   * none is (only `&amp;` and the like): the document is then not copied just to be the same again.
   */
  private attributeValue(t: string, start: number, end: number): string | null {
    const parts: string[] = [];
    let copied = start;
    for (let a = t.indexOf('&', start); a !== -1 && a < end; a = t.indexOf('&', a + 1)) {
      const r = this.reference(t, a, true);
      if (r === null) continue;
      if (a > copied) parts.push(t.slice(copied, a));
      parts.push(r.replacement);
      copied = a + r.length;
    }
    if (copied === start) return null;
    if (end > copied) parts.push(t.slice(copied, end));
    return parts.join('');
  }

  /**
   * The reference starting at `t[at]` (an `&`): null to keep it as written (character references and the
   * five predefined entities, or a stray `&` the well-formedness check reports), else its expansion.
   */
  private reference(t: string, at: number, inAttribute: boolean): { replacement: string; length: number } | null {
    const m = referenceAt(t, at);
    if (!m) return null;
    if (m[1] === undefined) {
      const cp = m[2] !== undefined ? Number(m[2]) : parseInt(m[3]!, 16);
      if (!isXmlChar(cp)) this.error(at, 'xml.bad-char-ref', `${m[0]} refers to a character XML does not allow (U+${cp.toString(16).toUpperCase().padStart(4, '0')}); remove it`);
      return null;
    }
    const name = m[1];
    if (PREDEFINED.has(name)) return null;
    const replacement = this.expand(name, at, inAttribute, [name]);
    return replacement === null ? null : { replacement, length: m[0].length };
  }

  /** Replacement of entity `name` for its context, or null after reporting why it cannot be expanded. */
  private expand(name: string, at: number, inAttribute: boolean, chain: string[]): string | null {
    const entity = this.entities.get(name);
    const via = chain.length > 1 ? ` (reached through ${chain.map((n) => `&${n};`).join(' → ')})` : '';
    if (!entity) {
      const hint = HTML_HINTS[name] ? `; this is an HTML entity: write ${HTML_HINTS[name]} instead` : `; declare it in the DOCTYPE (<!ENTITY ${name} "…">) or write the character itself`;
      this.error(at, 'xml.undeclared-entity', `entity &${name}; is not declared${via}${hint}`);
      return null;
    }
    if (entity.value === null) {
      const kind = entity.notation ? `an unparsed entity (NDATA ${entity.notation})` : 'an external entity';
      this.error(
        at,
        'xml.external-entity',
        `&${name}; is ${kind} pointing to ${describeExternal(entity)} (declared on line ${entity.line})${via}; teikit never reads files or URLs a document names: put the text into the document or declare <!ENTITY ${name} "…">`,
      );
      return null;
    }
    const memo = inAttribute ? this.attrMemo : this.contentMemo;
    const known = memo.get(name);
    if (known !== undefined) {
      this.charge(at, known.length, `&${name};`);
      return known;
    }
    if (chain.length > this.limits.maxEntityDepth) {
      this.error(at, 'xml.entity-limit', `entities nest more than ${this.limits.maxEntityDepth} deep${via}`);
      throw new Stop();
    }
    const replacement = inAttribute ? this.expandInAttribute(entity.value, at, chain) : this.expandInContent(entity.value, at, chain);
    if (replacement === null) return null;
    this.charge(at, replacement.length, `&${name};`);
    memo.set(name, replacement);
    return replacement;
  }

  /** References inside replacement text, for text content; newlines become `&#10;` in text and spaces in markup. */
  private expandInContent(value: string, at: number, chain: string[]): string | null {
    let out = '';
    let ok = true;
    let i = 0;
    while (i < value.length) {
      const c = value[i]!;
      if (c === '&') {
        const m = referenceAt(value, i);
        if (m && m[1] !== undefined && !PREDEFINED.has(m[1])) {
          const sub = this.nested(m[1], at, false, chain);
          if (sub === null) ok = false;
          else out += sub;
          i += m[0].length;
          continue;
        }
        out += c;
        i++;
      } else if (c === '<') {
        // Markup inside the entity: copied up to its end with newlines as spaces (equivalent inside a tag).
        const close = value.startsWith('<!--', i) ? '-->' : value.startsWith('<![CDATA[', i) ? ']]>' : value.startsWith('<?', i) ? '?>' : '>';
        const e = value.indexOf(close, i + 1);
        const stop = e < 0 ? value.length : e + close.length;
        let markup = value.slice(i, stop).replace(/[\r\n]/g, ' ');
        if (close === '>') {
          const expandedAttrs = this.expandAttributesInTag(markup, at, chain);
          if (expandedAttrs === null) ok = false;
          else markup = expandedAttrs;
        }
        out += markup;
        i = stop;
      } else if (c === '\n') {
        out += '&#10;';
        i++;
      } else {
        out += c;
        i++;
      }
    }
    return ok ? out : null;
  }

  private expandAttributesInTag(tag: string, at: number, chain: string[]): string | null {
    let ok = true;
    const out = tag.replace(/(["'])([^"']*)\1/g, (whole, q: string, v: string) => {
      if (!v.includes('&')) return whole;
      const x = this.expandInAttribute(v, at, chain, q);
      if (x === null) {
        ok = false;
        return whole;
      }
      return q + x + q;
    });
    return ok ? out : null;
  }

  /**
   * References inside replacement text, for an attribute value: quotes are escaped so they cannot end the
   * value, white space becomes a space (as attribute-value normalisation would make it), and `<` is an error.
   */
  private expandInAttribute(value: string, at: number, chain: string[], quote?: string): string | null {
    let out = '';
    let ok = true;
    for (let i = 0; i < value.length; ) {
      const c = value[i]!;
      if (c === '&') {
        const m = referenceAt(value, i);
        if (m && m[1] !== undefined && !PREDEFINED.has(m[1])) {
          const sub = this.nested(m[1], at, true, chain);
          if (sub === null) ok = false;
          else out += sub;
          i += m[0].length;
          continue;
        }
        out += c;
      } else if (c === '<') {
        this.error(at, 'xml.entity-in-attribute', `entity &${chain[chain.length - 1]}; contains "<" and is used in an attribute value, where "<" is not allowed`);
        return null;
      } else if (c === '"' && quote !== "'") out += '&quot;';
      else if (c === "'" && quote !== '"') out += '&apos;';
      else if (c === '\n' || c === '\r' || c === '\t') out += ' ';
      else out += c;
      i++;
    }
    return ok ? out : null;
  }

  private nested(name: string, at: number, inAttribute: boolean, chain: string[]): string | null {
    if (chain.includes(name)) {
      this.error(at, 'xml.entity-loop', `entity &${name}; refers to itself (${[...chain, name].map((n) => `&${n};`).join(' → ')}); such a document can never be read`);
      throw new Stop();
    }
    return this.expand(name, at, inAttribute, [...chain, name]);
  }
}

function describeExternal(e: Entity): string {
  return e.publicId !== null ? `PUBLIC "${e.publicId}" "${e.systemId}"` : `SYSTEM "${e.systemId}"`;
}

function abbreviate(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? one.slice(0, 77) + '…' : one;
}
