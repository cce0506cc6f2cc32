import type { Report, TrackSummary } from '../pipeline/report-schema.js';
import type { UncertaintyStats } from '../core/uncertainty.js';
import type { Verdict } from '../pipeline/verdict.js';
import { unweightedDetectors } from '../pipeline/verdict.js';
import type { PlainVerdict } from '../pipeline/plain-language.js';
import { formatPercent, sourceInWords } from '../pipeline/plain-language.js';
import type { Paint } from './colour.js';
import { plain } from './colour.js';
import { formatDuration } from './progress.js';

/**
 * The short human summary printed at the end of `fakescope analyze`: the answer in words first
 * (headline, confidence, the faces it concerns, what to do next), then the technical figures.
 */
export function formatSummary(r: Report, paint: Paint = plain): string {
  const s = r.summary;
  const words = s.plain;
  const media = r.input.media;
  const lines: string[] = [];
  lines.push(`${paint('bold', r.input.source)}: ${paint(s.verdict, words.headline)}${confidenceText(words)}`);
  lines.push(`  ${words.explanation}`);
  if (r.tracks.length > 1 || (r.tracks.length === 1 && r.tracks[0]!.verdict.verdict !== s.verdict)) {
    for (const t of r.tracks) lines.push(`  ${trackLine(t, media.still === true, paint)}`);
  }
  for (const step of words.nextSteps.slice(0, 2)) lines.push(`  → ${step}`);
  if (!r.analysis.complete) lines.push(paint('uncertain', '  note: the analysis did not reach the end of the input; this is a partial report'));

  lines.push(paint('muted', 'technical details:'));
  lines.push(
    media.still
      ? `  photo, ${media.displayWidth}×${media.displayHeight} (${media.codec}), analysed at ${r.analysis.width}×${r.analysis.height}, shown ${s.frames} times to the detectors (fresh Monte Carlo noise each time)`
      : `  ${formatDuration((s.durationMs ?? 0) / 1000)}, ${media.displayWidth}×${media.displayHeight}` +
          `${media.fps ? ` @ ${media.fps.toFixed(2)} fps` : ''}, analysed ${s.frames} frames at ${r.analysis.width}×${r.analysis.height}` +
          ` (${r.analysis.framesPerSecond.toFixed(1)} frames/s)`,
  );
  lines.push(`  faces: found on ${s.framesWithFaces}/${s.frames} frames, ${s.tracks} track(s), at most ${s.maxFacesPerFrame} at once`);
  const names = Object.keys(r.detectors);
  if (names.length === 0) lines.push('  detectors: none configured');
  const width = Math.max(0, ...names.map((n) => n.length));
  const unweighted = unweightedDetectors(s.policy.weights, names);
  for (const name of names) {
    const d = r.detectors[name]!;
    if (d.applicable === false) {
      lines.push(`  ${name.padEnd(width)}  not applicable to a still image`);
      continue;
    }
    const score = d.uncertainty ? formatScore(d.uncertainty) : 'no answer';
    const w = s.policy.weights?.[name];
    const weight = w !== undefined ? `; fusion weight ${w.toFixed(2)}` : unweighted.includes(name) ? '; not in the fitted verdict policy: not counted' : '';
    lines.push(`  ${name.padEnd(width)}  ${score}  (${d.okFrames} face-frames answered, ${d.insufficientFrames} insufficient${weight})`);
  }
  const p = s.uncertainty ? formatScore(s.uncertainty, s.pFake) : 'no evidence';
  lines.push(`  verdict: ${paint(s.verdict, s.verdict.toUpperCase())} — ${p}; ${s.reason}`);
  const a = s.attribution;
  if (a) lines.push(`  ${sourceInWords(a)}; classifier entropy ${a.entropy.toFixed(2)} nats`);
  return lines.join('\n');
}

function confidenceText(words: PlainVerdict): string {
  const p = words.confidence.pFake;
  if (words.confidence.level === 'none') return p === null ? '' : ` (score ${formatPercent(p)})`;
  return ` (${words.confidence.words}, score ${formatPercent(p as number)})`;
}

/** "face #2, 2.9–4.1 s: Likely manipulated (55 %)". */
export function trackLine(t: TrackSummary, still: boolean, paint: Paint = plain): string {
  const v = t.verdict;
  const when = still ? '' : `, ${(t.firstPtsMs / 1000).toFixed(1)}–${(t.lastPtsMs / 1000).toFixed(1)} s`;
  return `face #${t.trackId}${when}: ${paint(v.verdict as Verdict, t.plain.headline)}${v.pFake === null ? '' : ` (${formatPercent(v.pFake)})`}`;
}

/**
 * A score with its uncertainty. `pFake`, for a fused score, is the calibrated p(fake) the verdict
 * read (the policy's Platt map of the mixture mean): when it differs, the mean is named beside it.
 */
export function formatScore(u: UncertaintyStats, pFake: number | null = u.mean): string {
  const p = pFake ?? u.mean;
  const rest = `aleatoric ${u.aleatoric.toFixed(3)}, epistemic ${u.epistemic.toFixed(3)} nats, n=${u.samples}`;
  if (Math.abs(p - u.mean) >= 0.005) return `p(fake) ${p.toFixed(2)} (calibrated; detectors' mean ${u.mean.toFixed(2)} ± ${u.std.toFixed(2)}, ${rest})`;
  return `p(fake) ${p.toFixed(2)} ± ${u.std.toFixed(2)} (${rest})`;
}
