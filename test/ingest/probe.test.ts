import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakescopeError } from '../../src/errors.js';
import { probe } from '../../src/ingest/index.js';
import {
  makeAudioOnly,
  makeClip,
  makeEmptyFile,
  makeMp3WithCover,
  makeRandomBytes,
  makeTextFile,
  makeTruncated,
  makeVfrClip,
  tempDir,
} from '../helpers/media.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

async function refusal(input: string, opts = {}): Promise<FakescopeError> {
  try {
    await probe(input, opts);
  } catch (e) {
    if (e instanceof FakescopeError) {
      expect(e.message).not.toContain('\n');
      return e;
    }
    throw e;
  }
  throw new Error(`expected ${input} to be refused`);
}

describe('probe: what it reports', () => {
  it('describes a plain clip', async () => {
    const info = await probe(await makeClip(dir, { audio: true }));
    expect(info).toEqual({
      durationMs: expect.any(Number),
      fps: 25,
      width: 320,
      height: 240,
      displayWidth: 320,
      displayHeight: 240,
      rotation: 0,
      codec: 'h264',
      pixelFormat: 'yuv420p',
      profile: expect.any(String),
      hasAudio: true,
      frameCount: 25,
      variableFrameRate: false,
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
      still: false,
    });
    expect(info.durationMs).toBeGreaterThanOrEqual(1000);
    expect(info.durationMs).toBeLessThan(1100);
  });

  it('sees H.264 High 4:4:4 in yuv444p', async () => {
    const info = await probe(await makeClip(dir, { pixFmt: 'yuv444p', seconds: 0.4 }));
    expect(info).toMatchObject({ pixelFormat: 'yuv444p', profile: expect.stringMatching(/4:4:4/) });
  });

  it('reports the displayed size of a rotated clip', async () => {
    const info = await probe(await makeClip(dir, { width: 320, height: 180, rotate: 90, seconds: 0.4 }));
    expect(info.rotation % 180).toBe(90);
    expect(info).toMatchObject({ width: 320, height: 180, displayWidth: 180, displayHeight: 320 });
  });

  it('flags a variable-frame-rate clip', async () => {
    const { path } = await makeVfrClip(dir);
    expect((await probe(path)).variableFrameRate).toBe(true);
  });
});

describe('probe: refusals', () => {
  it('refuses a missing file, an empty file and a directory', async () => {
    expect((await refusal(join(dir, 'nope.mp4'))).code).toBe('E_INPUT_MISSING');
    expect((await refusal(await makeEmptyFile(dir))).code).toBe('E_INPUT_EMPTY');
    await mkdir(join(dir, 'folder.mp4'));
    expect((await refusal(join(dir, 'folder.mp4'))).code).toBe('E_INPUT_NOT_VIDEO');
  });

  it('refuses a text file as not a video, even when named .mp4', async () => {
    const txt = await refusal(await makeTextFile(dir));
    expect(txt.code).toBe('E_INPUT_NOT_VIDEO');
    expect(txt.message).toMatch(/text file/);
    expect((await refusal(await makeTextFile(dir, 'fake.mp4'))).code).toBe('E_INPUT_NOT_VIDEO');
  });

  it.each(['mp3', 'wav', 'm4a'] as const)('says an audio-only %s has no video stream', async (ext) => {
    const e = await refusal(await makeAudioOnly(dir, ext));
    expect(e.code).toBe('E_INPUT_NOT_VIDEO');
    expect(e.message).toMatch(/has no video stream/);
  });

  it('does not take mp3 cover art for video', async () => {
    const e = await refusal(await makeMp3WithCover(dir));
    expect(e.message).toMatch(/has no video stream/);
  });

  it('accepts a still image and marks it', async () => {
    const png = join(dir, 'still.png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-frames:v', '1', png]);
    expect(await probe(png)).toMatchObject({ still: true, width: 64, height: 64, codec: 'png', durationMs: null });
  });

  it('refuses a text file named .jpg and a PNG whose header claims 30000×30000 px, in one line', async () => {
    const txt = join(dir, 'notes.jpg');
    writeFileSync(txt, 'this is not a photo\n');
    const t = await refusal(txt);
    expect(t.code).toBe('E_INPUT_NOT_VIDEO');
    expect(t.message).toMatch(/notes\.jpg: is a text file, not an image or a video/);
    expect(t.message.split('\n')).toHaveLength(1);
    const huge = join(dir, 'huge.png');
    writeFileSync(huge, pngHeader(30000, 30000));
    const h = await refusal(huge);
    expect(h.message).toMatch(/huge\.png: is not a readable image/);
  });

  it('refuses random bytes and a truncated file without its index as corrupt', async () => {
    expect((await refusal(await makeRandomBytes(dir))).code).toBe('E_INPUT_CORRUPT');
    const clip = await makeClip(dir, { faststart: false, name: 'moov_last.mp4' });
    const e = await refusal(await makeTruncated(clip, 0.3, 'moov_last_cut.mp4'));
    expect(e.code).toBe('E_INPUT_CORRUPT');
    expect(e.message).toMatch(/moov atom not found/);
  });

  it('accepts a truncated file whose index survived (decoding then reports it)', async () => {
    const clip = await makeClip(dir, { seconds: 2, name: 'moov_first.mp4' });
    expect((await probe(await makeTruncated(clip, 0.3, 'moov_first_cut.mp4'))).frameCount).toBe(50);
  });

  it('refuses URL schemes that would let ffmpeg read anything', async () => {
    for (const input of ['file:/etc/passwd', 'concat:/etc/passwd|/etc/hosts', 'data:text/plain,hi', 'subfile:,,start,0,end,9,:/etc/passwd', 'pipe:0']) {
      expect((await refusal(input)).code).toBe('E_INPUT_REFUSED');
    }
  });

  it('fails fast on a dead URL', async () => {
    const started = Date.now();
    const e = await refusal('http://127.0.0.1:9/x.mp4');
    expect(e.code).toBe('E_INPUT_UNREACHABLE');
    expect(e.message).toMatch(/Connection refused/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up on a server that never answers', async () => {
    const server: Server = createServer(() => undefined); // accepts, says nothing
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const e = await refusal(`http://127.0.0.1:${port}/x.mp4`, { timeoutMs: 500 });
      expect(e.code).toBe('E_INPUT_UNREACHABLE');
      expect(e.message).toMatch(/timed out/);
    } finally {
      server.close();
    }
  });

  it('says when ffprobe is missing', async () => {
    const e = await refusal(await makeClip(dir, { seconds: 0.2, name: 'any.mp4' }), { ffprobePath: '/nonexistent/ffprobe' });
    expect(e.code).toBe('E_FFMPEG_MISSING');
    expect(e.message).toMatch(/apt-get install ffmpeg/);
  });
});

/** A PNG signature and an IHDR chunk claiming `w`×`h` pixels, with a token IDAT: no real picture. */
function pngHeader(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(8)), chunk('IEND', Buffer.alloc(0))]);
}
