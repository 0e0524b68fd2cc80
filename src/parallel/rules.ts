import * as fs from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import type { Diagnostic } from '../diagnostic.js';
import type { Io } from '../io.js';
import { RuleChecker, type RuleCheckInput, type RuleCheckRunner, type RuleChecks } from '../validate/schematron-run.js';
import { SchemaResolver, type ResolvedSchema, type SchemaResolverOptions } from '../validate/schema.js';
import { WorkerPool } from './pool.js';

/** A chunk's rule checks as the worker receives them: documents with their schema named, not carried. */
export interface RuleTask {
  items: Array<Omit<RuleCheckInput, 'schema' | 'original'> & { schema: { path: string; sha256: string } | null; original?: string }>;
  checks: RuleChecks;
  cwd: string;
  env: Record<string, string | undefined>;
  resolver: SchemaResolverOptions;
  /** Whether the main thread's stderr is a terminal (notices such as a pattern compiled once are shown only there). */
  tty: boolean;
}

export interface RuleTaskResult {
  diagnostics: Diagnostic[][];
  /** What the checks wrote on stderr, passed on by the main thread. */
  stderr: string;
}

/** The worker's RuleChecker, made for the first task and kept: its derived rules and patterns serve the whole run. */
let checker: { key: string; checker: RuleChecker; stderr: string[] } | null = null;

/** The worker's side: a RuleChecker over the real filesystem. */
export async function checkRulesTask(task: RuleTask): Promise<RuleTaskResult> {
  const key = JSON.stringify([task.cwd, task.env, task.resolver, task.tty]);
  if (checker?.key !== key) {
    const stderr: string[] = [];
    const io: Io = {
      stdout: { write: (s) => void stderr.push(s), isTTY: false },
      stderr: { write: (s) => void stderr.push(s), isTTY: task.tty },
      fs: fsPromises,
      cwd: task.cwd,
      env: task.env,
    };
    checker = { key, checker: new RuleChecker(io, new SchemaResolver(io, task.resolver)), stderr };
  }
  const items: RuleCheckInput[] = task.items.map((it) => ({ ...it, original: it.original ?? it.text, schema: it.schema && schemaAt(it.schema) }));
  const diagnostics = await checker.checker.check(items, task.checks);
  return { diagnostics, stderr: checker.stderr.splice(0).join('') };
}

/** A schema known by its file and digest; its text (megabytes, needed only when nothing derived from it is cached) read on first use. */
function schemaAt(s: { path: string; sha256: string }): ResolvedSchema {
  let text: string | null = null;
  return {
    path: s.path,
    sha256: s.sha256,
    get text() {
      return (text ??= fs.readFileSync(s.path, 'utf8'));
    },
  };
}

/**
 * Rule checks in a worker thread of their own. When validate checks documents in the main thread (two jobs or
 * fewer, see runDocuments), that thread was the run's bottleneck: reading the documents and preparing them for
 * libxml2, then Schematron and pointers, while libxml2's threads waited about half the time. With the rule
 * checks here, the main thread only feeds libxml2. Documents are copied to the worker (structured clone).
 */
export class RuleWorker implements RuleCheckRunner {
  private readonly pool: WorkerPool<RuleTask, RuleTaskResult>;

  /** `url`: the compiled worker script (rules-worker.js), which the caller has checked with canStartWorker. */
  constructor(
    private readonly io: Io,
    private readonly resolver: SchemaResolverOptions,
    url: URL,
  ) {
    this.pool = new WorkerPool<RuleTask, RuleTaskResult>(url, 1);
  }

  async check(items: readonly RuleCheckInput[], checks: RuleChecks = { schematron: true, pointers: true }): Promise<Diagnostic[][]> {
    if (!checks.schematron && !checks.pointers) return items.map(() => []);
    const task: RuleTask = {
      items: items.map((it) => ({
        file: it.file,
        absPath: it.absPath,
        text: it.text,
        // The text as written is sent only when it differs (XIncludes expanded): documents are copied to the worker.
        ...(it.original !== it.text ? { original: it.original } : {}),
        schema: it.schema && { path: it.schema.path, sha256: it.schema.sha256 },
      })),
      checks,
      cwd: this.io.cwd,
      env: { ...this.io.env },
      resolver: this.resolver,
      tty: this.io.stderr.isTTY === true,
    };
    const result = await this.pool.run(task);
    if (result.stderr) this.io.stderr.write(result.stderr);
    return result.diagnostics;
  }

  abort(): void {
    this.pool.abort();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
