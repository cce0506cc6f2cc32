import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/server/metrics.js';

describe('Prometheus metrics', () => {
  it('exposes the standard process and runtime metrics under their usual names', () => {
    const m = new Metrics();
    try {
      const text = m.render();
      for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
        expect(text).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
        expect(text).toMatch(new RegExp(`^${name} [0-9.e+-]+$`, 'm'));
      }
      expect(Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(1e6);
    } finally {
      m.close();
    }
  });

  it('removes an analysis\'s series when it ends', () => {
    const m = new Metrics();
    try {
      m.fps.set({ analysis: 'a1' }, 12.5);
      m.fps.set({ analysis: 'a2' }, 3);
      expect(m.render()).toContain('fakescope_analysis_fps{analysis="a1"} 12.5');
      m.forgetAnalysis('a1');
      const text = m.render();
      expect(text).not.toContain('analysis="a1"');
      expect(text).toContain('fakescope_analysis_fps{analysis="a2"} 3');
    } finally {
      m.close();
    }
  });
});
