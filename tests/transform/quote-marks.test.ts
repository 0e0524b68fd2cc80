import { describe, expect, it } from 'vitest';
import { sharedEngine } from './engine.js';

/** A document with one direct quotation that does not start with a mark, with or without a header saying marks are kept. */
function doc(editorialDecl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>Quotation marks</title></titleStmt>
      <publicationStmt><p>Unpublished.</p></publicationStmt>
      <sourceDesc><p>Born digital.</p></sourceDesc>
    </fileDesc>${editorialDecl}
  </teiHeader>
  <text><body><p>He said <q>hello</q>.</p></body></text>
</TEI>`;
}

// The header's variable was once written with unprefixed paths, which xslt3 resolves in no namespace inside a
// global variable: marks were then added even where the header says the text keeps them all.
describe('quotation marks follow editorialDecl/quotation/@marks', () => {
  const cases = [
    { name: 'no declaration: marks added', header: '', text: 'He said “hello”.' },
    { name: 'marks="all": none added', header: '<encodingDesc><editorialDecl><quotation marks="all"><p>Kept.</p></quotation></editorialDecl></encodingDesc>', text: 'He said hello.' },
    { name: 'marks="none": marks added', header: '<encodingDesc><editorialDecl><quotation marks="none"><p>Removed.</p></quotation></editorialDecl></encodingDesc>', text: 'He said “hello”.' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const out = await (await sharedEngine()).transform(doc(c.header));
      expect(out['.txt']).toContain(c.text);
    });
  }
});
