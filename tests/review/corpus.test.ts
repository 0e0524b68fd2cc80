import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/review/analyse.js';
import { renderReport } from '../../src/review/report-html.js';
import { corpusDir } from '../helpers/io.js';

const docs = path.join(corpusDir, 'docs');
const read = (name: string) => fs.readFile(path.join(docs, name), 'utf8');
const review = async (name: string) => {
  const a = analyse(name, await read(name));
  const html = renderReport({ analysis: a, findings: a.findings, generator: 'test' });
  return { a, html, codes: new Set(a.findings.map((f) => f.diagnostic.code)) };
};

/** Other projects' documents: review must not crash and its counts must make sense. */
describe('review on corpus documents', () => {
  it('Schnitzler letter with a register in the back: mentions resolve, works are not errors', async () => {
    const { a, html } = await review('arthur-schnitzler--schnitzler-briefe-data--data__editions__L03965.xml');
    expect(a.entities.size).toBeGreaterThan(10);
    expect(a.stats.linkedMentions).toBeGreaterThan(40);
    expect(a.stats.referencedEntities).toBeGreaterThan(0);
    expect(a.stats.referencedEntities).toBeLessThanOrEqual(a.entities.size);
    // rs pointing at bibl entries (works) are counted as works, never as dangling or wrong.
    expect(a.stats.perKind['work']).toBeGreaterThan(0);
    expect(a.findings.filter((f) => f.diagnostic.code === 'review.dangling-pointer' || f.diagnostic.code === 'review.ref-not-entry')).toEqual([]);
    expect(html).toContain('<tr id="e-pmb2121">');
  });

  it('TEI Publisher person register: a register-only file gets no unreferenced warnings', async () => {
    const { a, codes } = await review('eeditiones--tei-publisher-app--data__registers__persons.xml');
    expect(a.entities.size).toBeGreaterThan(30);
    expect(a.stats.words).toBe(0);
    expect(codes.has('review.unreferenced-entry')).toBe(false);
  });

  it('a play: speaker labels count as linked through sp/@who', async () => {
    const { a } = await review('dracor-org--rusdracor--tei__chekhov-predlozhenie.xml');
    expect(a.entities.size).toBe(3);
    const text = await read('dracor-org--rusdracor--tei__chekhov-predlozhenie.xml');
    const inSpeaker = a.candidates.filter((c) => /<speaker>[^<]*$/.test(text.slice(Math.max(0, c.start - 200), c.start)));
    expect(inSpeaker).toEqual([]);
  });

  it('a novel without registers: quotations counted, no entities, no crash', async () => {
    const { a, html } = await review('COST-ELTeC--ELTeC-eng--level1__ENG18652_Carroll.xml');
    expect(a.stats.words).toBeGreaterThan(20000);
    expect(a.entities.size).toBe(0);
    expect(a.quotations.length).toBeGreaterThan(0);
    expect(html).toContain('No register entries');
  });

  it('letters with untyped, unlinked names: mention elements counted, none linked', async () => {
    const { a } = await review('stazh--briefedition-escher--data__briefe__K_0420_Meier_Hans_Konrad_an_Escher_1846-04-12.xml');
    expect((a.stats.perElement['persName'] ?? 0) + (a.stats.perElement['placeName'] ?? 0)).toBeGreaterThan(10);
    expect(a.stats.linkedMentions).toBe(0);
  });
});
