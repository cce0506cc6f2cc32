import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import type { Report } from '../../src/pipeline/report-schema.js';
import { SummaryDoc } from '../../src/server/report-doc.js';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { tempDir } from '../helpers/media.js';
import { makeFaceImage } from '../helpers/synthetic-face.js';
import type { TestServer } from './helpers.js';
import { startServer, upload, waitFinal } from './helpers.js';

/**
 * Photos through the HTTP API: an uploaded JPEG, PNG or WebP of a drawn face is analysed with
 * the same verdict rules (blind detectors on the face; rPPG not applicable); a text file named
 * .jpg and a PNG whose header claims 30000×30000 px get clear coded 4xx answers, and the server
 * carries on.
 */
let srv: TestServer;
let media: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  media = await tempDir('fakescope-photos-');
  srv = await startServer();
});
afterAll(async () => {
  await srv.close();
  await media.cleanup();
});

describe('photos through the API', () => {
  it.each(['jpg', 'png', 'webp'])('analyses an uploaded %s photo', async (ext) => {
    const path = await makeFaceImage(join(media.dir, `face.${ext}`), 480, 360, [{ cx: 240, cy: 180, size: 70 }]);
    const res = await upload(srv.url, path, await readFile(path));
    expect(res.status).toBe(201);
    const info = (await res.json()) as AnalysisInfo;
    expect((await waitFinal(srv.url, info.id)).status).toBe('done');
    const report = (await (await fetch(`${srv.url}/api/analyses/${info.id}/report`)).json()) as Report;
    expect(report.input.media.still).toBe(true);
    expect(report.summary.tracks).toBe(1);
    expect(report.detectors.rppg?.applicable).toBe(false);
    expect(report.detectors['blind-faceres-sbi-mcd']?.okFrames).toBeGreaterThan(0);
    expect(report.summary.plain.explanation + report.summary.plain.headline).toMatch(/photo|Can't tell/);
    // The printable report, with a thumbnail of the picture, locked down by its CSP.
    const html = await fetch(`${srv.url}/api/analyses/${info.id}/report.html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const page = await html.text();
    expect(page).toContain(`<h1 id="headline">${report.summary.plain.headline.replace(/'/g, '&#39;')}</h1>`);
    expect(page).toMatch(/<img src="data:image\/jpeg;base64,/);
    // The report for people as data, as the OpenAPI document describes it.
    const summary = (await (await fetch(`${srv.url}/api/analyses/${info.id}/summary`)).json()) as unknown;
    expect([...Value.Errors(SummaryDoc, summary)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    expect(summary).toMatchObject({ still: true, moments: [], faces: [{ trackId: 1 }] });
  });

  it('refuses a text file named .jpg (415) and an oversized PNG header (422) with coded bodies', async () => {
    const txt = join(media.dir, 'notes.jpg');
    await writeFile(txt, 'not a photo\n');
    const a = await upload(srv.url, txt, await readFile(txt));
    expect(a.status).toBe(415);
    expect(await a.json()).toMatchObject({ code: 'E_INPUT_NOT_VIDEO', message: expect.stringMatching(/notes\.jpg: is a text file/) });
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30000, 0);
    ihdr.writeUInt32BE(30000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), Buffer.from(type), data, Buffer.alloc(4)]);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(8)), chunk('IEND', Buffer.alloc(0))]);
    const b = await upload(srv.url, 'huge.png', png);
    expect(b.status).toBe(422);
    expect(await b.json()).toMatchObject({ code: 'E_INPUT_CORRUPT', message: expect.stringMatching(/huge\.png: is not a readable image/) });
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
  });
});
