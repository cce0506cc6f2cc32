import { describe, expect, it } from 'vitest';
import { resolveSourceOptions } from '../../src/ingest/source-options.js';

describe('resolveSourceOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveSourceOptions({ streamId: 's', analysisWidth: 640 })).toEqual({
      streamId: 's',
      analysisWidth: 640,
      fps: undefined,
      live: undefined,
      liveSlots: 2,
      readAhead: 4,
      ffmpegPath: 'ffmpeg',
      ffprobePath: 'ffprobe',
      probeTimeoutMs: 15_000,
      stallTimeoutMs: 20_000,
      stillPresentations: 16,
    });
  });

  it.each([
    { streamId: '', analysisWidth: 640 },
    { streamId: 's', analysisWidth: 0 },
    { streamId: 's', analysisWidth: 640, fps: 0 },
    { streamId: 's', analysisWidth: 640, fps: Number.NaN },
    { streamId: 's', analysisWidth: 640, liveSlots: 0 },
    { streamId: 's', analysisWidth: 640, readAhead: 1.5 },
    { streamId: 's', analysisWidth: 640, stallTimeoutMs: -1 },
  ])('rejects %j with E_CONFIG', (opts) => {
    expect(() => resolveSourceOptions(opts)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
