import { describe, expect, it } from 'vitest';
import { prepareDocument } from '../../src/validate/entities.js';

describe('prepareDocument, attribute values', () => {
  it('keeps values with only predefined or character references as written, and expands declared entities in others', () => {
    const body = '<TEI a="x &amp; y" b="&#233;">&amp;<p c="&e;-&lt;" d="&amp;&e;"/></TEI>';
    const plain = prepareDocument('t.xml', '<TEI a="x &amp; y" b="&#233;">&amp;<p c="&lt;"/></TEI>');
    expect(plain).toEqual({ ok: true, text: '<TEI a="x &amp; y" b="&#233;">&amp;<p c="&lt;"/></TEI>', diagnostics: [] });
    const withEntity = prepareDocument('t.xml', `<!DOCTYPE TEI [<!ENTITY e "E">]>${body}`);
    expect(withEntity.ok).toBe(true);
    if (!withEntity.ok) return;
    expect(withEntity.text.slice(withEntity.text.indexOf('<TEI'))).toBe('<TEI a="x &amp; y" b="&#233;">&amp;<p c="E-&lt;" d="&amp;E"/></TEI>');
  });
});
