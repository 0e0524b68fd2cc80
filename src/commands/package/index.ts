import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { create as createTar } from 'tar';
import { glob } from 'tinyglobby';
import { diagnostic } from '../../diagnostic.js';
import { ToolError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { collectDocuments } from '../../util/files.js';
import { decodeXml } from '../../validate/input.js';
import { checkWellFormed } from '../../validate/wellformed.js';
import { BAGIT_TXT, bagInfo, humanSize, manifest, payloadOxum, sha256Hex, type BagEntry } from './bagit.js';
import { oaiDc, readHeader, type HeaderMetadata } from './header.js';

export interface PackageOptions {
  /** TEI files or folders (every *.xml below them). */
  paths: readonly string[];
  /** The bag: a folder, or a `.tar` / `.tar.gz` / `.tgz` file holding one. */
  out: string;
  /** Folder of derivatives (what `teikit build` wrote) to carry in the bag; default `output` when it exists. */
  derivatives?: string;
}

export interface PackageResult {
  /** Absolute path of the bag written, or null when documents were not fit to deposit. */
  bag: string | null;
  documents: DocumentReport[];
  payloadFiles: number;
  payloadBytes: number;
}

const TAR_EXT = /\.(tar|tar\.gz|tgz)$/i;

/** Where a file goes inside `data/`: its path relative to cwd, or `external/NAME` for files outside it. */
function payloadName(io: Io, absPath: string): string {
  const rel = path.relative(io.cwd, absPath);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.join('external', path.basename(absPath)) : rel).split(path.sep).join('/');
}

/**
 * Writes a BagIt bag (RFC 8493) of the TEI sources, their derivatives and an oai_dc record per
 * document. The bag is assembled in a hidden folder next to `out` and renamed into place at the end,
 * so an earlier bag stays whole if anything fails. Documents that are not well-formed stop the
 * packaging: they are reported and nothing is written.
 */
export async function packageBag(options: PackageOptions, io: Io): Promise<PackageResult> {
  const out = path.resolve(io.cwd, options.out);
  const isTar = TAR_EXT.test(out);
  const bagName = path.basename(out).replace(TAR_EXT, '') || 'bag';
  const inside = (p: string) => p === out || p.startsWith(out + path.sep);

  const derivDir = options.derivatives !== undefined ? path.resolve(io.cwd, options.derivatives) : path.resolve(io.cwd, 'output');
  // Derivatives are carried as derivatives, not packaged again as sources when a parent folder is given.
  const docs = (await collectDocuments(options.paths.length ? options.paths : ['tei'], io)).filter(
    (d) => !inside(d.absPath) && !d.absPath.startsWith(derivDir + path.sep),
  );
  if (docs.length === 0) throw new ToolError('no TEI documents to package', 'give TEI files or folders holding *.xml files');

  let derivatives: string[] = [];
  try {
    if ((await io.fs.stat(derivDir)).isDirectory()) {
      // Hidden files (the build's manifest, temporaries) are bookkeeping, not derivatives.
      derivatives = (await glob('**/*', { cwd: derivDir, absolute: true, onlyFiles: true, dot: false })).map(path.normalize).filter((p) => !inside(p)).sort();
    }
  } catch {
    if (options.derivatives !== undefined) throw new ToolError(`${options.derivatives}: no such folder`, 'give the folder teikit build wrote (--out of build), or leave --derivatives out');
  }

  const parent = path.dirname(out);
  await io.fs.mkdir(parent, { recursive: true });
  const work = path.join(parent, `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  const bagDir = path.join(work, bagName);
  const reports: DocumentReport[] = [];
  const payload: BagEntry[] = [];
  const metas: HeaderMetadata[] = [];

  const put = async (name: string, data: Uint8Array | string) => {
    io.signal?.throwIfAborted();
    const target = path.join(bagDir, ...name.split('/'));
    await io.fs.mkdir(path.dirname(target), { recursive: true });
    await io.fs.writeFile(target, data);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    return { path: name, sha256: sha256Hex(data), bytes };
  };

  try {
    // One document at a time: memory holds the largest file, not the corpus.
    for (const doc of docs) {
      const report: DocumentReport = { file: doc.file, valid: false, diagnostics: [] };
      reports.push(report);
      let bytes: Uint8Array;
      try {
        bytes = await io.fs.readFile(doc.absPath);
      } catch (err) {
        report.diagnostics.push(diagnostic({ file: doc.file, severity: 'error', source: 'io', code: 'io.unreadable', message: `${doc.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }));
        continue;
      }
      const decoded = decodeXml(doc.file, bytes);
      const wf = decoded.ok ? checkWellFormed(doc.file, decoded.text) : decoded.diagnostic;
      if (wf || !decoded.ok) {
        report.diagnostics.push(wf!);
        continue;
      }
      const name = payloadName(io, doc.absPath);
      payload.push(await put(`data/${name}`, bytes));
      const meta = readHeader(decoded.text);
      if (!meta) {
        report.diagnostics.push(diagnostic({ file: doc.file, severity: 'error', source: 'build', code: 'package.no-header', message: `${doc.file} has no <teiHeader>: a repository record needs its title, publisher and licence; add a teiHeader` }));
        continue;
      }
      if (meta.titles.length === 0) {
        report.diagnostics.push(diagnostic({ file: doc.file, severity: 'warning', source: 'build', code: 'package.no-title', message: `${doc.file}: teiHeader/fileDesc/titleStmt/title is empty; the oai_dc record will have no dc:title` }));
      }
      metas.push(meta);
      payload.push(await put(`data/oai_dc/${name}`, oaiDc(meta, name)));
      report.valid = true;
    }
    if (reports.some((r) => !r.valid)) {
      await io.fs.rm(work, { recursive: true, force: true });
      return { bag: null, documents: reports, payloadFiles: 0, payloadBytes: 0 };
    }
    for (const d of derivatives) payload.push(await put(`data/${payloadName(io, d)}`, await io.fs.readFile(d)));

    const tags: BagEntry[] = [];
    tags.push(await put('bagit.txt', BAGIT_TXT));
    tags.push(await put('bag-info.txt', bagInfo(infoFields(io, metas, payload))));
    tags.push(await put('manifest-sha256.txt', manifest(payload)));
    await put('tagmanifest-sha256.txt', manifest(tags));

    io.signal?.throwIfAborted();
    if (isTar) {
      const tmpTar = path.join(work, `${bagName}.tar`);
      await createTar({ file: tmpTar, cwd: work, portable: true, gzip: !/\.tar$/i.test(out) }, [bagName]);
      await io.fs.rename(tmpTar, out);
    } else {
      await replaceDir(io, bagDir, out, work);
    }
    await io.fs.rm(work, { recursive: true, force: true });
  } catch (err) {
    await io.fs.rm(work, { recursive: true, force: true });
    throw err;
  }
  return { bag: out, documents: reports, payloadFiles: payload.length, payloadBytes: payload.reduce((n, e) => n + e.bytes, 0) };
}

/** Puts the new bag folder at `out`; an existing folder is replaced only when it is a bag itself. */
async function replaceDir(io: Io, bagDir: string, out: string, work: string): Promise<void> {
  let exists = false;
  try {
    exists = (await io.fs.stat(out)).isDirectory();
    if (!exists) throw new ToolError(`${out} exists and is not a folder`, 'choose another --out, or remove that file');
  } catch (err) {
    if (err instanceof ToolError) throw err;
  }
  if (!exists) {
    await io.fs.rename(bagDir, out);
    return;
  }
  const old = await io.fs.readdir(out);
  if (old.length > 0 && !old.includes('bagit.txt')) {
    throw new ToolError(`${out} is a folder that is not a bag; refusing to replace it`, 'choose a new --out, or an existing bag to replace');
  }
  // Two renames: the old bag moves aside, the new one takes its name; the old one is removed with `work`.
  await io.fs.rename(out, path.join(work, 'previous'));
  await io.fs.rename(bagDir, out);
}

/** bag-info.txt from the TEI headers: who published it, what it is, when it was bagged, how big. */
function infoFields(io: Io, metas: readonly HeaderMetadata[], payload: readonly BagEntry[]): Array<[string, string]> {
  // SOURCE_DATE_EPOCH (reproducible-builds.org) pins the date, so two bags of the same files are identical.
  const epoch = Number(io.env['SOURCE_DATE_EPOCH']);
  const date = (Number.isFinite(epoch) && io.env['SOURCE_DATE_EPOCH'] ? new Date(epoch * 1000) : new Date()).toISOString().slice(0, 10);
  const orgs = [...new Set(metas.flatMap((m) => m.publishers))];
  const titles = metas.map((m) => m.titles[0]).filter((t): t is string => !!t);
  const description =
    metas.length === 1
      ? (titles[0] ?? 'A TEI P5 document')
      : `${metas.length} TEI P5 documents` + (titles.length ? `: ${titles.slice(0, 5).join('; ')}${titles.length > 5 ? `; and ${titles.length - 5} more` : ''}` : '');
  const fields: Array<[string, string]> = orgs.map((o) => ['Source-Organization', o]);
  fields.push(['Bagging-Date', date]);
  fields.push(['External-Description', `${description}. TEI sources with their derivatives and an oai_dc record per document (data/oai_dc/).`]);
  if (metas.length === 1) {
    if (titles[0]) fields.push(['Title', titles[0]]);
    for (const id of metas[0]!.identifiers) fields.push(['External-Identifier', id]);
    for (const r of metas[0]!.rights) fields.push(['Rights', r]);
  }
  fields.push(['Bag-Size', humanSize(payload.reduce((n, e) => n + e.bytes, 0))]);
  fields.push(['Payload-Oxum', payloadOxum(payload)]);
  fields.push(['Bag-Software-Agent', 'teikit']);
  return fields;
}
