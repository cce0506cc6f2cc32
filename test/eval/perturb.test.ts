import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakescopeError } from '../../src/errors.js';
import type { Perturbation } from '../../src/eval/perturb.js';
import { PERTURBATIONS, jpegQualityForCrf, perturbArgs, perturbVideo, perturbationByName } from '../../src/eval/perturb.js';
import { probe } from '../../src/ingest/index.js';
import { makeClip, tempDir } from '../helpers/media.js';

const run = promisify(execFile);

let dir: string;
let cleanup: () => Promise<void>;
let clip: string;
/** Long enough to encode that an abort lands while ffmpeg runs. */
let slow: string | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('fakescope-perturb-'));
  clip = await makeClip(dir, { width: 160, height: 120, seconds: 0.4, audio: true, name: 'clip.mp4' });
});
afterAll(() => cleanup());

/** The first frame as RGB24 at the clip's own size. */
async function firstFrame(path: string): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 24,
  });
  return stdout;
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
  return s / a.length;
}

async function refusal(promise: Promise<unknown>): Promise<FakescopeError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FakescopeError);
  expect((e as FakescopeError).message).not.toContain('\n');
  return e as FakescopeError;
}

describe('perturbations', () => {
  it('has unique names and a one-line description each', () => {
    const names = PERTURBATIONS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['recompress-crf38', 'resize-half', 'noise-12', 'blur-2']));
    for (const p of PERTURBATIONS) expect(p.description).toMatch(/^[^\n]{10,120}$/);
    expect(perturbationByName('blur-2').filter).toBe('gblur=sigma=2');
    expect(() => perturbationByName('sharpen')).toThrow(/unknown perturbation "sharpen".*recompress-crf38/);
  });

  it('builds a video-only libx264 encode that keeps the frame timing', () => {
    const args = perturbArgs('file:/a.mp4', 0, perturbationByName('recompress-crf38'), '/o.mp4');
    expect(args).toEqual(expect.arrayContaining(['-an', '-crf', '38', '-c:v', 'libx264', '-fps_mode', 'passthrough']));
    expect(args[args.indexOf('-vf') + 1]).toBe('crop=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p');
    const noise = perturbArgs('file:/a.mp4', 1, perturbationByName('noise-12'), '/o.mp4');
    expect(noise[noise.indexOf('-vf') + 1]).toMatch(/^noise=alls=12:allf=t,/);
    expect(noise[noise.indexOf('-map') + 1]).toBe('0:1');
  });

  it.each(PERTURBATIONS.map((p) => [p.name, p] as const))('%s writes a decodable, different, video-only copy', async (_name, p) => {
    const out = await perturbVideo(clip, p, join(dir, 'out'));
    expect(out).toBe(join(dir, 'out', `clip.${p.name}.mp4`));
    const [before, after] = await Promise.all([probe(clip), probe(out)]);
    expect(after.codec).toBe('h264');
    expect(after.hasAudio).toBe(false);
    expect(after.frameCount).toBe(before.frameCount);
    if (p.name === 'resize-half') {
      expect([after.width, after.height]).toEqual([80, 60]);
      return;
    }
    expect([after.width, after.height]).toEqual([160, 120]);
    expect(meanAbsDiff(await firstFrame(clip), await firstFrame(out))).toBeGreaterThan(0.2);
  });

  it('recompresses a still image as one JPEG picture, still a still', async () => {
    const png = join(dir, 'photo.png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120', '-frames:v', '1', png]);
    const out = await perturbVideo(png, perturbationByName('noise-12'), join(dir, 'out'));
    expect(out).toBe(join(dir, 'out', 'photo.noise-12.jpg'));
    expect(await probe(out)).toMatchObject({ still: true, codec: 'mjpeg', width: 160, height: 120 });
    expect(jpegQualityForCrf(18)).toBe(5);
    expect(jpegQualityForCrf(51)).toBe(27);
  });

  it('refuses a missing input with a coded one-line error', async () => {
    const e = await refusal(perturbVideo(join(dir, 'nope.mp4'), perturbationByName('blur-2'), join(dir, 'out')));
    expect(e.code).toBe('E_INPUT_MISSING');
    expect(e.message).toMatch(/nope\.mp4: no such file/);
  });

  it('names the perturbation when ffmpeg fails, and leaves no partial output', async () => {
    const broken: Perturbation = { name: 'broken', description: 'a filter this ffmpeg lacks', filter: 'nosuchfilter=1', crf: 18 };
    const e = await refusal(perturbVideo(clip, broken, join(dir, 'broken')));
    expect(e.code).toBe('E_FFMPEG_FAILED');
    expect(e.message).toMatch(/^perturbation broken: .*clip\.mp4/);
    expect(existsSync(join(dir, 'broken')) ? readdirSync(join(dir, 'broken')) : []).toEqual([]);
  });

  it.each([0, 150])('stops with E_STOPPED when aborted after %i ms, leaving no output', async (ms) => {
    const controller = new AbortController();
    const outDir = join(dir, `aborted-${ms}`);
    slow ??= await makeClip(dir, { width: 640, height: 480, seconds: 4, name: 'slow.mp4' });
    const pending = perturbVideo(slow, perturbationByName('noise-12'), outDir, controller.signal, { preset: 'slow' });
    setTimeout(() => controller.abort(), ms);
    const e = await refusal(pending);
    expect(e.code).toBe('E_STOPPED');
    expect(existsSync(join(outDir, 'slow.noise-12.mp4'))).toBe(false);
  });
});
