/**
 * Accuracy guard for speed work: record the reports of a few development clips with one build,
 * then compare another build's reports with them.
 *
 *   node dist/scripts/compare-reports.js record --out .bench/reports-before.json
 *   node dist/scripts/compare-reports.js compare --baseline .bench/reports-before.json [--tolerance 0.05] [--save FILE] [--config cfg.json]
 *
 * Recorded per clip: the verdict, the fused p(fake), each detector's p(fake) and answered
 * face-frames, and every frame's face boxes. `compare` fails (exit code 1) when a verdict differs
 * or a p(fake) moves by more than the tolerance, and prints how much the face boxes moved (mean and
 * 5th-percentile IoU of each baseline box with the nearest box of the same frame, and the faces
 * found on frames where the other run found none). The clips are read from ../shared/media (never
 * copied); the recordings are written outside the repository's tracked files (.bench/ is ignored).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import type { Box } from '../src/core/geometry.js';
import { iou } from '../src/core/geometry.js';

/** A spread of sizes and shapes: 720p medium shot, portrait phone video, close-ups, FF++, DFDC 1080p. */
export const DEV_CLIPS = [
  'real_liveportrait-source_s18.mp4',
  'real_liveportrait-driving_d13.mp4',
  'real_hdtf_WDA_AOC_000.mp4',
  'real_liveportrait-driving_d3.mp4',
  'fake_aniportrait_kara.mp4',
  'fake_ffpp-unknown_003_000.mp4',
  'fake_dfdc_widuwuoiur.mp4',
] as const;

export interface ClipRecord {
  readonly clip: string;
  readonly verdict: string;
  readonly pFake: number | null;
  readonly detectors: Record<string, { pFake: number | null; okFrames: number }>;
  readonly framesWithFaces: number;
  readonly boxes: Box[][];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    media: { type: 'string', default: join('..', 'shared', 'media') },
    out: { type: 'string', default: join('.bench', 'reports.json') },
    baseline: { type: 'string' },
    /** compare: also write this run's records here. */
    save: { type: 'string' },
    tolerance: { type: 'string', default: '0.05' },
    config: { type: 'string' },
  },
});

async function record(): Promise<ClipRecord[]> {
  const app = buildApp(loadConfig({ file: values.config }), builtinRegistry());
  await app.start();
  const out: ClipRecord[] = [];
  try {
    for (const clip of DEV_CLIPS) {
      const analysis = await app.analyze(join(values.media as string, clip), { keepFrames: true });
      await lastValueFrom(analysis.results, { defaultValue: null });
      const r = await analysis.report;
      const detectors = Object.fromEntries(Object.entries(r.detectors).map(([k, d]) => [k, { pFake: d.pFake, okFrames: d.okFrames }]));
      const boxes = r.frames.map((f) => f.faces.map((x) => x.box));
      out.push({ clip, verdict: r.summary.verdict, pFake: r.summary.pFake, detectors, framesWithFaces: r.summary.framesWithFaces, boxes });
      process.stderr.write(`${clip}: ${r.summary.verdict} p(fake) ${r.summary.pFake?.toFixed(4) ?? '—'}\n`);
    }
  } finally {
    await app.stop();
  }
  return out;
}

/** Differences of `after` from `before`; pure, so the test can run it on synthetic records. */
export function compareRecords(before: readonly ClipRecord[], after: readonly ClipRecord[], tolerance: number): { lines: string[]; ok: boolean } {
  const lines: string[] = ['| clip | verdict before → after | p(fake) before → after (Δ) | detectors Δ p(fake) (max) | box IoU mean / p5 | faces only before / only after |', '|---|---|---|---|---|---|'];
  let ok = true;
  for (const b of before) {
    const a = after.find((x) => x.clip === b.clip);
    if (!a) {
      lines.push(`| ${b.clip} | missing | | | | |`);
      ok = false;
      continue;
    }
    const dp = a.pFake === null || b.pFake === null ? (a.pFake === b.pFake ? 0 : Infinity) : Math.abs(a.pFake - b.pFake);
    const perDetector = Object.entries(b.detectors).map(([k, d]) => `${k} ${d.pFake?.toFixed(3) ?? '—'}→${a.detectors[k]?.pFake?.toFixed(3) ?? '—'}`).join(', ');
    const dd = Math.max(0, ...Object.entries(b.detectors).map(([k, d]) => {
      const x = a.detectors[k];
      if (!x) return Infinity;
      return x.pFake === null || d.pFake === null ? (x.pFake === d.pFake ? 0 : Infinity) : Math.abs(x.pFake - d.pFake);
    }));
    const ious: number[] = [];
    let onlyBefore = 0;
    let onlyAfter = 0;
    b.boxes.forEach((fb, i) => {
      const fa = a.boxes[i] ?? [];
      if (fb.length > 0 && fa.length === 0) onlyBefore++;
      if (fa.length > 0 && fb.length === 0) onlyAfter++;
      for (const box of fb) if (fa.length > 0) ious.push(Math.max(...fa.map((x) => iou(box, x))));
    });
    ious.sort((x, y) => x - y);
    const mean = ious.reduce((s, v) => s + v, 0) / Math.max(1, ious.length);
    const p5 = ious[Math.floor(0.05 * ious.length)] ?? NaN;
    const same = a.verdict === b.verdict && dp <= tolerance && dd <= tolerance;
    if (!same) ok = false;
    const f = (v: number | null) => (v === null ? '—' : v.toFixed(4));
    lines.push(`| ${b.clip} | ${b.verdict} → ${a.verdict}${a.verdict === b.verdict ? '' : ' **differs**'} | ${f(b.pFake)} → ${f(a.pFake)} (${dp.toFixed(4)}) | ${dd.toFixed(4)} (${perDetector}) | ${mean.toFixed(3)} / ${p5.toFixed(3)} | ${onlyBefore} / ${onlyAfter} |`);
  }
  lines.push('', `Tolerance on p(fake): ±${tolerance}. ${ok ? 'All verdicts equal and every p(fake) within it.' : '**Differences beyond the tolerance.**'}`);
  return { lines, ok };
}

async function main(): Promise<void> {
  const mode = positionals[0];
  if (mode === 'record') {
    const recs = await record();
    mkdirSync(dirname(values.out as string), { recursive: true });
    writeFileSync(values.out as string, JSON.stringify(recs));
    return;
  }
  if (mode === 'compare') {
    if (!values.baseline) throw new Error('compare needs --baseline FILE');
    const before = JSON.parse(readFileSync(values.baseline, 'utf8')) as ClipRecord[];
    const after = await record();
    if (values.save) writeFileSync(values.save, JSON.stringify(after));
    const { lines, ok } = compareRecords(before, after, Number(values.tolerance));
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!ok) process.exitCode = 1;
    return;
  }
  throw new Error('usage: compare-reports record|compare [--baseline FILE] [--out FILE] [--tolerance X]');
}

if (process.argv[1]?.endsWith('compare-reports.js')) {
  main().catch((e: unknown) => {
    process.stderr.write(`compare-reports: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
