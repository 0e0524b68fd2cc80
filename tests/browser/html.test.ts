import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/io.js';

const require = createRequire(import.meta.url);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const artifacts = path.join(repoRoot, 'test-artifacts');

let dir: string;
let browser: Browser;
let pageUrl: string;

/** The edition's HTML as `teikit build` writes it, opened from disk in Chromium with a fresh profile. */
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'teikit-html-browser-'));
  const r = await runCli(['build', 'tei', '--out', path.join(dir, 'out')]);
  expect(r.code).toBe(0);
  pageUrl = pathToFileURL(path.join(dir, 'out', 'puzanov-1957-07-08.html')).href;
  // launch() (not launchPersistentContext) gives Chromium a fresh temporary user-data-dir each run.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  await fs.mkdir(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(width: number): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (req) => req.url().split('#')[0] !== pageUrl && requests.push(req.url()));
  await page.goto(pageUrl);
  return { page, errors, requests };
}

describe('HTML edition in Chromium', () => {
  it('loads offline: no console errors, no request but the file itself', async () => {
    const { page, errors, requests } = await open(1280);
    await page.screenshot({ path: path.join(artifacts, 'edition-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    // Every in-page link has a target.
    const broken = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')!.slice(1)).filter((id) => !document.getElementById(id)));
    expect(broken).toEqual([]);
    await page.close();
  });

  it('a mention leads to its index entry, and a back-link leads back to the mention', async () => {
    const { page } = await open(1280);
    const mention = page.locator('#p03 a.m[href="#kim-il-sung"]').first();
    const mentionId = (await mention.getAttribute('id'))!;
    expect(mentionId).toMatch(/^tk-m-\d+$/);
    await mention.click();
    expect(await page.evaluate(() => location.hash)).toBe('#kim-il-sung');
    const entry = page.locator('#kim-il-sung');
    expect(await entry.evaluate((el) => el.matches(':target'))).toBe(true);
    expect(await entry.locator('.entry-name').textContent()).toBe('Kim Il Sung');
    const box = await entry.boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);

    await entry.locator(`a.backlink[href="#${mentionId}"]`).click();
    expect(await page.evaluate(() => location.hash)).toBe('#' + mentionId);
    expect(await page.locator('#' + mentionId).evaluate((el) => el.matches(':target') && el.textContent)).toBe('Kim Il Sung');
    await page.close();
  });

  it('axe-core finds no serious or critical violations, on desktop and phone widths', async () => {
    for (const width of [1280, 390]) {
      const { page } = await open(width);
      if (width < 600) await page.screenshot({ path: path.join(artifacts, 'edition-phone.png'), fullPage: false });
      await page.addScriptTag({ content: (require('axe-core') as { source: string }).source });
      const result = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run(document);
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
      });
      expect(result.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      // No horizontal scrolling of the page itself on a phone (tables scroll in their own region).
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await page.close();
    }
  });
});
