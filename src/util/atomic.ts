import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Io } from '../io.js';

/**
 * Writes a set of files so that readers see either all the old contents or all the new ones, never a
 * partial file: everything goes to hidden temporary files in the target folder first, flushed; the old
 * files are kept as hard-linked backups; only then is each temporary renamed into place (rename is atomic
 * within a filesystem). If a rename fails, the files already replaced get their old contents back. On any
 * failure, or an abort (SIGINT/SIGTERM), the old outputs stay byte-for-byte and no temporary file is left.
 */
export async function writeFilesAtomic(io: Io, files: ReadonlyArray<{ path: string; data: string | Uint8Array }>): Promise<void> {
  const temps: Array<{ tmp: string; final: string; backup: string | null }> = [];
  const hidden = (final: string, kind: string) => path.join(path.dirname(final), `.${path.basename(final)}.${randomBytes(6).toString('hex')}.${kind}`);
  let renamed = 0;
  try {
    for (const f of files) {
      io.signal?.throwIfAborted();
      await io.fs.mkdir(path.dirname(f.path), { recursive: true });
      const tmp = hidden(f.path, 'tmp');
      temps.push({ tmp, final: f.path, backup: null });
      // Flushed before the rename, so a crash or power loss cannot leave an empty file in the old one's place.
      const handle = await io.fs.open(tmp, 'wx');
      try {
        await handle.writeFile(f.data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    for (const t of temps) {
      const st = await io.fs.lstat(t.final).catch(() => null);
      if (st?.isDirectory()) throw new Error(`cannot write ${t.final}: a folder of that name is in the way`);
      if (st) {
        t.backup = hidden(t.final, 'bak');
        // A hard link costs nothing; filesystems without them get a copy.
        await io.fs.link(t.final, t.backup).catch(() => io.fs.copyFile(t.final, t.backup!));
      }
    }
    io.signal?.throwIfAborted();
    for (const t of temps) {
      await io.fs.rename(t.tmp, t.final);
      renamed++;
    }
  } catch (err) {
    // Undo the renames already done, newest first, then drop every temporary and backup.
    for (const t of temps.slice(0, renamed).reverse()) {
      if (t.backup) await io.fs.rename(t.backup, t.final).catch(() => undefined);
      else await io.fs.rm(t.final, { force: true });
    }
    await Promise.all(temps.flatMap((t) => [io.fs.rm(t.tmp, { force: true }), t.backup ? io.fs.rm(t.backup, { force: true }) : Promise.resolve()]));
    throw err;
  }
  await Promise.all(temps.map((t) => (t.backup ? io.fs.rm(t.backup, { force: true }) : Promise.resolve())));
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
