import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../helpers/io.js';

export const FIXTURE = path.join(repoRoot, 'tests', 'fixtures', 'review', 'clean.xml');
export const EDITION = path.join(repoRoot, 'tei', 'puzanov-1957-07-08.xml');

export async function readText(p: string): Promise<string> {
  return fs.readFile(p, 'utf8');
}

/** Replaces `from` by `to` once, failing loudly when the source no longer holds `from` (the test follows the document). */
export function plant(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  expect(out, `the document no longer contains ${String(from)}`).not.toBe(text);
  return out;
}

/** 1-based line and column where `needle` first occurs in `text`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  expect(i, `${needle} not found`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return { line, column: i - before.lastIndexOf('\n') };
}
