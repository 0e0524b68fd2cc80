import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ToolError } from './errors.js';
import type { Io } from './io.js';
import { defaultJobs } from './parallel/pool.js';
import type { Summary } from './util/progress.js';
import { exitCodeOf, report, type OutputFormat } from './report.js';
import { DEFAULT_MAX_SIZE_MB } from './validate/input.js';

const VERSION = '0.1.0';

function formatOption(): Option {
  return new Option('--format <format>', 'diagnostics as text on stderr or one JSON document on stdout')
    .choices(['text', 'json'])
    .default('text');
}

function parseMaxSize(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('give a size in megabytes, e.g. --max-size 128');
  return n;
}

/** Options shared by every command that validates documents. */
export function addValidationOptions(cmd: Command): Command {
  return cmd
    .option('--schema <file>', 'validate against this RELAX NG schema instead of the one the document declares')
    .option('--catalog <file...>', 'OASIS XML catalog(s) mapping schema URLs to local files (also: XML_CATALOG_FILES)')
    .option('--offline', 'never fetch a schema from the network; fail with instructions instead')
    .option('--max-size <MB>', 'refuse documents larger than this many megabytes, unread', parseMaxSize, DEFAULT_MAX_SIZE_MB)
    .addOption(formatOption());
}

/** What addValidationOptions parses. */
interface ValidationCliOptions {
  schema?: string;
  catalog?: string[];
  offline?: boolean;
  maxSize: number;
  format: OutputFormat;
}

/** The validation options as every command's options interface names them. */
function validationOptions(opts: ValidationCliOptions) {
  return { schema: opts.schema, catalogs: opts.catalog, offline: opts.offline, maxSizeMB: opts.maxSize };
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of worker threads, e.g. --jobs 4');
  return n;
}

/** Options of commands that run over whole folders: worker threads and the progress bar. */
export function addScaleOptions(cmd: Command): Command {
  return cmd
    .option('-j, --jobs <n>', `worker threads (default: the number of cores, ${defaultJobs()} here)`, parseJobs, defaultJobs())
    .option('-q, --quiet', 'no progress bar and no summary line');
}

/** The end-of-run line on stderr: on a terminal, or for runs over several documents; never with --quiet. */
export async function printSummary(io: Io, opts: { format: OutputFormat; quiet?: boolean }, summary: Summary): Promise<void> {
  if (opts.format === 'text' && !opts.quiet && (summary.documents > 1 || io.stderr.isTTY)) {
    const { formatSummary } = await import('./util/progress.js');
    io.stderr.write(formatSummary(summary));
  }
}

/**
 * Parses argv, runs one command, and turns its outcome into an exit code:
 * 0 clean, 1 errors in the documents, 2 the tool could not do its job. Nothing below this throws to the user.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const debug = argv.includes('--debug');
  const program = new Command('teikit')
    .description('Validate, transform and review TEI P5 documents.')
    .version(VERSION)
    .option('--debug', 'print stack traces for internal errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run teikit --help for usage)');

  addScaleOptions(addValidationOptions(
    program
      .command('validate')
      .description('check well-formedness, TEI RELAX NG, Schematron and pointers of documents')
      .argument('[paths...]', 'files or folders (every *.xml below them)', ['tei']),
  ))
    .option('--no-schematron', 'skip Schematron (the schema\'s rules and any .sch the document declares)')
    .option('--no-pointers', 'skip the check that pointers (#id references) resolve')
    .action(async (paths: string[], opts: ValidationCliOptions & { jobs: number; quiet?: boolean; schematron: boolean; pointers: boolean }) => {
      const options = { ...validationOptions(opts), schematron: opts.schematron, pointers: opts.pointers };
      // Folders go in chunks to worker threads; the per-document checks are validate()'s own.
      const { runDocuments } = await import('./parallel/run.js');
      const result = await runDocuments(io, { command: 'validate', paths, options, jobs: opts.jobs, quiet: opts.quiet });
      report(io, opts.format, result.documents, { summary: result.summary });
      await printSummary(io, opts, result.summary);
      exitCode = exitCodeOf(result.documents);
    });

  addScaleOptions(addValidationOptions(
    program
      .command('build')
      .description('validate documents, then write their reading and data editions: NAME.html, .txt, .entities.csv, .mentions.csv, .reactions.csv, .dc.xml')
      .argument('[paths...]', 'files or folders (every *.xml below them)', ['tei']),
  ))
    .option('--out <dir>', 'folder for the outputs (created when missing)', 'output')
    .option('--force', 'build documents that fail validation too (still reported; the exit code stays 1); implies --rebuild')
    .option('--rebuild', 'build every document, also those whose outputs are up to date')
    .action(async (paths: string[], opts: ValidationCliOptions & { out: string; force?: boolean; rebuild?: boolean; jobs: number; quiet?: boolean }) => {
      const { build } = await import('./commands/build/index.js');
      const result = await build(
        { paths, out: opts.out, force: opts.force, rebuild: opts.rebuild, ...validationOptions(opts), jobs: opts.jobs, quiet: opts.quiet },
        io,
      );
      report(io, opts.format, result.documents, { built: result.built, skipped: result.skipped, upToDate: result.upToDate, summary: result.summary });
      if (opts.format === 'text') {
        if (!opts.quiet) for (const b of result.built) io.stderr.write(`teikit: built ${b.file} -> ${b.outputs.join(', ')}\n`);
        for (const s of result.skipped) io.stderr.write(`teikit: not built: ${s.file}: ${s.reason}\n`);
        const n = result.upToDate.length;
        if (n && !opts.quiet) io.stderr.write(`teikit: ${n === 1 ? result.upToDate[0] : `${n} documents`} up to date (unchanged since built; --rebuild builds anyway)\n`);
      }
      await printSummary(io, opts, result.summary);
      exitCode = exitCodeOf(result.documents);
    });

  addValidationOptions(
    program
      .command('watch')
      .description('re-check a document each time it is saved, with schemas kept in memory; prints its diagnostics')
      .argument('[paths...]', 'files or folders to watch (every *.xml below them, new files too)', ['tei']),
  ).action(async (paths: string[], opts: ValidationCliOptions) => {
    const validateOptions = validationOptions(opts);
    const { watch } = await import('./commands/watch/index.js');
    await watch({ paths, validate: validateOptions, format: opts.format }, io);
  });

  program
    .command('package')
    .description('write a BagIt bag (RFC 8493) of TEI sources, their derivatives and an oai_dc record each, ready to deposit')
    .argument('[paths...]', 'files or folders (every *.xml below them)', ['tei'])
    .requiredOption('--out <file>', 'the bag: a folder, or a .tar / .tar.gz / .tgz file holding one')
    .option('--derivatives <dir>', 'folder of derivatives to carry in the bag (default: output/ when it exists)')
    .addOption(formatOption())
    .action(async (paths: string[], opts: { out: string; derivatives?: string; format: OutputFormat }) => {
      const { packageBag } = await import('./commands/package/index.js');
      const result = await packageBag({ paths, out: opts.out, derivatives: opts.derivatives }, io);
      report(io, opts.format, result.documents, { bag: result.bag, payloadFiles: result.payloadFiles, payloadBytes: result.payloadBytes });
      if (opts.format === 'text') {
        io.stderr.write(
          result.bag
            ? `teikit: wrote bag ${result.bag} (${result.documents.length} documents, ${result.payloadFiles} payload files, ${result.payloadBytes} bytes)\n`
            : 'teikit: no bag written: fix the documents above first\n',
        );
      }
      exitCode = result.bag ? 0 : 1;
    });

  addValidationOptions(
    program
      .command('review')
      .description('review encodings beyond the schema (untagged names, registers, consistency, quotations) into output/NAME.review.html')
      .argument('[paths...]', 'files or folders (every *.xml below them)', ['tei']),
  )
    .option('--out <dir>', 'folder for the NAME.review.html pages', 'output')
    .option('--strict', 'warnings fail the exit code too')
    .action(async (paths: string[], opts: ValidationCliOptions & { out: string; strict?: boolean }) => {
      const { review } = await import('./commands/review/index.js');
      const result = await review({ paths, out: opts.out, strict: opts.strict, ...validationOptions(opts) }, io);
      report(io, opts.format, result.documents, { reports: result.written });
      if (opts.format === 'text') for (const w of result.written) io.stderr.write(`teikit: wrote ${w}\n`);
      exitCode = exitCodeOf(result.documents);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ToolError) {
      io.stderr.write(`teikit: error: ${err.message}\n`);
      if (err.hint) io.stderr.write(`teikit: ${err.hint}\n`);
      return 2;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr.write(`teikit: internal error: ${e.message}\n`);
    io.stderr.write(debug && e.stack ? e.stack + '\n' : 'teikit: run again with --debug for details, and report it if it persists\n');
    return 2;
  }
}
