import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Io } from '../io.js';

/**
 * Writes a set of files so that readers see either all the old contents or all the new ones per file,
 * never a partial file: everything goes to hidden temporary files in the target folder first, and only
 * when all of them are written are they renamed into place (rename is atomic within a filesystem).
 * On any failure, or an abort, the temporaries are removed and the old outputs stay byte-for-byte.
 */
export async function writeFilesAtomic(io: Io, files: ReadonlyArray<{ path: string; data: string | Uint8Array }>): Promise<void> {
  const temps: Array<{ tmp: string; final: string }> = [];
  try {
    for (const f of files) {
      io.signal?.throwIfAborted();
      const dir = path.dirname(f.path);
      await io.fs.mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `.${path.basename(f.path)}.${randomBytes(6).toString('hex')}.tmp`);
      temps.push({ tmp, final: f.path });
      // Flushed before the rename, so a crash or power loss cannot leave an empty file in the old one's place.
      const handle = await io.fs.open(tmp, 'wx');
      try {
        await handle.writeFile(f.data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    io.signal?.throwIfAborted();
    for (const t of temps) await io.fs.rename(t.tmp, t.final);
  } catch (err) {
    await Promise.all(temps.map((t) => io.fs.rm(t.tmp, { force: true })));
    throw err;
  }
}

/** Refuses any output path that would land outside `outDir`, whatever a document's name says. */
export function outputPath(outDir: string, name: string): string {
  const resolved = path.resolve(outDir, name);
  const rel = path.relative(path.resolve(outDir), resolved);
  // `..` as a whole segment only: `..notes.html` is a legitimate name inside the folder.
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) || rel === '' || name.includes('\0')) {
    throw new Error(`refusing to write ${name} outside the output folder ${outDir}`);
  }
  return resolved;
}
