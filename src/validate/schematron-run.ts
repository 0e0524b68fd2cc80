import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { Io } from '../io.js';
import { parseXml, type XmlDocument } from '../util/xml-positions.js';
import { cacheRoot, FileCache } from './cache.js';
import { PointerChecker, pointerAttributesFromRng, type PointerAttributes } from './pointers.js';
import { readXmlModels, SCHEMATRON_NS, sha256, type ResolvedSchema, type SchemaResolver } from './schema.js';
import { compilePattern, compileSchematron, runSchematron, SCHEMATRON_FORMAT, type CompiledPattern, type CompiledSchematron, type PatternCompiler, type PatternSef } from './schematron.js';
import { loadSaxon, type SaxonJsApi } from './schematron-saxon.js';

/**
 * The I/O edge of the Schematron and pointer checks: what is derived from a schema (its Schematron as
 * one stylesheet per pattern, and its pointer attributes) is computed once per schema content and cached
 * on disk beside the RELAX NG helper's entries; each pattern is compiled the first time a document needs
 * it and cached by the hash of its stylesheet; SaxonJS is loaded only when some document has rules to run.
 */

interface Derived {
  schematron: CompiledSchematron;
  pointers: PointerAttributes | null;
}

/** Which of the rule checks to run (the command line's --no-schematron, --no-pointers). */
export interface RuleChecks {
  schematron: boolean;
  pointers: boolean;
}

/** What runs the rule checks of a chunk of documents: a RuleChecker in this thread, or one in a worker (RuleWorker). */
export interface RuleCheckRunner {
  check(items: readonly RuleCheckInput[], checks?: RuleChecks): Promise<Diagnostic[][]>;
}

export interface RuleCheckInput {
  file: string;
  absPath: string;
  /** The text the checks run on (XIncludes expanded). */
  text: string;
  /** The text as written, for its `<?xml-model?>` declarations. */
  original: string;
  schema: ResolvedSchema | null;
}

const compiledInProcess = new Map<string, Promise<string>>();
/** Compiled patterns by pattern id, with their JSON text taken before any run (running changes a SEF). */
const patternsInProcess = new Map<string, Promise<{ sef: PatternSef | null; text: string; stored: Set<string> }>>();
/** A schema's full compileSchematron result, for patterns to compile, by schema SHA-256. */
const stylesheetsInProcess = new Map<string, Promise<CompiledSchematron>>();

export class RuleChecker implements RuleCheckRunner {
  private readonly derived = new Map<string, Promise<Derived>>();
  private saxon: Promise<SaxonJsApi> | null = null;

  constructor(
    private readonly io: Io,
    private readonly resolver: SchemaResolver,
  ) {}

  private loadSaxon(): Promise<SaxonJsApi> {
    this.saxon ??= loadSaxon({ cacheDir: cacheRoot(this.io) });
    return this.saxon;
  }

  /** Compiled Schematron (and, for RELAX NG, pointer attributes) of a schema, from the cache when possible. */
  derive(schema: { text: string; sha256: string }, withPointers: boolean, label = 'the schema'): Promise<Derived> {
    const key = `${schema.sha256}-v${SCHEMATRON_FORMAT}`;
    let p = this.derived.get(key);
    if (!p) {
      p = (async () => {
        const cache = new FileCache(this.io, 'schematron');
        const hit = await cache.get(key, '.json');
        if (hit !== null) {
          try {
            return JSON.parse(hit) as Derived;
          } catch {
            // A damaged entry is recomputed below.
          }
        }
        // A process that meets the same schema under another cache folder reuses it.
        let json = compiledInProcess.get(key);
        if (!json) {
          json = (async () => {
            const schematron = await compileSchematron(schema.text);
            stylesheetsInProcess.set(schema.sha256, Promise.resolve(schematron));
            // The stylesheets are left out: only a pattern not compiled yet needs its own (see compilePattern).
            const slim = { ...schematron, patterns: schematron.patterns.map((p) => ({ ...p, xslt: null })) };
            return JSON.stringify({ schematron: slim, pointers: withPointers ? pointerAttributesFromRng(schema.text) : null } satisfies Derived);
          })();
          compiledInProcess.set(key, json);
          json.catch(() => compiledInProcess.delete(key));
        }
        const text = await json;
        await cache.set(key, '.json', text);
        return JSON.parse(text) as Derived;
      })();
      this.derived.set(key, p);
    }
    return p;
  }

  /** What runSchematron compiles a schema's patterns with: the cache below, shared by every process. */
  patternCompiler(schema: { text: string; sha256: string; label: string }): PatternCompiler {
    return (p, sx) => this.compilePattern(p, sx, schema);
  }

  /**
   * A pattern's SEF from the cache, else compiled (a fraction of a second, once per machine) and cached;
   * a pattern SaxonJS rejects is cached as such too.
   */
  private async compilePattern(pattern: CompiledPattern, saxon: SaxonJsApi, schema: { text: string; sha256: string; label: string }): Promise<PatternSef> {
    const key = `sef-${pattern.id}`;
    const cache = new FileCache(this.io, 'schematron');
    let entry = patternsInProcess.get(key);
    if (!entry) {
      entry = (async () => {
        const hit = await cache.get(key, '.json');
        if (hit !== null) {
          try {
            return { sef: JSON.parse(hit) as PatternSef, text: hit, stored: new Set([cache.pathOf(key, '.json')]) };
          } catch {
            // A damaged entry is recomputed below.
          }
        }
        // Slow, once per machine: say so where someone is waiting for it.
        if (this.io.stderr.isTTY) this.io.stderr.write(`teikit: compiling a Schematron pattern of ${schema.label} once (cached in ${cacheRoot(this.io)})\n`);
        let full = pattern;
        if (full.xslt === null) {
          // The cached index has no stylesheets: generate them again (a fraction of the compile's cost), once per schema.
          let all = stylesheetsInProcess.get(schema.sha256);
          if (!all) stylesheetsInProcess.set(schema.sha256, (all = compileSchematron(schema.text)));
          full = (await all).patterns.find((p) => p.id === pattern.id) ?? pattern;
        }
        // Serialized before any run: running adds parent pointers to the SEF.
        return { sef: null, text: JSON.stringify(await compilePattern(full, saxon)), stored: new Set<string>() };
      })();
      patternsInProcess.set(key, entry);
      entry.catch(() => patternsInProcess.delete(key));
    }
    const e = await entry;
    // Compiled once per process, stored in every cache folder it is used with.
    const file = cache.pathOf(key, '.json');
    if (!e.stored.has(file)) {
      e.stored.add(file);
      await cache.set(key, '.json', e.text);
    }
    // One object for every run in the process: SaxonJS prepares it in place once.
    return (e.sef ??= JSON.parse(e.text) as PatternSef);
  }

  /** Schematron of each document's schema and of its `<?xml-model?>` .sch files, then pointers across all documents. */
  async check(items: readonly RuleCheckInput[], checks: RuleChecks = { schematron: true, pointers: true }): Promise<Diagnostic[][]> {
    const out: Diagnostic[][] = items.map(() => []);
    if (!checks.schematron && !checks.pointers) return out;
    // One document at a time, its tree dropped once both checks have seen it: a corpus's trees together are
    // hundreds of megabytes, which the garbage collector would otherwise go over again and again.
    const pointers = new PointerChecker();
    const live: number[] = [];
    for (const [i, it] of items.entries()) {
      let doc: XmlDocument;
      try {
        doc = parseXml(it.text);
      } catch {
        continue; // the well-formedness check has reported it
      }
      live.push(i);
      let pointerAttrs: PointerAttributes | undefined;
      if (checks.schematron) pointerAttrs = await this.runRules(it, doc, out[i]!);
      else if (checks.pointers && it.schema) {
        // Without Schematron the schema's pointer attributes were not looked up: fetch them here.
        try {
          pointerAttrs = (await this.derive(it.schema, true, it.schema.path)).pointers ?? undefined;
        } catch {
          // Pointers are then checked against the TEI defaults, as for a schema whose rules cannot be compiled.
        }
      }
      if (checks.pointers) pointers.add({ file: it.file, text: it.text, parsed: doc, attributes: pointerAttrs });
    }
    if (!checks.pointers) return out;
    const results = pointers.finish();
    live.forEach((i, k) => out[i]!.push(...results[k]!));
    return out;
  }

  /** Runs the Schematron of a document's schema and of its `<?xml-model?>` .sch files; gives the schema's pointer attributes. */
  private async runRules(it: RuleCheckInput, doc: XmlDocument, out: Diagnostic[]): Promise<PointerAttributes | undefined> {
    let pointerAttrs: PointerAttributes | undefined;
    const sources: Array<{ text: string; sha256: string; label: string; rng: boolean }> = [];
    const schema = it.schema;
    // The schema's text is read only if a derived entry is missing (it is megabytes; a warm run never needs it).
    if (schema) sources.push({ get text() { return schema.text; }, sha256: schema.sha256, label: schema.path, rng: true });
    for (const m of readXmlModels(it.original)) {
      if (m.schematypens !== SCHEMATRON_NS && !(m.schematypens === null && /\.sch$/i.test(m.href))) continue;
      try {
        const sch = await this.resolver.resolve(m.href, it.absPath);
        const digest = sch.sha256 || sha256(sch.text);
        // TEI documents often declare their RELAX NG schema a second time as the Schematron source (its rules are
        // embedded): the same rules, run once. The text is read only if the rules are not cached yet.
        if (sources.some((s) => s.sha256 === digest)) continue;
        sources.push({ get text() { return sch.text; }, sha256: digest, label: m.href, rng: false });
      } catch (err) {
        out.push(diagnostic({ file: it.file, line: 1, severity: 'error', source: 'schematron', code: 'schematron.schema-missing', message: `the Schematron schema ${m.href} declared in <?xml-model?> could not be read (${(err as Error).message}); fix the href or remove the declaration` }));
      }
    }
    for (const src of sources) {
      let derived: Derived;
      try {
        derived = await this.derive(src, src.rng, src.label);
      } catch (err) {
        out.push(diagnostic({ file: it.file, line: null, severity: 'warning', source: 'schematron', code: 'schematron.schema-error', message: `the Schematron rules of ${src.label} could not be compiled, so none of them was checked: ${(err as Error).message}` }));
        continue;
      }
      if (src.rng && derived.pointers) pointerAttrs = derived.pointers;
      const sch = derived.schematron;
      try {
        out.push(...(await runSchematron(sch, it.text, it.file, () => this.loadSaxon(), doc, this.patternCompiler(src))));
      } catch (err) {
        // SaxonJS's parser rejects some documents the earlier checks let through (issue 8's fuzzing found a
        // misplaced <?xml?>): a problem in the document, reported as such rather than as an internal error.
        out.push(diagnostic({ file: it.file, line: null, severity: 'error', source: 'schematron', code: 'schematron.unparsable', message: `the Schematron rules could not run on the document: ${(err as Error).message}; fix the XML error it names` }));
      }
    }
    return pointerAttrs;
  }
}
