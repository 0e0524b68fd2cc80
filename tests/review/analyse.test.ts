import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, nameKey, registerForms } from '../../src/review/analyse.js';
import { FIXTURE, plant, positionOf, readText } from './helpers.js';

let clean: string;
beforeAll(async () => {
  clean = await readText(FIXTURE);
});

const codes = (text: string) => analyse('doc.xml', text).findings.map((f) => f.diagnostic);

describe('analyse: the clean fixture', () => {
  it('has no findings and consistent statistics', () => {
    const a = analyse('clean.xml', clean);
    expect(a.findings.map((f) => f.diagnostic.message)).toEqual([]);
    expect(a.entities.size).toBe(9);
    expect(a.quotations.map((q) => [q.id, q.speakers, q.stances])).toEqual([
      ['r01', ['Workers of the Leipzig tram depot'], ['Approval']],
      ['r02', ['Teachers of Gohlis'], ['Doubt']],
    ]);
    const s = a.stats;
    expect(Object.values(s.perElement).reduce((x, y) => x + y, 0)).toBe(a.mentions.length);
    expect(Object.values(s.perKind).reduce((x, y) => x + y, 0)).toBe(a.mentions.reduce((n, m) => n + m.refs.length, 0));
    expect(s.referencedEntities).toBe(s.entities);
    expect(s.mentionsPer1000Words).toBeCloseTo((s.linkedMentions / s.words) * 1000, 1);
    expect(s.perEntity.find((e) => e.id === 'weber')!.tagged).toBe(3);
  });
});

describe('analyse: planted defects are reported at their line', () => {
  const cases: Array<{ name: string; from: string | RegExp; to: string; at: string; code: string; severity: string; message: RegExp }> = [
    { name: 'untagged mention of a registered person', from: '<persName ref="#weber">Anna Weber</persName> promised', to: 'Anna Weber promised', at: 'Anna Weber promised', code: 'review.untagged-mention', severity: 'warning', message: /"Anna Weber" is a name of #weber/ },
    { name: 'untagged mention, other case and a line break inside', from: 'promised to report again\n          in a week', to: 'promised to tell ANNA\n          WEBER again in a week', at: 'ANNA', code: 'review.untagged-mention', severity: 'warning', message: /"ANNA WEBER" is a name of #weber/ },
    { name: 'place name nested untagged in an organisation name', from: '<orgName ref="#org-tram-depot"><placeName ref="#pl-leipzig">Leipzig</placeName> tram depot</orgName>', to: '<orgName ref="#org-tram-depot">Leipzig tram depot</orgName>', at: 'Leipzig tram depot</orgName></rs>', code: 'review.untagged-mention', severity: 'warning', message: /"Leipzig" is a name of #pl-leipzig .*inside <orgName ref="#org-tram-depot">/ },
    { name: 'unreferenced register entry', from: '    </listPlace>', to: '      <place xml:id="pl-halle" type="city"><placeName>Halle</placeName><note>A city.</note></place>\n    </listPlace>', at: '<place xml:id="pl-halle"', code: 'review.unreferenced-entry', severity: 'warning', message: /#pl-halle \(Halle\) is never referenced/ },
    { name: 'mention linked to the wrong entry', from: '<persName ref="#weber">Weber</persName>', to: '<persName ref="#keller">Weber</persName>', at: '<persName ref="#keller">Weber', code: 'review.wrong-entry', severity: 'warning', message: /"Weber" is linked to #keller .* registered name of #weber/ },
    { name: 'unattributed quotation', from: 'who="#grp-teachers" ', to: '', at: '<said xml:id="r02"', code: 'review.quote-unattributed', severity: 'info', message: /said #r02 has no speaker/ },
    { name: 'unclassified quotation', from: ' ana="#stance-doubt"', to: '', at: '<said xml:id="r02"', code: 'review.quote-unclassified', severity: 'info', message: /said #r02 has no classification/ },
    { name: 'pointer to a missing entry', from: '<placeName ref="#pl-dresden">', to: '<placeName ref="#pl-nowhere">', at: 'ref="#pl-nowhere">', code: 'review.dangling-pointer', severity: 'error', message: /ref="#pl-nowhere"> points to no element/ },
    { name: 'pointer to an element that is not an entry', from: '<placeName ref="#pl-dresden">', to: '<placeName ref="#p02">', at: '<placeName ref="#p02">', code: 'review.ref-not-entry', severity: 'warning', message: /points to a <p>/ },
    { name: 'entry without a note', from: '<note>Capital of Saxony.</note>', to: '', at: '<place xml:id="pl-dresden"', code: 'review.entry-incomplete', severity: 'warning', message: /#pl-dresden has no note; add it/ },
    { name: 'entry without a type', from: '<place xml:id="pl-gohlis" type="district">', to: '<place xml:id="pl-gohlis">', at: '<place xml:id="pl-gohlis"', code: 'review.entry-incomplete', severity: 'warning', message: /#pl-gohlis has no type \(@type or @role\)/ },
    { name: 'two entries with one normalised name', from: '    </listPerson>', to: '      <person xml:id="weber2" role="official"><persName>Weber,  ANNA</persName><note>Twin.</note></person>\n    </listPerson>', at: '<person xml:id="weber2"', code: 'review.duplicate-name', severity: 'warning', message: /#weber \(line \d+\) and #weber2/ },
    { name: 'one surface form linked to two entries', from: /(teachers of\s+)<placeName ref="#pl-gohlis">/, to: '$1<placeName ref="#pl-leipzig">', at: '<placeName ref="#pl-leipzig">Gohlis', code: 'review.inconsistent-link', severity: 'warning', message: /"Gohlis" is linked to #pl-leipzig here but to #pl-gohlis at line/ },
    { name: 'one entry tagged with two elements', from: '<persName ref="#weber">Weber</persName>', to: '<rs type="person" ref="#weber">Weber</rs>', at: '<rs type="person" ref="#weber">', code: 'review.mixed-elements', severity: 'info', message: /#weber .*<persName> 2×, <rs> 1×/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = plant(clean, c.from, c.to);
      const { line, column } = positionOf(text, c.at);
      const found = codes(text).filter((d) => d.code === c.code);
      expect(found.map((d) => ({ line: d.line, severity: d.severity }))).toContainEqual({ line, severity: c.severity });
      const d = found.find((x) => x.line === line)!;
      expect(d.message).toMatch(c.message);
      expect(d.source).toBe('review');
      // Element findings point at the start tag, dangling pointers at the attribute, text findings at the first letter.
      expect(d.column).toBe(column);
    });
  }

  it('whole words only: "Leipziger" is not "Leipzig", "Gohliser" not "Gohlis"', () => {
    const text = plant(clean, 'in a week.', 'in a week, via the Leipziger Allee and the Gohliser Schlösschen.');
    expect(codes(text).filter((d) => d.code === 'review.untagged-mention')).toEqual([]);
  });
});

describe('analyse: descriptions (<rs>) are context-dependent', () => {
  // "the Tram Workers" is known only as an <rs> description: an untagged or differently linked occurrence
  // is information for the reviewer, not a probable miss.
  const withDescription = () => plant(clean, 'the population had reacted', '<rs type="personGrp" ref="#grp-tram-workers">the Tram Workers</rs> had reacted');

  it('an untagged occurrence of a description is information', () => {
    const text = plant(withDescription(), 'promised to report again', 'promised the Tram Workers to report again');
    const { line, column } = positionOf(text, 'the Tram Workers to report');
    const found = codes(text).filter((d) => d.line === line);
    expect(found.map((d) => [d.code, d.severity, d.column])).toEqual([['review.untagged-description', 'info', column]]);
    expect(found[0]!.message).toMatch(/"the Tram Workers" is a description used elsewhere for #grp-tram-workers/);
  });

  it('the same description linked to two entries is information; the same name is a warning', () => {
    const text = plant(withDescription(), 'promised to report again', 'promised <rs type="personGrp" ref="#grp-teachers">the Tram Workers</rs> to report again');
    const { line } = positionOf(text, '<rs type="personGrp" ref="#grp-teachers">the Tram');
    const d = codes(text).find((x) => x.code === 'review.inconsistent-link' && x.line === line);
    expect(d?.severity).toBe('info');
    const named = plant(clean, /(teachers of\s+)<placeName ref="#pl-gohlis">/, '$1<placeName ref="#pl-leipzig">');
    expect(codes(named).find((x) => x.code === 'review.inconsistent-link')?.severity).toBe('warning');
  });
});

describe('name forms', () => {
  it('derives inverted, surname and abbreviation forms', () => {
    expect(registerForms('Weber, Anna', 'person')).toEqual(['Weber, Anna', 'Anna Weber', 'Weber']);
    expect(registerForms('Korean Workers\' Party (KWP)', 'org')).toEqual(["Korean Workers' Party (KWP)", "Korean Workers' Party", 'KWP']);
    expect(registerForms('Pharmaceutical plant (not named)', 'org')).toEqual(['Pharmaceutical plant (not named)', 'Pharmaceutical plant']);
    expect(registerForms('Wien, Innere Stadt', 'place')).toEqual(['Wien, Innere Stadt']);
  });
  it('keys ignore case and punctuation', () => {
    expect(nameKey('Beer-Hofmann,  RICHARD')).toBe(nameKey('beer hofmann richard'));
  });
});
