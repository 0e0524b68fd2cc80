import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import { runCli } from '../helpers/io.js';
import { EDITION, plant, positionOf, readText } from './helpers.js';

let dir: string;
let original: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-review-edition-'));
  original = await readText(EDITION);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function reviewJson(file: string): Promise<{ code: number; diagnostics: Diagnostic[] }> {
  const r = await runCli(['review', '--format', 'json', '--out', path.join(dir, 'out'), file]);
  const doc = JSON.parse(r.stdout);
  return { code: r.code, diagnostics: doc.documents[0].diagnostics };
}

describe('teikit review on the bundled edition', () => {
  let baseline: Diagnostic[];
  it('runs cleanly: exit 0, no errors, every finding placed and explained', async () => {
    const r = await reviewJson(EDITION);
    baseline = r.diagnostics;
    expect(r.code).toBe(0);
    expect(baseline.filter((d) => d.severity === 'error')).toEqual([]);
    for (const d of baseline) {
      expect(d.line).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
      expect(d.message.length).toBeGreaterThan(30);
    }
    await expect(fs.stat(path.join(dir, 'out', 'puzanov-1957-07-08.review.html'))).resolves.toBeTruthy();
  });

  it('reports planted defects in a copy, each at its line', async () => {
    let text = original;
    text = plant(text, '<persName ref="#nam-il">Nam Il</persName> was present', 'Nam Il was present');
    text = plant(text, /(<\/person>\s*)(<\/listPerson>)/, '$1  <person xml:id="planted-unused" role="official"><persName type="normalised">Planted Person</persName><note>Never mentioned.</note></person>\n    $2');
    text = plant(text, '<persName ref="#molotov">Molotov</persName>, and', '<persName ref="#kaganovich">Molotov</persName>, and');
    text = plant(text, /(<said xml:id="r07") who="[^"]*"/, '$1');
    const file = path.join(dir, 'planted.xml');
    await fs.writeFile(file, text);
    const r = await reviewJson(file);
    expect(r.code).toBe(0);
    const at = (code: string, needle: string, msg: RegExp) => {
      const { line } = positionOf(text, needle);
      const hit = r.diagnostics.find((d) => d.code === code && d.line === line);
      expect(hit, `${code} at line ${line}`).toBeDefined();
      expect(hit!.message).toMatch(msg);
      // Not there before the defect was planted.
      expect(baseline.some((d) => d.code === code && d.message === hit!.message)).toBe(false);
    };
    at('review.untagged-mention', 'Nam Il was present', /"Nam Il" is a name of #nam-il/);
    at('review.unreferenced-entry', '<person xml:id="planted-unused"', /#planted-unused \(Planted Person\) is never referenced/);
    at('review.wrong-entry', '<persName ref="#kaganovich">Molotov', /"Molotov" is linked to #kaganovich .* registered name of #molotov/);
    at('review.quote-unattributed', '<said xml:id="r07"', /said #r07 has no speaker/);
  });
});
