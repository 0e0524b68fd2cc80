import fc from 'fast-check';

/**
 * Mutations of a document's bytes for the fuzz test: recipes hold positions as fractions or indices, so
 * fast-check can shrink them, and are applied to the bytes only when the property runs.
 */
export type Mutation =
  | { kind: 'deleteBytes' | 'duplicateBytes'; at: number; len: number }
  | { kind: 'swapBytes'; a: number; b: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'deleteTag' | 'duplicateTag' | 'deleteAttr' | 'duplicateAttr'; i: number }
  | { kind: 'swapTags' | 'swapAttrs' | 'moveTag'; i: number; j: number }
  | { kind: 'setAttr'; i: number; value: string };

/** Snippets that hostile or broken documents contain; each one has tripped some XML tool somewhere. */
const SNIPPETS = [
  '<', '>', '&', '&amp', '&nbsp;', '&unknown;', '"', "'", ']]>', '<!--', '-->', '<![CDATA[', '<?', '?>', '\u0000', '\u0001', '\r', '\uFEFF',
  '\uFFFE', '😀', '𠀋', '&#0;', '&#x110000;', '&#xD800;', '&#65;', ' xml:id="dup"', ' xmlns="http://example.org/other"', ' xmlns:x=""',
  '<?xml version="1.0" encoding="UTF-16"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.1"?>',
  '<!DOCTYPE TEI [<!ENTITY x "y">]>', '<!DOCTYPE TEI SYSTEM "file:///etc/passwd">', '<!ENTITY x SYSTEM "file:///etc/passwd">',
  '<!DOCTYPE TEI [<!ENTITY a "&b;&b;"><!ENTITY b "&a;">]>', '&x;', '&a;',
  '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>',
  '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="http://127.0.0.1:9/x.xml"/>',
  '<?xml-model href="file:///etc/passwd" schematypens="http://relaxng.org/ns/structure/1.0"?>',
  '<?xml-stylesheet href="http://127.0.0.1:9/x.xsl" type="text/xsl"?>',
  '<script>alert(1)</script>', '<ref target="javascript:alert(1)">x</ref>', '<persName>=HYPERLINK("http://x","y")</persName>',
  '<p xml:id="p01">dup</p>', '<graphic url="file:///etc/passwd"/>', '<ptr target="#nowhere"/>', '<ref target="../../../etc/passwd">x</ref>',
];

const ATTR_VALUES = ['', '#', '#nowhere', '# #', 'javascript:alert(1)', '=1+1', '"', '&lt;', '&x;', '&#0;', 'a b c', '../../etc/passwd', 'x'.repeat(5000), '\u202Ertl', '#p01 #p01'];

// Uniform positions: fast-check favours small values, and its doubles are spread by bit pattern (mostly near 0),
// either of which would put most mutations at the first byte.
const frac = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
const idx = fc.noBias(fc.nat({ max: 100_000 }));

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('deleteBytes' as const, 'duplicateBytes' as const), at: frac, len: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ kind: fc.constant('swapBytes' as const), a: frac, b: frac, len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: frac, text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SNIPPETS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }) }),
  fc.record({ kind: fc.constantFrom('deleteTag' as const, 'duplicateTag' as const, 'deleteAttr' as const, 'duplicateAttr' as const), i: idx }),
  fc.record({ kind: fc.constantFrom('swapTags' as const, 'swapAttrs' as const, 'moveTag' as const), i: idx, j: idx }),
  fc.record({ kind: fc.constant('setAttr' as const), i: idx, value: fc.constantFrom(...ATTR_VALUES) }),
);

/** One to four mutations applied in turn. */
export const mutantArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

type Span = { start: number; end: number };

function spans(s: string, re: RegExp): Span[] {
  return [...s.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

function swap(s: string, a: Span, b: Span): string {
  if (a.start > b.start) [a, b] = [b, a];
  if (a.end > b.start) return s;
  return s.slice(0, a.start) + s.slice(b.start, b.end) + s.slice(a.end, b.start) + s.slice(a.start, a.end) + s.slice(b.end);
}

const TAG = /<[^<>]*>/g;
const ATTR = /\s[A-Za-z_:][-\w.:]*\s*=\s*(?:"[^"]*"|'[^']*')/g;

/** Applies one mutation. Bytes are handled as a latin1 string: one character per byte, so any byte can appear. */
export function apply(bytes: Buffer, m: Mutation): Buffer {
  let s = bytes.toString('latin1');
  const at = (f: number) => Math.floor(f * (s.length + 1));
  const utf8 = (t: string) => Buffer.from(t, 'utf8').toString('latin1');
  switch (m.kind) {
    case 'deleteBytes': {
      const p = at(m.at);
      s = s.slice(0, p) + s.slice(p + m.len);
      break;
    }
    case 'duplicateBytes': {
      const p = at(m.at);
      s = s.slice(0, p + m.len) + s.slice(p, p + m.len) + s.slice(p + m.len);
      break;
    }
    case 'swapBytes':
      s = swap(s, { start: at(m.a), end: Math.min(s.length, at(m.a) + m.len) }, { start: at(m.b), end: Math.min(s.length, at(m.b) + m.len) });
      break;
    case 'insert': {
      const p = at(m.at);
      s = s.slice(0, p) + utf8(m.text) + s.slice(p);
      break;
    }
    default: {
      const isTag = m.kind.endsWith('Tag') || m.kind.endsWith('Tags');
      const list = spans(s, isTag ? TAG : ATTR);
      if (!list.length) break;
      const a = list[m.i % list.length]!;
      const b = 'j' in m ? list[m.j % list.length]! : a;
      const text = s.slice(a.start, a.end);
      if (m.kind === 'deleteTag' || m.kind === 'deleteAttr') s = s.slice(0, a.start) + s.slice(a.end);
      else if (m.kind === 'duplicateTag' || m.kind === 'duplicateAttr') s = s.slice(0, a.end) + text + s.slice(a.end);
      else if (m.kind === 'swapTags' || m.kind === 'swapAttrs') s = swap(s, a, b);
      else if (m.kind === 'moveTag') s = s.slice(0, b.start) + text + s.slice(b.start);
      else if (m.kind === 'setAttr') s = s.slice(0, a.start) + text.replace(/=\s*(["'])[^"']*\1/, `=$1${utf8(m.value)}$1`) + s.slice(a.end);
    }
  }
  return Buffer.from(s, 'latin1');
}

export function mutate(bytes: Buffer, ms: readonly Mutation[]): Buffer {
  return ms.reduce(apply, bytes);
}
