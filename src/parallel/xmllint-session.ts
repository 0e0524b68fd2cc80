import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Tag of this module's messages. Not xmllint-wasm's own ('xmllint-wasm'): its glue, loaded in the worker for
 * its Module factory, listens for that tag and would run xmllint a second time.
 */
const KEY = 'teikit-xmllint';
/** A worker is replaced after this many runs, so nothing the glue may keep per run accumulates for long. */
const RECYCLE_CALLS = 500;

export interface XmllintFile {
  fileName: string;
  /**
   * The file's text, or its UTF-8 bytes, which are moved to the worker: the array is detached (empty) once `run`
   * has started, unless it is a view into a larger buffer (then it is copied).
   */
  contents: string | Uint8Array;
}

/** Bytes that own their whole buffer, so moving the buffer to the worker takes nothing else with it. */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? new Uint8Array(buffer) : new Uint8Array(bytes);
}

export interface XmllintRun {
  /** xmllint's exit code: 0 valid, 3 invalid, 4 a document did not parse, -1 the wasm aborted. */
  exitCode: number;
  /** What xmllint wrote on stderr in this run only. */
  stderr: string;
}

interface WorkerReply {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The worker's code (CommonJS, given as a string so the same code runs from src/ under the tests and from dist/).
 * xmllint.wasm is compiled once, as soon as the worker starts, so the compile overlaps the main thread's reading
 * of documents and schemas; each run then instantiates it afresh (new memory, no libxml2 state shared) with
 * xmllint-wasm's own Emscripten glue, through the glue's instantiateWasm hook, and gets only its own output.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const KEY = ${JSON.stringify(KEY)};
// Baseline code only: see XmllintSession.warm.
if (workerData.liftoffOnly) require('node:v8').setFlagsFromString('--liftoff-only');
const compiled = WebAssembly.compile(readFileSync(workerData.wasm));
compiled.catch(() => undefined);
const Module = require(workerData.glue);
parentPort.on('message', async (m) => {
  if (!m || m[KEY] !== true) return;
  let stdout = '';
  let stderr = '';
  let replied = false;
  const reply = (r) => {
    if (replied) return;
    replied = true;
    parentPort.postMessage({ [KEY]: true, ...r });
  };
  const abort = (reason) => reply({ exitCode: -1, stdout: '', stderr: 'WASM Abort: ' + reason });
  try {
    const wasmModule = await compiled;
    Module({
      inputFiles: m.inputFiles,
      arguments: m.args,
      print: (t) => { stdout += t + '\\n'; },
      printErr: (t) => { stderr += t + '\\n'; },
      onExit: (exitCode) => reply({ exitCode, stdout, stderr }),
      onAbort: abort,
      wasmMemory: new WebAssembly.Memory({ initial: m.initialMemory, maximum: m.maxMemory }),
      instantiateWasm: (imports, done) => {
        WebAssembly.instantiate(wasmModule, imports).then((instance) => done(instance, wasmModule), abort);
        return {};
      },
    }).catch(abort);
  } catch (err) {
    abort(err);
  }
});
`;

/**
 * xmllint-wasm with its worker thread kept alive between runs. `validateXML` starts a new worker and compiles
 * the wasm for every call (about 150–200 ms of CPU before libxml2 sees a byte); a session pays that once,
 * and `warm()` lets it pay it while the caller still prepares the first run.
 * Each run still gets a fresh wasm instance and memory, so no libxml2 state is shared between runs.
 * Runs are serialised: one xmllint at a time per session.
 */
export class XmllintSession {
  private worker: Worker | null = null;
  private calls = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Starts the worker (thread start-up and wasm compile) now, so the first run does not wait for it.
   * `brief`: the session will validate little (one small document), so V8 keeps libxml2 in its baseline
   * compiler (Liftoff) instead of optimizing hot functions on the way: measured on the edition, its first run
   * takes 76 ms instead of 185 ms; on a 3.6 MB register 1.4 s instead of 0.8 s, hence only for small work.
   * The setting is V8's, for the whole process, and holds for modules compiled after it.
   */
  warm(options: { brief?: boolean } = {}): void {
    this.worker ??= this.start(options.brief ?? false);
  }

  /** Runs `xmllint ARGS` over `files`; the same arguments xmllint-wasm builds (`--relaxng s.rng --noout d.xml`). */
  run(args: readonly string[], files: readonly XmllintFile[], memoryPages: { initial: number; maximum: number }): Promise<XmllintRun> {
    const next = this.queue.then(() => this.runNow(args, files, memoryPages));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private start(liftoffOnly = false): Worker {
    const require = createRequire(import.meta.url);
    const w = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { glue: require.resolve('xmllint-wasm/xmllint-node.js'), wasm: require.resolve('xmllint-wasm/xmllint.wasm'), liftoffOnly },
    });
    // Between runs the idle worker must not keep a finished command alive; during a run it must (ref below).
    w.unref();
    this.calls = 0;
    return w;
  }

  private async runNow(args: readonly string[], files: readonly XmllintFile[], pages: { initial: number; maximum: number }): Promise<XmllintRun> {
    if (this.worker && this.calls >= RECYCLE_CALLS) await this.close();
    const w = (this.worker ??= this.start());
    this.calls++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const onMessage = (m: WorkerReply & Record<string, unknown>) => {
        if (!m || m[KEY] !== true) return;
        cleanup();
        resolve(m);
      };
      const onError = (err: Error) => {
        cleanup();
        if (this.worker === w) this.worker = null;
        reject(err);
      };
      const onExit = (code: number) => onError(new Error(`xmllint worker exited with code ${code}`));
      const cleanup = () => {
        w.unref();
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.ref();
      // As UTF-8 bytes, moved to the worker without a copy: given strings, the glue encodes them in JavaScript
      // (two passes over every character, ~0.7 s of a corpus run), and postMessage would copy them first. Bytes
      // the caller has skip the encoding (~0.2 s of a corpus run) and are moved too (a copy would cost as much as
      // the encoding: the time goes to new memory), unless they are a view into a larger buffer (Node's pool).
      const encoder = new TextEncoder();
      const inputFiles = files.map((f) => ({ fileName: f.fileName, contents: typeof f.contents === 'string' ? encoder.encode(f.contents) : ownBuffer(f.contents) }));
      const message = { [KEY]: true, inputFiles, args: [...args], initialMemory: pages.initial, maxMemory: pages.maximum };
      w.postMessage(message, inputFiles.map((f) => f.contents.buffer));
    });
    if (reply.exitCode === -1) {
      // The aborted instance may have left the worker unusable: the next run gets a new one.
      await this.close();
    }
    return { exitCode: reply.exitCode, stderr: reply.stderr };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/**
 * Several sessions (worker threads) sharing one queue: each run goes to the first session that is free, so
 * batches of very different sizes still keep every session busy. Each session keeps its worker for the whole
 * run, as a single session does.
 */
export class XmllintPool {
  private readonly sessions: XmllintSession[] = [];
  private readonly idle: XmllintSession[] = [];
  private readonly queue: Array<(s: XmllintSession) => void> = [];

  constructor(size = 1) {
    this.resize(size);
  }

  get size(): number {
    return this.sessions.length;
  }

  /** Grows the pool to `size` sessions; it never shrinks, since a run may be using any session. */
  resize(size: number): void {
    while (this.sessions.length < size) {
      const s = new XmllintSession();
      this.sessions.push(s);
      this.release(s);
    }
  }

  /** Starts every session's worker now (see XmllintSession.warm). */
  warm(options: { brief?: boolean } = {}): void {
    for (const s of this.sessions) s.warm(options);
  }

  /** Runs `xmllint ARGS` over `files` in the first free session; `session` says which (0-based). */
  async run(args: readonly string[], files: readonly XmllintFile[], memoryPages: { initial: number; maximum: number }): Promise<XmllintRun & { session: number }> {
    const session = this.idle.pop() ?? (await new Promise<XmllintSession>((resolve) => this.queue.push(resolve)));
    try {
      const run = await session.run(args, files, memoryPages);
      return { ...run, session: this.sessions.indexOf(session) };
    } finally {
      this.release(session);
    }
  }

  private release(s: XmllintSession): void {
    const next = this.queue.shift();
    if (next) next(s);
    else this.idle.push(s);
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}

let shared: XmllintPool | null = null;

/**
 * The xmllint pool of this thread, shared by every engine in it, with one session unless the caller resizes it:
 * a document worker has one of its own, while a run that checks documents in the main thread gives it one
 * session per job.
 */
export function sharedXmllint(): XmllintPool {
  return (shared ??= new XmllintPool());
}
