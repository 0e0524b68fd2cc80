import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { extract } from 'tar';
import { glob } from 'tinyglobby';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusDir, runCli } from '../../helpers/io.js';

const CMIF = 'TEI-Correspondence-SIG--CMIF--examples__example01_basic.xml';
const LEX = 'DARIAH-ERIC--lexicalresources--Data__etymology__Houaiss_Dictionary__acocorar.xml';
const BROKEN = 'arthur-schnitzler--schnitzler-briefe-data--data__meta__editionsrichtlinien.xml';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-package-'));
  await fs.mkdir(path.join(dir, 'tei'));
  for (const f of [CMIF, LEX]) await fs.copyFile(path.join(corpusDir, 'docs', f), path.join(dir, 'tei', f));
  // Derivatives as a build leaves them, with its hidden manifest that must not travel.
  await fs.mkdir(path.join(dir, 'output', 'html'), { recursive: true });
  await fs.writeFile(path.join(dir, 'output', 'html', 'example01.html'), '<!doctype html><title>x</title>\n');
  await fs.writeFile(path.join(dir, 'output', '.teikit-manifest.json'), '{}');
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Checks a bag the way a repository's ingest does (RFC 8493 §3): structure, then every checksum recomputed. */
async function checkBag(bag: string): Promise<{ info: Map<string, string[]>; payload: string[] }> {
  const top = (await fs.readdir(bag)).sort();
  expect(top).toEqual(['bag-info.txt', 'bagit.txt', 'data', 'manifest-sha256.txt', 'tagmanifest-sha256.txt']);
  expect(await fs.readFile(path.join(bag, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');

  const parse = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^([0-9a-f]{64}) +(.+)$/.exec(line);
        expect(m, `manifest line ${line}`).not.toBeNull();
        return { hash: m![1]!, file: m![2]! };
      });
  const payloadEntries = parse(await fs.readFile(path.join(bag, 'manifest-sha256.txt'), 'utf8'));
  const onDisk = (await glob('data/**/*', { cwd: bag, onlyFiles: true, dot: true })).sort();
  // Every payload file is in the manifest and every manifest entry exists (completeness, §3 rule 3 and 4).
  expect(payloadEntries.map((e) => e.file).sort()).toEqual(onDisk);
  for (const e of payloadEntries) expect(sha(await fs.readFile(path.join(bag, e.file))), e.file).toBe(e.hash);

  const tagEntries = parse(await fs.readFile(path.join(bag, 'tagmanifest-sha256.txt'), 'utf8'));
  expect(tagEntries.map((e) => e.file).sort()).toEqual(['bag-info.txt', 'bagit.txt', 'manifest-sha256.txt']);
  for (const e of tagEntries) expect(sha(await fs.readFile(path.join(bag, e.file))), e.file).toBe(e.hash);

  const info = new Map<string, string[]>();
  for (const line of (await fs.readFile(path.join(bag, 'bag-info.txt'), 'utf8')).split('\n').filter(Boolean)) {
    const m = /^([^:\s][^:]*): (.*)$/.exec(line);
    expect(m, `bag-info line ${line}`).not.toBeNull();
    info.set(m![1]!, [...(info.get(m![1]!) ?? []), m![2]!]);
  }
  let octets = 0;
  for (const f of onDisk) octets += (await fs.stat(path.join(bag, f))).size;
  expect(info.get('Payload-Oxum')).toEqual([`${octets}.${onDisk.length}`]);
  return { info, payload: onDisk };
}

describe('teikit package', () => {
  it('writes a folder bag whose checksums, Payload-Oxum and bag-info hold', async () => {
    const r = await runCli(['package', 'tei', '--out', 'deposit'], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    expect(r.stderr).toMatch(/wrote bag .*deposit \(2 documents, 5 payload files/);
    expect(r.code).toBe(0);
    const { info, payload } = await checkBag(path.join(dir, 'deposit'));
    expect(payload).toEqual([
      `data/oai_dc/tei/${LEX}`,
      `data/oai_dc/tei/${CMIF}`,
      'data/output/html/example01.html',
      `data/tei/${LEX}`,
      `data/tei/${CMIF}`,
    ].sort());
    expect(info.get('Source-Organization')).toContain('Carl-Maria-von-Weber-Gesamtausgabe');
    expect(info.get('Bagging-Date')).toEqual(['2023-11-14']);
    expect(info.get('External-Description')![0]).toMatch(/^2 TEI P5 documents: .*Carl-Maria-von-Weber-Gesamtausgabe/);
    // The sources travel byte for byte.
    expect(await fs.readFile(path.join(dir, 'deposit', 'data', 'tei', CMIF))).toEqual(await fs.readFile(path.join(corpusDir, 'docs', CMIF)));
  });

  it('writes an oai_dc record from the TEI header', async () => {
    const dc = await fs.readFile(path.join(dir, 'deposit', 'data', 'oai_dc', 'tei', CMIF), 'utf8');
    expect(dc).toContain('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"');
    expect(dc).toContain('<dc:title>Example of correspondence descriptions from the Carl-Maria-von-Weber-Gesamtausgabe</dc:title>');
    expect(dc).toContain('<dc:contributor>Peter Stadler stadler@weber-gesamtausgabe.de</dc:contributor>');
    expect(dc).toContain('<dc:publisher>Carl-Maria-von-Weber-Gesamtausgabe</dc:publisher>');
    expect(dc).toContain('<dc:date>2018-03-30T13:47:49.11+02:00</dc:date>');
    expect(dc).toContain('<dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>');
    expect(dc).toContain('<dc:format>application/tei+xml</dc:format>');
  });

  it('replaces an earlier bag whole, and refuses to replace a folder that is not a bag', async () => {
    await fs.writeFile(path.join(dir, 'output', 'html', 'second.html'), '<!doctype html><title>2</title>\n');
    const r = await runCli(['package', 'tei', '--out', 'deposit'], dir);
    expect(r.code).toBe(0);
    const { payload } = await checkBag(path.join(dir, 'deposit'));
    expect(payload).toContain('data/output/html/second.html');
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await fs.mkdir(path.join(dir, 'notabag'));
    await fs.writeFile(path.join(dir, 'notabag', 'precious.txt'), 'keep me');
    const refused = await runCli(['package', 'tei', '--out', 'notabag'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is a folder that is not a bag; refusing to replace it/);
    expect(await fs.readdir(path.join(dir, 'notabag'))).toEqual(['precious.txt']);
  });

  it('writes a .tar.gz holding one top-level bag folder', async () => {
    const r = await runCli(['package', 'tei', '--out', 'deposit.tar.gz'], dir);
    expect(r.code).toBe(0);
    const unpacked = path.join(dir, 'unpacked');
    await fs.mkdir(unpacked);
    await extract({ file: path.join(dir, 'deposit.tar.gz'), cwd: unpacked });
    expect(await fs.readdir(unpacked)).toEqual(['deposit']);
    await checkBag(path.join(unpacked, 'deposit'));
  });

  it('stops on a document that is not well-formed and leaves no bag', async () => {
    const bad = path.join(dir, 'bad');
    await fs.mkdir(bad);
    await fs.copyFile(path.join(corpusDir, 'docs', BROKEN), path.join(bad, BROKEN));
    const r = await runCli(['package', 'bad', '--out', 'bad.tar', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.bag).toBeNull();
    expect(doc.documents[0].diagnostics[0]).toMatchObject({ line: 684, severity: 'error', source: 'xml' });
    await expect(fs.stat(path.join(dir, 'bad.tar'))).rejects.toThrow();
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--out is required', async () => {
    const r = await runCli(['package', 'tei'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--out <file>'/);
  });
});
