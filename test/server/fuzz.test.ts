import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AnalysisInfo } from '../../src/server/wire.js';
import { makeClip, tempDir } from '../helpers/media.js';
import type { TestServer } from './helpers.js';
import { startServer, waitFinal } from './helpers.js';
import type { Recorder } from './recorder.js';
import { startRecorder } from './recorder.js';
import { liveStreamSource } from './stream-source.js';

/**
 * Bounded fuzzing of the live server on loopback (issue #12), with fixed seeds so a failure
 * repeats: generated uploads (mutated real containers, random bytes, playlists, wrong types),
 * stream URLs (schemes, encodings, hosts, userinfo tricks) and WebSocket messages. Throughout:
 * every answer is a documented status with a coded body (5xx only 503 E_BUSY, 507 E_DISK_FULL,
 * 500 E_STORE_CORRUPT), the server never goes down, the `internal` helper (which policy forbids)
 * gets no request, and /api/health answers within 1 s. Counts are printed and kept in
 * docs/server.md.
 */
const SEED = 12;
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const int = (n: number) => Math.floor(rand() * n);

const DOCUMENTED = new Set([201, 400, 401, 403, 404, 413, 415, 422, 503, 507]);
const DOCUMENTED_5XX: Record<number, string> = { 503: 'E_BUSY', 507: 'E_DISK_FULL', 500: 'E_STORE_CORRUPT' };

let srv: TestServer;
let internal: Recorder;
let media: Recorder;
let clip: Buffer;
let live: Awaited<ReturnType<typeof liveStreamSource>>;
let dir: { dir: string; cleanup: () => Promise<void> };
const counts = { cases: 0, uploads: 0, urls: 0, wsMessages: 0, wsConnections: 0, byStatus: {} as Record<string, number>, byCode: {} as Record<string, number>, undocumented: [] as string[], worstHealthMs: 0 };
let healthRunning = true;
let healthLoop: Promise<void>;

beforeAll(async () => {
  dir = await tempDir();
  clip = await readFile(await makeClip(dir.dir, { seconds: 1, width: 160, height: 120 }));
  internal = await startRecorder((_q, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(clip));
  media = await startRecorder((req, res) => {
    const u = req.url ?? '/';
    if (u.startsWith('/clip')) res.writeHead(200, { 'content-type': 'video/mp4' }).end(clip);
    else if (u.startsWith('/redir')) res.writeHead(302, { location: `${internal.base}/x.mp4` }).end();
    else if (u.startsWith('/list')) res.writeHead(200).end(`#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${internal.base}/s.ts\n#EXT-X-ENDLIST\n`);
    else if (u.startsWith('/junk')) res.writeHead(200).end(Buffer.from(Array.from({ length: 2048 }, () => int(256))));
    else res.writeHead(404).end();
  });
  live = await liveStreamSource({ width: 160, height: 120, fps: 25, seconds: 120, format: 'matroska' });
  srv = await startServer({
    server: {
      urls: { allowAddresses: [`127.0.0.1:${media.port}`, `127.0.0.1:${live.url.split(':')[2]?.split('/')[0]}`], resolveTimeoutMs: 500 },
      upload: { maxBytes: 2_000_000, maxDurationS: 5 },
      feed: { overlayEveryMs: 0 },
    },
    rest: { detectors: [] },
    resolver: async (host) => {
      const table: Record<string, string[]> = { 'internal.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '10.0.0.1'], 'meta.test': ['169.254.169.254'], 'v6.test': ['::ffff:127.0.0.1'] };
      const a = table[host];
      if (!a) throw new Error('ENOTFOUND');
      return a;
    },
  });
  healthLoop = (async () => {
    while (healthRunning) {
      const t = performance.now();
      const r = await fetch(`${srv.url}/api/health`);
      await r.arrayBuffer();
      if (r.status !== 200) counts.undocumented.push(`health ${r.status}`);
      counts.worstHealthMs = Math.max(counts.worstHealthMs, performance.now() - t);
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
});
afterAll(async () => {
  healthRunning = false;
  await healthLoop;
  console.log(`fuzz (seed ${SEED}): ${JSON.stringify({ ...counts, forbiddenFetches: internal.requests.length })}`);
  await srv.close();
  await Promise.all([internal.close(), media.close(), live.close(), dir.cleanup()]);
});

async function record(what: string, r: Response): Promise<AnalysisInfo | null> {
  counts.cases++;
  counts.byStatus[r.status] = (counts.byStatus[r.status] ?? 0) + 1;
  const text = await r.text();
  let body: { code?: string; id?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    counts.undocumented.push(`${what}: ${r.status} without a JSON body`);
  }
  if (r.status >= 400) counts.byCode[body.code ?? '?'] = (counts.byCode[body.code ?? '?'] ?? 0) + 1;
  const fiveXxOk = r.status < 500 || DOCUMENTED_5XX[r.status] === body.code;
  if (!DOCUMENTED.has(r.status) || !fiveXxOk || (r.status >= 400 && !body.code)) counts.undocumented.push(`${what}: ${r.status} ${text.slice(0, 120)}`);
  return r.status === 201 ? (body as AnalysisInfo) : null;
}

function mutate(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (int(4)) {
    case 0:
      for (let i = 0; i < 1 + int(40); i++) out[int(out.length)] = int(256);
      return out;
    case 1:
      return out.subarray(0, int(out.length));
    case 2: {
      const at = int(out.length);
      return Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: int(512) }, () => int(256))), out.subarray(at)]);
    }
    default: {
      const a = int(out.length);
      const n = int(4096);
      out.copy(out, int(out.length), a, a + n);
      return out;
    }
  }
}

const PLAYLISTS = () => [
  `#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:4,\n/etc/passwd\n#EXT-X-ENDLIST\n`,
  `#EXTM3U\n#EXTINF:4,\n${internal.base}/seg.ts\n#EXT-X-ENDLIST\n`,
  `ffconcat version 1.0\nfile '/etc/hostname'\n`,
  `ffconcat version 1.0\nfile '${internal.base}/a.mp4'\n`,
  `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><Period><AdaptationSet><Representation><BaseURL>${internal.base}/x</BaseURL></Representation></AdaptationSet></Period></MPD>`,
  `v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video ${internal.port} RTP/AVP 96\n`,
];

function uploadCase(): { name: string; bytes: Buffer } {
  const kind = int(5);
  const name = `${pick(['clip', 'x', '-rf', 'a b', '../../etc', '%2e%2e', 'ünï'])}.${pick(['mp4', 'm3u8', 'mkv', 'txt', 'jpg', 'ts', 'h264', ''])}`;
  if (kind === 0) return { name, bytes: mutate(clip) };
  if (kind === 1) return { name, bytes: Buffer.from(Array.from({ length: 1 + int(20_000) }, () => int(256))) };
  if (kind === 2) return { name, bytes: Buffer.from(pick(PLAYLISTS())) };
  if (kind === 3) return { name, bytes: pick([Buffer.alloc(0), Buffer.from('{"a":1}'), Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.from('GIF89a'), Buffer.from('RIFF....WEBPVP8 ')]) };
  return { name, bytes: clip };
}

const SCHEMES = ['http', 'https', 'HTTP', 'rtmp', 'rtsp', 'file', 'concat', 'data', 'gopher', 'ftp', 'udp', 'tcp', 'hls+http', 'subfile', 'crypto', 'pipe', 'srt', 'rtmpt'];
const HOSTS = () => [
  '127.0.0.1', `127.0.0.1:${internal.port}`, 'localhost', '0x7f000001', '2130706433', '0177.0.0.1', '127.1', '0', '[::1]', '[::ffff:127.0.0.1]',
  '[::127.0.0.1]', '[64:ff9b::7f00:1]', '[64:ff9b::a9fe:a9fe]', '[2002:7f00:1::]', '[::]', '169.254.169.254', 'internal.test', 'mixed.test',
  'meta.test', 'v6.test', 'nowhere.test', `1.2.3.4\\@127.0.0.1:${internal.port}`, `a@127.0.0.1:${internal.port}`, `127.0.0.1:${media.port}`,
  `127.0.0.1%2f@127.0.0.1:${internal.port}`, `127.0.0.1:${internal.port}#@127.0.0.1:${media.port}`, `[::1]:${internal.port}`, '①②⑦.0.0.1', '127。0。0。1',
];
const PATHS = ['/clip.mp4', '/redir', '/list.m3u8', '/junk', '/x.mp4?token=abc', '/%2e%2e/%00', '/a\tb', '/a\nHost: x', '/clip.mp4#frag', ''];

function urlCase(): string {
  const r = int(10);
  if (r === 0) return Array.from({ length: 1 + int(60) }, () => String.fromCharCode(int(128))).join('');
  if (r === 1) return `${pick(SCHEMES)}:${pick(['/etc/passwd', `//${pick(HOSTS())}`, 'a|b', ''])}`;
  return `${pick(SCHEMES)}://${pick(HOSTS())}${pick(PATHS)}`;
}

const started: string[] = [];
const post = (url: unknown) => fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });

describe(`fuzz (seed ${SEED})`, () => {
  it('uploads: 60 generated files get documented answers', { timeout: 150_000 }, async () => {
    for (let i = 0; i < 60; i++) {
      const { name, bytes } = uploadCase();
      const form = new FormData();
      form.append('video', new Blob([bytes]), name);
      counts.uploads++;
      const info = await record(`upload ${name}`, await fetch(`${srv.url}/api/analyses/upload`, { method: 'POST', body: form }));
      if (info) started.push(info.id);
      if (started.length >= 4) for (const id of started.splice(0)) await waitFinal(srv.url, id, {}, 30_000);
    }
    for (const id of started.splice(0)) await waitFinal(srv.url, id, {}, 30_000);
    // wrong request types on the upload route
    for (const [ct, body] of [['application/json', '{"url":1}'], ['multipart/form-data', 'x'], ['multipart/form-data; boundary=b', '--b\r\n\r\n'], ['text/plain', 'hello'], ['', '']] as const) {
      await record(`upload as ${ct}`, await fetch(`${srv.url}/api/analyses/upload`, { method: 'POST', headers: ct ? { 'content-type': ct } : {}, body }));
    }
    expect(counts.undocumented).toEqual([]);
  });

  it('URLs: 250 generated stream URLs get documented answers and no forbidden fetch', async () => {
    for (let i = 0; i < 250; i++) {
      const url = urlCase();
      counts.urls++;
      const info = await record(`url ${JSON.stringify(url)}`, await post(url));
      if (info) await waitFinal(srv.url, info.id, {}, 30_000);
    }
    for (const body of [{}, { url: 1 }, { url: ['a'] }, { url: 'x'.repeat(5000) }, { url: 'http://a', extra: 1 }, { url: null }]) {
      await record(`url body ${JSON.stringify(body).slice(0, 40)}`, await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    }
    await record('url body not JSON', await fetch(`${srv.url}/api/analyses/url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"url":' }));
    expect(counts.undocumented).toEqual([]);
    expect(internal.requests).toEqual([]);
  });

  it('WebSocket: 400 generated client messages on a live feed never take the server down', async () => {
    const r = await post(live.url.replace('/live.mkv', '/live.mkv'));
    const info = await record('live url', r);
    expect(info).not.toBeNull();
    const feed = `${srv.url.replace('http', 'ws')}/api/analyses/${(info as AnalysisInfo).id}/feed`;
    const messages = (): (string | Buffer)[] => [
      JSON.stringify({ v: 1, type: 'resume', since: pick([-1, -2, 0, 1e9, 1.5, -1e308, Number.MAX_SAFE_INTEGER]) }),
      JSON.stringify({ v: pick([0, 1, 2, '1']), type: pick(['resume', 'ping', 'hello', 'frame', '__proto__']), since: pick(['1', null, {}, []]) }),
      JSON.stringify({ v: 1, type: 'ping', extra: 'x'.repeat(int(3000)) }),
      '{"__proto__":{"polluted":1},"v":1,"type":"ping"}',
      Buffer.from(Array.from({ length: int(5000) }, () => int(256))),
      Array.from({ length: int(200) }, () => String.fromCharCode(int(65536))).join(''),
      'null', '[]', '1', '"x"', '',
    ];
    let sent = 0;
    let closes = 0;
    for (let tries = 0; sent < 400 && tries < 2000; tries++) {
      const ws = new WebSocket(`${feed}${pick(['', '?since=-1', '?since=99999999', '?since=abc', '?since=-5'])}`);
      const closed = new Promise<void>((res) => ws.on('close', () => res()));
      ws.on('error', () => undefined);
      await new Promise<void>((res) => {
        ws.on('open', () => res());
        ws.on('unexpected-response', () => res());
        ws.on('close', () => res());
      });
      const burst = 1 + int(40);
      for (let i = 0; i < burst && ws.readyState === WebSocket.OPEN; i++, sent++) {
        const m = pick(messages());
        ws.send(m, { binary: typeof m !== 'string' });
        counts.cases++;
        counts.wsMessages++;
      }
      counts.wsConnections++;
      await new Promise((res) => setTimeout(res, int(50)));
      ws.terminate();
      await closed;
      closes++;
    }
    expect(closes).toBeGreaterThan(10);
    expect(((await (await fetch(`${srv.url}/api/health`)).json()) as { status: string }).status).toMatch(/ok|degraded/);
    await fetch(`${srv.url}/api/analyses/${(info as AnalysisInfo).id}/stop`, { method: 'POST' });
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('kept health under 1 s throughout', () => {
    expect(counts.worstHealthMs).toBeLessThan(1000);
    expect(counts.undocumented).toEqual([]);
  });
});
