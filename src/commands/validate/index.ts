import * as path from 'node:path';
import { compareDiagnostics, diagnostic, hasErrors, lineColumnAt, SCHEMA_UNAVAILABLE, type Diagnostic } from '../../diagnostic.js';
import { ToolError } from '../../errors.js';
import type { Io } from '../../io.js';
import type { DocumentReport } from '../../report.js';
import { collectDocuments } from '../../util/files.js';
import { confinedReader, loadDocument } from '../../validate/input.js';
import { checkExternalDtd, prologText } from '../../validate/dtd.js';
import { RestrictingEngine, type RelaxNgEngine } from '../../validate/relaxng.js';
import { declaredRelaxNg, SchemaResolver, TEI_ALL_URL, type ResolvedSchema } from '../../validate/schema.js';
import { checkWellFormed } from '../../validate/wellformed.js';
import { expandXIncludes, type Expanded } from '../../validate/xinclude.js';
import { RuleChecker, type RuleCheckRunner } from '../../validate/schematron-run.js';

export interface ValidateOptions {
  /** Files or folders; folders contribute every *.xml below them. */
  paths: readonly string[];
  /** A RELAX NG schema that overrides what the documents declare. */
  schema?: string;
  catalogs?: readonly string[];
  offline?: boolean;
  engine?: RelaxNgEngine;
  /** Documents larger than this (MB) are refused unread; default DEFAULT_MAX_SIZE_MB. */
  maxSizeMB?: number;
  /** Run the schema's Schematron rules (default true); false checks RELAX NG validity only, as Jing does. */
  schematron?: boolean;
  /** Check that pointers resolve (default true). */
  pointers?: boolean;
  /** Runs the Schematron and pointer checks; a RuleChecker in this thread by default. */
  rules?: RuleCheckRunner;
}

export interface ValidateResult {
  documents: DocumentReport[];
}

/** Runs every check on every document; problems in documents are diagnostics, never exceptions. */
export async function validate(options: ValidateOptions, io: Io): Promise<ValidateResult> {
  const resolver = new SchemaResolver(io, { catalogs: options.catalogs, offline: options.offline });
  await resolver.checkCatalogs();
  const engine = options.engine ?? new RestrictingEngine(io);
  engine.warm?.();
  const paths = await collectDocuments(options.paths.length ? options.paths : ['tei'], io);
  const forced = options.schema ? await resolver.resolve(options.schema, path.join(io.cwd, '_')) : null;

  const reports: DocumentReport[] = [];
  // Documents grouped by schema so each schema is prepared once per run.
  const bySchema = new Map<string, { schema: ResolvedSchema; items: Array<{ report: DocumentReport; expanded: Expanded; absPath: string; original: string; utf8?: Uint8Array }> }>();
  for (const doc of paths) {
    const report: DocumentReport = { file: doc.file, valid: false, diagnostics: [], schema: null };
    reports.push(report);
    // One defensive reader for every command: size limit, encodings, DOCTYPE and entities (never read).
    const loaded = await loadDocument(io, doc, { maxSizeMB: options.maxSizeMB });
    report.diagnostics.push(...loaded.diagnostics);
    if (loaded.text === null) continue;
    const decoded = { text: loaded.text };
    const wf = checkWellFormed(doc.file, decoded.text);
    if (wf) {
      report.diagnostics.push(wf);
      continue;
    }
    // Jing stops at a DTD it cannot find; the verdict must not depend on a file nobody can see.
    const dtd = await checkExternalDtd(doc.file, doc.absPath, prologText(loaded.bytes), exists(io));
    if (dtd) report.diagnostics.push(dtd);
    if (dtd?.severity === 'error') continue;
    const expanded = await expandXIncludes(decoded.text, {
      file: doc.file,
      absPath: doc.absPath,
      // Only regular files below the run folder or the document's folder: a document may not include /etc/passwd.
      readFile: confinedReader(io, [io.cwd, path.dirname(doc.absPath)], options.maxSizeMB),
      display: (p) => (path.isAbsolute(doc.file) ? p : path.relative(io.cwd, p)),
    });
    report.diagnostics.push(...expanded.diagnostics);
    if (hasErrors(expanded.diagnostics)) continue;
    const declared = declaredRelaxNg(decoded.text);
    let schema: ResolvedSchema;
    try {
      schema = forced ?? (await resolver.resolve(declared ?? TEI_ALL_URL, doc.absPath));
    } catch (err) {
      // A schema only this document declares and teikit cannot find stops this document, not the run;
      // the code marks it as "could not do its job" so the exit code is still 2.
      if (!(err instanceof ToolError) || forced || !declared) throw err;
      const at = lineColumnAt(decoded.text, Math.max(0, decoded.text.indexOf('<?xml-model')));
      report.diagnostics.push(diagnostic({ file: doc.file, ...at, severity: 'error', source: 'io', code: SCHEMA_UNAVAILABLE, message: `${err.message}; ${err.hint ?? 'check the href of <?xml-model?>'}` }));
      continue;
    }
    report.schema = { path: schema.path, sha256: schema.sha256 };
    let group = bySchema.get(schema.path);
    if (!group) bySchema.set(schema.path, (group = { schema, items: [] }));
    // The file's own bytes stand for the text xmllint gets when nothing (XInclude included) changed it.
    const utf8 = expanded.text === decoded.text ? loaded.utf8 : undefined;
    group.items.push({ report, expanded, absPath: doc.absPath, original: decoded.text, utf8 });
  }

  // One engine call per schema: it prepares the schema once and validates the documents in batches.
  let submitted: () => void = () => undefined;
  const firstSubmitted = new Promise<void>((resolve) => (submitted = resolve));
  const relaxNg = (async () => {
    for (const { schema, items } of bySchema.values()) {
      const results = await engine.validate(schema, items.map((it) => ({ file: it.report.file, text: it.expanded.text, utf8: it.utf8 })), submitted);
      items.forEach((it, i) => it.report.diagnostics.push(...(results[i] ?? []).map((d) => fromIncluded(d, it.expanded))));
    }
  })().finally(submitted);
  // Awaited below with the rule checks; until then a failure must not count as unhandled.
  relaxNg.catch(() => undefined);
  // Schematron and pointer integrity on every well-formed document, valid or not (as the Schematron
  // reference is run), once xmllint has its first batch: this thread's work then overlaps xmllint's
  // instead of delaying its start.
  await firstSubmitted;
  const ruled = [...bySchema.values()].flatMap(({ schema, items }) => items.map((it) => ({ it, schema })));
  const ruleChecks = (options.rules ?? new RuleChecker(io, resolver)).check(
    ruled.map(({ it, schema }) => ({ file: it.report.file, absPath: it.absPath, text: it.expanded.text, original: it.original, schema })),
    { schematron: options.schematron ?? true, pointers: options.pointers ?? true },
  );
  const [, ruleResults] = await Promise.all([relaxNg, ruleChecks]);
  ruled.forEach(({ it }, i) => it.report.diagnostics.push(...(ruleResults[i] ?? []).map((d) => fromIncluded(d, it.expanded))));

  for (const r of reports) {
    r.diagnostics.sort(compareDiagnostics);
    r.valid = !hasErrors(r.diagnostics);
  }
  return { documents: reports };
}

/** A diagnostic on a line of the expanded text, moved to the file and line the text came from. */
function fromIncluded(d: Diagnostic, expanded: Expanded): Diagnostic {
  if (d.line === null) return d;
  const at = expanded.origin(d.line);
  return at.file === d.file && at.line === d.line ? d : { ...d, file: at.file, line: at.line };
}

function exists(io: Io): (p: string) => Promise<boolean> {
  return (p) => io.fs.access(p).then(() => true, () => false);
}

export type { Diagnostic };
