import { describe, expect, it } from 'vitest';
import { mergeFindings } from '../../../src/commands/review/index.js';
import { diagnostic } from '../../../src/diagnostic.js';
import { analyse } from '../../../src/review/analyse.js';
import { FIXTURE, plant, positionOf, readText } from '../../review/helpers.js';

describe('merging validate and review', () => {
  it("does not repeat a dangling pointer validate's pointer check reports on the same line, keeps the rest", async () => {
    const text = plant(await readText(FIXTURE), '<placeName ref="#pl-dresden">', '<placeName ref="#pl-nowhere">');
    const own = analyse('d.xml', text).findings;
    const { line, column } = positionOf(text, 'ref="#pl-nowhere"');
    expect(own.filter((f) => f.diagnostic.code === 'review.dangling-pointer').map((f) => [f.diagnostic.line, f.diagnostic.column])).toEqual([[line, column]]);
    // The shape src/validate/pointers.ts reports.
    const fromPointer = diagnostic({ file: 'd.xml', line, column, severity: 'error', source: 'pointer', code: 'pointer.dangling', message: '@ref points to "#pl-nowhere", but no element in this document has xml:id "pl-nowhere"' });
    const other = diagnostic({ file: 'd.xml', line: line + 1, column: 1, severity: 'error', source: 'pointer', code: 'pointer.dangling', message: '@ref points to "#x", but no element has xml:id "x"' });
    const merged = mergeFindings([fromPointer], own);
    expect(merged.filter((f) => f.diagnostic.code.endsWith('dangling') || f.diagnostic.code.endsWith('dangling-pointer')).map((f) => f.diagnostic.source)).toEqual(['pointer']);
    expect(merged.length).toBe(own.length);
    // Another id on another line is no reason to drop review's own report.
    expect(mergeFindings([other], own).filter((f) => f.diagnostic.code === 'review.dangling-pointer')).toHaveLength(1);
    // Document order.
    const lines = merged.map((f) => f.diagnostic.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});
