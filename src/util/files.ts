import type { Io } from '../io.js';
import { streamDocuments } from '../parallel/stream.js';

/** A document to process: `file` as the user should see it, `absPath` to read it. */
export interface DocumentPath {
  file: string;
  absPath: string;
}

/**
 * Expands the user's PATHs into a list: files as given, folders to every `*.xml` below them, in the order
 * streamDocuments walks them (one walker, so every command sees the same files in the same order). A path that
 * does not exist is a usage error, not a document error.
 */
export async function collectDocuments(paths: readonly string[], io: Io): Promise<DocumentPath[]> {
  const out: DocumentPath[] = [];
  for await (const d of streamDocuments(paths, io)) out.push(d);
  return out;
}
