import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaResolver, sha256, TEI_ALL_URL } from '../../src/validate/schema.js';
import { schemaDir, testIo } from '../helpers/io.js';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-schema-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const grammar = (name: string) => `<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="${name}"><empty/></element></start></grammar>`;

describe('SchemaResolver: the SHA-256 of a local schema cached under the file\'s identity', () => {
  it('gives the same hash and text from the cache as from reading tei_all.rng, and records it once', async () => {
    const cacheDir = path.join(tmp, 'cache-tei');
    const io = testIo(tmp, { TEIKIT_CACHE_DIR: cacheDir });
    const text = await fs.readFile(path.join(schemaDir, 'tei_all.rng'), 'utf8');
    const first = await new SchemaResolver(io).resolve(TEI_ALL_URL, path.join(tmp, 'doc.xml'));
    expect(await fs.readdir(path.join(cacheDir, 'schema-info'))).toHaveLength(1);
    const second = await new SchemaResolver(io).resolve(TEI_ALL_URL, path.join(tmp, 'doc.xml'));
    expect(second.path).toBe(first.path);
    expect(second.sha256).toBe(sha256(text));
    expect(first.sha256).toBe(sha256(text));
    expect(second.text).toBe(text);
  });

  it('reads the schema again when it is rewritten, even with the same size and modification time', async () => {
    const cacheDir = path.join(tmp, 'cache-edit');
    const io = testIo(tmp, { TEIKIT_CACHE_DIR: cacheDir });
    const file = path.join(tmp, 'edited.rng');
    await fs.writeFile(file, grammar('aaa'));
    const before = await new SchemaResolver(io).resolve('edited.rng', path.join(tmp, 'doc.xml'));
    const { mtime } = await fs.stat(file);
    await fs.writeFile(file, grammar('bbb'));
    await fs.utimes(file, mtime, mtime);
    const after = await new SchemaResolver(io).resolve('edited.rng', path.join(tmp, 'doc.xml'));
    expect(before.sha256).toBe(sha256(grammar('aaa')));
    expect(after.sha256).toBe(sha256(grammar('bbb')));
    expect(after.text).toBe(grammar('bbb'));
  });

  it('still refuses a file that is not a schema, cache or not, without quoting it', async () => {
    const cacheDir = path.join(tmp, 'cache-refuse');
    const io = testIo(tmp, { TEIKIT_CACHE_DIR: cacheDir });
    await fs.writeFile(path.join(tmp, 'secret.txt'), 'root:x:0:0:secret');
    for (let i = 0; i < 2; i++) {
      await expect(new SchemaResolver(io).resolve('secret.txt', path.join(tmp, 'doc.xml'))).rejects.toThrow(/secret\.txt is not a RELAX NG or Schematron schema/);
    }
    await expect(fs.readdir(path.join(cacheDir, 'schema-info'))).rejects.toThrow();
  });

  it('does not give a cached hash with the text of a file replaced after it was resolved', async () => {
    const cacheDir = path.join(tmp, 'cache-race');
    const io = testIo(tmp, { TEIKIT_CACHE_DIR: cacheDir });
    const file = path.join(tmp, 'raced.rng');
    await fs.writeFile(file, grammar('one'));
    await new SchemaResolver(io).resolve('raced.rng', path.join(tmp, 'doc.xml'));
    const cached = await new SchemaResolver(io).resolve('raced.rng', path.join(tmp, 'doc.xml'));
    await fs.writeFile(file, grammar('two'));
    expect(() => cached.text).toThrow(/changed while teikit was reading it/);
  });
});
