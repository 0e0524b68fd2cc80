import { createHash } from 'node:crypto';

/** One payload or tag file as it is recorded in a manifest. */
export interface BagEntry {
  /** Path inside the bag, `/`-separated (`data/tei/x.xml`, `bag-info.txt`). */
  path: string;
  sha256: string;
  bytes: number;
}

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded. */
export function encodeManifestPath(p: string): string {
  return p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** `manifest-sha256.txt` / `tagmanifest-sha256.txt`: `checksum␠␠path`, sorted so bags are reproducible. */
export function manifest(entries: readonly BagEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${encodeManifestPath(e.path)}\n`)
    .join('');
}

/** `Payload-Oxum`: octet count and file count of the payload, the quick completeness check of RFC 8493 §2.2.2. */
export function payloadOxum(entries: readonly BagEntry[]): string {
  return `${entries.reduce((n, e) => n + e.bytes, 0)}.${entries.length}`;
}

export function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * `bag-info.txt` from label/value pairs in order (labels may repeat). Values are kept on one line:
 * newlines inside a value would start a new label, so they become spaces.
 */
export function bagInfo(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields
    .filter(([, v]) => v.trim().length > 0)
    .map(([k, v]) => `${k}: ${v.replace(/\s+/g, ' ').trim()}\n`)
    .join('');
}
