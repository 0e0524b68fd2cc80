import { beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../../src/review/analyse.js';
import { esc, renderReport } from '../../src/review/report-html.js';
import { EDITION, FIXTURE, plant, readText } from './helpers.js';

function page(file: string, text: string): string {
  const a = analyse(file, text);
  return renderReport({ analysis: a, findings: a.findings, generator: 'teikit review (test)' });
}

/** Static checks every report page must pass; the browser test checks the same page live. */
function checkPage(html: string): void {
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  expect(new Set(ids).size, 'ids are unique').toBe(ids.length);
  const targets = [...html.matchAll(/href="#([^"]*)"/g)].map((m) => m[1]!);
  expect(targets.filter((t) => !ids.includes(t)), 'every in-page link has a target').toEqual([]);
  expect(html, 'nothing remote').not.toMatch(/(src|href)=["'](https?:)?\/\//);
  expect(html).not.toMatch(/<script|<link|@import|url\((?!#)/);
  const levels = [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
  expect(levels[0]).toBe(1);
  levels.forEach((l, i) => i && expect(l - levels[i - 1]!, 'headings do not skip a level').toBeLessThanOrEqual(1));
  expect(html).toMatch(/<html lang="en">/);
  for (const landmark of ['<header>', '<nav aria-label="Contents">', '<main>', '<footer>']) expect(html).toContain(landmark);
}

let fixture: string;
beforeAll(async () => {
  fixture = await readText(FIXTURE);
});

describe('review report page', () => {
  it('escapes everything that comes from the document', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const hostile = plant(fixture, '<persName type="normalised">Keller, Paul</persName>', '<persName type="normalised">&lt;script&gt;alert(1)&lt;/script&gt; "Keller" &amp; Co</persName>');
    const html = page('x".xml', plant(hostile, '<rs type="person" ref="#keller">I</rs>', '<rs type="person" ref="#keller">&lt;img src=x onerror=alert(1)&gt;</rs>'));
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;Keller&quot; &amp; Co');
    expect(html).toContain('Review of x&quot;.xml');
    checkPage(html);
  });

  it('shows the summary counts, findings with links, tagged text and candidates', () => {
    const text = plant(fixture, '<persName ref="#weber">Anna Weber</persName> promised', 'Anna Weber promised');
    const html = page('untagged.xml', text);
    checkPage(html);
    expect(html).toMatch(/<span class="n">0<\/span> errors[\s\S]*<span class="n">1<\/span> warning\b/);
    expect(html).toMatch(/<a href="#c-0">line \d+:\d+<\/a> <span class="msg">&quot;Anna Weber&quot; is a name of #weber/);
    expect(html).toMatch(/<mark class="cand" id="c-0" tabindex="0" aria-describedby="ct-0">Anna Weber<span class="tip" role="tooltip" id="ct-0">untagged: #weber Weber, Anna<\/span><\/mark>/);
    expect(html).toMatch(/<span class="t el-persName ent k-person" data-el="persName" id="m-\d+" tabindex="0" aria-describedby="mt-\d+">Anna Weber<span class="tip" role="tooltip" id="mt-\d+">&lt;persName&gt; → #weber Weber, Anna<\/span><\/span>/);
    // Charts are inline SVG with a text alternative.
    expect(html.match(/<svg class="chart" role="img" aria-labelledby="[^"]+"/g)?.length).toBe(3);
  });

  it('renders the edition', async () => {
    const html = page('tei/puzanov-1957-07-08.xml', await readText(EDITION));
    checkPage(html);
    expect(html).toContain('lang="ru-Latn"');
    expect((html.match(/<tr id="e-/g) ?? []).length).toBe(analyse('e', await readText(EDITION)).entities.size);
  });
});
