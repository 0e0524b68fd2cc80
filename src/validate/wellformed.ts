import { createRequire } from 'node:module';
import { diagnostic, type Diagnostic } from '../diagnostic.js';

// The CommonJS bundle, as in catalog.ts: the ESM entry costs every run ~65 ms more to load.
const { XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

/**
 * First well-formedness error with line and column, or null. fast-xml-parser is used because it reports
 * columns (libxml2 in xmllint-wasm only gives lines); libxml2 still parses the document afterwards and
 * catches what this parser tolerates (undeclared entities, for one). A quick scan first answers for the
 * ordinary document fast-xml-parser certainly accepts, so it runs only on the others (to word the error).
 */
export function checkWellFormed(file: string, text: string): Diagnostic | null {
  if (certainlyWellFormed(text)) return null;
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result === true) return null;
  const { msg, line, col } = result.err;
  // Several elements still open at the end: fast-xml-parser names them as a JSON list at 1:1; say it at the end.
  const open = /^Invalid '(\[.*\])' found\.$/.exec(msg);
  if (open) {
    const names = JSON.parse(open[1]!) as string[];
    const lines = text.split('\n');
    return diagnostic({
      file,
      line: lines.length,
      column: lines[lines.length - 1]!.length + 1,
      severity: 'error',
      source: 'xml',
      code: 'xml.not-well-formed',
      message: `not well-formed: the document ends while ${names.map((n) => `<${n}>`).join(', ')} ${names.length > 1 ? 'are' : 'is'} still open; the file may be truncated, or end tags are missing`,
    });
  }
  return diagnostic({
    file,
    line: line ?? 1,
    column: col ?? null,
    severity: 'error',
    source: 'xml',
    code: 'xml.not-well-formed',
    message: `not well-formed: ${msg}`,
  });
}

// fast-xml-parser's own name pattern (src/util.js), without the `u` flag as there, so no name it refuses passes here.
const NAME_START = ':A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.\\d\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`);

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}
/** Where a name ends: white space, `/`, `>` or `=`. */
function isNameEnd(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 47 || c === 62 || c === 61;
}

/** `&name;` (1-20 of [A-Za-z0-9_]), `&#digits;` or `&#xhex;` at `amp`: references fast-xml-parser accepts in text (it accepts a few more). */
function referenceAt(s: string, amp: number, end: number): boolean {
  let k = amp + 1;
  let c = s.charCodeAt(k);
  if (c === 35) {
    k++;
    const hex = s.charCodeAt(k) === 120;
    if (hex) k++;
    const first = k;
    for (; k < end; k++) {
      c = s.charCodeAt(k);
      if (!((c >= 48 && c <= 57) || (hex && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70))))) break;
    }
    return k > first && k < end && c === 59;
  }
  const first = k;
  for (; k < end && k - first <= 20; k++) {
    c = s.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) break;
  }
  return k > first && k - first <= 20 && k < end && c === 59;
}

/**
 * True only for a text fast-xml-parser's validator (as checkWellFormed calls it) accepts; false means "ask it",
 * not "malformed". It is stricter than that validator on every point where the two could differ: names must
 * match its name pattern and not change under `.trim()` (it trims element names), attributes need white space
 * before them, a value in quotes and unique names, `&` in text must begin a complete reference, only XML white
 * space may stand outside the one root, and a `<!` other than a comment or a CDATA section in an element, a
 * processing instruction not starting with a letter, or an XML declaration after the start give false.
 * tests/validate/wellformed.test.ts holds it to that on the corpus, the hostile fixtures and random mutants.
 */
export function certainlyWellFormed(s: string): boolean {
  const n = s.length;
  // fast-xml-parser skips a byte order mark at the very start.
  const bom = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  const open: string[] = [];
  const validNames = new Map<string, boolean>();
  const validName = (name: string): boolean => {
    let ok = validNames.get(name);
    if (ok === undefined) validNames.set(name, (ok = name.trim() === name && NAME.test(name)));
    return ok;
  };
  // This tag's attribute names so far, counted rather than emptied by `.length = 0` (a runtime call per tag).
  const attrNames: string[] = [];
  let rootSeen = false;
  let nextAmp = s.indexOf('&');
  let i = 0;
  while (i < n) {
    const lt = s.indexOf('<', i);
    const to = lt < 0 ? n : lt;
    if (to > i) {
      if (open.length === 0) {
        for (let k = i === 0 ? bom : i; k < to; k++) if (!isSpace(s.charCodeAt(k))) return false;
      } else {
        if (nextAmp !== -1 && nextAmp < i) nextAmp = s.indexOf('&', i);
        for (; nextAmp !== -1 && nextAmp < to; nextAmp = s.indexOf('&', nextAmp + 1)) if (!referenceAt(s, nextAmp, to)) return false;
      }
    }
    if (lt < 0) break;
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === 33) {
      let e: number;
      if (s.startsWith('<!--', lt)) {
        e = s.indexOf('-->', lt + 4);
        if (e < 0) return false;
      } else if (open.length > 0 && s.startsWith('<![CDATA[', lt)) {
        e = s.indexOf(']]>', lt + 9);
        if (e < 0) return false;
      } else return false;
      i = e + 3;
    } else if (c1 === 63) {
      const c2 = s.charCodeAt(lt + 2);
      if (!((c2 >= 65 && c2 <= 90) || (c2 >= 97 && c2 <= 122) || c2 === 95 || c2 === 58)) return false;
      // fast-xml-parser refuses `<?xml ` and `<?xml?` anywhere but at the start.
      const c5 = s.charCodeAt(lt + 5);
      if (lt > bom && s.startsWith('xml', lt + 2) && (c5 === 63 || c5 === 32)) return false;
      const e = s.indexOf('?>', lt + 2);
      if (e < 0) return false;
      i = e + 2;
    } else if (c1 === 47) {
      const name = open.pop();
      if (name === undefined || !s.startsWith(name, lt + 2)) return false;
      let k = lt + 2 + name.length;
      while (k < n && isSpace(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== 62) return false;
      i = k + 1;
    } else {
      if (rootSeen && open.length === 0) return false;
      let k = lt + 1;
      while (k < n && !isNameEnd(s.charCodeAt(k))) k++;
      const name = s.slice(lt + 1, k);
      if (!validName(name)) return false;
      let nAttrs = 0;
      let selfClosing = false;
      for (;;) {
        const spaceStart = k;
        while (k < n && isSpace(s.charCodeAt(k))) k++;
        const c = s.charCodeAt(k);
        if (c === 62) {
          k++;
          break;
        }
        if (c === 47) {
          if (s.charCodeAt(k + 1) !== 62) return false;
          selfClosing = true;
          k += 2;
          break;
        }
        if (k === spaceStart || k >= n) return false;
        const aStart = k;
        while (k < n && !isNameEnd(s.charCodeAt(k))) k++;
        const aName = s.slice(aStart, k);
        if (!validName(aName)) return false;
        for (let x = 0; x < nAttrs; x++) if (attrNames[x] === aName) return false;
        attrNames[nAttrs++] = aName;
        while (k < n && isSpace(s.charCodeAt(k))) k++;
        if (s.charCodeAt(k) !== 61) return false;
        k++;
        while (k < n && isSpace(s.charCodeAt(k))) k++;
        const q = s.charCodeAt(k);
        if (q !== 34 && q !== 39) return false;
        const e = s.indexOf(q === 34 ? '"' : "'", k + 1);
        if (e < 0) return false;
        k = e + 1;
      }
      rootSeen = true;
      if (!selfClosing) open.push(name);
      i = k;
    }
  }
  return rootSeen && open.length === 0;
}
