import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Io } from '../io.js';

/** Per-user cache for schemas fetched from the network (XDG convention). */
export function userCacheDir(io: Io): string {
  const base = io.env['XDG_CACHE_HOME'] || path.join(io.env['HOME'] || os.homedir(), '.cache');
  return path.join(base, 'teikit');
}

/** Where derived schemas live: TEIKIT_CACHE_DIR if set (tests use a temporary folder), else the per-user cache. */
export function cacheRoot(io: Io): string {
  return io.env['TEIKIT_CACHE_DIR'] || userCacheDir(io);
}

/**
 * A content-addressed file cache: `key` is already a hash of everything the value depends on, so entries are
 * never invalidated, only added. A cache that cannot be read or written is not an error, only slower.
 */
export class FileCache {
  private readonly dir: string;

  constructor(
    private readonly io: Io,
    kind: string,
  ) {
    this.dir = path.join(cacheRoot(io), kind);
  }

  pathOf(key: string, ext: string): string {
    return path.join(this.dir, key + ext);
  }

  async get(key: string, ext: string): Promise<string | null> {
    try {
      return await this.io.fs.readFile(this.pathOf(key, ext), 'utf8');
    } catch {
      return null;
    }
  }

  /** Written to a temporary file and renamed, so a concurrent run never reads half an entry. */
  async set(key: string, ext: string, value: string): Promise<void> {
    const file = this.pathOf(key, ext);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await this.io.fs.mkdir(this.dir, { recursive: true });
      await this.io.fs.writeFile(tmp, value);
      await this.io.fs.rename(tmp, file);
    } catch {
      await this.io.fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
