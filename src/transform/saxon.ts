import type { TransformOptions, XdmNode } from 'saxon-js';

/** The six derivatives of one document, by file suffix (NAME + suffix). */
export const OUTPUT_SUFFIXES = ['.html', '.txt', '.entities.csv', '.mentions.csv', '.reactions.csv', '.dc.xml'] as const;
export type OutputSuffix = (typeof OUTPUT_SUFFIXES)[number];
export type Outputs = Record<OutputSuffix, string>;

/**
 * The compiled entry stylesheets (SEF JSON text), as `npm run build` writes them to xslt/compiled/: `all` makes
 * the six outputs in one transform; the others make one output each, as users of Saxon run them.
 */
export interface CompiledStylesheets {
  all: string;
  html: string;
  text: string;
  csv: string;
  dc: string;
}

/**
 * Where the principal result (the HTML) of all.xsl notionally goes. The stylesheet names the other five after
 * it, and SaxonJS hands every one back as a string: nothing is written there.
 */
const BASE_OUTPUT = 'file:///teikit/document.html';
const STEM = BASE_OUTPUT.slice(0, -'.html'.length);

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
 * writing outputs is the caller's job. Each SEF is parsed once per engine, when first used (a build uses
 * only all.xsl's; the four others cost 40 ms to parse), and each document once for all six outputs.
 */
export class SaxonEngine {
  private readonly sheets: Partial<Record<keyof CompiledStylesheets, object>> = {};

  private constructor(
    private readonly saxon: SaxonModule,
    private readonly compiled: CompiledStylesheets,
  ) {}

  private sheet(name: keyof CompiledStylesheets): object {
    return (this.sheets[name] ??= JSON.parse(this.compiled[name]) as object);
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

  /** One stylesheet on a parsed document: its principal result and its result documents, by absolute URI. */
  private execute(sheet: keyof CompiledStylesheets, doc: XdmNode, params: Record<string, string>) {
    const options: Omit<TransformOptions, 'sourceNode'> = {
      stylesheetInternal: this.sheet(sheet),
      destination: 'serialized',
      stylesheetParams: params,
      baseOutputURI: BASE_OUTPUT,
      // Result documents come back as strings; SaxonJS would otherwise write them to files.
      deliverResultDocument: () => ({ destination: 'serialized' }),
    };
    // Not enumerable: SaxonJS writes every enumerable option into a log line it builds even when it does not
    // log, and the document's part is its whole serialization (a tenth of a large document's transform time).
    Object.defineProperty(options, 'sourceNode', { value: doc, enumerable: false });
    try {
      return this.saxon.transform(options as TransformOptions, 'sync');
    } catch (err) {
      throw new TransformError(message(err), 'transform');
    }
  }

  /** One stylesheet's principal result on a parsed document. */
  run(sheet: keyof CompiledStylesheets, doc: XdmNode, params: Record<string, string> = {}): string {
    return this.execute(sheet, doc, params).principalResult;
  }

  /**
   * All six derivatives of a document, in one transform (all.xsl): the document's names, quotations and notes are
   * found once, not once per output (corpus-100: 15% less time than six transforms, the same bytes).
   */
  async transform(xml: string): Promise<Outputs> {
    const result = this.execute('all', await this.parse(xml), {});
    const documents = result.resultDocuments;
    const out = {} as Outputs;
    for (const suffix of OUTPUT_SUFFIXES) {
      const text = suffix === '.html' ? result.principalResult : documents[STEM + suffix];
      if (typeof text !== 'string') throw new Error(`all.xsl made no ${suffix} output`);
      out[suffix] = text;
    }
    return out;
  }
}
