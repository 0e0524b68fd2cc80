import * as path from 'node:path';
import { glob } from 'tinyglobby';
import { ToolError } from '../errors.js';
import type { Io } from '../io.js';

/** A document to process: `file` as the user should see it, `absPath` to read it. */
export interface DocumentPath {
  file: string;
  absPath: string;
}

/**
 * Expands the user's PATHs: files as given, folders to every `*.xml` below them (sorted, so runs are
 * reproducible). A path that does not exist is a usage error, not a document error.
 */
export async function collectDocuments(paths: readonly string[], io: Io): Promise<DocumentPath[]> {
  const out: DocumentPath[] = [];
  const seen = new Set<string>();
  const add = (absPath: string) => {
    if (seen.has(absPath)) return;
    seen.add(absPath);
    const rel = path.relative(io.cwd, absPath);
    out.push({ file: rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel, absPath });
  };
  for (const p of paths) {
    const abs = path.resolve(io.cwd, p);
    let stat;
    try {
      stat = await io.fs.stat(abs);
    } catch {
      throw new ToolError(`${p}: no such file or folder`, 'give the path of a TEI file or of a folder holding *.xml files');
    }
    if (stat.isDirectory() && !p.endsWith('.xml')) {
      const found = await glob('**/*.xml', { cwd: abs, absolute: true, onlyFiles: true, dot: false });
      found.sort();
      for (const f of found) add(path.normalize(f));
    } else {
      // A folder named x.xml is passed on too: reading it fails and becomes a diagnostic for that path.
      add(abs);
    }
  }
  return out;
}
