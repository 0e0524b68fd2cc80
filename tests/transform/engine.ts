import * as fs from 'node:fs/promises';
import { SaxonEngine } from '../../src/transform/saxon.js';
import { readCompiledStylesheets } from '../../src/transform/stylesheets.js';
import { testIo } from '../helpers/io.js';

let engine: Promise<SaxonEngine> | undefined;

/** One engine per test file: SaxonJS and the compiled stylesheets (xslt/compiled/, from `npm run build`) load once. */
export function sharedEngine(): Promise<SaxonEngine> {
  engine ??= readCompiledStylesheets(testIo()).then((c) => SaxonEngine.create(c));
  return engine;
}

export { fs };
