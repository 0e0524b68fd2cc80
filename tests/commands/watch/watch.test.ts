import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli.js';
import { repoRoot, testIo } from '../../helpers/io.js';

const EDITION = path.join(repoRoot, 'tei', 'puzanov-1957-07-08.xml');

/** Resolves when `predicate` holds for the text written so far; fails with that text after `ms`. */
async function waitFor(read: () => string, predicate: (text: string) => boolean, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const text = read();
    if (predicate(text)) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out; output so far:\n${read()}`);
}

let stop: (() => Promise<number>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

/** Starts `teikit watch ARGS` in-process in `cwd`, stopped through the Io's AbortSignal as Ctrl-C would. */
function startWatch(args: string[], cwd: string) {
  const ac = new AbortController();
  const io = { ...testIo(cwd), signal: ac.signal };
  const done = run(['watch', ...args], io);
  stop = async () => {
    ac.abort(new Error('test over'));
    return done;
  };
  return { err: () => io.err.join(''), out: () => io.out.join(''), done, abort: () => ac.abort(new Error('stop')) };
}

describe('teikit watch', () => {
  it('re-checks the edition when it is saved and prints its diagnostics, then its recovery', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-watch-'));
    await fs.mkdir(path.join(dir, 'tei'));
    const file = path.join(dir, 'tei', 'puzanov-1957-07-08.xml');
    const original = await fs.readFile(EDITION, 'utf8');
    await fs.writeFile(file, original);

    const w = startWatch(['tei'], dir);
    await waitFor(w.err, (t) => t.includes('teikit: watching 1 document in tei;'));

    // An element TEI does not have, on a line we know: the save must produce a RELAX NG error there.
    const lines = original.split('\n');
    const bodyLine = lines.findIndex((l) => l.includes('<body>'));
    lines.splice(bodyLine + 1, 0, '      <notATeiElement/>');
    await fs.writeFile(file, lines.join('\n'));
    const rel = path.join('tei', 'puzanov-1957-07-08.xml');
    const after = await waitFor(w.err, (t) => t.includes(`teikit: ${rel}: `));
    expect(after).toMatch(new RegExp(`${rel.replace(/[.]/g, '\\.')}:${bodyLine + 2}:\\d+: error: .*notATeiElement`));
    expect(after).toMatch(/teikit: tei\/puzanov-1957-07-08\.xml: \d+ errors? \(\d+ ms\)/);

    // Saving the fixed file again reports it valid.
    const before = w.err().length;
    await fs.writeFile(file, original);
    const fixed = await waitFor(w.err, (t) => /: valid(, \d+ warnings?)? \(\d+ ms\)/.test(t.slice(before)));
    expect(fixed.slice(before)).not.toMatch(/error/);

    w.abort();
    expect(await w.done).toBe(0);
  });

  it('checks a document created after the start, and ignores files that are not XML', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-watch-'));
    await fs.mkdir(path.join(dir, 'docs'));
    const w = startWatch(['--format', 'json', 'docs'], dir);
    await waitFor(w.err, (t) => t.includes('teikit: watching 0 documents in docs;'));
    await fs.writeFile(path.join(dir, 'docs', 'notes.txt'), 'not a document');
    await fs.writeFile(path.join(dir, 'docs', 'new.xml'), '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader>\n</TEI>\n');
    const out = await waitFor(w.out, (t) => t.includes('\n'));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].documents[0]).toMatchObject({ file: path.join('docs', 'new.xml'), valid: false });
    expect(lines[0].documents[0].diagnostics[0]).toMatchObject({ source: 'xml', severity: 'error' });
  });

  it('a missing path is a usage error', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-watch-'));
    const w = startWatch(['nope'], dir);
    expect(await w.done).toBe(2);
    expect(w.err()).toMatch(/nope: no such file or folder/);
  });
});
