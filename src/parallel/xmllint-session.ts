import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Tag xmllint-wasm's worker puts on its messages (its protocol, version 5.3). */
const KEY = 'xmllint-wasm';
/** The worker keeps all output of its life in one string; it is replaced before that grows large. */
const RECYCLE_OUTPUT_CHARS = 1 << 20;
const RECYCLE_CALLS = 500;

export interface XmllintFile {
  fileName: string;
  contents: string;
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
 * xmllint-wasm with its worker thread kept alive between runs. `validateXML` starts a new worker for every
 * call (about 150–200 ms of CPU before libxml2 sees a byte); a long run or `teikit watch` pays that once.
 * Each run still gets a fresh wasm instance and memory, so no libxml2 state is shared between runs.
 * Runs are serialised: one xmllint at a time per session.
 */
export class XmllintSession {
  private worker: Worker | null = null;
  private seen = { stdout: 0, stderr: 0 };
  private calls = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `xmllint ARGS` over `files`; the same arguments xmllint-wasm builds (`--relaxng s.rng --noout d.xml`). */
  run(args: readonly string[], files: readonly XmllintFile[], memoryPages: { initial: number; maximum: number }): Promise<XmllintRun> {
    const next = this.queue.then(() => this.runNow(args, files, memoryPages));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private start(): Worker {
    const script = createRequire(import.meta.url).resolve('xmllint-wasm/xmllint-node.js');
    const w = new Worker(script);
    // Between runs the idle worker must not keep a finished command alive; during a run it must (ref below).
    w.unref();
    this.worker = w;
    this.seen = { stdout: 0, stderr: 0 };
    this.calls = 0;
    return w;
  }

  private async runNow(args: readonly string[], files: readonly XmllintFile[], pages: { initial: number; maximum: number }): Promise<XmllintRun> {
    if (this.worker && (this.calls >= RECYCLE_CALLS || this.seen.stderr + this.seen.stdout > RECYCLE_OUTPUT_CHARS)) await this.close();
    const w = this.worker ?? this.start();
    this.calls++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const onMessage = (m: WorkerReply & Record<string, unknown>) => {
        if (!m || m[KEY] !== true) return;
        cleanup();
        resolve(m);
      };
      const onError = (err: Error) => {
        cleanup();
        this.worker = null;
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
      w.postMessage({ [KEY]: true, inputFiles: files, args: [...args], initialMemory: pages.initial, maxMemory: pages.maximum });
    });
    if (reply.exitCode === -1) {
      // An abort reply carries only its reason, and the aborted instance may have left the worker unusable.
      await this.close();
      return { exitCode: -1, stderr: reply.stderr };
    }
    // The worker's output strings only grow; this run's output is what was added since the last one.
    const stderr = reply.stderr.slice(this.seen.stderr);
    this.seen = { stdout: reply.stdout.length, stderr: reply.stderr.length };
    return { exitCode: reply.exitCode, stderr };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
