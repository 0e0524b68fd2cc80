import { validateXML } from 'xmllint-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { XmllintPool, XmllintSession } from '../../src/parallel/xmllint-session.js';

const schema = {
  fileName: 'schema.rng',
  contents: '<element name="list" xmlns="http://relaxng.org/ns/structure/1.0"><oneOrMore><element name="item"><text/></element></oneOrMore></element>',
};
const args = (docs: string[]) => ['--relaxng', 'schema.rng', '--noout', ...docs];
const pages = { initial: 256, maximum: 4096 };
const session = new XmllintSession();
afterAll(() => session.close());

describe('XmllintSession', () => {
  it('gives each run only its own output, as a fresh xmllint-wasm call does', async () => {
    const bad = { fileName: 'doc0.xml', contents: '<list>\n<item>a</item>\n<wrong/>\n</list>' };
    const good = { fileName: 'doc0.xml', contents: '<list><item>a</item></list>' };
    const reference = await validateXML({ xml: [bad], schema: [schema], extension: 'relaxng' });

    const first = await session.run(args(['doc0.xml']), [bad, schema], pages);
    expect(first.exitCode).toBe(3);
    expect(first.stderr).toBe(reference.rawOutput);
    expect(first.stderr).toMatch(/doc0\.xml:3: element wrong: Relax-NG validity error/);

    const second = await session.run(args(['doc0.xml']), [good, schema], pages);
    expect(second).toEqual({ exitCode: 0, stderr: 'doc0.xml validates\n' });

    // Runs queued at once are serialised and each still gets its own verdict.
    const [a, b] = await Promise.all([session.run(args(['doc0.xml']), [bad, schema], pages), session.run(args(['doc0.xml']), [good, schema], pages)]);
    expect([a.exitCode, b.exitCode]).toEqual([3, 0]);
    expect(a.stderr).toBe(reference.rawOutput);
  });

  it('validates the same after warm(), which starts the worker before the first run', async () => {
    const warmed = new XmllintSession();
    try {
      warmed.warm();
      warmed.warm();
      const bad = { fileName: 'doc0.xml', contents: '<list>\n<wrong/>\n</list>' };
      const reference = await validateXML({ xml: [bad], schema: [schema], extension: 'relaxng' });
      expect(await warmed.run(args(['doc0.xml']), [bad, schema], pages)).toEqual({ exitCode: 3, stderr: reference.rawOutput });
    } finally {
      await warmed.close();
    }
  });

  it('reads UTF-8 bytes given instead of text the same; moves bytes that own their buffer and copies a view', async () => {
    const text = '<list>\n<item>é ✓ 𝔄</item>\n<wrong/>\n</list>';
    const fromText = await session.run(args(['doc0.xml']), [{ fileName: 'doc0.xml', contents: text }, schema], pages);
    const own = new TextEncoder().encode(text);
    const fromBytes = await session.run(args(['doc0.xml']), [{ fileName: 'doc0.xml', contents: own }, schema], pages);
    expect(fromBytes).toEqual(fromText);
    expect(fromBytes.stderr).toMatch(/doc0\.xml:3: element wrong/);
    expect(own.byteLength).toBe(0);
    const pooled = Buffer.from(`xx${text}yy`, 'utf8').subarray(2, -2);
    expect(await session.run(args(['doc0.xml']), [{ fileName: 'doc0.xml', contents: pooled }, schema], pages)).toEqual(fromText);
    expect(pooled.toString('utf8')).toBe(text);
  });

  it('reports a document that does not parse with xmllint\'s own exit code', async () => {
    const r = await session.run(args(['doc0.xml']), [{ fileName: 'doc0.xml', contents: '<list><item>' }, schema], pages);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/doc0\.xml:1: parser error/);
  });
});

describe('XmllintPool', () => {
  const bad = { fileName: 'doc0.xml', contents: '<list>\n<item>a</item>\n<wrong/>\n</list>' };
  const good = { fileName: 'doc0.xml', contents: '<list><item>a</item></list>' };

  it('shares runs out between its sessions, each run still with only its own output', async () => {
    const pool = new XmllintPool(2);
    try {
      pool.warm();
      const reference = await validateXML({ xml: [bad], schema: [schema], extension: 'relaxng' });
      const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.run(args(['doc0.xml']), [i % 2 ? good : bad, schema], pages)));
      expect(runs.map((r) => r.exitCode)).toEqual([3, 0, 3, 0, 3, 0]);
      for (const r of runs.filter((_, i) => i % 2 === 0)) expect(r.stderr).toBe(reference.rawOutput);
      for (const r of runs.filter((_, i) => i % 2 === 1)) expect(r.stderr).toBe('doc0.xml validates\n');
      // Six runs queued at once on two sessions: both took some.
      expect(new Set(runs.map((r) => r.session))).toEqual(new Set([0, 1]));
    } finally {
      await pool.close();
    }
  });

  it('grows when resized, never shrinks, and keeps serving after a run fails to parse', async () => {
    const pool = new XmllintPool();
    try {
      expect(pool.size).toBe(1);
      pool.resize(3);
      pool.resize(2);
      expect(pool.size).toBe(3);
      const broken = await pool.run(args(['doc0.xml']), [{ fileName: 'doc0.xml', contents: '<list><item>' }, schema], pages);
      expect(broken.exitCode).toBe(4);
      const after = await pool.run(args(['doc0.xml']), [good, schema], pages);
      expect(after.exitCode).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
