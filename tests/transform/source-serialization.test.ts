import * as path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../helpers/io.js';
import { fs, sharedEngine } from './engine.js';

// SaxonJS builds a log line from every enumerable transform option, even when it does not log; for the source
// document that meant serializing it whole on each of the six transforms. The engine hides it from that loop.
it('running the stylesheets never serializes the source document', async () => {
  const engine = await sharedEngine();
  const doc = await engine.parse(await fs.readFile(path.join(repoRoot, 'tei/puzanov-1957-07-08.xml'), 'utf8'));
  let serialized = 0;
  const own = doc as { toString: () => string };
  const original = own.toString.bind(doc);
  own.toString = () => {
    serialized++;
    return original();
  };
  const html = engine.run('html', doc);
  const csv = engine.run('csv', doc, { table: 'mentions' });
  expect(html).toContain('<main>');
  expect(csv.split('\r\n').length).toBeGreaterThan(10);
  expect(serialized).toBe(0);
});
