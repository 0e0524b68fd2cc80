import fc from 'fast-check';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/validate/input.js';
import { certainlyWellFormed, checkWellFormed } from '../../src/validate/wellformed.js';
import { mutantArb, mutate } from '../hostile/mutate.js';
import { corpusDir, repoRoot, testIo } from '../helpers/io.js';

const { XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
const fxpAccepts = (text: string) => XMLValidator.validate(text, { allowBooleanAttributes: false }) === true;

/**
 * certainlyWellFormed lets checkWellFormed skip fast-xml-parser, so it must never say yes where fast-xml-parser
 * says no (that would let a malformed document through). Saying no where it says yes only costs time.
 */
describe('certainlyWellFormed', () => {
  // [text, what the scan answers]: every false here is a place where the two parsers' quirks differ.
  const cases: Array<[string, boolean]> = [
    ['<a/>', true],
    ['\uFEFF<?xml version="1.0"?>\n<a x="1" y=\'<2>\'>t &amp; &#65; &#x41; &nbsp;<!-- c --><?pi x?><![CDATA[&]]></a>\n', true],
    ['<p:a xmlns:p="u"><p:b/></p:a >', true],
    ['<a></a\n>', true],
    ['<a/><b/>', false], // fast-xml-parser lets a second root pass after a self-closed one; the scan does not
    ['<a></a><b/>', false],
    [' <?xml version="1.0"?><a/>', false],
    ['<a><?xml version="1.0"?></a>', false],
    ['<a><?>x</a>', false],
    ['<a b="1"c="2"/>', false],
    ['<a b="1" b="2"/>', false],
    ['<a b/>', false],
    ['<a b=1/>', false],
    ['<a =""/>', false],
    ['<1a/>', false],
    ['<\u1680-x/>', false], // fast-xml-parser trims the name to "-x", which it then refuses
    ['<a\u00A0/>', false],
    ['<a></ a>', false],
    ['<a/ >', false],
    ['<a>&</a>', false],
    ['<a>&;</a>', false],
    ['<a>&#;</a>', false], // accepted by fast-xml-parser, refused here: stricter is allowed
    ['<a>&aaaaaaaaaaaaaaaaaaaaa;</a>', false],
    ['<a>&aaaaaaaaaaaaaaaaaaaa;</a>', true],
    ['<a><!DOCTYPE a></a>', false],
    ['<![CDATA[x]]><a/>', false],
    ['<a/>x', false],
    ['<a/>\u00A0', false],
    ['<a>', false],
    ['<a><!-- x</a>', false],
    ['', false],
  ];
  it.each(cases)('%j → %s, never yes where fast-xml-parser says no', (text, expected) => {
    expect(certainlyWellFormed(text)).toBe(expected);
    if (expected) expect(fxpAccepts(text)).toBe(true);
  });

  it('agrees with fast-xml-parser on every corpus document as validate reads it', async () => {
    const docs = (await fs.readdir(path.join(corpusDir, 'docs'))).filter((f) => f.endsWith('.xml')).sort();
    expect(docs.length).toBeGreaterThan(200);
    const io = testIo();
    let accepted = 0;
    for (const f of docs) {
      const absPath = path.join(corpusDir, 'docs', f);
      const loaded = await loadDocument(io, { file: f, absPath });
      if (loaded.text === null) continue;
      const fx = fxpAccepts(loaded.text);
      // Same answer both ways on real documents: the scan is sound and it spares fast-xml-parser every one of them.
      expect(certainlyWellFormed(loaded.text), f).toBe(fx);
      if (fx) accepted++;
    }
    expect(accepted).toBeGreaterThan(200);
  });

  it('never says yes to a mutant of the edition or of a hostile fixture that fast-xml-parser refuses', async () => {
    const bases = await Promise.all(
      ['tei/puzanov-1957-07-08.xml', 'tests/fixtures/hostile/encodings/utf8-bom.xml', 'tests/fixtures/hostile/injection/injection.xml', 'tests/fixtures/validate/not-well-formed.xml'].map((p) =>
        fs.readFile(path.join(repoRoot, p)),
      ),
    );
    let yes = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), mutantArb, (b, ms) => {
        const text = mutate(bases[b]!, ms).toString('utf8');
        const fx = fxpAccepts(text);
        if (!fx) refused++;
        if (certainlyWellFormed(text)) {
          yes++;
          expect(fx).toBe(true);
        }
      }),
      // As in tests/hostile/fuzz.test.ts: TEIKIT_FUZZ_RUNS=N TEIKIT_FUZZ_SEED=random for a longer, new run.
      { numRuns: Number(process.env['TEIKIT_FUZZ_RUNS'] ?? 1500), seed: process.env['TEIKIT_FUZZ_SEED'] === 'random' ? undefined : Number(process.env['TEIKIT_FUZZ_SEED'] ?? 20261201) },
    );
    // The property was exercised both ways.
    expect(yes).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('leaves checkWellFormed its wording for documents it does not vouch for', () => {
    const d = checkWellFormed('x.xml', '<a>\n<b></a>');
    expect(d).toMatchObject({ file: 'x.xml', line: 2, code: 'xml.not-well-formed' });
    expect(d!.message).toMatch(/^not well-formed: Expected closing tag 'b'/);
    // Refused by the scan, accepted by fast-xml-parser: still no diagnostic (libxml2 reports it later).
    expect(certainlyWellFormed('<a>&#;</a>')).toBe(false);
    expect(checkWellFormed('x.xml', '<a>&#;</a>')).toBeNull();
  });
});
