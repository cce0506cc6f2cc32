import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, tempDir } from '../helpers/media.js';
import { makeFaceClip } from '../helpers/synthetic-face.js';
import { scriptedRegistry } from '../server/fake-detector.js';
import type { TestServer } from '../server/helpers.js';
import { startServer } from '../server/helpers.js';

/**
 * The web page in headless Chromium (Debian's /usr/bin/chromium; no browser is downloaded):
 * upload a clip and see frames, the chart and an overlay arrive, then the report; stream the
 * (fake) camera. Screenshots go to $FAKESCOPE_SCREENSHOTS when set. Skipped, with a message,
 * where Chromium is not installed.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log('test/web skipped: /usr/bin/chromium is absent (apt-get install -y chromium)');
const shots = process.env.FAKESCOPE_SCREENSHOTS;

let srv: TestServer;
let context: BrowserContext;
let profile: string;
let media: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  if (!hasChromium) return;
  media = await tempDir();
  srv = await startServer({ server: { feed: { overlayEveryMs: 200 } } });
  profile = mkdtempSync(join(tmpdir(), 'fakescope-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    ],
  });
  if (shots) mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  if (!hasChromium) return;
  await context?.close();
  await srv?.close();
  await media?.cleanup();
  rmSync(profile, { recursive: true, force: true });
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(srv.url, { waitUntil: 'load' });
  return { page, errors };
}

describe.skipIf(!hasChromium)('web page', () => {
  it('uploads a clip and shows frames, the chart, an overlay and the report', async () => {
    const clip = await makeClip(media.dir, { seconds: 3, width: 320, height: 240, name: 'page-clip.mp4' });
    const { page, errors } = await openPage();
    await page.setInputFiles('#upload-file', clip);
    await page.click('#upload-form button[type=submit]');
    await page.waitForFunction('Number(document.getElementById("stat-frames").textContent) > 0', null, { timeout: 30_000 });
    await page.waitForSelector('#overlay:not([hidden])', { timeout: 30_000 });
    expect(await page.getAttribute('#overlay', 'src')).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    await page.waitForFunction('Number(document.getElementById("chart").dataset.points) > 10', null, { timeout: 30_000 });
    await page.waitForSelector('#report table, #report a', { timeout: 30_000 });
    expect(await page.textContent('#stat-frames')).toBe('75');
    expect(await page.textContent('#stat-status')).toBe('done');
    expect(await page.textContent('#analysis-list')).toContain('page-clip.mp4');
    expect(await page.getAttribute('#report a', 'href')).toMatch(/\/api\/analyses\/.+\/report/);
    expect(await page.textContent('#report')).toContain('Verdict thresholds: fitted by fakescope calibrate');
    // The weight column is the weight the verdict gave each detector (the server's count), never a blank.
    const weightCells = await page.$$eval('#report table tbody tr td:nth-child(5)', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(weightCells.length).toBeGreaterThan(0);
    for (const w of weightCells) expect(w).toMatch(/^(\d+\.\d\d|not counted)$/);
    if (shots) await page.screenshot({ path: join(shots, 'upload.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('posts a stream URL as live only when the live switch is on', async () => {
    const { page, errors } = await openPage();
    const bodies: unknown[] = [];
    await page.route('**/api/analyses/url', async (route) => {
      bodies.push(JSON.parse(route.request().postData() ?? 'null'));
      await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'E_BAD_REQUEST', message: 'test stop' }) });
    });
    await page.fill('#url-input', 'https://example.test/stream.mkv');
    await page.click('#url-form button[type=submit]');
    await page.waitForSelector('#form-error:not([hidden])');
    await page.check('#url-live');
    await page.click('#url-form button[type=submit]');
    await page.waitForFunction('document.getElementById("form-error").textContent.includes("test stop")');
    await expect.poll(() => bodies.length).toBe(2);
    expect(bodies).toEqual([{ url: 'https://example.test/stream.mkv' }, { url: 'https://example.test/stream.mkv', live: true }]);
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await page.close();
  });

  it('streams the camera through the same pipeline', async () => {
    const { page, errors } = await openPage();
    await page.click('#webcam-start');
    await page.waitForFunction('Number(document.getElementById("stat-frames").textContent) > 5', null, { timeout: 45_000 });
    expect(await page.textContent('#live-title')).toBe('webcam');
    if (shots) await page.screenshot({ path: join(shots, 'webcam.png'), fullPage: true });
    await page.click('#webcam-stop');
    await page.waitForFunction('document.getElementById("stat-status").textContent === "done"', null, { timeout: 45_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!hasChromium)('web page with faces and a detector', () => {
  it('draws p(fake) bands and marks an epistemic spike', async () => {
    // Drawn faces only (synthetic-face.ts): a screenshot of this page goes to docs/screenshots,
    // and frames of ../shared media must never enter the repository.
    const clip = await makeFaceClip(join(media.dir, 'faces.mp4'), {
      width: 640,
      height: 360,
      frames: 75,
      at: (i) => [{ cx: 320 + 14 * Math.sin(i / 6), cy: 180 + 4 * Math.sin(i / 4), size: 120 }],
    });
    const withDetector = await startServer({
      registry: scriptedRegistry(),
      rest: { detectors: [{ type: 'scripted', name: 'mc-demo' }] },
      server: { feed: { overlayEveryMs: 300 }, alerts: { minBaselineFrames: 10, minDurationMs: 100 } },
    });
    const page = await context.newPage();
    try {
      await page.goto(withDetector.url);
      await page.setInputFiles('#upload-file', clip);
      await page.click('#upload-form button[type=submit]');
      await page.waitForSelector('#report-headline', { timeout: 60_000 });
      expect(await page.textContent('#alert-list')).toContain('face #');
      expect(await page.textContent('#chart-legend')).toContain('mc-demo');
      if (shots) await page.screenshot({ path: join(shots, 'faces.png'), fullPage: true });
    } finally {
      await page.close();
      await withDetector.close();
    }
  });
});
