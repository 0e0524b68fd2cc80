import * as path from 'node:path';
import { ToolError } from '../errors.js';
import type { Io } from '../io.js';
import type { DocumentPath } from '../util/files.js';

/**
 * The documents named by the user's PATHs, yielded one at a time while the folders are walked, so a folder
 * of 100,000 files costs one directory listing at a time, not a list of the corpus. Same rules as
 * the list collectDocuments returns: files as given, folders to every `*.xml` below them, hidden files and folders skipped,
 * names sorted within each folder so runs are reproducible.
 */
export async function* streamDocuments(paths: readonly string[], io: Io): AsyncGenerator<DocumentPath> {
  const seen = new Set<string>();
  const make = (absPath: string): DocumentPath => {
    const rel = path.relative(io.cwd, absPath);
    return { file: rel.startsWith('..') || path.isAbsolute(rel) ? absPath : rel, absPath };
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
      for await (const f of walk(io, abs)) {
        if (seen.has(f)) continue;
        seen.add(f);
        yield make(f);
      }
    } else if (!seen.has(abs)) {
      seen.add(abs);
      yield make(abs);
    }
  }
}

async function* walk(io: Io, dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await io.fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    const isDir = e.isDirectory();
    let isFile = e.isFile();
    // Linked files are followed, linked folders are not: a link back up the tree would never end.
    if (e.isSymbolicLink()) {
      try {
        isFile = (await io.fs.stat(full)).isFile();
      } catch {
        continue;
      }
    }
    if (isDir) yield* walk(io, full);
    else if (isFile && e.name.endsWith('.xml')) yield full;
  }
}
