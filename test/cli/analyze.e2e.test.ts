import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapFor, plattProbability } from '../../src/core/platt.js';
import type { Report } from '../../src/pipeline/report-schema.js';
import { makeFaceImage } from '../helpers/synthetic-face.js';

/**
 * `fakescope analyze` end to end, as a user runs it: the compiled CLI (dist/, built by `npm ci`'s
 * prepare step or `npm run build`) on clips generated with ffmpeg's lavfi.
 */
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const ROOT = join(import.meta.dirname, '..', '..');
const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'media');
let dir: string;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) spawnSync('npm', ['run', 'build'], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'fakescope-cli-'));
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
  writeFileSync(join(dir, 'notes.txt'), 'this is not a video\n');
  writeFileSync(join(dir, 'notes.jpg'), 'this is not a photo either\n');
  for (const ext of ['jpg', 'png', 'webp']) await makeFaceImage(join(dir, `face.${ext}`), 480, 360, [{ cx: 240, cy: 180, size: 70 }]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fakescope analyze', () => {
  it('runs as the README writes it, `npx fakescope` (the build leaves the bin executable)', async () => {
    // tsc writes a new dist/src/cli/main.js without the exec bit; `npm run build` (npm ci's prepare)
    // sets it. Without it npx fails with "fakescope: Permission denied" on a fresh clone.
    const { stdout } = await run('npx', ['--no-install', 'fakescope', '--version'], { cwd: ROOT, timeout: 60_000 });
    expect(stdout.trim()).toMatch(/^fakescope \d+\.\d+\.\d+$/);
  });

  it('analyses a clip: one result per frame, a versioned report, NDJSON lines and a summary', async () => {
    const out = join(dir, 'report.json');
    const nd = join(dir, 'frames.ndjson');
    const r = await cli(['analyze', join(dir, 'clip.mp4'), '--out', out, '--ndjson', nd, '--overlays', join(dir, 'ov'), '--overlay-every', '10']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.schemaVersion).toBe(1);
    expect(report.input.media.fps).toBeCloseTo(25, 5);
    expect(report.analysis.complete).toBe(true);
    expect(report.frames.map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(report.frames[1]!.ptsMs).toBeCloseTo(40, 5);
    expect(report.summary.frames).toBe(50);
    // A test pattern has no face and no detector ran: the verdict must abstain, not guess.
    expect(report.summary.framesWithFaces).toBe(0);
    expect(report.summary.verdict).toBe('uncertain');
    expect(report.summary.pFake).toBeNull();
    const lines = readFileSync(nd, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual(report.frames.map((f) => f.seq));
    expect(readdirSync(join(dir, 'ov')).sort()).toEqual(['frame-000000.jpg', 'frame-000010.jpg', 'frame-000020.jpg', 'frame-000030.jpg', 'frame-000040.jpg']);
    expect(r.stdout).toMatch(/verdict: UNCERTAIN/);
    expect(r.stdout).toMatch(/analysed 50 frames at 320×240/);
    // The answer in words comes first, and stdout is not a terminal: no colour codes.
    expect(r.stdout.split('\n')[0]).toBe(`${join(dir, 'clip.mp4')}: Can't tell`);
    expect(r.stdout).toMatch(/no face could be analysed/);
    expect(r.stdout.includes('\x1b[')).toBe(false);
  });

  it('prints a JSON summary for scripts with --json, and nothing else on stdout', async () => {
    const out = join(dir, 'rj.json');
    const r = await cli(['analyze', join(dir, 'clip.mp4'), '--fps', '5', '--json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as Record<string, unknown>;
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(summary).toMatchObject({
      schema: 'fakescope.summary/1',
      verdict: report.summary.verdict,
      why: 'no-answer',
      headline: "Can't tell",
      frames: 10,
      faces: [],
      report: out,
    });
  });

  it('honours --fps and --width', async () => {
    const out = join(dir, 'r5.json');
    const r = await cli(['analyze', join(dir, 'clip.mp4'), '--fps', '5', '--width', '160', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.analysis.width).toBe(160);
    expect(report.analysis.height).toBe(120);
    expect(report.summary.frames).toBe(10);
  });

  it.each([
    ['a missing file', ['analyze', 'no/such/clip.mp4'], 1, /no such file|not found|does not exist/i],
    ['a text file', ['analyze', '__notes__'], 1, /not a video|no video|invalid data/i],
    ['a refused URL scheme', ['analyze', 'file:///etc/passwd'], 1, /refused|not allowed|scheme/i],
    ['an unknown detector', ['analyze', '__clip__', '--detectors', 'nope'], 2, /unknown detector "nope"/],
    ['a bad flag value', ['analyze', '__clip__', '--fps', 'fast'], 2, /--fps needs a positive number/],
    ['no input', ['analyze'], 2, /exactly one input/],
  ])('refuses %s with a one-line error and a non-zero exit', async (_name, args, code, message) => {
    const a = args.map((x) => (x === '__notes__' ? join(dir, 'notes.txt') : x === '__clip__' ? join(dir, 'clip.mp4') : x));
    const r = await cli(a);
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^fakescope: error: /);
    expect(r.stderr).toMatch(message);
  });

  it.each(['jpg', 'png', 'webp'])('analyses a photo (%s): the blind detector judges the face, rPPG is not applicable', async (ext) => {
    const out = join(dir, `photo-${ext}.json`);
    const r = await cli(['analyze', join(dir, `face.${ext}`), '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { still: boolean; faces: unknown[]; detectors: Record<string, { applicable: boolean; pFake: number | null }>; headline: string };
    expect(summary.still).toBe(true);
    expect(summary.faces).toHaveLength(1);
    expect(summary.detectors.rppg).toMatchObject({ applicable: false, pFake: null });
    expect(summary.detectors['blind-faceres-sbi-mcd']).toMatchObject({ applicable: true, pFake: expect.any(Number) });
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.input.media.still).toBe(true);
    const rppgOutputs = report.frames.flatMap((f) => f.faces.map((x) => x.detectors.rppg));
    expect(rppgOutputs.every((o) => o?.state === 'skipped' && o.reason === 'not applicable to a still image')).toBe(true);
    // The same verdict rules: the summary's verdict is the fused blind score under the policy,
    // through the policy's Platt map for the blind detector alone (identity does not apply to a
    // still, so the blind + identity map would overstate it); the fused uncertainty keeps the unmapped mean.
    const blind = report.detectors['blind-faceres-sbi-mcd']!.pFake!;
    const map = report.summary.policy.calibration;
    expect(map?.subsets?.map((m) => m.detectors)).toContainEqual(['blind-faceres-sbi-mcd']);
    expect(report.detectors.identity).toMatchObject({ applicable: false, pFake: null });
    expect(report.summary.pFake).toBeCloseTo(plattProbability(blind, mapFor(map, ['blind-faceres-sbi-mcd'])!), 12);
    expect(report.summary.uncertainty?.mean).toBeCloseTo(blind, 12);
  });

  it('writes the printable HTML report with a thumbnail of the analysed picture', async () => {
    const html = join(dir, 'photo.html');
    const r = await cli(['analyze', join(dir, 'face.jpg'), '--html', html, '--quiet']);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toMatch(/<h1 id="headline">(Likely manipulated|No sign of manipulation found|Can&#39;t tell)<\/h1>/);
    expect(page).toMatch(/<img src="data:image\/jpeg;base64,\/9j\//);
    expect(page).toContain('Face #1');
    expect(page).toMatch(/role="img" aria-label="score per face region: /);
    expect(page).toContain('not applicable'); // rPPG on a photo
  });

  it.each([
    ['a text file named .jpg', '__notesjpg__', /notes\.jpg: is a text file, not an image or a video/],
    ['a PNG header claiming 30000×30000 px', '__huge__', /huge\.png: is not a readable image/],
  ])('refuses %s with a one-line error', async (_name, which, message) => {
    if (which === '__huge__') writeFileSync(join(dir, 'huge.png'), hugePng());
    const r = await cli(['analyze', join(dir, which === '__huge__' ? 'huge.png' : 'notes.jpg')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('prints help and version', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/fakescope analyze <file\|url>/);
    expect((await cli(['--version'])).stdout).toMatch(/^fakescope \d+\.\d+\.\d+/);
  });
});

describe.skipIf(!existsSync(SHARED))('fakescope analyze on a development clip', () => {
  it('finds and tracks the face of a real clip', async () => {
    const out = join(dir, 'real.json');
    const r = await cli(['analyze', join(SHARED, 'real_hdtf_WDA_AOC_000.mp4'), '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.summary.framesWithFaces / report.summary.frames).toBeGreaterThan(0.95);
    expect(report.summary.tracks).toBe(1);
    const face = report.frames[0]!.faces[0]!;
    // Landmarks lie inside the box and the eyes are above the mouth.
    expect(face.landmarks.leftEye.y).toBeLessThan(face.landmarks.mouth.y);
    expect(face.landmarks.noseTip.x).toBeGreaterThan(face.box.x);
    expect(face.landmarks.noseTip.x).toBeLessThan(face.box.x + face.box.w);
    // The shipped calibration is in force and stated; a source estimate comes with its entropy.
    expect(report.summary.policy.source).toMatch(/^fitted by fakescope calibrate/);
    expect(report.summary.policy.weights).toBeDefined();
    expect(report.summary.attribution?.classes).toContain('real');
    expect(report.summary.attribution?.entropy).toBeGreaterThanOrEqual(0);
    expect(Object.keys(report.summary.features)).toContain('blind-faceres-sbi-mcd.epistemic');
  });
});

/** A PNG signature and an IHDR chunk claiming 30000×30000 px: no picture behind it. */
function hugePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30000, 0);
  ihdr.writeUInt32BE(30000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), Buffer.from(type), data, Buffer.alloc(4)]);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(8)), chunk('IEND', Buffer.alloc(0))]);
}

if (!existsSync(SHARED)) {
  console.warn(`skipping the development-clip CLI test: ${SHARED} is absent (it holds research media that is never copied into the repo)`);
}
