import { expect, it } from 'vitest';
import { loadSaxonModule } from '../../src/validate/schematron-saxon.js';

interface QName {
  prefix: string;
  toString(): string;
  toEQName(): string;
}
interface QNameFactory {
  fromParts(prefix: string | null, uri: string | null, local: string): QName;
}

const TEI = 'http://www.tei-c.org/ns/1.0';

// teikit shares SaxonJS's QNames (one object per name instead of one per name test); sharing must not mix up
// names that differ only in prefix or namespace, and must keep SaxonJS's own checks.
it('SaxonJS QNames are shared per name and keep their own prefix, namespace and checks', async () => {
  const saxon = (await loadSaxonModule()) as { XS: { QName: QNameFactory } };
  const q = saxon.XS.QName;
  expect(q.fromParts('', TEI, 'p')).toBe(q.fromParts('', TEI, 'p'));
  expect(q.fromParts(null, null, 'p')).toBe(q.fromParts('', '', 'p'));
  expect(q.fromParts('tei', TEI, 'p')).not.toBe(q.fromParts('', TEI, 'p'));
  expect(q.fromParts('tei', TEI, 'p').toString()).toBe('tei:p');
  expect(q.fromParts('', TEI, 'p').toEQName()).toBe(`Q{${TEI}}p`);
  expect(q.fromParts('', '', 'p').toEQName()).toBe('Q{}p');
  expect(q.fromParts('', TEI, 'div').toEQName()).toBe(`Q{${TEI}}div`);
  expect(() => q.fromParts('', TEI, '1p')).toThrow(/Invalid local name/);
  expect(() => q.fromParts('', TEI, '1p')).toThrow(/Invalid local name/);
  // SaxonJS itself calls the factory with `new` in places (reverse axes in XPath.evaluate).
  const Made = q.fromParts as unknown as new (prefix: string, uri: string, local: string) => QName;
  expect(new Made('', TEI, 'p')).toBe(q.fromParts('', TEI, 'p'));
});
