import { validateXML, memoryPages } from 'xmllint-wasm';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { ResolvedSchema } from './schema.js';

export interface RelaxNgInput {
  file: string;
  text: string;
}

/**
 * A RELAX NG validator. Kept this small so another engine (a native binding, a JS validator)
 * can replace xmllint-wasm without touching the commands.
 */
export interface RelaxNgEngine {
  /** Validates every document against `schema`; result i holds the diagnostics of docs[i]. */
  validate(schema: ResolvedSchema, docs: readonly RelaxNgInput[]): Promise<Diagnostic[][]>;
}

/** libxml2 (xmllint-wasm) against the schema as given. */
export class XmllintEngine implements RelaxNgEngine {
  async validate(schema: ResolvedSchema, docs: readonly RelaxNgInput[]): Promise<Diagnostic[][]> {
    const names = docs.map((_, i) => `doc${i}.xml`);
    const result = await validateXML({
      xml: docs.map((d, i) => ({ fileName: names[i]!, contents: d.text })),
      schema: [{ fileName: 'schema.rng', contents: schema.text }],
      extension: 'relaxng',
      maxMemoryPages: 2 * memoryPages.GiB,
    });
    const out: Diagnostic[][] = docs.map(() => []);
    for (const e of result.errors) {
      const i = e.loc ? names.indexOf(e.loc.fileName) : -1;
      if (i < 0) continue;
      out[i]!.push(
        diagnostic({ file: docs[i]!.file, line: e.loc!.lineNumber, severity: 'error', source: 'relaxng', code: 'relaxng.invalid', message: e.message }),
      );
    }
    return out;
  }
}
