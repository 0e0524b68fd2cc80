import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import type { Source } from '../diagnostic.js';
import type { Io, OutStream } from '../io.js';
import type { DocumentReport } from '../report.js';

export interface ProgressOptions {
  /** What is being counted, shown before the bar ("validate", "build"). */
  label: string;
  /** `--quiet`: no bar, whatever stderr is. */
  quiet?: boolean;
}

/**
 * A progress bar on stderr (files done, rate, time left) drawn only when a person is watching:
 * stderr is a terminal and `--quiet` was not given. Otherwise every method is a no-op, so piped
 * output and CI logs stay free of control characters.
 */
export class Progress {
  private readonly bar: SingleBar | null;
  private total = 0;
  private done = 0;
  private started = false;

  constructor(io: Io, options: ProgressOptions) {
    this.bar =
      !options.quiet && io.stderr.isTTY
        ? // Loaded only when drawn: cli-progress costs ~35 ms to load, and piped or one-file runs never draw.
          new (createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress')).SingleBar({
            // cli-progress only needs write() and isTTY; readline's cursor helpers write escape codes through it.
            stream: io.stderr as OutStream & NodeJS.WritableStream,
            format: `${options.label} [{bar}] {value}/{total} files | {rate} files/s | ETA {eta_formatted}`,
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
            fps: 10,
          })
        : null;
  }

  /** True when the bar is drawn (tests use it to check the TTY rule). */
  get visible(): boolean {
    return this.bar !== null;
  }

  /** More files were found (the file list is streamed, so the total grows while work is done). */
  addTotal(n: number): void {
    this.total += n;
    if (!this.bar) return;
    if (!this.started) {
      this.bar.start(this.total, this.done, { rate: '0' });
      this.started = true;
    } else {
      this.bar.setTotal(this.total);
    }
  }

  /** `n` more files are finished. */
  tick(n = 1, startedMs?: number): void {
    this.done += n;
    if (!this.bar || !this.started) return;
    const seconds = startedMs === undefined ? 0 : (Date.now() - startedMs) / 1000;
    this.bar.update(this.done, { rate: seconds > 0 ? (this.done / seconds).toFixed(1) : '0' });
  }

  /** Removes the bar so the diagnostics and the summary print on a clean line. */
  stop(): void {
    if (this.bar && this.started) this.bar.stop();
    this.started = false;
  }
}

/** What the end-of-run summary says. */
export interface Summary {
  documents: number;
  valid: number;
  invalid: number;
  /** Error-severity diagnostics by checker (`relaxng`, `schematron`, `xml`, ...). */
  errorsBySource: Partial<Record<Source, number>>;
  warnings: number;
  /** Documents skipped because their outputs were up to date (build). */
  skipped?: number;
  seconds: number;
}

/** Counts reports as they arrive, so a run over 10,000 documents does not need them all at once. */
export class SummaryCounter {
  private readonly startedMs: number;
  private readonly s: Omit<Summary, 'seconds'> = { documents: 0, valid: 0, invalid: 0, errorsBySource: {}, warnings: 0 };

  constructor(startedMs = Date.now()) {
    this.startedMs = startedMs;
  }

  add(report: Pick<DocumentReport, 'valid' | 'diagnostics'>): void {
    this.s.documents++;
    if (report.valid) this.s.valid++;
    else this.s.invalid++;
    for (const d of report.diagnostics) {
      if (d.severity === 'error') this.s.errorsBySource[d.source] = (this.s.errorsBySource[d.source] ?? 0) + 1;
      else if (d.severity === 'warning') this.s.warnings++;
    }
  }

  addAll(reports: Iterable<Pick<DocumentReport, 'valid' | 'diagnostics'>>): this {
    for (const r of reports) this.add(r);
    return this;
  }

  skipped(n = 1): void {
    this.s.skipped = (this.s.skipped ?? 0) + n;
  }

  summary(nowMs = Date.now()): Summary {
    return { ...this.s, errorsBySource: { ...this.s.errorsBySource }, seconds: Math.round(nowMs - this.startedMs) / 1000 };
  }
}

/** One line for stderr, e.g. `teikit: 237 documents, 116 valid, 121 invalid; errors: relaxng 812, xml 1; 3.41 s`. */
export function formatSummary(s: Summary): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [plural(s.documents, 'document', 'documents'), `${s.valid} valid`, `${s.invalid} invalid`];
  if (s.skipped) parts.push(`${s.skipped} up to date`);
  const sources = Object.entries(s.errorsBySource)
    .sort((a, b) => b[1] - a[1])
    .map(([source, n]) => `${source} ${n}`);
  let line = `teikit: ${parts.join(', ')}`;
  if (sources.length) line += `; errors: ${sources.join(', ')}`;
  if (s.warnings) line += `; ${plural(s.warnings, 'warning', 'warnings')}`;
  return `${line}; ${s.seconds.toFixed(2)} s\n`;
}
