import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/io.js';

/*
 * output/ holds the committed derivatives of the bundled edition. They must be exactly what `npm start`
 * (teikit build tei --out output) produces now: the build is run in-process into a temporary folder and
 * every file compared byte for byte. Nothing is masked: the outputs hold no timestamps or run-specific ids.
 */
describe('output/ is what `npm start` builds now', () => {
  it('same files, same bytes', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-fresh-'));
    const r = await runCli(['build', 'tei', '--out', tmp], repoRoot);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    // The build manifest (.teikit-manifest.json) is not a derivative: it is gitignored, see README "teikit build".
    const built = (await fs.readdir(tmp)).filter((f) => !f.startsWith('.')).sort();
    const committed = (await fs.readdir(path.join(repoRoot, 'output'))).filter((f) => !f.startsWith('.') && !f.endsWith('.review.html')).sort();
    expect(committed).toEqual(built);
    for (const f of built) {
      const want = await fs.readFile(path.join(tmp, f));
      const have = await fs.readFile(path.join(repoRoot, 'output', f));
      expect(have.equals(want), `output/${f} differs from a fresh build: run npm start and commit output/`).toBe(true);
    }
  });
});
