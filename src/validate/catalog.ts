import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

// fast-xml-parser's CommonJS bundle (one file) loads in ~15 ms; its ESM entry is dozens of small modules
// (~80 ms), paid by every run before anything is validated. Same package and version.
const { XMLParser } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

/** One OASIS catalog entry kind we honour: exact URI/system ids and prefix rewrites. */
interface Catalog {
  exact: Map<string, string>;
  rewrites: Array<{ prefix: string; replacement: string }>;
  next: string[];
}

function asArray<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

/** Parses an OASIS XML catalog (uri, system, rewriteURI, rewriteSystem, nextCatalog; group is flattened). */
export function parseCatalog(xml: string, catalogPath: string): Catalog {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, isArray: (_name, _path, _leaf, isAttribute) => !isAttribute });
  const doc = parser.parse(xml) as Record<string, unknown>;
  const base = pathToFileURL(catalogPath);
  const resolve = (u: string) => {
    const url = new URL(u, base);
    return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  };
  const cat: Catalog = { exact: new Map(), rewrites: [], next: [] };
  type El = Record<string, Array<Record<string, unknown>> | string>;
  const visit = (el: El) => {
    for (const e of asArray(el['uri'] as Array<Record<string, string>>)) if (e.name && e.uri) cat.exact.set(e.name, resolve(e.uri));
    for (const e of asArray(el['system'] as Array<Record<string, string>>)) if (e.systemId && e.uri) cat.exact.set(e.systemId, resolve(e.uri));
    for (const e of asArray(el['rewriteURI'] as Array<Record<string, string>>)) if (e.uriStartString && e.rewritePrefix) cat.rewrites.push({ prefix: e.uriStartString, replacement: resolve(e.rewritePrefix) });
    for (const e of asArray(el['rewriteSystem'] as Array<Record<string, string>>)) if (e.systemIdStartString && e.rewritePrefix) cat.rewrites.push({ prefix: e.systemIdStartString, replacement: resolve(e.rewritePrefix) });
    for (const e of asArray(el['nextCatalog'] as Array<Record<string, string>>)) if (e.catalog) cat.next.push(resolve(e.catalog));
    for (const g of asArray(el['group'] as El[])) visit(g);
  };
  for (const root of asArray(doc['catalog'] as El[])) visit(root);
  // Longest prefix wins, as the OASIS spec says.
  cat.rewrites.sort((a, b) => b.prefix.length - a.prefix.length);
  return cat;
}

/**
 * Resolves `uri` through the catalogs in order (with their nextCatalog chains), or returns null.
 * `read` returns null for a catalog that cannot be read, so a stale XML_CATALOG_FILES entry is skipped as libxml2 does.
 */
export async function resolveThroughCatalogs(uri: string, catalogPaths: readonly string[], read: (p: string) => Promise<string | null>): Promise<string | null> {
  const visited = new Set<string>();
  const tryCatalog = async (p: string): Promise<string | null> => {
    if (visited.has(p)) return null;
    visited.add(p);
    const xml = await read(p);
    if (xml === null) return null;
    const cat = parseCatalog(xml, p);
    const exact = cat.exact.get(uri);
    if (exact) return exact;
    for (const r of cat.rewrites) if (uri.startsWith(r.prefix)) return path.join(r.replacement, uri.slice(r.prefix.length));
    for (const n of cat.next) {
      const hit = await tryCatalog(n);
      if (hit) return hit;
    }
    return null;
  };
  for (const p of catalogPaths) {
    const hit = await tryCatalog(p);
    if (hit) return hit;
  }
  return null;
}
