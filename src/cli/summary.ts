import type { Report } from '../pipeline/report.js';
import type { UncertaintyStats } from '../pipeline/uncertainty.js';
import { formatDuration } from './progress.js';

/** The short human summary printed at the end of `fakescope analyze`. */
export function formatSummary(r: Report): string {
  const s = r.summary;
  const lines: string[] = [];
  const media = r.input.media;
  lines.push(
    `${r.input.source}: ${formatDuration((s.durationMs ?? 0) / 1000)}, ${media.displayWidth}×${media.displayHeight}` +
      `${media.fps ? ` @ ${media.fps.toFixed(2)} fps` : ''}, analysed ${s.frames} frames at ${r.analysis.width}×${r.analysis.height}` +
      ` (${r.analysis.framesPerSecond.toFixed(1)} frames/s)`,
  );
  lines.push(`faces: found on ${s.framesWithFaces}/${s.frames} frames, ${s.tracks} track(s), at most ${s.maxFacesPerFrame} at once`);
  const names = Object.keys(r.detectors);
  if (names.length === 0) lines.push('detectors: none configured');
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const name of names) {
    const d = r.detectors[name]!;
    const score = d.uncertainty ? formatScore(d.uncertainty) : 'no answer';
    const w = s.policy.weights?.[name];
    lines.push(`  ${name.padEnd(width)}  ${score}  (${d.okFrames} face-frames answered, ${d.insufficientFrames} insufficient${w !== undefined ? `; fusion weight ${w.toFixed(2)}` : ''})`);
  }
  const p = s.uncertainty ? formatScore(s.uncertainty) : 'no evidence';
  lines.push(`verdict: ${s.verdict.toUpperCase()} — ${p}; ${s.reason}`);
  const a = s.attribution;
  if (a) lines.push(`likely source: ${a.top} (p ${Math.max(...a.probabilities).toFixed(2)}, entropy ${a.entropy.toFixed(2)} nats; best known class ${a.best})`);
  if (!r.analysis.complete) lines.push('note: the analysis did not reach the end of the input; this is a partial report');
  return lines.join('\n');
}

export function formatScore(u: UncertaintyStats): string {
  return `p(fake) ${u.mean.toFixed(2)} ± ${u.std.toFixed(2)} (aleatoric ${u.aleatoric.toFixed(3)}, epistemic ${u.epistemic.toFixed(3)} nats, n=${u.samples})`;
}
