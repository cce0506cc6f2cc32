import { describe, expect, it } from 'vitest';
import { frameRate, parseProbeOutput, rotationOf } from '../../src/ingest/probe-parse.js';

const video = (extra: Record<string, unknown> = {}) => ({
  index: 0,
  codec_type: 'video',
  codec_name: 'h264',
  profile: 'High',
  width: 1920,
  height: 1080,
  pix_fmt: 'yuv420p',
  sample_aspect_ratio: '1:1',
  r_frame_rate: '30/1',
  avg_frame_rate: '30/1',
  nb_frames: '300',
  duration: '10.000000',
  disposition: { default: 1, attached_pic: 0 },
  ...extra,
});
const audio = { index: 1, codec_type: 'audio', codec_name: 'aac' };
const fmt = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.500000' };

describe('parseProbeOutput', () => {
  it('reads a plain landscape file', () => {
    const facts = parseProbeOutput({ streams: [video(), audio], format: fmt });
    expect(facts).toMatchObject({ formatName: fmt.format_name, durationMs: 10500, hasAudio: true });
    expect(facts.video).toMatchObject({
      index: 0,
      width: 1920,
      height: 1080,
      displayWidth: 1920,
      displayHeight: 1080,
      rotation: 0,
      fps: 30,
      frameCount: 300,
      codec: 'h264',
      profile: 'High',
      pixelFormat: 'yuv420p',
      variableFrameRate: false,
      streamDurationMs: 10000,
    });
  });

  it('swaps the displayed size of a portrait phone video (display matrix -90)', () => {
    const s = video({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] });
    const v = parseProbeOutput({ streams: [s], format: fmt }).video;
    expect(v).toMatchObject({ width: 1920, height: 1080, rotation: 90, displayWidth: 1080, displayHeight: 1920 });
  });

  it('applies a non-square sample aspect ratio to the displayed width', () => {
    const s = video({ width: 720, height: 576, sample_aspect_ratio: '16:15' });
    expect(parseProbeOutput({ streams: [s], format: fmt }).video).toMatchObject({ displayWidth: 768, displayHeight: 576 });
    const unknownSar = video({ width: 720, height: 576, sample_aspect_ratio: '0:1' });
    expect(parseProbeOutput({ streams: [unknownSar], format: fmt }).video?.displayWidth).toBe(720);
  });

  it('flags variable frame rate when r_frame_rate and avg_frame_rate disagree', () => {
    const s = video({ r_frame_rate: '50/1', avg_frame_rate: '125/8' });
    expect(parseProbeOutput({ streams: [s], format: fmt }).video).toMatchObject({ fps: 15.625, variableFrameRate: true });
    const ntsc = video({ r_frame_rate: '30000/1001', avg_frame_rate: '2997/100' });
    expect(parseProbeOutput({ streams: [ntsc], format: fmt }).video?.variableFrameRate).toBe(false);
  });

  it('skips cover art and picks the largest real video stream', () => {
    const cover = video({ index: 0, codec_name: 'mjpeg', width: 3000, height: 3000, disposition: { attached_pic: 1 } });
    const small = video({ index: 1, width: 320, height: 240 });
    const large = video({ index: 2, width: 640, height: 480 });
    expect(parseProbeOutput({ streams: [cover, small, large], format: fmt }).video?.index).toBe(2);
    expect(parseProbeOutput({ streams: [audio, cover], format: fmt }).video).toBeNull();
  });

  it('turns what ffprobe leaves out into null, never NaN', () => {
    const live = video({ nb_frames: undefined, duration: undefined, avg_frame_rate: '0/0', r_frame_rate: '90000/1', profile: 'unknown' });
    const facts = parseProbeOutput({ streams: [live], format: { format_name: 'flv' } });
    expect(facts.durationMs).toBeNull();
    expect(facts.video).toMatchObject({ fps: null, frameCount: null, profile: null, variableFrameRate: false, streamDurationMs: null });
    expect(parseProbeOutput({})).toEqual({ formatName: 'unknown', durationMs: null, hasAudio: false, streamTypes: [], video: null });
    expect(parseProbeOutput('garbage').video).toBeNull();
  });
});

describe('rotationOf', () => {
  it.each([
    [{}, 0],
    [{ tags: { rotate: '90' } }, 90],
    [{ tags: { rotate: '-90' } }, 270],
    [{ tags: { rotate: '180' } }, 180],
    [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }, 90],
    [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 90 }] }, 270],
    [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 180 }] }, 180],
    [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -89.9 }] }, 90],
    [{ side_data_list: [{ side_data_type: 'Display Matrix', rotation: 0 }], tags: { rotate: '90' } }, 0],
  ])('%j -> %i', (stream, expected) => {
    expect(rotationOf(stream)).toBe(expected);
  });
});

describe('frameRate', () => {
  it.each([
    ['25/1', 25],
    ['30000/1001', 30000 / 1001],
    ['0/0', null],
    ['90000/1', null],
    ['abc', null],
    [undefined, null],
  ])('%s -> %s', (value, expected) => {
    expect(frameRate(value)).toBe(expected);
  });
});
