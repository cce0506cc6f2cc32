import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/server/metrics.js';

describe('Prometheus metrics (prom-client)', () => {
  it('exposes the standard process and runtime metrics under their usual names', async () => {
    const m = new Metrics();
    try {
      const text = await m.render();
      for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
        expect(text).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
        expect(text).toMatch(new RegExp(`^${name} [0-9.e+-]+`, 'm'));
      }
      expect(Number(/^process_resident_memory_bytes (\S+)/m.exec(text)?.[1])).toBeGreaterThan(1e6);
      expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      m.close();
    }
  });

  it("removes an analysis's series when it ends", async () => {
    const m = new Metrics();
    try {
      m.fps.set({ analysis: 'a1' }, 12.5);
      m.fps.set({ analysis: 'a2' }, 3);
      expect(await m.render()).toContain('fakescope_analysis_fps{analysis="a1"} 12.5');
      m.forgetAnalysis('a1');
      const text = await m.render();
      expect(text).not.toContain('analysis="a1"');
      expect(text).toContain('fakescope_analysis_fps{analysis="a2"} 3');
    } finally {
      m.close();
    }
  });

  it('renders labelled counters and histograms, and keeps two servers apart', async () => {
    const a = new Metrics();
    const b = new Metrics();
    try {
      a.frames.inc({ stage: 'pipeline' });
      a.frames.inc({ stage: 'pipeline' }, 2);
      a.stageSeconds.observe({ stage: 'faces' }, 0.02);
      a.activeAnalyses.inc({}, 1);
      const text = await a.render();
      expect(text).toContain('fakescope_frames_total{stage="pipeline"} 3');
      expect(text).toContain('fakescope_stage_seconds_bucket{le="0.01",stage="faces"} 0');
      expect(text).toContain('fakescope_stage_seconds_bucket{le="0.025",stage="faces"} 1');
      expect(text).toContain('fakescope_stage_seconds_count{stage="faces"} 1');
      expect(text).toMatch(/^fakescope_active_analyses 1$/m);
      expect(await b.render()).not.toContain('stage="pipeline"');
    } finally {
      a.close();
      b.close();
    }
  });
});
