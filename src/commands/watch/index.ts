import * as path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { hasErrors } from '../../diagnostic.js';
import type { Io } from '../../io.js';
import { formatDiagnostic, type DocumentReport, type OutputFormat } from '../../report.js';
import { streamDocuments } from '../../parallel/stream.js';
import { RestrictingEngine } from '../../validate/relaxng.js';
import { validate, type ValidateOptions } from '../validate/index.js';

export interface WatchOptions {
  /** Files or folders to watch; folders: every *.xml below them, including files created later. */
  paths: readonly string[];
  /** Validation options, as for `teikit validate`; an engine given here is kept for the whole session. */
  validate?: Omit<ValidateOptions, 'paths'>;
  format?: OutputFormat;
  /** Quiet period after the last change of a file before it is checked (editors write in several steps). */
  debounceMs?: number;
  /** Called after each check with the report and the time from the file event to the printed result. */
  onCheck?: (report: DocumentReport, ms: number) => void;
}

/**
 * Re-checks a document each time it is saved and prints its diagnostics, until `io.signal` aborts.
 * The RELAX NG engine lives for the whole session (compiled Schematron is kept per process), and a first
 * document is checked silently at start, so everything is in memory before the first save.
 */
export async function watch(options: WatchOptions, io: Io): Promise<void> {
  const debounceMs = options.debounceMs ?? 30;
  const format = options.format ?? 'text';
  const roots = (options.paths.length ? options.paths : ['tei']).map((p) => path.resolve(io.cwd, p));

  // Also checks that every PATH exists (a typo is a usage error), and finds a document to warm up on.
  let count = 0;
  let first: string | null = null;
  for await (const d of streamDocuments(options.paths.length ? options.paths : ['tei'], io)) {
    count++;
    first ??= d.absPath;
  }
  // One engine for the session: the parsed schema and derived schemas stay in memory between saves.
  const engine = options.validate?.engine ?? new RestrictingEngine(io);
  const check = (absPath: string) => validate({ ...options.validate, paths: [absPath], engine }, io);
  if (first) await check(first);

  const watcher = chokidarWatch(roots, {
    ignoreInitial: true,
    // Hidden files are editors' and teikit's own temporaries; only XML documents are checked.
    ignored: (p, stats) => path.basename(p).startsWith('.') || (!!stats?.isFile() && !p.endsWith('.xml')),
  });
  const timers = new Map<string, NodeJS.Timeout>();
  let queue = Promise.resolve();

  const run = (absPath: string, since: number) => {
    // Checks run one after another, so two saves in a row never print interleaved.
    queue = queue.then(async () => {
      if (io.signal?.aborted) return;
      const result = await check(absPath);
      const report = result.documents[0];
      if (!report) return;
      print(io, format, report, Date.now() - since);
      options.onCheck?.(report, Date.now() - since);
    }).catch((err: unknown) => {
      io.stderr.write(`teikit: ${path.relative(io.cwd, absPath)}: could not be checked: ${(err as Error).message}\n`);
    });
  };

  const onEvent = (p: string) => {
    if (!p.endsWith('.xml')) return;
    const since = Date.now();
    clearTimeout(timers.get(p));
    timers.set(
      p,
      setTimeout(() => {
        timers.delete(p);
        run(p, since);
      }, debounceMs),
    );
  };
  watcher.on('add', onEvent).on('change', onEvent);

  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  io.stderr.write(`teikit: watching ${count} document${count === 1 ? '' : 's'} in ${options.paths.join(', ') || 'tei'}; save a file to check it (Ctrl-C to stop)\n`);

  await new Promise<void>((resolve) => {
    if (!io.signal) return; // Without a signal (no way to stop), watch runs for the life of the process.
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  for (const t of timers.values()) clearTimeout(t);
  await watcher.close();
  await queue;
}

/** Diagnostics as `teikit validate` prints them, then one status line with the time since the save. */
function print(io: Io, format: OutputFormat, report: DocumentReport, ms: number): void {
  if (format === 'json') {
    // One JSON document per line (NDJSON), so an editor can read results as they come.
    io.stdout.write(JSON.stringify({ documents: [report], ms }) + '\n');
    return;
  }
  for (const d of report.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = report.diagnostics.filter((d) => d.severity === 'warning').length;
  const state = hasErrors(report.diagnostics)
    ? `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
    : warnings
      ? `valid, ${warnings} warning${warnings === 1 ? '' : 's'}`
      : 'valid';
  io.stderr.write(`teikit: ${report.file}: ${state} (${ms} ms)\n`);
}
