import type { TransformOptions, XdmNode } from 'saxon-js';

/** The six derivatives of one document, by file suffix (NAME + suffix). */
export const OUTPUT_SUFFIXES = ['.html', '.txt', '.entities.csv', '.mentions.csv', '.reactions.csv', '.dc.xml'] as const;
export type OutputSuffix = (typeof OUTPUT_SUFFIXES)[number];
export type Outputs = Record<OutputSuffix, string>;

/** The compiled entry stylesheets (SEF JSON text), as `npm run build` writes them to xslt/compiled/. */
export interface CompiledStylesheets {
  html: string;
  text: string;
  csv: string;
  dc: string;
}

/** Which stylesheet, with which parameters, makes each output. */
const PLAN: ReadonlyArray<{ suffix: OutputSuffix; sheet: keyof CompiledStylesheets; params?: Record<string, string> }> = [
  { suffix: '.html', sheet: 'html' },
  { suffix: '.txt', sheet: 'text' },
  { suffix: '.entities.csv', sheet: 'csv', params: { table: 'entities' } },
  { suffix: '.mentions.csv', sheet: 'csv', params: { table: 'mentions' } },
  { suffix: '.reactions.csv', sheet: 'csv', params: { table: 'reactions' } },
  { suffix: '.dc.xml', sheet: 'dc' },
];

/** A document SaxonJS could not parse or a stylesheet failed on: a problem in the document, not in teikit. */
export class TransformError extends Error {
  constructor(
    message: string,
    /** 'parse' when the XML could not be read, 'transform' when a stylesheet failed. */
    readonly stage: 'parse' | 'transform',
  ) {
    super(message);
    this.name = 'TransformError';
  }
}

type SaxonModule = typeof import('saxon-js').default;
let saxonPromise: Promise<SaxonModule> | undefined;

/**
 * SaxonJS costs about half a second to import, so it is loaded on first use only; and through the Schematron
 * loader, so that the process holds one copy (two break each other through globalThis.HostPlatform).
 */
function loadSaxon(): Promise<SaxonModule> {
  saxonPromise ??= import('../validate/schematron-saxon.js').then(async (m) => (await m.loadSaxonModule()) as SaxonModule);
  return saxonPromise;
}

/** SaxonJS's error text, with the error code and the stylesheet line when it gives them (for bug reports). */
function message(err: unknown): string {
  if (!err || typeof err !== 'object' || !('message' in err) || typeof err.message !== 'string') return String(err);
  const e = err as { message: string; code?: unknown; xsltModule?: unknown; xsltLineNr?: unknown };
  const where = typeof e.xsltModule === 'string' ? ` (${e.xsltModule}${typeof e.xsltLineNr === 'number' ? `:${e.xsltLineNr}` : ''})` : '';
  return `${typeof e.code === 'string' ? e.code + ': ' : ''}${e.message}${where}`;
}

/**
 * Runs the compiled stylesheets on documents. Strings in, strings out: reading SEFs and documents and
 * writing outputs is the caller's job. Each SEF is parsed once per engine and each document once for
 * all six outputs.
 */
export class SaxonEngine {
  private readonly sheets: Record<keyof CompiledStylesheets, object>;

  private constructor(
    private readonly saxon: SaxonModule,
    compiled: CompiledStylesheets,
  ) {
    this.sheets = {
      html: JSON.parse(compiled.html) as object,
      text: JSON.parse(compiled.text) as object,
      csv: JSON.parse(compiled.csv) as object,
      dc: JSON.parse(compiled.dc) as object,
    };
  }

  static async create(compiled: CompiledStylesheets): Promise<SaxonEngine> {
    return new SaxonEngine(await loadSaxon(), compiled);
  }

  /** Parses a document once; the node can be given to `run` for every output. */
  async parse(xml: string): Promise<XdmNode> {
    try {
      return await this.saxon.getResource({ text: xml, type: 'xml' });
    } catch (err) {
      throw new TransformError(message(err), 'parse');
    }
  }

  /** One stylesheet on a parsed document. */
  run(sheet: keyof CompiledStylesheets, doc: XdmNode, params: Record<string, string> = {}): string {
    const options = { stylesheetInternal: this.sheets[sheet], destination: 'serialized', stylesheetParams: params } as TransformOptions;
    // Not enumerable: SaxonJS writes every enumerable option into a log line it builds even when it does not
    // log, and the document's part is its whole serialization (a tenth of a large document's transform time).
    Object.defineProperty(options, 'sourceNode', { value: doc, enumerable: false });
    try {
      return this.saxon.transform(options, 'sync').principalResult;
    } catch (err) {
      throw new TransformError(message(err), 'transform');
    }
  }

  /** All six derivatives of a document. */
  async transform(xml: string): Promise<Outputs> {
    const doc = await this.parse(xml);
    const out = {} as Outputs;
    for (const step of PLAN) out[step.suffix] = this.run(step.sheet, doc, step.params);
    return out;
  }
}
