/**
 * The tool could not do its job (bad arguments, schema not found, unreadable configuration).
 * The entry point prints the message alone and exits 2; problems *in documents* are diagnostics instead.
 */
export class ToolError extends Error {
  constructor(
    message: string,
    /** What the user can do about it, printed on its own line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}
