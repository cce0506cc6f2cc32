import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/media.js';
import type { Look } from '../helpers/synthetic-face.js';
import { makeFaceClip, makeFaceImage } from '../helpers/synthetic-face.js';
import type { TestServer } from '../server/helpers.js';
import { startServer } from '../server/helpers.js';

/**
 * The page as a journalist reads it, in headless Chromium with the shipped detectors, on drawn
 * faces (synthetic media only): the verdict in words equals the report's, the region view shows
 * the seven regions, and each face shows one number — the same in the face list, the report and
 * the timeline. Screenshots (docs/screenshots/) go to $FAKESCOPE_SCREENSHOTS when set.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const shots = process.env.FAKESCOPE_SCREENSHOTS;

let srv: TestServer;
let context: BrowserContext;
let profile: string;
let media: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  if (!hasChromium) return;
  media = await tempDir('fakescope-page-');
  srv = await startServer({ server: { feed: { overlayEveryMs: 200 } } });
  profile = mkdtempSync(join(tmpdir(), 'fakescope-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (shots) mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  if (!hasChromium) return;
  await context?.close();
  await srv?.close();
  await media?.cleanup();
  rmSync(profile, { recursive: true, force: true });
});

interface Summary {
  verdict: string;
  still: boolean;
  plain: { headline: string };
  faces: { trackId: number; pFake: number | null }[];
  regions: { caption: string; fills: Record<string, string> } | null;
}

async function analyse(file: string, shot: string): Promise<{ summary: Summary; headline: string }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(srv.url, { waitUntil: 'load' });
    await page.setInputFiles('#upload-file', file);
    await page.click('#upload-form button[type=submit]');
    await page.waitForSelector('#report-headline', { timeout: 90_000 });
    const id = (await page.getAttribute('#report a[href*="report.html"]', 'href'))?.split('/')[3];
    const summary = (await (await fetch(`${srv.url}/api/analyses/${id}/summary`)).json()) as Summary;
    const headline = (await page.textContent('#report-headline')) ?? '';
    // The verdict in words, the same in the live header and in the report.
    expect(headline).toBe(summary.plain.headline);
    expect(await page.textContent('#verdict-headline')).toBe(summary.plain.headline);
    // The region view: seven regions, each filled and titled.
    expect(await page.locator('#region-view [data-region]').count()).toBe(7);
    expect(await page.getAttribute('#region-view', 'aria-label')).toMatch(/^score per face region: forehead/);
    // The shades and their caption are the server's, the same as in the printable report.
    expect(summary.regions).not.toBeNull();
    expect(await page.textContent('#report .regions p')).toBe(summary.regions!.caption);
    for (const [region, fill] of Object.entries(summary.regions!.fills)) expect(await page.getAttribute(`#region-view [data-region="${region}"]`, 'fill')).toBe(fill);
    // One number per face: face list = report = timeline.
    for (const f of summary.faces) {
      const n = f.pFake === null ? '' : f.pFake.toFixed(2);
      expect(await page.getAttribute(`#face-list li[data-track="${f.trackId}"] .num`, 'data-pfake')).toBe(n);
      expect(await page.getAttribute(`#report-faces li[data-track="${f.trackId}"]`, 'data-pfake')).toBe(n);
      if (n && !summary.still) expect(await page.getAttribute('#chart', 'aria-label')).toContain(`face #${f.trackId} ${n}`);
    }
    // A photo has no timeline, frame count or media time to read.
    expect(await page.isVisible('#timeline-card')).toBe(!summary.still);
    if (summary.still) {
      expect(await page.textContent('#stat-frames')).toBe('photo');
      expect(await page.textContent('#stat-time')).toBe('—');
    }
    expect(errors).toEqual([]);
    if (shots) {
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(shots, `${shot}.png`), fullPage: true });
    }
    if (shots && shot === 'page-fake') {
      const report = await context.newPage();
      await report.goto(`${srv.url}/api/analyses/${id}/report.html`);
      await report.setViewportSize({ width: 900, height: 900 });
      await report.screenshot({ path: join(shots, 'printable-report.png'), fullPage: true });
      await report.close();
    }
    return { summary, headline };
  } finally {
    await page.close();
  }
}

async function clip(look: Look): Promise<string> {
  return makeFaceClip(join(media.dir, `${look}.mp4`), {
    width: 640,
    height: 480,
    frames: 50,
    look,
    at: (i) => [{ cx: 320 + 12 * Math.sin(i / 6), cy: 250 + 4 * Math.sin(i / 4), size: 150 }],
  });
}

describe.skipIf(!hasChromium)('the page tells a journalist what was found', () => {
  it('a blurred drawn face: the page says what the report says, one number per face', async () => {
    const { summary } = await analyse(await clip('blurred'), 'page-fake');
    expect(summary.faces).toHaveLength(1);
  }, 180_000);

  it('a plain drawn face', async () => {
    const { summary } = await analyse(await clip('plain'), 'page-real');
    expect(summary.faces).toHaveLength(1);
  }, 180_000);

  it('an over-sharpened drawn face', async () => {
    const { summary } = await analyse(await clip('sharpened'), 'page-uncertain');
    expect(summary.faces).toHaveLength(1);
  }, 180_000);

  it('a photo (JPEG) through the upload form', async () => {
    const photo = await makeFaceImage(join(media.dir, 'photo.jpg'), 640, 480, [{ cx: 320, cy: 250, size: 150 }]);
    const { summary } = await analyse(photo, 'page-photo');
    expect(summary.faces).toHaveLength(1);
  }, 180_000);
});
