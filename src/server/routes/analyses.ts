import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import { FakescopeError, describeError } from '../../errors.js';
import { probe } from '../../ingest/index.js';
import type { Report } from '../../pipeline/report-schema.js';
import { ReportSchema } from '../../pipeline/report-schema.js';
import { humanReport } from '../../report/human-report.js';
import type { Thumbnail } from '../../report/html-report.js';
import { renderHtmlReport } from '../../report/html-report.js';
import type { CreateRequest } from '../analyses.js';
import { newAnalysisId, requireFreeSpace } from '../analyses.js';
import { uploadGuard, urlGuard } from '../input-guards.js';
import { displayUrl } from '../redact.js';
import { isDiskFull } from '../store-files.js';
import type { Resolver } from '../url-policy.js';
import { checkStreamTarget } from '../url-policy.js';
import type { AlertWire } from '../wire.js';
import { AlertList, AnalysisInfo, AnalysisList, CreateUrlBody, ErrorBody } from '../wire.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * The analyses the routes serve: the single-process AnalysisManager, or a cluster API node's
 * ClusterManager (records in PostgreSQL, analyses on workers; `live` is then always null).
 */
export interface AnalysesApi {
  list(): MaybePromise<AnalysisInfo[]>;
  get(id: string): MaybePromise<AnalysisInfo | null>;
  /** An analysis running in this process (its report so far is served from memory). */
  live(id: string): { snapshot(): Report } | null;
  create(req: CreateRequest): Promise<AnalysisInfo>;
  stop(id: string): MaybePromise<AnalysisInfo>;
}

/** Where the routes find payloads: the embedded AnalysisStore, or the cluster's shared directory. */
export interface AnalysisFiles {
  reportPath(id: string): MaybePromise<{ path: string; partial: boolean } | null>;
  framesPath(id: string): string | null;
  uploadPath(id: string): string;
  removeUpload(id: string): void;
  alerts(id: string): MaybePromise<AlertWire[]>;
  thumbnails(id: string): unknown[];
  freeBytes(): number | null;
}

export interface AnalysesRouteDeps {
  readonly config: Config;
  readonly manager: AnalysesApi;
  readonly store: AnalysisFiles;
  readonly resolver?: Resolver;
  /** Environment that routes ffmpeg's HTTP through the policy proxy; null when addresses are not checked. */
  readonly proxyEnv: () => Promise<Readonly<Record<string, string>> | null>;
}

const IdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const DetectorsQuery = Type.Object({ detectors: Type.Optional(Type.String()), key: Type.Optional(Type.String()) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody, 503: ErrorBody, 507: ErrorBody };

const splitDetectors = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);

/** Create (upload or URL), list, get, stop analyses; download reports, frames and alerts. */
export function analysesRoutes(app: FastifyInstance, deps: AnalysesRouteDeps): void {
  const { config, manager, store } = deps;
  const limits = config.server.upload;

  /** The report of an analysis: the live snapshot while it runs, else the stored one. */
  const readReport = async (id: string): Promise<Report> => {
    found(await manager.get(id), id);
    const live = manager.live(id);
    if (live) return live.snapshot();
    const r = await store.reportPath(id);
    if (!r) throw new FakescopeError('E_NOT_FOUND', `analysis ${id} has no report yet`);
    return JSON.parse(readFileSync(r.path, 'utf8')) as Report;
  };

  app.post<{ Querystring: { detectors?: string } }>(
    '/api/analyses/upload',
    {
      schema: { summary: 'Analyse an uploaded video (multipart/form-data, one file field)', consumes: ['multipart/form-data'], querystring: DetectorsQuery, response: { 201: AnalysisInfo, ...errors } },
      // Refused from the header, before a byte of the body is read (multipart adds < 16 KiB).
      onRequest: async (req, reply) => {
        const length = Number(req.headers['content-length']);
        if (Number.isFinite(length) && length > limits.maxBytes + MULTIPART_SLACK) {
          reply.header('connection', 'close');
          throw tooLarge(limits.maxBytes);
        }
        requireFreeSpace(store, config.server.minFreeBytes, Number.isFinite(length) ? length : 0);
      },
    },
    async (req, reply) => {
      const id = newAnalysisId();
      const path = store.uploadPath(id);
      let name = 'upload';
      let receiving = true;
      try {
        const part = await req.file({ limits: { fileSize: limits.maxBytes, files: 1 } });
        if (!part) throw new FakescopeError('E_BAD_REQUEST', 'no file in the upload (send multipart/form-data with one file field)');
        name = part.filename || 'upload';
        await pipeline(part.file, createWriteStream(path)).catch((e: unknown) => {
          throw uploadStreamError(e);
        });
        receiving = false;
        if (part.file.truncated) throw tooLarge(limits.maxBytes);
        const guard = uploadGuard(name);
        const media = await probe(path, { guard });
        if (media.durationMs !== null && media.durationMs > limits.maxDurationS * 1000) {
          throw new FakescopeError('E_TOO_LONG', `${name}: ${(media.durationMs / 1000).toFixed(1)} s of video is longer than the ${limits.maxDurationS} s allowed`);
        }
        const detectors = splitDetectors(req.query.detectors);
        const info = await manager.create({ id, kind: 'upload', input: path, display: name, guard, ...(detectors ? { detectors } : {}) });
        return reply.code(201).send(info);
      } catch (e) {
        store.removeUpload(id);
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limits.maxBytes);
        if ((e as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new FakescopeError('E_BAD_REQUEST', 'send the video as multipart/form-data');
        throw renameInput(receiving ? uploadStreamError(e) : e, path, name);
      }
    },
  );

  app.post<{ Body: CreateUrlBody }>(
    '/api/analyses/url',
    { schema: { summary: 'Analyse a stream or file URL (http(s), HLS, RTMP, RTSP)', body: CreateUrlBody, response: { 201: AnalysisInfo, ...errors } } },
    async (req, reply) => {
      const target = await checkStreamTarget(req.body.url, config.server.urls, deps.resolver);
      const display = displayUrl(target.href);
      const guard = urlGuard(display, await deps.proxyEnv());
      const info = await manager.create({
        kind: 'url',
        input: target.connect,
        display,
        guard,
        ...(req.body.detectors ? { detectors: req.body.detectors } : {}),
        ...(req.body.live !== undefined ? { live: req.body.live } : {}),
      });
      return reply.code(201).send(info);
    },
  );

  app.get('/api/analyses', { schema: { summary: 'All analyses, newest first', response: { 200: AnalysisList } } }, async () => ({ analyses: await manager.list() }));

  app.get<{ Params: { id: string } }>('/api/analyses/:id', { schema: { summary: 'One analysis', params: IdParams, response: { 200: AnalysisInfo, 404: ErrorBody } } }, async (req) =>
    found(await manager.get(req.params.id), req.params.id),
  );

  app.post<{ Params: { id: string } }>('/api/analyses/:id/stop', { schema: { summary: 'Stop a running analysis (its report so far is kept)', params: IdParams, response: { 202: AnalysisInfo, 404: ErrorBody } } }, async (req, reply) =>
    reply.code(202).send(await manager.stop(req.params.id)),
  );

  app.get<{ Params: { id: string } }>('/api/analyses/:id/alerts', { schema: { summary: 'Alert events of an analysis', params: IdParams, response: { 200: AlertList, 404: ErrorBody } } }, async (req) => {
    found(await manager.get(req.params.id), req.params.id);
    return { alerts: await store.alerts(req.params.id) };
  });

  app.get<{ Params: { id: string } }>(
    '/api/analyses/:id/summary',
    { schema: { summary: 'The report for people as data (src/report/human-report.ts): verdict in words, faces, moments, regions, detectors', params: IdParams, response: { 404: ErrorBody }, documents: { 200: { $ref: '#/components/schemas/Summary' } } } },
    async (req) => humanReport(await readReport(req.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/analyses/:id/report.html',
    { schema: { summary: 'The printable report for people (self-contained HTML: verdict in words, faces, moments, regions, detectors)', params: IdParams, produces: ['text/html'], response: { 404: ErrorBody } } },
    async (req, reply) => {
      const report = await readReport(req.params.id);
      const html = renderHtmlReport(humanReport(report), report, store.thumbnails(req.params.id) as Thumbnail[]);
      return reply
        .header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
        .type('text/html; charset=utf-8')
        .send(html);
    },
  );

  /**
   * A running analysis' report is serialised through `ReportSchema`. A stored one (final or the
   * last checkpoint) is sent as the bytes written, never parsed and written again: the final one
   * is checked against its recorded digest, and a cluster worker's carries its `cluster` note.
   */
  app.get<{ Params: { id: string } }>(
    '/api/analyses/:id/report',
    {
      schema: {
        summary: 'The JSON report (docs/report-schema.md); X-Fakescope-Partial: true while running or after an interruption',
        params: IdParams,
        response: { 200: ReportSchema, 404: ErrorBody },
        documents: { 200: { $ref: '#/components/schemas/Report' } },
      },
    },
    async (req, reply) => {
      found(await manager.get(req.params.id), req.params.id);
      const live = manager.live(req.params.id);
      if (live) return reply.header('x-fakescope-partial', 'true').type('application/json').send(live.snapshot());
      const r = await store.reportPath(req.params.id);
      if (!r) throw new FakescopeError('E_NOT_FOUND', `analysis ${req.params.id} has no report yet`);
      return reply
        .header('x-fakescope-partial', String(r.partial))
        .header('content-disposition', `attachment; filename="fakescope-${req.params.id}.json"`)
        .type('application/json')
        .send(createReadStream(r.path));
    },
  );

  app.get<{ Params: { id: string } }>('/api/analyses/:id/frames', { schema: { summary: 'Frame results as NDJSON, one line per analysed frame', params: IdParams, produces: ['application/x-ndjson'], response: { 404: ErrorBody } } }, async (req, reply) => {
    found(await manager.get(req.params.id), req.params.id);
    const p = store.framesPath(req.params.id);
    if (!p) throw new FakescopeError('E_NOT_FOUND', `analysis ${req.params.id} has no frames`);
    return reply.type('application/x-ndjson').send(createReadStream(p));
  });
}

function found<T>(v: T | null, id: string): T {
  if (v === null) throw new FakescopeError('E_NOT_FOUND', `no analysis ${id}`);
  return v;
}

const MULTIPART_SLACK = 16 * 1024;

/**
 * A failed upload stream: the file system's errors are the server's (the disk), anything else
 * came from the client's body (a multipart body cut before its closing boundary, a bad header).
 */
function uploadStreamError(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof FakescopeError || err.code === 'FST_REQ_FILE_TOO_LARGE') return e;
  if (isDiskFull(e)) return new FakescopeError('E_DISK_FULL', 'the disk is full: the upload could not be stored');
  if (typeof err.syscall === 'string') return e;
  return new FakescopeError('E_BAD_REQUEST', `the upload body is not complete multipart/form-data (${describeError(e)})`);
}

function tooLarge(max: number): FakescopeError {
  return new FakescopeError('E_TOO_LARGE', `the upload is larger than ${max} bytes (server.upload.maxBytes)`);
}

/** Input errors name the temporary path; clients know the file by its upload name. */
function renameInput(e: unknown, path: string, name: string): unknown {
  if (e instanceof FakescopeError && e.message.includes(path)) {
    return new FakescopeError(e.code, e.message.split(path).join(name), { cause: e });
  }
  return e;
}
