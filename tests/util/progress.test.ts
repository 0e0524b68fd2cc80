import { describe, expect, it } from 'vitest';
import { diagnostic } from '../../src/diagnostic.js';
import { formatSummary, Progress, SummaryCounter } from '../../src/util/progress.js';
import { testIo } from '../helpers/io.js';

function ttyIo(isTTY: boolean) {
  const written: string[] = [];
  const io = { ...testIo(), stderr: { write: (s: string) => void written.push(s), isTTY } };
  return { io, written };
}

describe('Progress', () => {
  it('draws files done and the total on a terminal, and clears itself at the end', () => {
    const { io, written } = ttyIo(true);
    const p = new Progress(io, { label: 'validate' });
    expect(p.visible).toBe(true);
    p.addTotal(3);
    p.tick(1, Date.now() - 1000);
    p.tick(2, Date.now() - 1000);
    p.stop();
    const all = written.join('');
    expect(all).toMatch(/validate \[.*\] 3\/3 files \| 3\.0 files\/s/);
    // clearOnComplete: after the last frame the bar's line is erased (ESC[2K), so diagnostics start clean.
    expect(all.slice(all.lastIndexOf('3/3 files'))).toContain('\x1b[2K');
  });

  const silent: Array<{ name: string; tty: boolean; quiet: boolean }> = [
    { name: 'stderr is not a terminal', tty: false, quiet: false },
    { name: '--quiet on a terminal', tty: true, quiet: true },
  ];
  for (const c of silent) {
    it(`is silent when ${c.name}`, () => {
      const { io, written } = ttyIo(c.tty);
      const p = new Progress(io, { label: 'validate', quiet: c.quiet });
      p.addTotal(2);
      p.tick(2);
      p.stop();
      expect(p.visible).toBe(false);
      expect(written).toEqual([]);
    });
  }
});

describe('summary', () => {
  it('counts documents, valid, invalid and errors by source', () => {
    const c = new SummaryCounter(0);
    const e = (source: 'relaxng' | 'xml') => diagnostic({ file: 'a.xml', severity: 'error', source, code: `${source}.x`, message: 'm' });
    c.add({ valid: true, diagnostics: [] });
    c.add({ valid: false, diagnostics: [e('relaxng'), e('relaxng'), e('xml')] });
    c.add({ valid: true, diagnostics: [diagnostic({ file: 'b.xml', severity: 'warning', source: 'schematron', code: 's', message: 'w' })] });
    const s = c.summary(2500);
    expect(s).toEqual({ documents: 3, valid: 2, invalid: 1, errorsBySource: { relaxng: 2, xml: 1 }, warnings: 1, seconds: 2.5 });
    expect(formatSummary(s)).toBe('teikit: 3 documents, 2 valid, 1 invalid; errors: relaxng 2, xml 1; 1 warning; 2.50 s\n');
  });
});
