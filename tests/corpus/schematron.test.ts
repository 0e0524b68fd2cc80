import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { childElements, parseXml, type XmlDocument, type XmlElement } from '../../src/util/xml-positions.js';
import { runSchematron, type CompiledSchematron, type PatternCompiler } from '../../src/validate/schematron.js';
import { loadSaxon } from '../../src/validate/schematron-saxon.js';
import { corpusDir } from '../helpers/io.js';
import { teiAll } from '../validate/schematron-helpers.js';

/**
 * Agreement with ISO Schematron's reference implementation (the skeleton on Saxon-HE, Java) on the
 * corpus: schematron-reference.csv lists every failure it found, with the XPath of the node, on the
 * documents whose Jing verdict is valid or invalid. teikit must report exactly those (same node, same
 * message) and nothing else, so every other document must come out clean.
 */
interface Ref {
  file: string;
  location: string;
  message: string;
}
const manifest: Array<{ file: string; jing_verdict: string }> = parse(fs.readFileSync(path.join(corpusDir, 'manifest.csv'), 'utf8'), { columns: true });
const reference: Ref[] = parse(fs.readFileSync(path.join(corpusDir, 'schematron-reference.csv'), 'utf8'), { columns: true });
const files = manifest.filter((r) => r.jing_verdict === 'valid' || r.jing_verdict === 'invalid').map((r) => r.file);

/** The reference's `/*:TEI[namespace-uri()='…'][1]/…` path, followed in teikit's own parse, as line:column. */
function positionOf(doc: XmlDocument, location: string): string {
  let el: XmlElement | null = null;
  for (const step of location.split('/*:').filter(Boolean)) {
    const m = /^([^[]+)\[namespace-uri\(\)='([^']*)'\]\[(\d+)\]$/.exec(step);
    if (!m) throw new Error(`unexpected step ${step} in ${location}`);
    const candidates: XmlElement[] = el ? childElements(el) : [doc.root];
    el = candidates.filter((c) => c.local === m[1] && (c.ns ?? '') === m[2])[Number(m[3]) - 1] ?? null;
    if (!el) throw new Error(`no node at ${location}`);
  }
  const p = doc.position(el!.start);
  return `${p.line}:${p.column}`;
}

let compiled: CompiledSchematron;
let compile: PatternCompiler;
beforeAll(async () => {
  ({ schematron: compiled, compile } = await teiAll());
});

describe('Schematron on the corpus agrees with the reference implementation', () => {
  it('the reference covers 230 documents and 20 failures in 12 of them', () => {
    expect(files).toHaveLength(230);
    expect(reference).toHaveLength(20);
    expect(new Set(reference.map((r) => r.file)).size).toBe(12);
  });

  // Through both engines: teikit's XPath evaluator (SaxonJS for what it refuses), and SaxonJS alone.
  describe.each([
    ['teikit XPath first', true],
    ['SaxonJS only', false],
  ] as const)('%s', (_engine, native) => {
    it.each(files)('%s', async (file) => {
      const text = fs.readFileSync(path.join(corpusDir, 'docs', file), 'utf8');
      const doc = parseXml(text);
      const expected = reference.filter((r) => r.file === file).map((r) => `${positionOf(doc, r.location)} ${r.message}`);
      const got = await runSchematron(compiled, text, file, await loadSaxon(), doc, compile, { native });
      expect(got.map((d) => `${d.line}:${d.column} ${d.message}`).sort()).toEqual(expected.sort());
    });
  });
});
