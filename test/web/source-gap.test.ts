import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { camera } from '../server/camera.js';
import type { TestServer } from '../server/helpers.js';
import { startServer, waitFinal } from '../server/helpers.js';

/**
 * A live source that drops and comes back, as the page shows it: a notice while reconnecting,
 * then one that says when it came back and that nothing in between was analysed, and the gap
 * shaded on the timeline (counted in its accessible label).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
let srv: TestServer;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!hasChromium) return;
  srv = await startServer({
    server: { urls: { allowPrivateAddresses: true }, feed: { overlayEveryMs: 0 }, reconnect: { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 800 } },
    rest: { detectors: [] },
  });
  profile = mkdtempSync(join(tmpdir(), 'fakescope-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);
afterAll(async () => {
  if (!hasChromium) return;
  await context?.close();
  await srv?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)('the page and a dropped live source', () => {
  it('says the stream dropped, then that it came back, and shades the gap', async () => {
    const cam = camera();
    await cam.listening;
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      const r = await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: cam.url(), live: true }) });
      const info = (await r.json()) as AnalysisInfo;
      await page.goto(srv.url, { waitUntil: 'load' });
      await page.click(`#analysis-list li[title="${info.input}"]`);
      await page.waitForFunction("Number(document.querySelector('#chart')?.dataset.points ?? 0) >= 10", null, { timeout: 30_000 });
      expect(await page.isVisible('#source-gap')).toBe(false);
      cam.drop();
      await page.waitForSelector('#source-gap:not([hidden])', { timeout: 20_000 });
      expect(await page.textContent('#source-gap')).toMatch(/^The stream dropped at \d+\.\d s \(.+\); reconnecting…$/);
      await new Promise((res) => setTimeout(res, 1000));
      cam.restore();
      await page.waitForFunction("/came back at/.test(document.querySelector('#source-gap')?.textContent ?? '')", null, { timeout: 30_000 });
      expect(await page.textContent('#source-gap')).toMatch(/^The stream dropped at \d+\.\d s and came back at \d+\.\d s after \d+ reconnection attempt\(s\); nothing in between was analysed/);
      expect(await page.getAttribute('#chart', 'aria-label')).toContain('1 source gap(s)');
      expect(await page.textContent('#chart-legend')).toContain('source dropped: not analysed');
      if (process.env.FAKESCOPE_SCREENSHOTS) await page.screenshot({ path: join(process.env.FAKESCOPE_SCREENSHOTS, 'page-source-gap.png'), fullPage: true });
      await fetch(`${srv.url}/api/analyses/${info.id}/stop`, { method: 'POST' });
      await waitFinal(srv.url, info.id);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await cam.close();
    }
  }, 120_000);
});
