import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import type { Io } from '../io.js';
import { writeFilesAtomic } from '../util/atomic.js';

/** Kept in the output folder, hidden, so `teikit package` and web servers leave it out. */
export const MANIFEST_NAME = '.teikit-manifest.json';
const VERSION = 1;

/** Everything a document's outputs depend on, each as a SHA-256. */
export interface Fingerprint {
  source: string;
  /** The schema the document was validated against; null when none was used. */
  schema: string | null;
  /** The compiled stylesheets (all of them: a change in a shared module changes every output). */
  stylesheets: string;
  /** The build options that change outputs (formats, parameters, --force). */
  options: string;
}

/** What validation said about the document when its outputs were built, reported again when it is skipped. */
export interface RecordedReport {
  valid: boolean;
  diagnostics: Diagnostic[];
}

interface Entry extends Fingerprint {
  /** Output path relative to the output folder → SHA-256 of what was written. */
  outputs: Record<string, string>;
  report?: RecordedReport;
}

interface ManifestFile {
  version: number;
  documents: Record<string, Entry>;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A hash of options that does not depend on key order, so `{a,b}` and `{b,a}` are the same build. */
export function hashOptions(options: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return sha256(JSON.stringify(canonical(options)));
}

/**
 * The incremental-build record: for each source document, the hashes its outputs were built from and
 * the hashes of the outputs written. A document is rebuilt when any input hash differs, or when an
 * output is missing or was changed by hand since. A missing or unreadable manifest means: build all.
 */
export class BuildManifest {
  private constructor(
    readonly outDir: string,
    private readonly documents: Map<string, Entry>,
  ) {}

  static empty(outDir: string): BuildManifest {
    return new BuildManifest(path.resolve(outDir), new Map());
  }

  static async load(io: Io, outDir: string): Promise<BuildManifest> {
    const dir = path.resolve(io.cwd, outDir);
    try {
      const data = JSON.parse(await io.fs.readFile(path.join(dir, MANIFEST_NAME), 'utf8')) as ManifestFile;
      if (data.version !== VERSION || typeof data.documents !== 'object' || data.documents === null) return BuildManifest.empty(dir);
      return new BuildManifest(dir, new Map(Object.entries(data.documents)));
    } catch {
      return BuildManifest.empty(dir);
    }
  }

  /** The key of a source: its path relative to the output folder, so it does not depend on the cwd of the run. */
  keyFor(absSource: string): string {
    return path.relative(this.outDir, absSource).split(path.sep).join('/');
  }

  get size(): number {
    return this.documents.size;
  }

  /** True when the document's outputs were built from exactly these inputs and are still on disk as written. */
  async upToDate(io: Io, absSource: string, fp: Fingerprint): Promise<boolean> {
    const e = this.documents.get(this.keyFor(absSource));
    if (!e || e.source !== fp.source || e.schema !== fp.schema || e.stylesheets !== fp.stylesheets || e.options !== fp.options) return false;
    for (const [rel, hash] of Object.entries(e.outputs)) {
      try {
        if (sha256(await io.fs.readFile(path.join(this.outDir, rel))) !== hash) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /**
   * Records what was written for a document (paths absolute or relative to the output folder), and the
   * validation report, so a later run that skips the document can still say what was wrong with it.
   */
  record(absSource: string, fp: Fingerprint, outputs: ReadonlyArray<{ path: string; data: string | Uint8Array }>, report?: RecordedReport): void {
    this.recordHashes(absSource, fp, outputs.map((o) => ({ path: o.path, sha256: sha256(o.data) })), report);
  }

  /** As `record`, with the outputs' hashes already computed (a worker thread sends hashes, not the files). */
  recordHashes(absSource: string, fp: Fingerprint, outputs: ReadonlyArray<{ path: string; sha256: string }>, report?: RecordedReport): void {
    const hashes: Record<string, string> = {};
    for (const o of outputs) hashes[path.relative(this.outDir, path.resolve(this.outDir, o.path)).split(path.sep).join('/')] = o.sha256;
    this.documents.set(this.keyFor(absSource), { ...fp, outputs: hashes, ...(report ? { report } : {}) });
  }

  /** The report recorded with the document's outputs, if any. */
  recordedReport(absSource: string): RecordedReport | null {
    return this.documents.get(this.keyFor(absSource))?.report ?? null;
  }

  /** A document that failed or was not built must be rebuilt next time. True if it was recorded. */
  forget(absSource: string): boolean {
    return this.documents.delete(this.keyFor(absSource));
  }

  /** Written atomically: an interrupted build leaves the previous manifest, so nothing is wrongly skipped. */
  async save(io: Io): Promise<void> {
    const documents = Object.fromEntries([...this.documents.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    const data: ManifestFile = { version: VERSION, documents };
    await writeFilesAtomic(io, [{ path: path.join(this.outDir, MANIFEST_NAME), data: JSON.stringify(data) + '\n' }]);
  }
}
