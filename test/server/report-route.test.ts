import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/schema.js';
import { builtinRegistry } from '../../src/detectors/builtin.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { ReportSchema } from '../../src/pipeline/report-schema.js';
import { buildHttp } from '../../src/server/http-app.js';
import { OpenApiCollector } from '../../src/server/openapi.js';
import { analysesRoutes } from '../../src/server/routes/analyses.js';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { reportWithEverything } from '../helpers/built-report.js';
import { sharedMedia, tempDir } from '../helpers/media.js';
import { makeFaceClip, makeFaceImage } from '../helpers/synthetic-face.js';

/**
 * GET /api/analyses/:id/report serialises a running analysis' report through `ReportSchema`
 * (fastify's response serializer). Real reports, from the built-in detectors on drawn faces (a
 * clip, a photo) and on a development clip when ../shared/media is there, must come out as
 * exactly the text `JSON.stringify` writes of the builder's object: no field dropped, renamed,
 * reordered or rounded.
 */
let media: { dir: string; cleanup: () => Promise<void> };
let app: App;
let http: FastifyInstance;
let served: Report;

const info = { id: 'a1', kind: 'upload', input: 'x', status: 'running', createdAt: '', updatedAt: '', frames: 0, alerts: 0, error: null, verdict: null, media: null, live: false } satisfies AnalysisInfo;

beforeAll(async () => {
  media = await tempDir();
  const config = parseConfig({});
  app = buildApp(config, builtinRegistry());
  http = await buildHttp(config.server, new OpenApiCollector(), false);
  const unused = () => {
    throw new Error('not used by GET /report');
  };
  analysesRoutes(http, {
    config,
    manager: { list: () => [info], get: () => info, live: () => ({ snapshot: () => served }), create: unused, stop: unused },
    store: { reportPath: () => null, framesPath: () => null, uploadPath: unused, removeUpload: unused, alerts: () => [], thumbnails: () => [], freeBytes: () => null },
    proxyEnv: async () => null,
  });
  await http.ready();
}, 120_000);

afterAll(async () => {
  await http?.close();
  await app?.stop();
  await media?.cleanup();
});

async function analyse(path: string): Promise<Report> {
  const analysis = await app.analyze(path, { keepFrames: true });
  await lastValueFrom(analysis.results, { defaultValue: null });
  return analysis.report;
}

async function throughRoute(report: Report): Promise<string> {
  served = report;
  const res = await http.inject({ method: 'GET', url: '/api/analyses/a1/report' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-fakescope-partial']).toBe('true');
  return res.body;
}

function expectServedAsBuilt(report: Report, body: string): void {
  expect([...Value.Errors(ReportSchema, JSON.parse(JSON.stringify(report)))].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  expect(JSON.parse(body)).toStrictEqual(JSON.parse(JSON.stringify(report)));
  const text = JSON.stringify(report);
  // Where the texts part (a whole report would drown the message).
  let i = 0;
  while (i < text.length && body[i] === text[i]) i++;
  expect({ at: i, served: body.slice(i - 60, i + 60) }).toEqual({ at: text.length, served: text.slice(i - 60, i + 60) });
  expect(body.length).toBe(text.length);
}

describe('GET /api/analyses/:id/report through ReportSchema', () => {
  it('serves a built report with every optional part exactly as built (segments, gaps, weights)', async () => {
    const report = reportWithEverything();
    expectServedAsBuilt(report, await throughRoute(report));
  });

  it('serves a clip\'s report exactly as built (faces, every detector output part, verdicts, segments)', async () => {
    const clip = await makeFaceClip(join(media.dir, 'face.mp4'), { width: 320, height: 240, fps: 25, frames: 30, at: (i) => [{ cx: 150 + i, cy: 120, size: 90 }] });
    const report = await analyse(clip);
    expect(report.summary.framesWithFaces).toBeGreaterThan(0);
    const outputs = report.frames.flatMap((f) => f.faces.flatMap((x) => Object.values(x.detectors)));
    expect(outputs.some((o) => o.state === 'ok' && o.regions && o.map && o.attribution && o.uncertainty?.distance !== undefined)).toBe(true);
    expect(outputs.some((o) => o.state === 'insufficient' && o.reason && o.measurements)).toBe(true);
    expectServedAsBuilt(report, await throughRoute(report));
  }, 120_000);

  it('serves a photo\'s report exactly as built (skipped outputs, no duration)', async () => {
    const photo = await makeFaceImage(join(media.dir, 'face.jpg'), 480, 360, [{ cx: 240, cy: 180, size: 120 }]);
    const report = await analyse(photo);
    expect(report.input.media.still).toBe(true);
    expect(report.frames.some((f) => f.faces.some((x) => Object.values(x.detectors).some((o) => o.state === 'skipped')))).toBe(true);
    expectServedAsBuilt(report, await throughRoute(report));
  }, 120_000);

  it('serves a development clip\'s report exactly as built (skipped without ../shared/media)', async (ctx) => {
    const src = sharedMedia('real_hdtf_WDA_AOC_000.mp4');
    if (!src) {
      console.log('skipped: ../shared/media is absent');
      ctx.skip();
      return;
    }
    const report = await analyse(src);
    expect(report.tracks.length).toBeGreaterThan(0);
    expectServedAsBuilt(report, await throughRoute(report));
  }, 300_000);
});
