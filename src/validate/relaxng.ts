import { diagnostic, type Diagnostic } from '../diagnostic.js';
import { sharedXmllint } from '../parallel/xmllint-session.js';
import { lineStartsOf } from '../util/xml-positions.js';
import type { Io } from '../io.js';
import { FileCache } from './cache.js';
import { deriveSchema, documentShape, type DeriveOptions, parseRng, relaxableAttributes, scanAttributes, type RelaxableAttributes, type RngNode, type TokenCheck } from './restrict.js';
import { sha256, type ResolvedSchema } from './schema.js';

export interface RelaxNgInput {
  file: string;
  text: string;
  /**
   * `text` as UTF-8, when the caller has it without encoding (a UTF-8 file's own bytes): xmllint reads these,
   * and they are moved to its worker (see XmllintFile), so the array is empty afterwards.
   */
  utf8?: Uint8Array;
}

/**
 * A RELAX NG validator. Kept this small so another engine (a native binding, a JS validator)
 * can replace xmllint-wasm without touching the commands.
 */
export interface RelaxNgEngine {
  /**
   * Validates every document against `schema`; result i holds the diagnostics of docs[i]. `onSubmitted` is
   * called once the first batch is handed to xmllint, so that the caller's own work can wait until then.
   */
  validate(schema: ResolvedSchema, docs: readonly RelaxNgInput[], onSubmitted?: () => void): Promise<Diagnostic[][]>;
  /** Starts what is slow to start (a worker thread) before the documents are read, so the two overlap. */
  warm?(): void;
}

/** Bump when derived schemas change, so caches written by older versions are not used. */
const DERIVE_VERSION = 'restrict-12';

/**
 * One xmllint-wasm call instantiates wasm in a worker (~0.1 s), and compiling a derived schema grows faster than
 * the number of element names it keeps (tei_all's whole 588 take seconds): documents are grouped into batches
 * of similar vocabulary, each with a bounded union of names, number of documents and bytes (the memory the
 * trees take inside wasm).
 */
export interface BatchLimits {
  maxDocs: number;
  maxBytes: number;
  maxNames: number;
}
const DEFAULT_LIMITS: BatchLimits = { maxDocs: 100, maxBytes: 24 * 1024 * 1024, maxNames: 160 };

/**
 * Documents with more consecutive same-named siblings than this (a register's entries) are validated with
 * registers flattened (restrict.ts, flattenRegisters): libxml2's time on TEI's nested register content grows
 * faster than quadratically with the run (2,216 <place>: 7 s native; 4,432: 48 s), the flat form's linearly.
 */
const LONG_RUN = 200;

interface Batch {
  docs: number[];
  names: Set<string>;
  bytes: number;
}

/** Greedy grouping: each document joins the batch its names grow least, within the limits. */
export function planBatches(nameSets: ReadonlyArray<ReadonlySet<string>>, sizes: readonly number[], limits: BatchLimits): number[][] {
  const batches: Batch[] = [];
  const order = nameSets.map((_, i) => i).sort((a, b) => nameSets[b]!.size - nameSets[a]!.size);
  for (const i of order) {
    const names = nameSets[i]!;
    let best: Batch | null = null;
    let bestGrowth = Infinity;
    for (const b of batches) {
      if (b.docs.length >= limits.maxDocs || b.bytes + sizes[i]! > limits.maxBytes) continue;
      let growth = 0;
      for (const n of names) if (!b.names.has(n)) growth++;
      if (b.names.size + growth > limits.maxNames && growth > 0) continue;
      if (growth < bestGrowth) (best = b), (bestGrowth = growth);
    }
    if (!best) batches.push((best = { docs: [], names: new Set(), bytes: 0 }));
    best.docs.push(i);
    best.bytes += sizes[i]!;
    for (const n of names) best.names.add(n);
  }
  return batches.map((b) => b.docs.sort((x, y) => x - y));
}

/** libxml2 (xmllint-wasm) against the schema exactly as given: slow for tei_all (~9 s to compile), kept as the reference. */
export class XmllintEngine implements RelaxNgEngine {
  warm(): void {
    sharedXmllint().warm();
  }

  async validate(schema: ResolvedSchema, docs: readonly RelaxNgInput[], onSubmitted?: () => void): Promise<Diagnostic[][]> {
    return runXmllint(schema.text, docs, onSubmitted);
  }
}

/**
 * libxml2 against a schema restricted to the element names the documents use (see restrict.ts): the same
 * verdicts and errors as the full schema, compiled in milliseconds instead of seconds. The derived schema is
 * cached on disk keyed by the schema's SHA-256 and the sorted names; documents are validated in batches,
 * one xmllint call and one derived schema (for the union of their names) per batch.
 */
export class RestrictingEngine implements RelaxNgEngine {
  private readonly trees = new Map<string, Promise<RngNode | null>>();
  private readonly relaxable = new Map<string, Promise<RelaxableAttributes | null>>();

  constructor(
    private readonly io: Io,
    private readonly limits: BatchLimits = DEFAULT_LIMITS,
  ) {}

  warm(): void {
    sharedXmllint().warm();
  }

  async validate(schema: ResolvedSchema, docs: readonly RelaxNgInput[], onSubmitted?: () => void): Promise<Diagnostic[][]> {
    const out: Diagnostic[][] = docs.map(() => []);
    const shapes = docs.map((d) => documentShape(d.text));
    const nameSets = shapes.map((s) => s.names);
    const flatten = shapes.map((s) => s.longestRun > LONG_RUN);
    const checks = await this.relaxableAttributes(schema);
    // Null: the document's attribute patterns stay exact (no schema restriction, or the scan could not read it).
    const scans = docs.map((d) => (checks !== null ? scanAttributes(d.text, checks) : null));
    // Documents with and without long registers, with and without attributes scanned here, get different
    // schemas, hence different batches.
    const batches: { docs: number[]; flatten: boolean; relax: boolean }[] = [];
    for (const f of [false, true]) {
      for (const r of [true, false]) {
        const ids = docs.map((_, i) => i).filter((i) => flatten[i] === f && (scans[i] !== null) === r);
        const planned = planBatches(ids.map((i) => nameSets[i]!), ids.map((i) => docs[i]!.text.length), this.limits);
        for (const b of planned) batches.push({ docs: b.map((k) => ids[k]!), flatten: f, relax: r });
      }
    }
    // Largest first: a large batch started last would run alone at the end while the other lane idles.
    const bytes = (b: { docs: number[] }) => b.docs.reduce((sum, i) => sum + docs[i]!.text.length, 0);
    batches.sort((a, b) => bytes(b) - bytes(a));

    // Two lanes: while xmllint validates one batch in its worker thread, the next batch's schema is derived.
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const { docs: batch, flatten: flat, relax: relaxed } = batches[next++]!;
        const names = new Set<string>();
        const keepPatterns = new Set<string>();
        const attributes = new Map<string, Set<string>>();
        for (const i of batch) {
          for (const n of nameSets[i]!) names.add(n);
          for (const a of scans[i]?.unvouched ?? []) keepPatterns.add(a);
          for (const [element, used] of scans[i]?.byElement ?? []) {
            const all = attributes.get(element) ?? new Set<string>();
            for (const a of used) all.add(a);
            attributes.set(element, all);
          }
        }
        const text = await this.schemaFor(schema, names, { flattenRegisters: flat, relaxTokens: relaxed, keepPatterns, attributes: relaxed ? attributes : null });
        const results = await runXmllint(text, batch.map((i) => docs[i]!), onSubmitted);
        batch.forEach((i, k) => (out[i] = results[k]!));
      }
    };
    await Promise.all([worker(), worker()]);
    return out;
  }

  /** The derived schema for these names (from the cache when possible), or the schema itself when it cannot be restricted. */
  async schemaFor(schema: ResolvedSchema, names: ReadonlySet<string>, options: Omit<DeriveOptions, 'elements'> = {}): Promise<string> {
    const { flattenRegisters = false, relaxTokens = false, keepPatterns = new Set<string>(), attributes = null } = options;
    const relaxed = relaxTokens ? `+relax-but:${[...keepPatterns].sort().join(',')}` : '';
    const used = attributes !== null ? `+attributes:${[...attributes].map(([e, a]) => `${e}=${[...a].sort().join(',')}`).sort().join(';')}` : '';
    const key = sha256(`${DERIVE_VERSION}${flattenRegisters ? '+flat' : ''}${relaxed}${used}\n${schema.sha256}\n${[...names].sort().join('\n')}`);
    const cache = new FileCache(this.io, 'derived');
    const hit = await cache.get(key, '.rng');
    if (hit !== null) return hit;
    const tree = await this.tree(schema);
    if (!tree) return schema.text;
    const text = deriveSchema(tree, { elements: names, flattenRegisters, relaxTokens, keepPatterns, attributes }).text;
    await cache.set(key, '.rng', text);
    return text;
  }

  /** The attributes whose values relaxed schemas leave to scanAttributes; null when the schema cannot be restricted. */
  private relaxableAttributes(schema: ResolvedSchema): Promise<RelaxableAttributes | null> {
    let p = this.relaxable.get(schema.sha256);
    if (!p) {
      // Cached on its own (a few hundred bytes), so that warm runs need not load the parsed schema at all.
      p = (async () => {
        const cache = new FileCache(this.io, 'rng-tree');
        const key = sha256(`${DERIVE_VERSION}+relaxable\n${schema.sha256}`);
        const hit = await cache.get(key, '.json');
        if (hit !== null) return fromJson(hit);
        const tree = await this.tree(schema);
        if (!tree) return null;
        const found = relaxableAttributes(tree);
        await cache.set(key, '.json', toJson(found));
        return found;
      })();
      this.relaxable.set(schema.sha256, p);
    }
    return p;
  }

  /** The schema parsed once per run, and cached as JSON so a cold run with new names skips the XML parse. */
  private tree(schema: ResolvedSchema): Promise<RngNode | null> {
    let p = this.trees.get(schema.sha256);
    if (!p) {
      p = (async () => {
        const cache = new FileCache(this.io, 'rng-tree');
        const key = sha256(`${DERIVE_VERSION}\n${schema.sha256}`);
        const hit = await cache.get(key, '.json');
        if (hit !== null) return JSON.parse(hit) as RngNode;
        let tree: RngNode;
        try {
          tree = parseRng(schema.text);
        } catch {
          return null;
        }
        // Schemas that are not a single self-contained grammar are validated as they are.
        if (tree.k !== 'grammar' || hasNode(tree, (n) => n.k === 'include' || n.k === 'externalRef' || n.k === 'parentRef')) return null;
        await cache.set(key, '.json', JSON.stringify(tree));
        return tree;
      })();
      this.trees.set(schema.sha256, p);
    }
    return p;
  }
}

function toJson(r: RelaxableAttributes): string {
  return JSON.stringify(Object.fromEntries([...r].map(([el, byAttribute]) => [el, Object.fromEntries([...byAttribute].map(([a, checks]) => [a, [...checks]]))])));
}
function fromJson(text: string): RelaxableAttributes {
  const o = JSON.parse(text) as Record<string, Record<string, TokenCheck[]>>;
  return new Map(Object.entries(o).map(([el, byAttribute]) => [el, new Map(Object.entries(byAttribute).map(([a, checks]) => [a, new Set(checks)]))]));
}

function hasNode(n: RngNode, pred: (n: RngNode) => boolean): boolean {
  return pred(n) || n.c.some((c) => hasNode(c, pred));
}

/** One xmllint-wasm run: the schema and every document, each under a synthetic name. */
async function runXmllint(schemaText: string, docs: readonly RelaxNgInput[], onSubmitted?: () => void): Promise<Diagnostic[][]> {
  const names = docs.map((_, i) => `doc${i}.xml`);
  const pending = sharedXmllint().run(
    ['--relaxng', 'schema.rng', '--noout', ...names],
    [
      // Bytes already moved by an earlier run are empty (a text's UTF-8 never is): the text is encoded again.
      ...docs.map((d, i) => ({ fileName: names[i]!, contents: d.utf8?.byteLength ? d.utf8 : d.text })),
      { fileName: 'schema.rng', contents: schemaText },
    ],
    // 256 pages (16 MiB) to start, up to 2 GiB: xmllint-wasm's default start and the limit used so far.
    { initial: 256, maximum: 32768 },
  );
  onSubmitted?.();
  const run = await pending;
  // xmllint exits with other codes when a document does not parse; its output is still the report.
  if (run.exitCode < 0) throw new Error(run.stderr);
  return parseXmllintOutput(run.stderr, docs, names);
}

const LINE = /^(doc\d+\.xml):(\d+): (?:element ([^:\s]+): )?((?:Relax-NG )?(?:validity|parser|namespace) error|warning|I\/O warning|I\/O error) : ?(.*)$/;
const VERDICT = /^(doc\d+\.xml) (validates|fails to validate)$/;

/**
 * Turns xmllint's stderr into diagnostics. RELAX NG errors decide the verdict; parser errors (undeclared
 * entities…) are XML errors; libxml2's own ID checks outside the schema ("validity error", e.g. a duplicate
 * xml:id inside an egXML example, which tei_all does not type as ID) are warnings, since the reference
 * validator (Jing) does not make them; the schema's own ID typing still catches real ones.
 */
export function parseXmllintOutput(raw: string, docs: readonly RelaxNgInput[], names: readonly string[]): Diagnostic[][] {
  const out: Diagnostic[][] = docs.map(() => []);
  const index = new Map(names.map((n, i) => [n, i]));
  const verdicts = new Map<number, boolean>();
  const lines = raw.split('\n');
  const schemaErrors: string[] = [];
  for (const l of lines) {
    const v = VERDICT.exec(l);
    if (v) {
      verdicts.set(index.get(v[1]!)!, v[2] === 'validates');
      continue;
    }
    const m = LINE.exec(l);
    if (!m) {
      if (/^schema\.rng:|Relax-NG schema .* failed to compile|Relax-NG parser error|^WASM Abort/.test(l)) schemaErrors.push(l);
      continue;
    }
    const i = index.get(m[1]!);
    if (i === undefined) continue;
    const doc = docs[i]!;
    const line = Number(m[2]);
    const kind = m[4]!;
    const text = m[5]!.trim();
    if (kind === 'Relax-NG validity error') {
      out[i]!.push(relaxngDiagnostic(doc, line, m[3] ?? null, text));
    } else if (kind === 'parser error' || kind === 'namespace error' || kind === 'I/O error') {
      out[i]!.push(diagnostic({ file: doc.file, line, column: null, severity: 'error', source: 'xml', code: 'xml.parser', message: text }));
    } else if (/failed to load external entity/.test(text)) {
      // dtd.ts already reported the DOCTYPE's DTD; libxml2 here cannot see local files at all.
      continue;
    } else {
      out[i]!.push(diagnostic({ file: doc.file, line, column: null, severity: 'warning', source: 'xml', code: 'xml.libxml2', message: text }));
    }
  }
  if (schemaErrors.length) {
    throw new Error(`the RELAX NG schema could not be compiled: ${schemaErrors.slice(0, 3).join(' / ')}`);
  }
  docs.forEach((doc, i) => {
    const valid = verdicts.get(i);
    const hasError = out[i]!.some((d) => d.severity === 'error');
    if (valid === false && !hasError) {
      out[i]!.push(diagnostic({ file: doc.file, line: 1, severity: 'error', source: 'relaxng', code: 'relaxng.invalid', message: 'the document is not valid against the schema (libxml2 gave no detail)' }));
    } else if (valid === undefined && !hasError) {
      out[i]!.push(diagnostic({ file: doc.file, line: 1, severity: 'error', source: 'xml', code: 'xml.parser', message: 'libxml2 could not parse the document' }));
    }
  });
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Offsets where each line of a document begins, found once per document (it may have thousands of errors). */
const lineStartsByDoc = new WeakMap<RelaxNgInput, number[]>();

function lineStarts(doc: RelaxNgInput): number[] {
  let starts = lineStartsByDoc.get(doc);
  if (!starts) lineStartsByDoc.set(doc, (starts = lineStartsOf(doc.text)));
  return starts;
}

/** 1-based column of the first match of `re` on `line` of the document, or null. */
function columnOn(doc: RelaxNgInput, line: number, re: RegExp): number | null {
  const start = lineStarts(doc)[line - 1];
  if (start === undefined) return null;
  const end = doc.text.indexOf('\n', start);
  const m = re.exec(doc.text.slice(start, end < 0 ? undefined : end));
  return m ? m.index + 1 : null;
}

function elementColumn(doc: RelaxNgInput, line: number, element: string): number | null {
  return columnOn(doc, line, new RegExp(`<(?:[^\\s/>:]+:)?${escapeRe(element)}(?=[\\s/>])`));
}

/** libxml2's wording kept where it is clear, the noise dropped, and a hint on how to fix it. */
function relaxngDiagnostic(doc: RelaxNgInput, line: number, element: string | null, message: string): Diagnostic {
  let m: RegExpExecArray | null;
  let column = element ? elementColumn(doc, line, element) : null;
  let code = 'relaxng.invalid';
  let text = message;
  if ((m = /^Did not expect element (\S+) there$/.exec(message))) {
    code = 'relaxng.unexpected-element';
    text = `element ${m[1]} is not allowed here: ${message}; check the TEI Guidelines for where <${m[1]}> may appear, or whether it is misspelled or in the wrong namespace`;
  } else if ((m = /^Expecting an element (\S+), got nothing$/.exec(message))) {
    code = 'relaxng.missing-element';
    text = `<${element ?? 'this element'}> is incomplete: a required <${m[1]}> is missing (libxml2: ${message}); add it at the right place`;
  } else if (/^Expecting an element , got nothing$/.test(message)) {
    // libxml2 names no element when the first thing required is a choice (a register's first entry).
    code = 'relaxng.missing-element';
    text = `<${element ?? 'this element'}> is incomplete: a required child element is missing (libxml2: ${message}); check the TEI Guidelines for what <${element ?? 'it'}> must contain`;
  } else if ((m = /^Expecting element (\S+), got (\S+)$/.exec(message))) {
    code = 'relaxng.unexpected-element';
    text = `expected <${m[1]}> here, found <${m[2]}>; add the missing <${m[1]}> or move <${m[2]}>`;
    column = elementColumn(doc, line, m[2]!) ?? column;
  } else if ((m = /^Invalid attribute (\S+) for element (\S+)$/.exec(message))) {
    code = 'relaxng.invalid-attribute';
    text = `${message}: @${m[1]} is not allowed on <${m[2]}>, or its value does not fit the attribute's datatype; check the TEI Guidelines for <${m[2]}>`;
    // The match starts at the whitespace before the attribute's name.
    const at = columnOn(doc, line, new RegExp(`\\s(?:[^\\s=:]+:)?${escapeRe(m[1]!)}\\s*=`));
    if (at !== null) column = at + 1;
  } else if ((m = /^Element (\S+) failed to validate attributes$/.exec(message))) {
    code = 'relaxng.invalid-attribute';
    text = `the attributes of <${m[1]}> are not valid (a required attribute is missing, or a value does not fit its datatype)`;
  } else if ((m = /^Element (\S+) has extra content: (\S+)$/.exec(message))) {
    text = `<${m[1]}> has content that its content model does not allow, starting at <${m[2]}>`;
  }
  return diagnostic({ file: doc.file, line, column, severity: 'error', source: 'relaxng', code, message: text });
}
