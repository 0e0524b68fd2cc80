import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fingerprinter, sefHash } from '../../src/build/fingerprint.js';
import { compiledDir } from '../../src/transform/stylesheets.js';
import { repoRoot, testIo } from '../helpers/io.js';

const EDITION = path.join(repoRoot, 'tei', 'puzanov-1957-07-08.xml');

describe('sefHash', () => {
  it('ignores the compile stamp and its checksum, and nothing else', async () => {
    const sef = await fs.readFile(path.join(compiledDir, 'dc.sef.json'), 'utf8');
    expect(sef).toMatch(/"buildDateTime":"[^"]+"/);
    expect(sef).toMatch(/"Σ":"[0-9a-f]+"\}$/);
    const restamped = sef.replace(/"buildDateTime":"[^"]+"/, '"buildDateTime":"1999-01-01T00:00:00.000Z"').replace(/"Σ":"[0-9a-f]+"/, '"Σ":"00000000"');
    expect(restamped).not.toBe(sef);
    expect(sefHash(Buffer.from(restamped))).toBe(sefHash(Buffer.from(sef)));
    const edited = sef.replace('"N":"package"', '"N":"packagf"');
    expect(sefHash(Buffer.from(edited))).not.toBe(sefHash(Buffer.from(sef)));
  });
});

describe('Fingerprinter', () => {
  it('changes with the compiled stylesheet a build runs, the options and the source; not with the compile stamp', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-fp-'));
    for (const f of await fs.readdir(compiledDir)) await fs.copyFile(path.join(compiledDir, f), path.join(dir, f));
    const io = testIo();
    const base = (await (await Fingerprinter.create(io, {}, dir)).of(EDITION))!.fingerprint;
    expect(base.schema).toMatch(/^[0-9a-f]{64}$/);

    // The single-output entries are for Saxon users; a build does not run them, so they do not make outputs stale.
    const csv = path.join(dir, 'csv.sef.json');
    await fs.writeFile(csv, (await fs.readFile(csv, 'utf8')).replace('"N":"package"', '"N":"packagf"'));
    expect((await (await Fingerprinter.create(io, {}, dir)).of(EDITION))!.fingerprint).toEqual(base);

    const all = path.join(dir, 'all.sef.json');
    const text = await fs.readFile(all, 'utf8');
    await fs.writeFile(all, text.replace(/"buildDateTime":"[^"]+"/, '"buildDateTime":"1999-01-01T00:00:00.000Z"'));
    expect((await (await Fingerprinter.create(io, {}, dir)).of(EDITION))!.fingerprint).toEqual(base);
    await fs.writeFile(all, text.replace('"N":"package"', '"N":"packagf"'));
    const changed = (await (await Fingerprinter.create(io, {}, dir)).of(EDITION))!.fingerprint;
    expect(changed.stylesheets).not.toBe(base.stylesheets);
    expect({ ...changed, stylesheets: base.stylesheets }).toEqual(base);

    const forced = (await (await Fingerprinter.create(io, { force: true }, compiledDir)).of(EDITION))!.fingerprint;
    expect(forced.options).not.toBe(base.options);
  });

  it('gives no fingerprint (always build) for a document with XIncludes or a schema that cannot be found', async () => {
    const io = testIo();
    const fp = await Fingerprinter.create(io, {});
    expect(await fp.of(path.join(repoRoot, 'tests/fixtures/validate/xinclude/remote-with-fallback.xml'))).toBeNull();
    expect(await (await Fingerprinter.create(io, { schema: 'no/such/schema.rng' })).of(EDITION)).toBeNull();
    expect(await fp.of(path.join(repoRoot, 'tests/fixtures/no-such-file.xml'))).toBeNull();
  });
});
