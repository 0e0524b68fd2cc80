import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/io.js';

const require = createRequire(import.meta.url);
const EDITION = path.join(repoRoot, 'tei', 'puzanov-1957-07-08.xml');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let browser: Browser;
let pageUrl: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-review-browser-'));
  // A copy with a planted untagged name, so the page has candidates to show and link to.
  const text = (await fs.readFile(EDITION, 'utf8')).replace('<persName ref="#nam-il">Nam Il</persName> was present', 'Nam Il was present');
  await fs.writeFile(path.join(dir, 'edition.xml'), text);
  const r = await runCli(['review', '--out', path.join(dir, 'out'), path.join(dir, 'edition.xml')]);
  expect(r.stderr).toMatch(/wrote .*edition\.review\.html/);
  pageUrl = pathToFileURL(path.join(dir, 'out', 'edition.review.html')).href;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('review report in Chromium', () => {
  it('loads with no console errors and no network requests, links work, axe finds nothing serious', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => r.url() !== pageUrl && !r.url().startsWith(pageUrl + '#') && requests.push(r.url()));
    await page.goto(pageUrl);

    // Every in-page link has a target.
    const broken = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')!.slice(1)).filter((id) => !document.getElementById(id)));
    expect(broken).toEqual([]);

    // The planted candidate is listed among the findings and its link lands on the marked words in the text.
    const link = page.locator('#f-untagged li', { hasText: '"Nam Il"' }).locator('a[href^="#c-"]');
    expect(await link.count()).toBe(1);
    const href = (await link.getAttribute('href'))!;
    await link.click();
    expect(await page.evaluate(() => location.hash)).toBe(href);
    const target = page.locator(href);
    expect(await target.evaluate((el) => el.tagName.toLowerCase() + ' ' + el.className)).toBe('mark cand');
    expect(await target.evaluate((el) => el.textContent)).toContain('Nam Il');
    const box = await target.boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);

    // Focus shows a mention's element and target.
    await page.locator('.ent[id^="m-"]').first().focus();
    const tip = page.locator('.ent[id^="m-"]:focus > .tip');
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/<\w+.*> → #[\w-]+/);

    await page.evaluate(() => window.scrollTo(0, 0));
    await fs.mkdir(path.join(repoRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, 'test-artifacts', 'review-top.png') });
    await page.locator('#text').scrollIntoViewIfNeeded();
    await page.locator(href).focus();
    await page.screenshot({ path: path.join(repoRoot, 'test-artifacts', 'review-text.png') });
    await page.locator('#statistics').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(repoRoot, 'test-artifacts', 'review-stats.png') });

    await page.addScriptTag({ content: await fs.readFile(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const violations = await page.evaluate(async () => {
      const w = window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } };
      const res = await w.axe.run(document);
      return res.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
