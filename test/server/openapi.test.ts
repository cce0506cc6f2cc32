import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { startServer } from './helpers.js';

/**
 * The OpenAPI document, as the running server builds it from its route schemas: every operation
 * says what it can answer (with the error body for errors, real descriptions), which routes need
 * no API key, and the content type of answers that are not JSON.
 */
type Op = { responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>; security?: unknown[]; 'x-websocket'?: boolean };
let srv: TestServer;
let doc: { paths: Record<string, Record<string, Op>>; security: unknown[]; components: { schemas: Record<string, unknown> } };

beforeAll(async () => {
  srv = await startServer({ server: { apiKeys: ['k-123456789012'] } });
  doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as typeof doc;
});
afterAll(() => srv.close());

const ops = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

describe('OpenAPI document', () => {
  it('describes every response with a word, not a number, and errors with the error body', () => {
    expect(ops().length).toBeGreaterThan(10);
    for (const { path, method, op } of ops()) {
      for (const [code, r] of Object.entries(op.responses)) {
        expect(r.description, `${method} ${path} ${code}`).not.toMatch(/^\d+$/);
        if (/^[45]/.test(code)) expect(r.content?.['application/json']?.schema, `${method} ${path} ${code}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      }
      expect(Object.keys(op.responses)).toContain('500');
    }
    expect(doc.components.schemas).toHaveProperty('ErrorBody');
  });

  it('marks the public routes as exempt from the API key, and every other route can answer 401', () => {
    for (const { path, op } of ops()) {
      const exempt = ['/api/health', '/api/openapi.json', '/api/config/schema'].includes(path);
      if (exempt) {
        expect(op.security, path).toEqual([]);
        expect(op.responses['401'], path).toBeUndefined();
      } else {
        expect(op.security, path).toBeUndefined();
        expect(op.responses['401'], path).toBeDefined();
      }
    }
    expect(doc.security).toEqual([{ apiKey: [] }]);
  });

  it('lists the statuses of the report routes and their content types', () => {
    const report = doc.paths['/api/analyses/{id}/report']!.get!;
    expect(Object.keys(report.responses).sort()).toEqual(['200', '401', '404', '500']);
    expect(report.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Report' });
    expect(doc.components.schemas.Report).toMatchObject({ type: 'object', required: expect.arrayContaining(['schemaVersion', 'summary', 'tracks', 'frames']) });
    expect(Object.keys(doc.paths['/api/analyses/{id}/report.html']!.get!.responses['200']!.content!)).toEqual(['text/html']);
    expect(doc.paths['/api/analyses/{id}/summary']!.get!.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Summary' });
    expect(doc.components.schemas.Summary).toMatchObject({ type: 'object', required: expect.arrayContaining(['verdict', 'plain', 'faces', 'regions', 'detectors']) });
    expect(Object.keys(doc.paths['/api/analyses/{id}/frames']!.get!.responses['200']!.content!)).toEqual(['application/x-ndjson']);
    expect(Object.keys(doc.paths['/api/metrics']!.get!.responses['200']!.content!)).toEqual(['text/plain']);
    const upload = doc.paths['/api/analyses/upload']!.post!;
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '413', '415', '422', '503']));
    const feed = doc.paths['/api/analyses/{id}/feed']!.get!;
    expect(feed['x-websocket']).toBe(true);
    expect(feed.responses['101']?.description).toMatch(/WebSocket/);
  });
});
