import { expect, it } from 'vitest';
import { sharedEngine } from './engine.js';

// Mentions, quotations and notes are numbered through maps keyed by tk:node-key. Hundreds of sibling names
// (ids that differ only at their end, which SaxonJS's string hash skips unless reversed) must still each get
// their own number, in document order, and the index must link back to every one.
it('numbers hundreds of sibling mentions, quotations and notes in document order', async () => {
  const n = 600;
  const names = Array.from({ length: n }, (_, i) => `<persName ref="#p1">N${i + 1}</persName> <q who="#p1">Q${i + 1}</q><note>T${i + 1}</note>`).join(' ');
  const xml = `<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Numbers</title></titleStmt>
<publicationStmt><p>Test.</p></publicationStmt><sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader>
<text><body><p>${names}</p></body><back><listPerson><person xml:id="p1"><persName>One</persName></person></listPerson></back></text></TEI>`;
  const engine = await sharedEngine();
  const doc = await engine.parse(xml);
  const html = engine.run('html', doc);

  const mentionIds = [...html.matchAll(/<a class="m m-person" id="(tk-m-\d+)"[^>]*>N(\d+)</g)];
  expect(mentionIds).toHaveLength(n);
  mentionIds.forEach((m, i) => expect([m[1], m[2]]).toEqual([`tk-m-${i + 1}`, String(i + 1)]));
  const backlinks = [...html.matchAll(/<a href="#(tk-m-\d+)" class="backlink"/g)].map((m) => m[1]);
  expect(backlinks).toEqual(mentionIds.map((m) => m[1]));

  const reactions = [...html.matchAll(/<tr id="tk-r-(\d+)">.*?<td class="quotation">Q(\d+)</g)];
  expect(reactions).toHaveLength(n);
  reactions.forEach((r, i) => expect([r[1], r[2]]).toEqual([String(i + 1), String(i + 1)]));

  const notes = [...html.matchAll(/<li id="tk-n-(\d+)" value="(\d+)">T(\d+)/g)];
  expect(notes).toHaveLength(n);
  notes.forEach((m, i) => expect([m[1], m[2], m[3]]).toEqual([String(i + 1), String(i + 1), String(i + 1)]));
});
