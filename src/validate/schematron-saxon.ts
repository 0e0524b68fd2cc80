import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * The two things teikit asks of SaxonJS: compile an XSLT 3.0 stylesheet to SEF (with the XSLT compiler
 * SaxonJS carries inside, the one the xslt3 CLI uses, so no devDependency is needed at run time) and run
 * a SEF on a document given as text.
 */
export interface SaxonJsApi {
  /** SEF as a JSON value, checksummed so SaxonJS accepts it back through `stylesheetText`. */
  compileXslt(xslt: string): Promise<unknown>;
  /** The document parsed once by SaxonJS, to run several stylesheets on. Throws on XML SaxonJS rejects. */
  parse(docText: string): Promise<SaxonDocument>;
  /** The serialized (text) output of the stylesheet on the document; params keyed by `Q{uri}local`. */
  run(sef: unknown, doc: string | SaxonDocument, params?: Record<string, unknown>): Promise<string>;
}

/** A document in SaxonJS's own tree, with its elements in document order (root element first). */
export interface SaxonDocument {
  node: unknown;
  elements: unknown[];
}

/* The part of SaxonJS's DOM that is walked to list the elements. */
interface DomNode {
  nodeType: number;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
}

export interface LoadOptions {
  /**
   * Folder for V8's code cache of SaxonJS (2.4 MB of JavaScript): with it, loading takes well under half
   * the time. Null: load without a cache.
   */
  cacheDir?: string | null;
}

/* SaxonJS ships no type declarations; this is the part of its (documented and xslt3-internal) API used here. */
interface SaxonModule {
  getResource(o: { text: string; type: 'xml' }): Promise<{ _saxonBaseUri?: string }>;
  getPlatform(): { resource(name: string): SefNode };
  XdmMap: new () => { inSituPut(k: unknown, v: unknown[]): void };
  XS: { QName: { fromParts(p: string | null, u: string | null, l: string): unknown } };
  checkOptions(o: Record<string, unknown>): { resultPromise: Promise<{ principalResult: unknown }> };
  internalTransform(sef: SefNode, doc: unknown, o: unknown): void;
  XPath: { sefToJSON(node: unknown, b: boolean): SefNode };
  transform(o: Record<string, unknown>, mode: 'async'): Promise<{ principalResult: string }>;
}

interface SefNode {
  N: string;
  C?: SefNode[];
  parentNode?: SefNode;
  [key: string]: unknown;
}

const require = createRequire(import.meta.url);

let loading: Promise<SaxonJsApi> | null = null;

let loadedModule: unknown = null;

/** Loads SaxonJS once per process (later calls share the first load). */
export function loadSaxon(options: LoadOptions = {}): Promise<SaxonJsApi> {
  loading ??= load(options.cacheDir ?? null);
  return loading;
}

/**
 * The raw SaxonJS module of the process's one copy, for the transforms of `build`: two copies in one process
 * break each other (each sets globalThis.HostPlatform), so Schematron and the stylesheets must share it.
 */
export async function loadSaxonModule(options: LoadOptions = {}): Promise<unknown> {
  await loadSaxon(options);
  return loadedModule;
}

async function load(cacheDir: string | null): Promise<SaxonJsApi> {
  const file = require.resolve('saxon-js');
  const source = await fs.readFile(file, 'utf8');
  // Keyed by the file's identity, not a hash of its 2.4 MB (V8 itself rejects a cache made from other source).
  const st = await fs.stat(file);
  const key = createHash('sha256').update(`${file}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cachePath = cacheDir ? path.join(cacheDir, 'v8', `saxon-js-${key}.bin`) : null;
  let cachedData: Buffer | undefined;
  if (cachePath) cachedData = await fs.readFile(cachePath).catch(() => undefined);
  // The CommonJS wrapper Node itself uses, compiled through vm so V8's code cache can be supplied.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const mod: { exports: unknown } = { exports: {} };
  const realRequire = createRequire(file);
  // SaxonJS requires axios (with its own dependencies, a third of SaxonJS's load time) only to fetch
  // documents over HTTP, which teikit never asks of it: hand it a stand-in that loads axios on first use.
  const lazyRequire = Object.assign((id: string): unknown => (id === 'axios' ? lazyModule(() => realRequire('axios')) : realRequire(id)), realRequire);
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, lazyRequire, mod, file, path.dirname(file));
  const saxon = mod.exports as SaxonModule;
  shareQNames(saxon);
  loadedModule = saxon;
  const api = makeApi(saxon);
  if (cachePath && (!cachedData || script.cachedDataRejected)) {
    // Written after first use, so the functions compiled lazily on the way are in the cache too.
    let saved = false;
    const save = async () => {
      if (saved) return;
      saved = true;
      await writeAtomic(cachePath, script.createCachedData()).catch(() => undefined);
    };
    return {
      compileXslt: async (x) => {
        const r = await api.compileXslt(x);
        await save();
        return r;
      },
      parse: (d) => api.parse(d),
      run: async (s, d, p) => {
        const r = await api.run(s, d, p);
        await save();
        return r;
      },
    };
  }
  return api;
}

/** Distinct names kept by shareQNames before it starts afresh, so a long watch session cannot grow it without bound. */
const MAX_SHARED_QNAMES = 50_000;

/** The names shared for one local name: usually one (the TEI namespace, no prefix), chained when there are more. */
interface SharedName {
  uri: string;
  prefix: string;
  name: unknown;
  next: SharedName | undefined;
}

/**
 * SaxonJS makes a new QName, checking its parts against the NCName regular expression, for every element
 * name test on a node of its DOM (tens of thousands per transform). QNames are values that SaxonJS never
 * changes, so one object per distinct (prefix, namespace, local name) serves every test. The lookup is one
 * map access and a comparison of the strings the DOM node holds, as it runs millions of times in a large build.
 */
function shareQNames(saxon: SaxonModule): void {
  const factory = saxon.XS.QName;
  const make = factory.fromParts.bind(factory);
  let byLocal = new Map<string, SharedName>();
  // A function, not an arrow: SaxonJS also calls it with `new`, which then yields the object it returns.
  factory.fromParts = function (prefix: string | null, uri: string | null, local: string): unknown {
    // DOM nodes give null for no prefix or namespace, SaxonJS itself ''; both name the same thing.
    const u = uri ?? '';
    const p = prefix ?? '';
    for (let e = byLocal.get(local); e !== undefined; e = e.next) if (e.uri === u && e.prefix === p) return e.name;
    if (byLocal.size >= MAX_SHARED_QNAMES) byLocal = new Map();
    const name = make(prefix, uri, local);
    byLocal.set(local, { uri: u, prefix: p, name, next: byLocal.get(local) });
    return name;
  };
}

function lazyModule(loadIt: () => unknown): unknown {
  let real: unknown;
  const get = () => (real ??= loadIt()) as Record<PropertyKey, unknown> & ((...a: unknown[]) => unknown);
  return new Proxy(function () {}, {
    get: (_t, k) => get()[k],
    apply: (_t, self, args) => get().apply(self, args),
    has: (_t, k) => k in get(),
  });
}

async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

function addParentPointers(node: SefNode): void {
  for (const c of node.C ?? []) {
    c.parentNode = node;
    addParentPointers(c);
  }
}

/** The checksum SaxonJS verifies on every SEF it loads (key Σ), computed the way its loader does. */
export function sefChecksum(sef: SefNode): string {
  const skip = new Set(['N', 'C', 'ELAB', 'PUSH', 'parentNode', '\u03a3']);
  const h = (s: unknown, seed: number): number => {
    let k = seed << 8;
    if (typeof s === 'string') for (let i = 0; i < s.length; i++) k = (k << 1) + s.charCodeAt(i);
    return k;
  };
  let acc = 0;
  let n = 0;
  const visit = (node: SefNode) => {
    acc ^= h(node.N, n) ^ h('http://ns.saxonica.com/xslt/export', n);
    n++;
    for (const key of Object.keys(node)) {
      if (skip.has(key) || (node.N === 'catch' && key === 'test')) continue;
      acc ^= h(key, n) ^ h('', n);
      acc ^= h(node[key], n);
    }
    node.C?.forEach(visit);
    acc ^= 1;
  };
  visit(sef);
  return (acc < 0 ? 4294967295 + acc + 1 : acc).toString(16);
}

function makeApi(saxon: SaxonModule): SaxonJsApi {
  const prepared = new WeakSet<object>();
  return {
    async compileXslt(xslt: string): Promise<unknown> {
      // What the xslt3 CLI does for -export: run SaxonJS's built-in compiler (itself a SEF) on the stylesheet.
      const compiler = saxon.getPlatform().resource('compiler');
      addParentPointers(compiler);
      const doc = await saxon.getResource({ text: xslt, type: 'xml' });
      doc._saxonBaseUri = 'file:///teikit/schematron.xsl';
      const staticParams = new saxon.XdmMap();
      staticParams.inSituPut(saxon.XS.QName.fromParts('', '', 'staticParameters'), [new saxon.XdmMap()]);
      const options = saxon.checkOptions({
        destination: 'application',
        initialMode: 'compile-complete',
        templateParams: { 'Q{}options': { noXPath: false } },
        stylesheetParams: staticParams,
        stylesheetInternal: compiler,
        tunnelParams: {},
        functionParams: {},
        stylesheetText: '',
        async: true,
      });
      saxon.internalTransform(compiler, doc, options);
      let result = (await options.resultPromise).principalResult;
      if (Array.isArray(result)) result = result[0];
      const sef = saxon.XPath.sefToJSON((result as { firstChild: unknown }).firstChild, false);
      sef['\u03a3'] = sefChecksum(sef);
      return sef;
    },
    async parse(docText: string): Promise<SaxonDocument> {
      const node = (await saxon.getResource({ text: docText, type: 'xml' })) as unknown as DomNode;
      const elements: DomNode[] = [];
      const walk = (n: DomNode) => {
        for (let c = n.firstChild; c; c = c.nextSibling) {
          if (c.nodeType !== 1) continue;
          elements.push(c);
          walk(c);
        }
      };
      walk(node);
      return { node, elements };
    },
    async run(sef: unknown, doc: string | SaxonDocument, params: Record<string, unknown> = {}): Promise<string> {
      const ready = sef as SefNode;
      if (!prepared.has(ready)) {
        // Parent pointers, as SaxonJS's own loader adds them; in place, once per stylesheet (the SEF
        // must not be serialized after this). PRIMED tells SaxonJS it is done, which also skips its
        // checksum pass over the whole SEF: every SEF given here was made by compileXslt above.
        addParentPointers(ready);
        ready['PRIMED'] = true;
        prepared.add(ready);
      }
      const options: Record<string, unknown> = { stylesheetInternal: ready, destination: 'serialized', stylesheetParams: params };
      if (typeof doc === 'string') options['sourceText'] = doc;
      // Not enumerable: SaxonJS builds a log line from its options' enumerable values, before knowing
      // whether it logs, and a node's toString serializes the whole document (tens of ms per run).
      else Object.defineProperty(options, 'sourceNode', { value: doc.node, enumerable: false });
      const r = await saxon.transform(options, 'async');
      return r.principalResult ?? '';
    },
  };
}
