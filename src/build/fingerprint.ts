import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolError } from '../errors.js';
import type { Io } from '../io.js';
import type { CompiledStylesheets } from '../transform/saxon.js';
import { compiledDir } from '../transform/stylesheets.js';
import { declaredRelaxNg, SchemaResolver, TEI_ALL_URL, type ResolvedSchema } from '../validate/schema.js';
import { hashOptions, sha256, type Fingerprint } from './manifest.js';

/** package.json of teikit, from src/build (tests) or dist/build (the CLI) alike. */
const packageJson = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
/** The module that runs the stylesheets and says which result is which output (.ts in tests, .js built). */
const engineModule = fileURLToPath(new URL(`../transform/saxon${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** The SEFs a build runs (CompiledStylesheets' keys): all.xsl alone makes the six outputs. */
const STYLESHEETS: ReadonlyArray<keyof CompiledStylesheets> = ['all'];

/** The options of `teikit build` that can change what is written or reported for a document. */
export interface FingerprintOptions {
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  maxSizeMB?: number;
  force?: boolean;
}

/**
 * The hash of a compiled stylesheet without what changes on every compile of the same XSLT (xslt3 stamps
 * `buildDateTime` near the start and a checksum `Σ` over it at the end), so rebuilding teikit with
 * unchanged stylesheets does not make every output stale. Works on bytes, where both are found at once.
 */
export function sefHash(sef: Uint8Array): string {
  const buf = Buffer.from(sef.buffer, sef.byteOffset, sef.byteLength);
  const hash = createHash('sha256');
  let from = 0;
  const stamp = buf.subarray(0, 4096).indexOf('"buildDateTime":"');
  if (stamp >= 0) {
    const end = buf.indexOf('"', stamp + 17);
    hash.update(buf.subarray(0, stamp));
    from = end + 1;
  }
  const tail = Math.max(from, buf.length - 64);
  const sum = buf.subarray(tail).indexOf(',"\u03a3":"');
  hash.update(buf.subarray(from, sum >= 0 ? tail + sum : buf.length));
  return hash.digest('hex');
}

/** A schema, or why it could not be found (the document then goes through validation, which reports it). */
type SchemaOutcome = { ok: true; schema: ResolvedSchema } | { ok: false };

/**
 * Computes a document's fingerprint without SaxonJS or xmllint: hashes of its bytes (and of what it
 * XIncludes), of the schema it will be validated against (RELAX NG with its embedded Schematron: one
 * file), of the compiled stylesheets plus the engine that runs them, and of teikit's version and the
 * options. Checking it is all an unchanged document costs.
 */
export class Fingerprinter {
  private readonly resolver: SchemaResolver;
  private forced: Promise<SchemaOutcome> | null = null;

  private constructor(
    private readonly io: Io,
    private readonly options: FingerprintOptions,
    private readonly stylesheets: string,
    private readonly optionsHash: string,
  ) {
    this.resolver = new SchemaResolver(io, { catalogs: options.catalogs, offline: options.offline });
  }

  /** `sefDir`: the compiled stylesheets the build will load (xslt/compiled/). */
  static async create(io: Io, options: FingerprintOptions, sefDir = compiledDir): Promise<Fingerprinter> {
    const version = (JSON.parse(await io.fs.readFile(packageJson, 'utf8')) as { version?: string }).version ?? 'unknown';
    const engine = await io.fs.readFile(engineModule, 'utf8').catch(() => '');
    const sheets = (
      await Promise.all(
        STYLESHEETS.map(async (k) => {
          const file = path.join(sefDir, `${k}.sef.json`);
          const bytes = await io.fs.readFile(file).catch(() => {
            throw new ToolError(`compiled stylesheet ${file} is missing`, 'run `npm run build` to compile the stylesheets in xslt/');
          });
          return `${k}:${sefHash(bytes)}`;
        }),
      )
    ).join('\n');
    const stylesheets = sha256(`${sheets}\nengine:${sha256(engine)}`);
    // Catalogs are not hashed as paths: what they resolve to is (the schema's content).
    const optionsHash = hashOptions({ teikit: version, force: options.force ?? false, offline: options.offline ?? false, maxSizeMB: options.maxSizeMB ?? null });
    const fingerprinter = new Fingerprinter(io, options, stylesheets, optionsHash);
    // A --catalog typo is a usage error even when every document is up to date and validation never runs.
    await fingerprinter.resolver.checkCatalogs();
    return fingerprinter;
  }

  /** The schema validation will use for a document whose text (prolog at least) is `text`; null if it cannot be found. */
  async schemaOf(text: string, absPath: string): Promise<ResolvedSchema | null> {
    let outcome: Promise<SchemaOutcome>;
    if (this.options.schema) {
      this.forced ??= this.attempt(this.options.schema, path.join(this.io.cwd, '_'));
      outcome = this.forced;
    } else {
      outcome = this.attempt(declaredRelaxNg(text) ?? TEI_ALL_URL, absPath);
    }
    const o = await outcome;
    return o.ok ? o.schema : null;
  }

  private async attempt(href: string, base: string): Promise<SchemaOutcome> {
    try {
      return { ok: true, schema: await this.resolver.resolve(href, base) };
    } catch (err) {
      if (err instanceof ToolError) return { ok: false };
      throw err;
    }
  }

  /**
   * The fingerprint of a document and the schema it uses, or null when it cannot be had cheaply and
   * safely (unreadable, schema not found, XIncludes): such a document is always built.
   */
  async of(absPath: string): Promise<{ fingerprint: Fingerprint; schema: ResolvedSchema } | null> {
    let bytes: Buffer;
    try {
      bytes = await this.io.fs.readFile(absPath);
    } catch {
      return null;
    }
    const text = decodeProlog(bytes);
    // Included files are further inputs the manifest does not track: build such documents every time.
    if (text.includes('http://www.w3.org/2001/XInclude')) return null;
    const schema = await this.schemaOf(text, absPath);
    if (!schema) return null;
    return { fingerprint: { source: sha256(bytes), schema: schema.sha256, stylesheets: this.stylesheets, options: this.optionsHash }, schema };
  }
}

/** Enough of the text to find `<?xml-model?>` and the XInclude namespace: UTF-16 by its BOM, else UTF-8 (ASCII prologs read the same in every 8-bit encoding). */
function decodeProlog(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return bytes.toString('utf8');
}
