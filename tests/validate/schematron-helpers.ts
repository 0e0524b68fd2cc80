import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { sha256 } from '../../src/validate/schema.js';
import { RuleChecker } from '../../src/validate/schematron-run.js';
import { SchemaResolver } from '../../src/validate/schema.js';
import type { CompiledSchematron, PatternCompiler } from '../../src/validate/schematron.js';
import type { PointerAttributes } from '../../src/validate/pointers.js';
import { schemaDir, testIo } from '../helpers/io.js';

export const teiAllPath = path.join(schemaDir, 'tei_all.rng');

/**
 * tei_all's Schematron and pointer attributes, and the compiler of its patterns, each compiled once per
 * machine (the user cache, as the CLI does).
 */
export async function teiAll(): Promise<{ schematron: CompiledSchematron; pointers: PointerAttributes | null; compile: PatternCompiler }> {
  const io = testIo();
  const text = await fs.readFile(teiAllPath, 'utf8');
  const checker = new RuleChecker(io, new SchemaResolver(io));
  const schema = { text, sha256: sha256(text), label: teiAllPath };
  return { ...(await checker.derive(schema, true)), compile: checker.patternCompiler(schema) };
}
