import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, parentPort, type MessagePort } from 'node:worker_threads';
import { ToolError } from '../errors.js';

/** Default `--jobs`: one worker per core the process may use. */
export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

interface Request<T> {
  id: number;
  task: T;
}
/** Tells a worker to abort what it is doing (its Io's signal), so it unwinds cleanly instead of being killed. */
interface AbortMessage {
  abort: true;
}
type Reply<R> = { id: number; ok: true; result: R } | { id: number; ok: false; name: string; message: string; hint?: string; stack?: string };

/**
 * True when `url` is a worker script Node can start: compiled JavaScript that exists. Under a TypeScript
 * test runner the sources are .ts, which a worker thread cannot load; callers then run the same task
 * function in the main thread, so behaviour is identical and only the parallelism differs.
 */
export function canStartWorker(url: URL): boolean {
  return url.protocol === 'file:' && /\.m?js$/.test(url.pathname) && existsSync(fileURLToPath(url));
}

/**
 * A fixed set of worker threads, each kept alive for the whole run so whatever it prepares (compiled
 * schemas, stylesheets) is prepared once per worker, not once per file. Tasks go to the first idle worker;
 * callers bound how many are queued.
 */
export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker | null) => void> = [];
  private readonly pending = new Map<number, { resolve: (r: R) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  private closed = false;

  constructor(url: URL, size: number, workerData?: unknown) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, { workerData });
      w.on('message', (reply: Reply<R>) => this.settle(w, reply));
      w.on('error', (err) => this.fail(w, err));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(w, new Error(`worker thread exited with code ${code}`));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  async run(task: T): Promise<R> {
    if (this.closed) throw new Error('worker pool is closed');
    const worker = this.idle.pop() ?? (await new Promise<Worker | null>((resolve) => this.waiting.push(resolve)));
    if (!worker || this.closed) throw new Error('worker pool is closed');
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ id, task } satisfies Request<T>);
    });
  }

  /**
   * Aborts the tasks running in every worker through their Io's signal: a build then finishes or undoes
   * the document it is writing (writeFilesAtomic), which terminating the thread mid-rename would not.
   */
  abort(): void {
    for (const w of this.workers) w.postMessage({ abort: true } satisfies AbortMessage);
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  private settle(w: Worker, reply: Reply<R>): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.release(w);
    if (reply.ok) p.resolve(reply.result);
    else {
      // A ToolError stays one across the thread boundary, so the user still gets exit 2 and the hint.
      const err = reply.name === 'ToolError' ? new ToolError(reply.message, reply.hint) : new Error(reply.message);
      if (reply.stack) err.stack = reply.stack;
      p.reject(err);
    }
  }

  /** A crashed worker fails the tasks it held; the run then stops (the caller sees the rejection). */
  private fail(w: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker === w) {
        this.pending.delete(id);
        p.reject(err);
      }
    }
  }

  /** Ends every worker; tasks still running or waiting for a worker are rejected, so no caller waits forever. */
  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error('worker pool is closed');
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(closed);
    }
    // A caller waiting for an idle worker gets a terminated one, whose postMessage is ignored: reject it instead.
    this.waiting.splice(0).forEach((resolve) => resolve(null));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The worker side: answers each task with `handler`. Errors travel back as messages so the main thread
 * can report them like any other failure.
 */
export function serveTasks<T, R>(handler: (task: T, signal: AbortSignal) => Promise<R>, port: MessagePort | null = parentPort): void {
  if (!port) throw new Error('serveTasks must run in a worker thread');
  const controller = new AbortController();
  port.on('message', async (message: Request<T> | AbortMessage) => {
    if ('abort' in message) {
      controller.abort(new Error('aborted by the main thread'));
      return;
    }
    const { id, task } = message;
    try {
      port.postMessage({ id, ok: true, result: await handler(task, controller.signal) } satisfies Reply<R>);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const hint = e instanceof ToolError ? e.hint : undefined;
      port.postMessage({ id, ok: false, name: e.name, message: e.message, hint, stack: e.stack } satisfies Reply<R>);
    }
  });
}

/**
 * Runs `fn` over `items` in chunks with at most `concurrency` chunks in flight, handing each result to
 * `onResult` as it comes. The items are pulled lazily, so a file list of any length never sits in memory
 * beyond the chunks being worked on. `chunkSize` is a number, or the size of the k-th chunk (0-based).
 */
export async function forEachChunk<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  options: { chunkSize: number | ((index: number) => number); concurrency: number; signal?: AbortSignal },
  fn: (chunk: T[]) => Promise<R>,
  onResult: (result: R, chunk: T[]) => void,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  const launch = (chunk: T[]) => {
    const p: Promise<void> = fn(chunk)
      .then((r) => onResult(r, chunk))
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const { chunkSize } = options;
  const sizeOf = typeof chunkSize === 'number' ? () => chunkSize : chunkSize;
  let chunks = 0;
  let size = sizeOf(0);
  let chunk: T[] = [];
  try {
    for await (const item of items) {
      options.signal?.throwIfAborted();
      chunk.push(item);
      if (chunk.length >= size) {
        launch(chunk);
        chunk = [];
        size = sizeOf(++chunks);
        while (inFlight.size >= options.concurrency && failure === null) await Promise.race(inFlight);
      }
      if (failure !== null) break;
    }
    if (chunk.length && failure === null) launch(chunk);
  } finally {
    // Also on abort: chunks already started end (or unwind) before the caller closes their workers.
    await Promise.all(inFlight);
  }
  if (failure !== null) throw failure;
}
