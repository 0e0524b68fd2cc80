/**
 * Holds the bundled edition (tei/puzanov-1957-07-08.xml) to its source, the archive record in
 * ../shared/seed: the words in order, the header's citation data, pointer integrity, the schema,
 * and the encoding of the quoted reactions. Everything expected is read from the seed, not typed in.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, schemaDir, sharedDir } from '../helpers/io.js';
import { type El, ancestors, elements, find, first, parseXml, textOf, tokens } from './tree.js';

const editionRel = 'tei/puzanov-1957-07-08.xml';
const editionPath = path.join(repoRoot, editionRel);
const seedPath = path.join(sharedDir, 'seed', '000_c8b529b099e27eba.txt');
const JING = '/usr/bin/jing';

const tei = parseXml(readFileSync(editionPath, 'utf8'));
const header = first(tei, 'teiHeader');
const text = first(tei, 'text');
const standOff = first(tei, 'standOff');

// ---- the seed -------------------------------------------------------------------------------

const seedLines = readFileSync(seedPath, 'utf8').split(/\r?\n/).map((l) => l.trim());

/** The first non-empty line after a markdown label such as "**Citation:**". */
function seedField(label: string): string {
  const at = seedLines.indexOf(`**${label}:**`);
  const line = seedLines.slice(at + 1).find((l) => l !== '');
  if (at < 0 || line === undefined) throw new Error(`seed has no ${label}`);
  return line;
}

/** The translation: one paragraph per non-empty line after "Translation - English", HTML tags removed. */
const seedParagraphs = (() => {
  const at = seedLines.indexOf('Translation - English');
  if (at < 0) throw new Error('seed has no "Translation - English" line');
  return seedLines.slice(at + 1).filter((l) => l !== '').map((l) => l.replace(/<[^>]+>/g, ''));
})();
const seedCitation = seedField('Citation');
const seedUrl = (seedLines[seedLines.indexOf(seedCitation) + 1] ?? '').replace(/^<|>$/g, '');

// ---- words ----------------------------------------------------------------------------------

/** Editorial-only content is not part of the translation: editors' notes and supplied text. */
const editorial = (e: El): boolean =>
  (e.name === 'note' && (e.attrs['type'] === 'editorial' || tokens(e.attrs['resp']).includes('#editor'))) || e.name === 'supplied';

/** Words and single punctuation marks; quotes and whitespace normalised, nothing else. */
function words(s: string): string[] {
  const norm = s.replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB]/g, '"').replace(/[\u2018\u2019\u201A\u201B]/g, "'");
  return norm.match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|\S/gu) ?? [];
}

/** null when equal, else a readable account of the first difference. */
function firstMismatch(expected: string[], actual: string[], label: string): string | null {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] === actual[i]) continue;
    const ctx = (a: string[]) => `${a.slice(Math.max(0, i - 8), i).join(' ')} [[${a[i] ?? '<end>'}]] ${a.slice(i + 1, i + 6).join(' ')}`;
    return `${label}: first difference at token ${i} (seed ${expected.length} tokens, TEI ${actual.length})\n  seed: …${ctx(expected)}\n  TEI:  …${ctx(actual)}`;
  }
  return null;
}

/** The paragraph-level units of the edition's text: the dateline and every p, in document order. */
function teiParagraphs(): El[] {
  return [...elements(text)].filter((e) => (e.name === 'p' || e.name === 'dateline') && !ancestors(e).some(editorial));
}

describe('edition: the translation, complete and in order', () => {
  it('has every word and punctuation mark of the seed, in the same order', () => {
    const expected = seedParagraphs.flatMap(words);
    const actual = words(textOf(text, editorial));
    expect(expected.length).toBeGreaterThan(1000);
    expect(firstMismatch(expected, actual, 'text')).toBeNull();
  });

  it('keeps the seed paragraphs one to one (dateline + p01…)', () => {
    const paras = teiParagraphs();
    expect(paras.map((p) => p.name)).toEqual(['dateline', ...Array<string>(seedParagraphs.length - 1).fill('p')]);
    paras.slice(1).forEach((p, i) => expect(p.attrs['xml:id']).toBe(`p${String(i + 1).padStart(2, '0')}`));
    const problems = seedParagraphs.map((s, i) => firstMismatch(words(s), words(textOf(paras[i]!, editorial)), `paragraph ${i}`)).filter((m) => m !== null);
    expect(problems).toEqual([]);
  });
});

// ---- header ---------------------------------------------------------------------------------

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('edition: the header carries the archive record', () => {
  const sourceDesc = first(header, 'sourceDesc');

  it('gives the citation verbatim, the URL and the document number', () => {
    const citation = find(sourceDesc, 'note').filter((n) => n.attrs['type'] === 'citation');
    expect(citation.map((n) => norm(textOf(n)))).toEqual([seedCitation]);
    expect(find(sourceDesc, 'ptr').map((p) => p.attrs['target'])).toContain(seedUrl);
    const docNo = /\/document\/(\d+)$/.exec(seedUrl)?.[1];
    expect(docNo).toBe('115633');
    expect(find(sourceDesc, 'idno').filter((i) => i.attrs['type'] === 'wcda-document').map((i) => textOf(i))).toEqual([docNo]);
  });

  it('names the translator in a respStmt of the titleStmt and of the source', () => {
    const translator = /Translated by ([^.]+)\./.exec(seedCitation)?.[1];
    expect(translator).toBe('Gary Goldberg');
    for (const scope of [first(header, 'titleStmt'), sourceDesc]) {
      const stmts = find(scope, 'respStmt').filter((r) => /translat/i.test(textOf(first(r, 'resp'))));
      expect(stmts.flatMap((r) => find(r, 'persName').map((p) => textOf(p)))).toEqual([translator]);
    }
  });

  it('describes the archival original as cited (AVPRF fond, opis, papka, delo, listy; Russian)', () => {
    const m = /AVPRF F\. (\S+), Op\. (\S+), P\. (\S+), Delo (\S+), Listy (\d+)-(\d+)\./.exec(seedCitation);
    expect(m).not.toBeNull();
    const [, fond, opis, papka, delo, from, to] = m!;
    const msId = first(first(header, 'msDesc'), 'msIdentifier');
    const idnos = Object.fromEntries(msId.children.filter((c): c is El => typeof c !== 'string' && c.name === 'idno').map((i) => [i.attrs['type'], textOf(i)]));
    expect(idnos).toEqual({ fond, opis, papka, delo });
    expect(textOf(first(msId, 'repository'))).toMatch(/AVPRF/);
    const locus = first(first(header, 'msDesc'), 'locus');
    expect([locus.attrs['from'], locus.attrs['to']]).toEqual([from, to]);
    expect(seedField('Original Language')).toBe('Russian');
    expect(first(first(header, 'msDesc'), 'textLang').attrs['mainLang']).toBe('ru');
  });

  it('has the archive summary as abstract, the funder from the credits, and the dates', () => {
    expect(norm(textOf(first(header, 'abstract')))).toBe(seedField('Summary'));
    const funder = norm(textOf(first(header, 'funder')));
    expect(seedField('Credits')).toContain(funder);
    expect(first(first(header, 'creation'), 'date').attrs['when']).toBe('1957-07-08');
    expect(find(first(header, 'revisionDesc'), 'change').map((c) => c.attrs['when'])).toContain('2026-11-30');
  });
});

// ---- pointers and registers -----------------------------------------------------------------

/** Attributes that hold pointers in this edition's vocabulary (locus/@from and @to are folio numbers, not pointers). */
const POINTER_ATTRS = ['ref', 'who', 'ana', 'corresp', 'target', 'resp', 'source', 'sameAs', 'copyOf', 'next', 'prev', 'synch', 'decls', 'scheme', 'facs', 'hand'];
const ENTITY = new Set(['person', 'personGrp', 'place', 'org', 'event', 'object']);
const NAME_CHILD: Record<string, string[]> = {
  person: ['persName'], personGrp: ['name', 'persName'], place: ['placeName'], org: ['orgName'], event: ['label', 'eventName'], object: ['objectName'],
};

describe('edition: pointers and registers', () => {
  const all = [...elements(tei)];
  const ids = new Set(all.map((e) => e.attrs['xml:id']).filter((v): v is string => v !== undefined));

  it('has unique xml:ids', () => {
    const list = all.map((e) => e.attrs['xml:id']).filter(Boolean);
    expect(list.length).toBe(ids.size);
  });

  it('resolves every local pointer', () => {
    const broken: string[] = [];
    for (const e of all) {
      for (const [name, value] of Object.entries(e.attrs)) {
        for (const t of tokens(value)) {
          const isPointerAttr = POINTER_ATTRS.includes(name);
          if (t.startsWith('#') ? !ids.has(t.slice(1)) : isPointerAttr && !/^[a-z][a-z0-9+.-]*:/i.test(t)) broken.push(`<${e.name} ${name}="${value}">`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  const entries = [...elements(standOff)].filter((e) => ENTITY.has(e.name));
  const referencedFromText = new Set([...elements(text)].flatMap((e) => POINTER_ATTRS.flatMap((a) => tokens(e.attrs[a]))).filter((t) => t.startsWith('#')).map((t) => t.slice(1)));

  it('references every register entry from the text at least once', () => {
    expect(entries.length).toBeGreaterThan(40);
    expect(entries.map((e) => e.attrs['xml:id']).filter((id) => !referencedFromText.has(id ?? ''))).toEqual([]);
  });

  it('gives every register entry an id, a normalised name, a type or role, and a note', () => {
    const incomplete = entries.filter((e) => {
      const kids = e.children.filter((c): c is El => typeof c !== 'string');
      const named = kids.some((k) => NAME_CHILD[e.name]!.includes(k.name) && (k.attrs['type'] === 'normalised' || e.name === 'event'));
      return !e.attrs['xml:id'] || !named || !(e.attrs['type'] ?? e.attrs['role']) || !kids.some((k) => k.name === 'note');
    });
    expect(incomplete.map((e) => `${e.name}#${e.attrs['xml:id']}`)).toEqual([]);
  });

  it('points mentions at entries of the matching kind', () => {
    const kindOf = new Map(entries.map((e) => [e.attrs['xml:id']!, e.name]));
    const expectedKind: Record<string, string[]> = { persName: ['person'], placeName: ['place'], orgName: ['org'] };
    const wrong = [...elements(text)].flatMap((e) => {
      const allowed = expectedKind[e.name] ?? (e.name === 'rs' ? [e.attrs['type'] ?? ''] : undefined);
      if (!allowed || !e.attrs['ref']) return [];
      return tokens(e.attrs['ref']).filter((t) => !allowed.includes(kindOf.get(t.slice(1)) ?? '?')).map((t) => `<${e.name}${e.attrs['type'] ? ` type="${e.attrs['type']}"` : ''} ref="${t}">`);
    });
    expect(wrong).toEqual([]);
  });
});

// ---- schema ---------------------------------------------------------------------------------

describe('edition: schema', () => {
  it('is valid against tei_all with jing', async () => {
    // CI installs jing (.ci/run); a missing jing is a broken environment, not a reason to skip.
    expect(existsSync(JING), `${JING} is missing: install the Debian package "jing"`).toBe(true);
    const r = await promisify(execFile)(JING, [path.join(schemaDir, 'tei_all.rng'), editionPath]).then(
      (ok) => ({ code: 0, out: ok.stdout + ok.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
    const errors = r.out.split('\n').filter((l) => /: (error|fatal):/.test(l));
    expect(errors).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('is valid with teikit validate', async () => {
    const r = await runCli(['validate', editionRel]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

// ---- the quoted reactions ---------------------------------------------------------------------

describe('edition: the quoted reactions', () => {
  const paras = teiParagraphs();
  const isQuote = (s: string) => /^□?"/.test(s);
  const isAttribution = (s: string) => /^\(.*\)$/.test(s);
  const quoteAt = seedParagraphs.map((s, i) => (isQuote(s) ? i : -1)).filter((i) => i >= 0);
  const saids = find(text, 'said');
  const taxonomy = find(header, 'taxonomy').find((t) => t.attrs['xml:id'] === 'stance');

  it('encodes each quotation paragraph of the seed as one said with an xml:id r01…', () => {
    expect(quoteAt.length).toBe(14);
    expect(saids.map((s) => s.attrs['xml:id'])).toEqual(quoteAt.map((_, i) => `r${String(i + 1).padStart(2, '0')}`));
    quoteAt.forEach((at, i) => {
      const inPara = find(paras[at]!, 'said');
      expect(inPara[0]).toBe(saids[i]);
      expect(words(textOf(saids[i]!))).toEqual(words(seedParagraphs[at]!.replace(/^□/, '')).slice(0, words(textOf(saids[i]!)).length));
    });
  });

  it('gives @who exactly where an attribution line follows, pointing at the group that line names', () => {
    quoteAt.forEach((at, i) => {
      const said = saids[i]!;
      const next = seedParagraphs[at + 1] ?? '';
      if (!isAttribution(next)) {
        expect(said.attrs['who'], `${said.attrs['xml:id']} has no attribution line`).toBeUndefined();
        return;
      }
      const line = paras[at + 1]!;
      expect(line.attrs['corresp']).toBe(`#${said.attrs['xml:id']}`);
      const groups = line.children.filter((c): c is El => typeof c !== 'string' && c.name === 'rs' && c.attrs['type'] === 'personGrp');
      expect(groups).toHaveLength(1);
      expect(said.attrs['who']).toBe(groups[0]!.attrs['ref']);
      const target = [...elements(standOff)].find((e) => e.attrs['xml:id'] === said.attrs['who']!.slice(1));
      expect(target?.name).toBe('personGrp');
    });
  });

  it('has a stance taxonomy whose categories quote the text\'s own group sentences', () => {
    expect(taxonomy).toBeDefined();
    // The reactions run from the paragraph after "… as follows:" to the one after the last quotation.
    const start = seedParagraphs.findIndex((s) => s.endsWith('as follows:')) + 1;
    const end = quoteAt[quoteAt.length - 1]! + 1;
    const headings = seedParagraphs.slice(start, end + 1).filter((s) => !isQuote(s) && !isAttribution(s));
    const categories = find(taxonomy!, 'category');
    expect(categories.map((c) => norm(textOf(first(c, 'q'))))).toEqual(headings);
    for (const c of categories) {
      const p = paras.find((e) => `#${e.attrs['xml:id']}` === c.attrs['corresp']);
      expect(norm(textOf(p!))).toBe(norm(textOf(first(c, 'q'))));
    }
  });

  it('classifies each quotation with @ana by the group sentence it stands under', () => {
    const categories = find(taxonomy!, 'category');
    const headingIndex = new Map(categories.map((c) => [paras.findIndex((p) => `#${p.attrs['xml:id']}` === c.attrs['corresp']), c.attrs['xml:id']]));
    quoteAt.forEach((at, i) => {
      let h = at;
      while (h >= 0 && !headingIndex.has(h)) h--;
      expect(saids[i]!.attrs['ana'], `${saids[i]!.attrs['xml:id']}`).toBe(`#${headingIndex.get(h)}`);
    });
  });
});
