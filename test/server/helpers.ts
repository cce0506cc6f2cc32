import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/schema.js';
import { parseConfig } from '../../src/config/schema.js';
import { builtinRegistry } from '../../src/detectors/builtin.js';
import type { DetectorRegistry } from '../../src/detectors/registry.js';
import type { LiveServer } from '../../src/server/server.js';
import { createServer } from '../../src/server/server.js';
import type { Resolver } from '../../src/server/url-policy.js';
import type { ServerMsg } from '../../src/server/wire.js';

/** A config for tests: a fresh data dir, any free port, small limits; `server` fields override. */
export function testConfig(dataDir: string, server: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): Config {
  return parseConfig({ ...rest, server: { port: 0, dataDir, ...server } });
}

export interface TestServer {
  readonly live: LiveServer;
  readonly url: string;
  readonly dataDir: string;
  /** Closes the server and the app (keeps the data dir unless `wipe`). */
  close(wipe?: boolean): Promise<void>;
}

/** Starts app + server on 127.0.0.1:0 over `dataDir` (fresh temp dir by default). */
export async function startServer(
  opts: { server?: Record<string, unknown>; rest?: Record<string, unknown>; dataDir?: string; registry?: DetectorRegistry; resolver?: Resolver; listen?: boolean } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'fakescope-srv-'));
  const config = testConfig(dataDir, opts.server, opts.rest);
  const registry = opts.registry ?? builtinRegistry();
  const app = buildApp(config, registry);
  const live = await createServer({ app, ...(opts.resolver ? { resolver: opts.resolver } : {}) });
  const url = opts.listen === false ? '' : await live.listen();
  return {
    live,
    url,
    dataDir,
    async close(wipe = true) {
      await live.close();
      await app.stop();
      if (wipe) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects every message of a WebSocket until it closes (or `limitMs` passes). */
export function collectWs(url: string, limitMs = 60_000): Promise<{ messages: ServerMsg[]; code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: ServerMsg[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no close within ${limitMs} ms (${messages.length} messages)`));
    }, limitMs);
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as ServerMsg));
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ messages, code, reason: String(reason) });
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Multipart upload of one file with fetch. */
export async function upload(base: string, path: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.append('video', new Blob([bytes]), path.split('/').pop() ?? 'clip.mp4');
  return fetch(`${base}/api/analyses/upload`, { method: 'POST', body: form, headers });
}

/** Polls GET /api/analyses/:id until its status is final (bounded). */
export async function waitFinal(base: string, id: string, headers: Record<string, string> = {}, limitMs = 60_000): Promise<{ status: string }> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const info = (await (await fetch(`${base}/api/analyses/${id}`, { headers })).json()) as { status: string };
    if (!['starting', 'running'].includes(info.status)) return info;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`analysis ${id} not finished within ${limitMs} ms`);
}
