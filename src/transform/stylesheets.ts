import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolError } from '../errors.js';
import type { Io } from '../io.js';
import type { CompiledStylesheets } from './saxon.js';

/** xslt/compiled/ of this package, from src/transform (tests) or dist/transform (the CLI) alike. */
export const compiledDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'xslt', 'compiled');

/** Reads the SEFs `npm run build` compiled; a missing one means the package was not built. */
export async function readCompiledStylesheets(io: Io, dir = compiledDir): Promise<CompiledStylesheets> {
  const read = async (name: string): Promise<string> => {
    const file = path.join(dir, `${name}.sef.json`);
    try {
      return await io.fs.readFile(file, 'utf8');
    } catch {
      throw new ToolError(`compiled stylesheet ${file} is missing`, 'run `npm run build` to compile the stylesheets in xslt/');
    }
  };
  const [all, html, text, csv, dc] = await Promise.all([read('all'), read('html'), read('text'), read('csv'), read('dc')]);
  return { all, html, text, csv, dc };
}
