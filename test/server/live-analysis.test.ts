import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Analysis, ReportedFrame } from '../../src/app.js';
import { parseConfig } from '../../src/config/schema.js';
import type { FaceResult } from '../../src/pipeline/frame-result-schema.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { ReportBuilder } from '../../src/pipeline/report.js';
import { FeedClient } from '../../src/server/feed-client.js';
import { LiveAnalysis } from '../../src/server/live-analysis.js';
import { Metrics } from '../../src/server/metrics.js';
import { AnalysisStore } from '../../src/server/store.js';
import { WebhookDispatcher } from '../../src/server/webhooks.js';
import type { AlertMsg, AnalysisInfo } from '../../src/server/wire.js';

/**
 * LiveAnalysis on a synthetic result stream (no ffmpeg, no models): epistemic spikes become alert
 * messages, stored alerts and webhook payloads; replay serves a late client; the end stores the
 * report and closes clients. Virtual clock: `now` is injected.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function face(epistemic: number): FaceResult {
  return {
    trackId: 1,
    box: { x: 10, y: 10, w: 20, h: 20 },
    landmarks: {} as FaceResult['landmarks'],
    score: 0.9,
    source: 'detected',
    detectors: { d: { state: 'ok', pFake: 0.3, uncertainty: { mean: 0.3, std: 0.05, entropy: 0.6, aleatoric: 0.6 - epistemic, epistemic, samples: 8 } } },
  };
}

function fakeAnalysis(alerts = parseConfig({}).server.alerts) {
  const results = new Subject<ReportedFrame>();
  // as app.ts builds it: the builder's alert tracker is the only one (the feed sends its events)
  const builder = new ReportBuilder(['d'], true, null, null, new Set(), alerts);
  let resolve: (r: Report) => void = () => undefined;
  const report = new Promise<Report>((r) => (resolve = r));
  const snapshot = () =>
    builder.build(
      {
        tool: { name: 'fakescope', version: 'test' },
        input: { source: '/srv/uploads/x', media: {} as Report['input']['media'] },
        analysis: { width: 64, height: 64, fps: null, faceDetector: 'f', detectors: ['d'], startedAt: '', finishedAt: '', wallMs: 0, framesPerSecond: 0, droppedFrames: 0, detectorErrors: 0, complete: true },
      },
      policy,
    );
  const { fitted: _fitted, ...manual } = parseConfig({}).verdict;
  const policy = { ...manual, source: 'test' };
  const analysis = { source: { info: { still: false } } as Analysis['source'], detectorNames: ['d'], results, report, builder, snapshot, policy } as Analysis;
  const push = (seq: number, epistemic: number) => {
    const result = { streamId: 's', seq, ptsMs: seq * 40, width: 64, height: 64, faces: [face(epistemic)], endedTracks: [], timing: { facesMs: 1, detectorsMs: 1 } };
    builder.add(result);
    results.next({ frame: { streamId: 's', seq, ptsMs: seq * 40, width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) }, result, alerts: builder.lastAlerts });
  };
  const end = () => {
    results.complete();
    resolve(snapshot());
  };
  return { analysis, push, end };
}

class Sock {
  bufferedAmount = 0;
  readyState = 1;
  msgs: { type: string; seq?: number }[] = [];
  closeCode = 0;
  send(d: string) {
    this.msgs.push(JSON.parse(d));
  }
  close(code: number) {
    this.closeCode = code;
    this.readyState = 3;
  }
}

describe('LiveAnalysis', () => {
  it('turns an epistemic spike into alert start/end: feed, store and webhook; replays to late clients', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fakescope-live-'));
    dirs.push(dataDir);
    const config = parseConfig({ server: { dataDir, feed: { overlayEveryMs: 0 }, alerts: { minBaselineFrames: 5, minDurationMs: 0, closeAfterMs: 0 } } });
    const store = new AnalysisStore(dataDir);
    const sent: unknown[] = [];
    const webhooks = new WebhookDispatcher({ ...config.server.webhooks, targets: [{ url: 'http://127.0.0.1:9/h', secret: 'k' }], sleep: async () => undefined, fetch: (async (_u: string, init: { body: string }) => {
      sent.push(JSON.parse(init.body));
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch });
    const info: AnalysisInfo = { id: 'a1', kind: 'upload', input: 'clip.mp4', status: 'starting', createdAt: '', updatedAt: '', frames: 0, alerts: 0, error: null, verdict: null, media: null, live: false };
    store.create(info);
    const { analysis, push, end } = fakeAnalysis(config.server.alerts);
    let t = 0;
    const live = new LiveAnalysis(info, analysis, { config, store, metrics: new Metrics(), webhooks, now: () => (t += 10) });
    live.start();
    const early = new Sock();
    live.attach(new FeedClient(early, config.server.feed), -1);
    for (let i = 0; i < 10; i++) push(i, 0.01 + (i % 2) * 0.001);
    push(10, 0.3);
    push(11, 0.3);
    push(12, 0.01);
    const late = new Sock();
    live.attach(new FeedClient(late, config.server.feed), 5);
    end();
    await live.finished();
    await webhooks.idle();

    const alerts = early.msgs.filter((m): m is AlertMsg & { type: string } => m.type === 'alert');
    expect(alerts.map((a) => a.alert.phase)).toEqual(['start', 'end']);
    expect(alerts[1]?.alert).toMatchObject({ analysisId: 'a1', trackId: 1, startSeq: 10, endSeq: 11, detectors: ['d'], peak: { epistemic: 0.3 } });
    expect(store.alerts('a1').map((a) => a.phase)).toEqual(['start', 'end']);
    expect(sent.map((s) => (s as AlertMsg).alert.phase)).toEqual(['start', 'end']);
    expect(live.info).toMatchObject({ status: 'done', frames: 13, alerts: 1 });
    expect(early.closeCode).toBe(1000);
    // The late client got hello, then exactly the messages after seq 5, in order, then the rest live.
    const seqs = late.msgs.flatMap((m) => (m.seq !== undefined ? [m.seq] : []));
    expect(late.msgs[0]?.type).toBe('hello');
    expect(seqs[0]).toBe(6);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 6));
    expect(seqs.at(-1)).toBe(early.msgs.flatMap((m) => (m.seq !== undefined ? [m.seq] : [])).at(-1));
    const stored = store.reportPath('a1');
    expect(stored?.partial).toBe(false);
  });
});
