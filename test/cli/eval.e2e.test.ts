import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/types.js';
import { makeFaceImage } from '../helpers/synthetic-face.js';

/**
 * `fakescope calibrate` then `fakescope eval` end to end with the compiled CLI, on three short
 * development clips linked (never copied) from ../shared/media, plus a generated photo of a drawn
 * face (a set may mix videos and still images). Skipped when that folder is absent.
 */
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'media');
const CLIPS = [
  ['real_liveportrait-driving_d0.mp4', 'real', '-'],
  ['real_liveportrait-source_s13.mp4', 'real', '-'],
  ['fake_aniportrait_zl.mp4', 'fake', 'aniportrait'],
] as const;
const haveMedia = CLIPS.every(([f]) => existsSync(join(SHARED, f)));
if (!haveMedia) console.warn(`skipping fakescope eval/calibrate end-to-end: ${SHARED} is absent`);
let dir: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 300_000, env: { ...process.env, TMPDIR: dir } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: join(import.meta.dirname, '..', '..') });
  dir = mkdtempSync(join(tmpdir(), 'fakescope-eval-e2e-'));
  const ds = join(dir, 'set');
  mkdirSync(ds);
  if (haveMedia) for (const [f] of CLIPS) symlinkSync(join(SHARED, f), join(ds, f));
  await makeFaceImage(join(ds, 'photo.jpg'), 480, 360, [{ cx: 240, cy: 180, size: 70 }]);
  writeFileSync(join(ds, 'manifest.tsv'), `file\tlabel\tmethod\n${CLIPS.map((c) => c.join('\t')).join('\n')}\nphoto.jpg\treal\t-\n`);
  writeFileSync(join(dir, 'fast.json'), JSON.stringify({ analysis: { fps: 8 } }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveMedia)('fakescope calibrate + eval', () => {
  it('fits a policy and a source classifier, then evaluates with them and says they were fitted on the same set', async () => {
    const cal = await cli(['calibrate', join(dir, 'set'), '--out', join(dir, 'fitted'), '--config', join(dir, 'fast.json'), '--segment-frames', '8']);
    expect(cal.stderr).toMatch(/verdict policy →/);
    expect(cal.code).toBe(0);
    const policy = JSON.parse(readFileSync(join(dir, 'fitted', 'verdict-policy.json'), 'utf8')) as Record<string, unknown>;
    expect(policy.format).toBe('fakescope-verdict-policy-v1');
    expect(typeof policy.decisionThreshold).toBe('number');
    expect(existsSync(join(dir, 'fitted', 'attribution', 'MODEL_CARD.md'))).toBe(true);

    writeFileSync(
      join(dir, 'fitted.json'),
      JSON.stringify({ analysis: { fps: 8 }, verdict: { fitted: join(dir, 'fitted', 'verdict-policy.json') }, attribution: { model: join(dir, 'fitted', 'attribution', 'attribution.json') } }),
    );
    const out = join(dir, 'eval');
    const ev = await cli(['eval', join(dir, 'set'), '--out', out, '--config', join(dir, 'fitted.json'), '--perturb', 'recompress-crf38', '--adversarial', '1', '--queries', '10']);
    expect(ev.code).toBe(0);
    expect(ev.stdout).toMatch(/4 clips \(3 real, 1 fake\)/);
    const report = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')) as EvalReport;
    expect(report.schemaVersion).toBe(1);
    expect(Object.keys(report.binary)).toEqual(['fused', 'rppg', 'blind-faceres-sbi-mcd', 'identity']);
    expect(report.binary.fused!.n).toBe(4);
    expect(report.robustness.map((r) => r.perturbation)).toEqual(['none', 'recompress-crf38']);
    expect(report.clips.length).toBe(8);
    // The photo was analysed (not refused), its recompressed copy too.
    const photo = report.clips.filter((c) => c.item.file === 'photo.jpg');
    expect(photo.map((c) => [c.perturbation, c.error ?? null, c.framesWithFaces > 0])).toEqual([
      ['none', null, true],
      ['recompress-crf38', null, true],
    ]);
    expect(report.policy.source).toMatch(/fitted by fakescope calibrate/);
    expect(report.notes.join('\n')).toMatch(/fitted on this very dataset/);
    expect(report.adversarial?.clips).toBe(1);
    const html = readFileSync(join(out, 'eval.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);

    // A rerun reads every clip from the cache.
    const again = await cli(['eval', join(dir, 'set'), '--out', out, '--config', join(dir, 'fitted.json'), '--perturb', 'recompress-crf38', '--adversarial', '0']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/\[1\/4\]/);
  }, 300_000);

  it('refuses a missing dataset and a bad perturbation name with usage errors', async () => {
    const a = await cli(['eval', join(dir, 'nope')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/dataset folder not found/);
    const b = await cli(['eval', join(dir, 'set'), '--perturb', 'melt']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown perturbation "melt"/);
  });
});
