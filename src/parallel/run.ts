import * as fs from 'node:fs/promises';
import type { Io } from '../io.js';
import type { BatchOptions, BatchResult } from '../commands/build/documents.js';
import type { DocumentReport } from '../report.js';
import { Progress, SummaryCounter, type Summary } from '../util/progress.js';
import { canStartWorker, forEachChunk, WorkerPool } from './pool.js';
import { RuleWorker } from './rules.js';
import { streamDocuments } from './stream.js';
import { sharedXmllint } from './xmllint-session.js';

/** Options of a per-document command that survive structured cloning to a worker (no engines, no Io). */
export type CommandOptions = Record<string, unknown>;

/** The commands that can run over documents in chunks: each takes paths and returns one report per document. */
export type DocumentCommand = 'validate' | 'build';

/** One chunk of work as a worker receives it. */
export interface DocumentTask {
  command: DocumentCommand;
  /** Absolute paths of the documents of this chunk. */
  paths: string[];
  options: CommandOptions;
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface TaskResult {
  documents: DocumentReport[];
  /** build only: the documents written and those not built. */
  built?: BatchResult['built'];
  skipped?: BatchResult['skipped'];
  /** What the command wrote on stderr (notices such as a schema fetched once), passed on by the main thread. */
  stderr: string;
}

type ChunkResult = Omit<TaskResult, 'stderr'>;
type CommandFn = (paths: string[], options: CommandOptions, io: Io) => Promise<ChunkResult>;

// Loaded lazily so a worker only pays for the command it runs.
const commands: Record<DocumentCommand, () => Promise<CommandFn>> = {
  validate: async () => {
    const { validate } = await import('../commands/validate/index.js');
    return (paths, options, io) => validate({ ...options, paths }, io);
  },
  build: async () => {
    const { buildBatch } = await import('../commands/build/documents.js');
    // The options were made by build() as BatchOptions; cloning to a worker keeps their shape.
    return (paths, options, io) => buildBatch(paths, options as unknown as BatchOptions, io);
  },
};

/** Runs one chunk with the given Io: in a worker (with an Io built there) or inline (with the caller's). */
export async function runChunk(command: DocumentCommand, paths: string[], options: CommandOptions, io: Io): Promise<ChunkResult> {
  const fn = await commands[command]();
  return fn(paths, options, io);
}

/** The worker's side of a task: an Io over the real filesystem, output captured and sent back. */
export async function runTask(task: DocumentTask, signal?: AbortSignal): Promise<TaskResult> {
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (s) => void err.push(s), isTTY: false },
    stderr: { write: (s) => void err.push(s), isTTY: false },
    fs,
    cwd: task.cwd,
    env: task.env,
    signal,
  };
  const result = await runChunk(task.command, task.paths, task.options, io);
  return { ...result, stderr: err.join('') };
}

/** How long workers get to unwind after an abort before they are terminated. */
const ABORT_GRACE_MS = 10_000;

export interface RunDocumentsOptions {
  command: DocumentCommand;
  /** The user's PATHs (files or folders). */
  paths: readonly string[];
  options: CommandOptions;
  /** Threads: document workers, or for validate up to IN_PROCESS_JOBS, libxml2 workers beside the main thread. */
  jobs: number;
  quiet?: boolean;
  /** Documents per chunk; validationChunkSize when not given. */
  chunkSize?: number;
  /** Where the worker script is; the compiled `worker.js` beside this module by default. */
  workerUrl?: URL;
  /** Where the rule-check worker script is (see RuleWorker); the compiled `rules-worker.js` beside this module by default. */
  rulesWorkerUrl?: URL;
  /** Called with each chunk's whole result as it arrives (build records its outputs from it). */
  onChunk?: (result: TaskResult) => void;
}

export interface RunDocumentsResult {
  documents: DocumentReport[];
  summary: Summary;
  /** Worker threads actually used (0 when everything ran in the main thread). */
  workers: number;
  /** Whether the rule checks ran in a thread of their own. */
  ruleWorker: boolean;
}

/** Up to this size, one document is validated with libxml2 in V8's baseline code (see XmllintSession.warm). */
const BRIEF_BYTES = 256 * 1024;

async function fileSize(io: Io, p: string): Promise<number> {
  return io.fs.stat(p).then((s) => s.size, () => Infinity);
}

/**
 * Documents in the k-th chunk (0-based) of a run: 8, 16, 32, then 64 from the fourth on. The first chunks are
 * small so libxml2 gets its first batch soon after the start instead of after 64 documents are read; later
 * ones are larger because each chunk's documents are batched together for libxml2 and fewer batches compile
 * fewer derived schemas. The sizes do not depend on --jobs, so neither do the batches, hence nor the RELAX NG
 * messages, which depend on the documents batched together.
 */
export function validationChunkSize(k: number): number {
  return Math.min(64, 8 << Math.min(k, 3));
}

/**
 * Up to this many jobs, validate checks the documents in the main thread and gives libxml2 one worker thread
 * per job (XmllintPool) instead of starting document workers. libxml2 is about half of a validation's CPU, so
 * this still keeps two cores busy, and it saves a second and a third copy of the checks' code (loading, and
 * V8 compiling it again in each thread: measured on the corpus, 13.5 s of CPU with two document workers,
 * 11.8 s this way). With more cores the one main thread would become the limit.
 */
const IN_PROCESS_JOBS = 2;

/**
 * Chunks being checked at once in the main thread: one is read while the others wait for libxml2 and the rule
 * worker (three, against two, kept the threads busier: 4.34 s against 4.83 s on the corpus, 5 rounds alternating).
 */
const IN_PROCESS_CHUNKS = 3;

/**
 * Runs a per-document command over a corpus of any size: the file list is streamed from the folders and
 * documents go in chunks either to worker threads that stay alive for the run (so each prepares its schemas
 * and stylesheets once), or, for validate with up to IN_PROCESS_JOBS jobs, to the main thread with libxml2 in
 * that many workers; only the reports are kept. A progress bar shows files done, rate and time left on a
 * terminal; the summary counts as reports arrive.
 */
export async function runDocuments(io: Io, opts: RunDocumentsOptions): Promise<RunDocumentsResult> {
  const started = Date.now();
  // A first walk only counts (names, no contents), so the bar can show time left from the start.
  let total = 0;
  let firstPath: string | null = null;
  for await (const d of streamDocuments(opts.paths, io)) {
    firstPath ??= d.absPath;
    total++;
  }

  const jobs = Math.max(1, Math.min(opts.jobs, total));
  const workerUrl = opts.workerUrl ?? new URL('./worker.js', import.meta.url);
  const inProcess = opts.command === 'validate' && jobs <= IN_PROCESS_JOBS;
  const useWorkers = !inProcess && jobs > 1 && canStartWorker(workerUrl);
  if (!useWorkers) {
    // xmllint's workers start now, while the command's modules load and the documents are read, instead of
    // when the first batch is ready for them.
    const xmllint = sharedXmllint();
    if (inProcess) xmllint.resize(jobs);
    xmllint.warm({ brief: total === 1 && firstPath !== null && (await fileSize(io, firstPath)) <= BRIEF_BYTES });
  }
  const chunkSize = opts.chunkSize ?? validationChunkSize;
  // Checking in this thread, the rule checks get a thread of their own (see RuleWorker), started now; not for a
  // single chunk, whose rule checks overlap libxml2's work anyway (the edition alone: 249 ms without, 285 ms with).
  const o = opts.options;
  const rulesUrl = opts.rulesWorkerUrl ?? new URL('./rules-worker.js', import.meta.url);
  const firstChunk = typeof chunkSize === 'number' ? chunkSize : chunkSize(0);
  const rules = inProcess && total > firstChunk && (o['schematron'] !== false || o['pointers'] !== false) && canStartWorker(rulesUrl)
    ? new RuleWorker(io, { catalogs: o['catalogs'] as string[] | undefined, offline: o['offline'] as boolean | undefined }, rulesUrl)
    : null;
  const options = rules ? { ...o, rules } : o;
  // A validation of many documents is a few seconds of many short functions in four threads, where V8's optimizing
  // compiler spends more time inlining than the inlined code saves: without it, the 230 corpus documents took 3.69 s
  // instead of 4.03 s, 6.86 s of CPU instead of 7.55 s (6 rounds alternating). The setting holds for the process;
  // not for builds (SaxonJS's long transforms gain from inlining: corpus-100 31.2 s without, 29.3 s with) nor for
  // a single chunk (the edition: no gain).
  if (opts.command === 'validate' && total > firstChunk) io.v8Flags?.('--no-turbo-inlining');

  const progress = new Progress(io, { label: opts.command, quiet: opts.quiet });
  progress.addTotal(total);
  const counter = new SummaryCounter(started);
  const reports: Array<{ index: number; report: DocumentReport }> = [];
  const pool = useWorkers ? new WorkerPool<DocumentTask, TaskResult>(workerUrl, jobs) : null;
  // Workers are asked to stop (a build unwinds the document it is writing); one that does not stop in time is ended.
  const onAbort = () => {
    pool?.abort();
    rules?.abort();
    setTimeout(() => void pool?.close(), ABORT_GRACE_MS).unref();
  };
  io.signal?.addEventListener('abort', onAbort, { once: true });

  let index = 0;
  async function* indexed() {
    for await (const d of streamDocuments(opts.paths, io)) yield { index: index++, absPath: d.absPath };
  }

  try {
    await forEachChunk(
      indexed(),
      { chunkSize, concurrency: useWorkers ? jobs * 2 : inProcess ? IN_PROCESS_CHUNKS : 1, signal: io.signal },
      async (chunk) => {
        const paths = chunk.map((c) => c.absPath);
        if (pool) {
          const env = { ...io.env };
          return pool.run({ command: opts.command, paths, options: opts.options, cwd: io.cwd, env });
        }
        const r = await runChunk(opts.command, paths, options, io);
        return { ...r, stderr: '' };
      },
      (result, chunk) => {
        if (result.stderr) io.stderr.write(result.stderr);
        opts.onChunk?.(result);
        result.documents.forEach((report, i) => {
          counter.add(report);
          reports.push({ index: chunk[i]!.index, report });
        });
        progress.tick(chunk.length, started);
      },
    );
  } catch (err) {
    // A worker's own "aborted" error is the interrupt's echo: report the interrupt itself.
    io.signal?.throwIfAborted();
    throw err;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    progress.stop();
    await pool?.close();
    await rules?.close();
  }
  io.signal?.throwIfAborted();
  reports.sort((a, b) => a.index - b.index);
  return { documents: reports.map((r) => r.report), summary: counter.summary(), workers: pool?.size ?? 0, ruleWorker: rules !== null };
}

export interface RunBuildOptions {
  /** The documents to build (files or folders). */
  paths: readonly string[];
  /** build's BatchOptions, as plain data. */
  options: CommandOptions;
  /** Worker threads; 1 builds everything in the main thread. */
  jobs: number;
  quiet?: boolean;
  workerUrl?: URL;
  /** Called with each result: first each validated chunk's reports (and the documents it will not build), then each document built. */
  onChunk: (result: TaskResult) => void;
}

/**
 * Documents per validation chunk in a build of `total` documents: at most 32, so memory holds a chunk's texts,
 * never the folder's; an eighth of a small folder, so both threads get validation to do; independent of
 * --jobs, so a document's RELAX NG diagnostics (which depend on the documents batched with it) are the same
 * with one thread or several.
 */
export function buildValidationChunk(total: number): number {
  return Math.max(1, Math.min(32, Math.ceil(total / 8)));
}

/**
 * Builds documents in two phases, in worker threads or inline. First every document is validated, in chunks of
 * buildValidationChunk (only reports are kept). Then the transforms, most of a build's time, go one document at
 * a time, largest first, to whichever thread is free, so one thread does not end with the large documents while
 * the other idles. No thread validates after it has transformed: the Schematron checks' SaxonJS copy and the
 * stylesheets' break each other through globalThis.HostPlatform.
 */
export async function runBuild(io: Io, opts: RunBuildOptions): Promise<void> {
  const docs: Array<{ absPath: string; size: number }> = [];
  for await (const d of streamDocuments(opts.paths, io)) docs.push({ absPath: d.absPath, size: await fileSize(io, d.absPath) });
  const jobs = Math.max(1, Math.min(opts.jobs, docs.length));
  const workerUrl = opts.workerUrl ?? new URL('./worker.js', import.meta.url);
  const useWorkers = jobs > 1 && canStartWorker(workerUrl);
  if (!useWorkers) sharedXmllint().warm();

  const started = Date.now();
  const progress = new Progress(io, { label: 'build', quiet: opts.quiet });
  progress.addTotal(docs.length);
  const size = new Map(docs.map((d) => [d.absPath, d.size]));
  const chunks: string[][] = [];
  const per = buildValidationChunk(docs.length);
  for (let i = 0; i < docs.length; i += per) chunks.push(docs.slice(i, i + per).map((d) => d.absPath));

  const pool = useWorkers ? new WorkerPool<DocumentTask, TaskResult>(workerUrl, jobs) : null;
  // Tasks at once: one per worker, or one inline (in this thread, with the caller's Io).
  const slots = pool ? jobs : 1;
  const execute = async (t: DocumentTask): Promise<TaskResult> =>
    pool ? pool.run(t) : { ...(await runChunk(t.command, t.paths, t.options, io)), stderr: '' };
  const onAbort = () => {
    pool?.abort();
    setTimeout(() => void pool?.close(), ABORT_GRACE_MS).unref();
  };
  io.signal?.addEventListener('abort', onAbort, { once: true });
  const task = (paths: string[], stage: 'validate' | 'transform', reports?: DocumentReport[]): DocumentTask => ({
    command: 'build',
    paths,
    options: { ...opts.options, stage, reports },
    cwd: io.cwd,
    env: { ...io.env },
  });
  const deliver = (r: TaskResult) => {
    if (r.stderr) io.stderr.write(r.stderr);
    opts.onChunk(r);
  };

  // Validated documents waiting for a thread, largest first. At most one task per thread is in flight, so each
  // task starts on a free thread: every validation chunk is handed out before the first transform, hence no
  // thread validates after transforming, while a thread that is done validating already takes transforms.
  const ready: Array<{ absPath: string; report: DocumentReport }> = [];
  let running = 0;
  let nextChunk = 0;
  let failure: unknown = null;
  try {
    await new Promise<void>((resolve) => {
      const settle = () => {
        running--;
        pump();
      };
      const validateChunk = (chunk: string[]) =>
        execute(task(chunk, 'validate')).then(
          (r) => {
            deliver(r);
            const notBuilt = new Set((r.skipped ?? []).map((s) => s.absPath));
            progress.tick(notBuilt.size, started);
            r.documents.forEach((report, i) => {
              const absPath = chunk[i]!;
              if (!notBuilt.has(absPath)) ready.push({ absPath, report });
            });
            ready.sort((a, b) => (size.get(b.absPath) ?? 0) - (size.get(a.absPath) ?? 0));
          },
          (err: unknown) => void (failure ??= err),
        );
      const transform = (next: { absPath: string; report: DocumentReport }) =>
        execute(task([next.absPath], 'transform', [next.report])).then(
          (r) => {
            deliver(r);
            progress.tick(1, started);
          },
          (err: unknown) => void (failure ??= err),
        );
      const pump = () => {
        const stopping = failure !== null || io.signal?.aborted === true;
        while (!stopping && running < slots && (nextChunk < chunks.length || ready.length)) {
          running++;
          const work = nextChunk < chunks.length ? validateChunk(chunks[nextChunk++]!) : transform(ready.shift()!);
          void work.finally(settle);
        }
        if (running === 0 && (stopping || (nextChunk === chunks.length && ready.length === 0))) resolve();
      };
      pump();
    });
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    progress.stop();
    await pool?.close();
  }
  // A worker's own "aborted" error is the interrupt's echo: report the interrupt itself.
  io.signal?.throwIfAborted();
  if (failure !== null) throw failure;
}
