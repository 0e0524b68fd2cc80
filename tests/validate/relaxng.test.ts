import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RestrictingEngine, type RelaxNgInput } from '../../src/validate/relaxng.js';
import { sha256, type ResolvedSchema } from '../../src/validate/schema.js';
import { repoRoot, schemaDir, testIo } from '../helpers/io.js';

const teiAllPath = path.join(schemaDir, 'tei_all.rng');
const teiAllText = fs.readFileSync(teiAllPath, 'utf8');
const teiAll: ResolvedSchema = { path: teiAllPath, text: teiAllText, sha256: sha256(teiAllText) };
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'teikit-relaxng-'));
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

describe('RestrictingEngine with the documents\' UTF-8 bytes', () => {
  it('gives the same diagnostics from bytes as from text, and again from text once the bytes have been moved', async () => {
    const text = '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>é ✓</title></titleStmt>\n<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>\n<text><body><wrong>𝔄</wrong></body></text></TEI>';
    const engine = new RestrictingEngine(testIo(repoRoot, { TEIKIT_CACHE_DIR: cache }));
    const fromText = await engine.validate(teiAll, [{ file: 'd.xml', text }]);
    expect(fromText[0]!.map((d) => [d.line, d.code])).toContainEqual([3, expect.stringMatching(/relaxng/)]);
    const doc: RelaxNgInput = { file: 'd.xml', text, utf8: new TextEncoder().encode(text) };
    expect(await engine.validate(teiAll, [doc])).toEqual(fromText);
    expect(doc.utf8!.byteLength).toBe(0);
    expect(await engine.validate(teiAll, [doc])).toEqual(fromText);
  }, 120_000);
});
