import { afterAll } from 'vitest';
import { XmllintSession } from '../../src/parallel/xmllint-session.js';

/**
 * xmllint-wasm's report (its stderr) for one document against a RELAX NG schema, as the property tests of derived
 * schemas compare them; one session per test file, closed after its tests.
 */
export function xmllintReport(): (schema: string, doc: string) => Promise<string> {
  const session = new XmllintSession();
  afterAll(() => session.close());
  return async (schema, doc) => {
    const run = await session.run(['--relaxng', 'schema.rng', '--noout', 'd.xml'], [{ fileName: 'd.xml', contents: doc }, { fileName: 'schema.rng', contents: schema }], { initial: 256, maximum: 32768 });
    return run.stderr;
  };
}
