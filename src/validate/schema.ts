import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ToolError } from '../errors.js';
import type { Io } from '../io.js';
import { FileCache, userCacheDir } from './cache.js';
import { resolveThroughCatalogs } from './catalog.js';

export { userCacheDir };

/** The schema used when a document declares none: TEI P5 tei_all, the schema every TEI document is valid against. */
export const TEI_ALL_URL = 'https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng';
export const RELAXNG_NS = 'http://relaxng.org/ns/structure/1.0';
export const SCHEMATRON_NS = 'http://purl.oclc.org/dsdl/schematron';

export interface XmlModel {
  href: string;
  schematypens: string | null;
  type: string | null;
}

/** The `<?xml-model?>` processing instructions of the prolog (before the root element). */
export function readXmlModels(text: string): XmlModel[] {
  const rootStart = text.search(/<[A-Za-z_]/);
  const prolog = rootStart < 0 ? text : text.slice(0, rootStart);
  const models: XmlModel[] = [];
  for (const m of prolog.matchAll(/<\?xml-model\s([\s\S]*?)\?>/g)) {
    const attrs = new Map<string, string>();
    for (const a of m[1]!.matchAll(/([A-Za-z_:][-\w.:]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs.set(a[1]!, a[2] ?? a[3] ?? '');
    const href = attrs.get('href');
    if (href) models.push({ href, schematypens: attrs.get('schematypens') ?? null, type: attrs.get('type') ?? null });
  }
  return models;
}

/** The RELAX NG schema a document declares, or null. Compact syntax (.rnc) is not RELAX NG XML and is skipped. */
export function declaredRelaxNg(text: string): string | null {
  const model = readXmlModels(text).find(
    (m) => m.schematypens === RELAXNG_NS || (m.schematypens === null && /\.rng$/i.test(m.href) && (m.type === null || m.type === 'application/xml')),
  );
  return model?.href ?? null;
}

/** tei_all.rng is under 1 MB; anything past this is not a schema a document should make teikit read. */
const MAX_SCHEMA_BYTES = 64 * 1024 * 1024;

/** Root namespaces of what the resolver may hand on: RELAX NG grammars and Schematron (ISO and 1.5) schemas. */
const SCHEMA_NAMESPACES = [RELAXNG_NS, SCHEMATRON_NS, 'http://www.ascc.net/xml/schematron'];

/**
 * Refuses a "schema" whose root element is not RELAX NG or Schematron before any engine sees it: a document's
 * xml-model may name any file (/etc/passwd, a key), and an engine's parse error would quote its first line.
 * The message names the path only, never the content.
 */
export function assertSchema(text: string, href: string): void {
  const body = text.replace(/^\uFEFF?(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*/, '');
  const m = /^<(?:([A-Za-z_][\w.-]*):)?[A-Za-z_][\w.-]*((?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(body);
  const declared = m ? new RegExp(`\\sxmlns${m[1] ? `:${m[1]}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(m[2] ?? '')?.[1] : undefined;
  if (declared === undefined || !SCHEMA_NAMESPACES.includes(declared)) {
    throw new ToolError(`${href} is not a RELAX NG or Schematron schema (its root element is in neither namespace)`, 'check the href of the document\'s <?xml-model?> or the file given to --schema');
  }
}

export interface ResolvedSchema {
  /** Local file the schema was read from. */
  path: string;
  /**
   * The schema's text. For a local file it is read on first use (see SchemaResolver): a warm run needs only
   * `sha256`, since what is derived from the text is cached under it.
   */
  readonly text: string;
  sha256: string;
}

export interface SchemaResolverOptions {
  catalogs?: readonly string[];
  offline?: boolean;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Finds schemas offline first: a local path as given; a URL through the OASIS catalogs (--catalog, then
 * XML_CATALOG_FILES as libxml2 reads it), then the per-user cache; only then, unless offline, the network.
 * Resolved schemas are memoised for the run, so a folder of documents reads each schema once.
 */
export class SchemaResolver {
  private readonly memo = new Map<string, Promise<ResolvedSchema>>();
  private readonly catalogs: string[];

  constructor(
    private readonly io: Io,
    private readonly options: SchemaResolverOptions = {},
  ) {
    const envCatalogs = (io.env['XML_CATALOG_FILES'] ?? '').split(/\s+/).filter(Boolean).map((c) => (c.startsWith('file:') ? fileURLToPath(c) : c));
    this.catalogs = [...(options.catalogs ?? []), ...envCatalogs].map((c) => path.resolve(io.cwd, c));
  }

  /** Checks that catalogs named explicitly on the command line exist: a typo there is a usage error. */
  async checkCatalogs(): Promise<void> {
    for (const c of this.options.catalogs ?? []) {
      try {
        await this.io.fs.access(path.resolve(this.io.cwd, c));
      } catch {
        throw new ToolError(`catalog ${c}: no such file`, 'give the path of an OASIS XML catalog (catalog.xml)');
      }
    }
  }

  /** `href` as written in the document (or on the command line), relative to `baseFile`. */
  resolve(href: string, baseFile: string): Promise<ResolvedSchema> {
    const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(href) && !/^[a-z]:[\\/]/i.test(href);
    const key = isUrl && !href.startsWith('file:') ? href : path.resolve(path.dirname(baseFile), href.startsWith('file:') ? fileURLToPath(href) : href);
    let p = this.memo.get(key);
    if (!p) {
      p = isUrl && !href.startsWith('file:') ? this.resolveUrl(href) : this.readLocal(key, href);
      this.memo.set(key, p);
    }
    return p;
  }

  /**
   * A local schema. Its SHA-256 and the verdict of assertSchema are cached under the file's identity (path,
   * size, times, inode), so a warm run reads no schema at all (tei_all.rng: 1.1 MB, ~40 ms to read, check
   * and hash); the text is read when first asked for, which only cache misses downstream do.
   */
  private async readLocal(file: string, href: string): Promise<ResolvedSchema> {
    const notFound = () => new ToolError(`schema ${href} not found (looked for ${file})`, 'check the path in --schema or in the document\'s <?xml-model?>');
    let identity: string;
    try {
      // A document may name any path here: /dev/zero or a FIFO would never end, so only regular files are read.
      const st = await this.io.fs.stat(file);
      if (!st.isFile() || st.size > MAX_SCHEMA_BYTES) throw new Error('not a regular file of sensible size');
      // ctime too: tools that keep mtime (cp -p, tar) still change it, and so does any write.
      identity = identityOf(file, st);
    } catch {
      throw notFound();
    }
    const cache = new FileCache(this.io, 'schema-info');
    const hit = await cache.get(identity, '.json');
    let known: string | null = null;
    try {
      const info = hit === null ? null : (JSON.parse(hit) as { sha256?: unknown });
      if (typeof info?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(info.sha256)) known = info.sha256;
    } catch {
      // A damaged entry: the schema is read and checked again below.
    }
    if (known !== null) return lazySchema(file, identity, known, notFound);
    let text: string;
    try {
      text = await this.io.fs.readFile(file, 'utf8');
    } catch {
      throw notFound();
    }
    assertSchema(text, href);
    const digest = sha256(text);
    await cache.set(identity, '.json', JSON.stringify({ sha256: digest }));
    return { path: file, text, sha256: digest };
  }

  private async resolveUrl(url: string): Promise<ResolvedSchema> {
    const read = async (p: string) => {
      try {
        return await this.io.fs.readFile(p, 'utf8');
      } catch {
        return null;
      }
    };
    const local = await resolveThroughCatalogs(url, this.catalogs, read);
    if (local) return this.readLocal(local, url);

    const cached = path.join(userCacheDir(this.io), 'schemas', sha256(url) + path.extname(new URL(url).pathname));
    const hit = await read(cached);
    if (hit !== null) return { path: cached, text: hit, sha256: sha256(hit) };

    const instructions =
      `point teikit at a local copy with --catalog FILE or XML_CATALOG_FILES (an OASIS catalog mapping ${url}), ` +
      'or with --schema FILE';
    if (this.options.offline || this.io.env['TEIKIT_OFFLINE']) {
      throw new ToolError(`schema ${url} is not available offline`, instructions);
    }
    this.io.stderr.write(`teikit: fetching schema ${url} once into ${cached}\n`);
    let text: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (err) {
      throw new ToolError(`could not fetch schema ${url}: ${(err as Error).message}`, instructions);
    }
    assertSchema(text, url);
    await this.io.fs.mkdir(path.dirname(cached), { recursive: true });
    const tmp = `${cached}.${randomBytes(6).toString('hex')}.tmp`;
    await this.io.fs.writeFile(tmp, text);
    await this.io.fs.rename(tmp, cached);
    return { path: cached, text, sha256: sha256(text) };
  }
}

/** Bump when what the schema-info cache records changes. */
const SCHEMA_INFO_VERSION = 1;

type FileStat = Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'dev'>;

/** A file's identity: a write, a replacement, or a copy with kept times (cp -p: new ctime) changes it. */
function identityOf(file: string, st: FileStat): string {
  return sha256(JSON.stringify([SCHEMA_INFO_VERSION, file, st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev]));
}

/**
 * A schema known by its cached hash; its text is read on first use. Synchronously, since `text` is a plain
 * string to every engine. The opened file must still be the one the hash was recorded for, or the text
 * and the hash (under which derived schemas are cached) would not match.
 */
function lazySchema(file: string, identity: string, digest: string, notFound: () => ToolError): ResolvedSchema {
  let text: string | null = null;
  return {
    path: file,
    sha256: digest,
    get text(): string {
      if (text !== null) return text;
      let fd: number | null = null;
      try {
        fd = openSync(file, 'r');
        const st = fstatSync(fd);
        if (!st.isFile() || st.size > MAX_SCHEMA_BYTES) throw notFound();
        if (identityOf(file, st) !== identity) {
          throw new ToolError(`schema ${file} changed while teikit was reading it`, 'run the command again');
        }
        text = readFileSync(fd, 'utf8');
      } catch (err) {
        throw err instanceof ToolError ? err : notFound();
      } finally {
        if (fd !== null) closeSync(fd);
      }
      return text;
    },
  };
}

export function fileUrl(p: string): string {
  return pathToFileURL(p).href;
}
