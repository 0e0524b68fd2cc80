import type * as fsPromises from 'node:fs/promises';

/** A place text can be written to: process.stdout in the shim, a buffer in tests. */
export interface OutStream {
  write(text: string): void;
  /** True when a person is watching (a terminal); progress bars draw only then. */
  readonly isTTY?: boolean;
}

/**
 * Everything a command may touch outside its own memory. Only src/bin.ts builds the real one,
 * so every command runs in-process in tests with buffers and a temporary cwd.
 */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly fs: typeof fsPromises;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM so long runs stop cleanly and leave no partial outputs. */
  readonly signal?: AbortSignal;
  /**
   * Sets V8 flags for the rest of the process (v8.setFlagsFromString), for a command that knows its workload: the
   * shim gives it; tests do not, so a test process keeps V8's defaults.
   */
  readonly v8Flags?: (flags: string) => void;
}
