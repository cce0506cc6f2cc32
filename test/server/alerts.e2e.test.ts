import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signPayload } from '../../src/server/webhooks.js';
import type { AlertMsg, AlertWire, AnalysisInfo } from '../../src/server/wire.js';
import { sharedMedia, tempDir } from '../helpers/media.js';
import { scriptedRegistry } from './fake-detector.js';
import { collectWs, startServer, upload } from './helpers.js';

/**
 * Alerts through the whole server: a scripted detector whose MC samples disagree on frames 30–44
 * of a real face clip → one alert (start … end) on the feed, in /alerts, and POSTed, signed, to a
 * webhook receiver on 127.0.0.1. Needs faces, so it uses ../shared/media (skipped without it).
 */
describe('epistemic-spike alerts end to end', () => {
  it('pushes alerts over the feed and signed webhooks, and stores them', async (ctx) => {
    const src = sharedMedia('fake_dfdc_widuwuoiur.mp4');
    if (!src) {
      console.log('skipped: ../shared/media is absent');
      ctx.skip();
      return;
    }
    const media = await tempDir();
    const received: { body: string; sig: string }[] = [];
    const rx = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += String(c)));
      req.on('end', () => {
        received.push({ body, sig: String(req.headers['x-fakescope-signature']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hook`;
    const srv = await startServer({
      registry: scriptedRegistry(30, 45),
      rest: { detectors: [{ type: 'scripted', name: 'mc-demo' }] },
      server: { feed: { overlayEveryMs: 0 }, alerts: { minBaselineFrames: 10, minDurationMs: 100 }, webhooks: { targets: [{ url: hook, secret: 'shh' }] } },
    });
    try {
      const clip = join(media.dir, 'face.mp4');
      spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-t', '2.4', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', clip]);
      const res = await upload(srv.url, clip, await readFile(clip));
      const { id } = (await res.json()) as AnalysisInfo;
      const feed = await collectWs(`${srv.url.replace('http', 'ws')}/api/analyses/${id}/feed`);
      const alerts = feed.messages.filter((m): m is AlertMsg => m.type === 'alert').map((m) => m.alert);
      expect(alerts.map((a) => a.phase)).toEqual(['start', 'end']);
      expect(alerts[1]).toMatchObject({ trackId: expect.any(Number), startSeq: 30, endSeq: 44, detectors: ['mc-demo'] });
      const stored = ((await (await fetch(`${srv.url}/api/analyses/${id}/alerts`)).json()) as { alerts: AlertWire[] }).alerts;
      expect(stored).toEqual(alerts);
      await srv.live.webhooks.idle();
      expect(received.map((r) => (JSON.parse(r.body) as AlertMsg).alert.phase)).toEqual(['start', 'end']);
      for (const r of received) expect(r.sig).toBe(signPayload('shh', r.body));
      expect(await (await fetch(`${srv.url}/api/metrics`)).text()).toContain('fakescope_webhook_deliveries_total{outcome="ok"} 2');
    } finally {
      await srv.close();
      rx.close();
      await media.cleanup();
    }
  });
});
