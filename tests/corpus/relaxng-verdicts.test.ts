import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { collectDocuments } from '../../src/util/files.js';
import { checkExternalDtd, prologText } from '../../src/validate/dtd.js';
import { loadDocument } from '../../src/validate/input.js';
import { RestrictingEngine } from '../../src/validate/relaxng.js';
import { sha256 } from '../../src/validate/schema.js';
import { checkWellFormed } from '../../src/validate/wellformed.js';
import { expandXIncludes } from '../../src/validate/xinclude.js';
import { corpusDir, schemaDir, testIo } from '../helpers/io.js';

interface Row {
  file: string;
  jing_verdict: 'valid' | 'invalid' | 'not-well-formed' | 'io-error';
}

const manifest: Row[] = parse(fs.readFileSync(path.join(corpusDir, 'manifest.csv'), 'utf8'), { columns: true });
// A stable cache folder: the first run derives the schemas (tens of seconds), later runs take seconds.
const cacheDir = path.join(os.tmpdir(), 'teikit-corpus-relaxng-cache');

/**
 * The part of `teikit validate` that Jing's verdict covers, step by step as src/commands/validate runs it
 * (read, decode, well-formed, external DTD, XInclude, RELAX NG), without Schematron and pointer checks,
 * which Jing does not make and other tests cover.
 */
async function relaxNgVerdicts(): Promise<Map<string, Diagnostic[]>> {
  const io = testIo(corpusDir, { TEIKIT_CACHE_DIR: cacheDir });
  const teiAllPath = path.join(schemaDir, 'tei_all.rng');
  const text = fs.readFileSync(teiAllPath, 'utf8');
  const schema = { path: teiAllPath, text, sha256: sha256(text) };
  const out = new Map<string, Diagnostic[]>();
  const pending: Array<{ file: string; text: string; origin: (l: number) => { file: string; line: number } }> = [];
  for (const doc of await collectDocuments(['docs'], io)) {
    const ds: Diagnostic[] = [];
    out.set(path.basename(doc.file), ds);
    const loaded = await loadDocument(io, doc);
    ds.push(...loaded.diagnostics);
    if (loaded.text === null) continue;
    const wf = checkWellFormed(doc.file, loaded.text);
    if (wf) {
      ds.push(wf);
      continue;
    }
    const dtd = await checkExternalDtd(doc.file, doc.absPath, prologText(loaded.bytes), (p) => fs.promises.access(p).then(() => true, () => false));
    if (dtd) ds.push(dtd);
    if (dtd?.severity === 'error') continue;
    const expanded = await expandXIncludes(loaded.text, { file: doc.file, absPath: doc.absPath, readFile: (p) => fs.promises.readFile(p), display: (p) => path.relative(corpusDir, p) });
    ds.push(...expanded.diagnostics);
    if (expanded.diagnostics.some((d) => d.severity === 'error')) continue;
    pending.push({ file: doc.file, text: expanded.text, origin: expanded.origin });
  }
  const results = await new RestrictingEngine(io).validate(schema, pending);
  pending.forEach((p, i) => out.get(path.basename(p.file))!.push(...results[i]!));
  return out;
}

describe('RELAX NG verdicts on the external corpus agree with Jing (the reference)', () => {
  it(`all ${manifest.length} documents`, async () => {
    const byFile = await relaxNgVerdicts();
    const mismatches: string[] = [];
    for (const row of manifest) {
      const ds = byFile.get(row.file);
      if (!ds) {
        mismatches.push(`${row.file}: not validated`);
        continue;
      }
      const errors = ds.filter((d) => d.severity === 'error');
      const valid = errors.length === 0;
      if (valid !== (row.jing_verdict === 'valid')) mismatches.push(`${row.file}: Jing ${row.jing_verdict}, teikit ${valid ? 'valid' : 'invalid'} ${errors[0]?.message ?? ''}`);
      // Every "invalid" verdict names its cause in the right checker.
      const expected = { invalid: 'relaxng', 'not-well-formed': 'xml', 'io-error': null, valid: null }[row.jing_verdict];
      if (expected && !errors.some((e) => e.source === expected)) mismatches.push(`${row.file}: Jing ${row.jing_verdict}, but no ${expected} error`);
      if (row.jing_verdict === 'io-error' && !errors.some((e) => e.code === 'xml.dtd-missing' || e.code === 'xinclude.failed')) {
        mismatches.push(`${row.file}: Jing io-error, but neither a missing DTD nor a failed XInclude reported`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(byFile.size).toBe(manifest.length);
  }, 600_000);
});
