import { mkdir, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { FakescopeError } from '../errors.js';
import { runFfmpeg } from '../ingest/ffmpeg-run.js';
import { probeInput } from '../ingest/probe.js';

/**
 * The perturbations of the robustness evaluation: each clip is re-encoded once per perturbation
 * and analysed again. Every perturbation is an ffmpeg filter chain followed by a libx264 encode;
 * audio, subtitles and data streams are dropped (the analysis reads video only), and frame
 * timestamps are kept as they are (`-fps_mode passthrough`), so the perturbed copy has the same
 * frames at the same times as the original.
 */

export interface Perturbation {
  readonly name: string;
  /** One line for reports. */
  readonly description: string;
  /** ffmpeg video filter chain applied before encoding; null = none (re-encoding only). */
  readonly filter: string | null;
  /** libx264 constant rate factor of the encode. */
  readonly crf: number;
}

export const PERTURBATIONS = [
  { name: 'recompress-crf38', description: 'Re-encoded with H.264 at CRF 38 (heavy compression)', filter: null, crf: 38 },
  {
    name: 'resize-half',
    description: 'Downscaled to half width and height (even sizes), H.264 CRF 18',
    filter: 'scale=trunc(iw/4)*2:trunc(ih/4)*2:flags=bicubic',
    crf: 18,
  },
  { name: 'noise-12', description: 'Temporal uniform noise of strength 12 on all planes, H.264 CRF 18', filter: 'noise=alls=12:allf=t', crf: 18 },
  { name: 'blur-2', description: 'Gaussian blur, sigma 2 px, H.264 CRF 18', filter: 'gblur=sigma=2', crf: 18 },
] as const satisfies readonly Perturbation[];

export type PerturbationName = (typeof PERTURBATIONS)[number]['name'];

/** The perturbation called `name`; E_USAGE listing the known ones otherwise. */
export function perturbationByName(name: string): Perturbation {
  const p = PERTURBATIONS.find((q) => q.name === name);
  if (!p) throw new FakescopeError('E_USAGE', `unknown perturbation "${name}" (known: ${PERTURBATIONS.map((q) => q.name).join(', ')})`);
  return p;
}

export interface PerturbOptions {
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** libx264 preset (default "veryfast": robustness runs re-encode every clip once per perturbation). */
  readonly preset?: string;
}

// libx264 with yuv420p needs even sizes; on even input this crop is a no-op.
const EVEN = 'crop=trunc(iw/2)*2:trunc(ih/2)*2';

/**
 * JPEG quality scale (`-q:v`, 2 best … 31 worst) for a still, from the perturbation's H.264 CRF
 * (18 … 51): a photo is recompressed as a JPEG, as photos are when they are shared.
 */
export function jpegQualityForCrf(crf: number): number {
  return Math.max(2, Math.min(31, Math.round((crf - 10) / 1.5)));
}

/**
 * The ffmpeg arguments that write `p` of input stream `streamIndex` to `output`: an H.264 mp4 for
 * a video, one JPEG picture for a still image.
 */
export function perturbArgs(ffInput: string, streamIndex: number, p: Perturbation, output: string, preset = 'veryfast', still = false): string[] {
  if (still) {
    const chain = [p.filter, EVEN].filter((f): f is string => f !== null).join(',');
    // prettier-ignore
    return ['-v', 'error', '-nostdin', '-hide_banner', '-y', '-i', ffInput, '-map', `0:${streamIndex}`, '-vf', chain, '-frames:v', '1', '-q:v', String(jpegQualityForCrf(p.crf)), output];
  }
  const chain = [p.filter, EVEN, 'format=yuv420p'].filter((f): f is string => f !== null).join(',');
  return [
    '-v', 'error', '-nostdin', '-hide_banner', '-y',
    '-i', ffInput,
    '-map', `0:${streamIndex}`, '-an', '-sn', '-dn',
    '-vf', chain,
    '-fps_mode', 'passthrough',
    '-c:v', 'libx264', '-preset', preset, '-crf', String(p.crf),
    '-movflags', '+faststart',
    output,
  ];
}

/**
 * Writes `<outDir>/<input name>.<perturbation>.mp4` (`.jpg` for a still image) and returns its path. The input is probed
 * first, so a missing or undecodable input fails with the same coded error as an analysis; an
 * ffmpeg failure is classified from its stderr and names the perturbation. A partial output is
 * removed. Aborting `signal` kills ffmpeg and rejects with E_STOPPED.
 */
export async function perturbVideo(input: string, p: Perturbation, outDir: string, signal?: AbortSignal, opts: PerturbOptions = {}): Promise<string> {
  const stopped = () => new FakescopeError('E_STOPPED', `${input}: perturbation ${p.name} stopped`);
  if (signal?.aborted) throw stopped();
  const probed = await probeInput(input, opts.ffprobePath !== undefined ? { ffprobePath: opts.ffprobePath } : {});
  if (probed.kind.kind !== 'file') throw new FakescopeError('E_USAGE', `${probed.display}: perturbations need a local file`);
  await mkdir(outDir, { recursive: true });
  if (signal?.aborted) throw stopped();
  const still = probed.info.still;
  const output = join(outDir, `${basename(input, extname(input))}.${p.name}.${still ? 'jpg' : 'mp4'}`);
  const end = await runFfmpeg(opts.ffmpegPath ?? 'ffmpeg', perturbArgs(probed.ffmpegInput, probed.streamIndex, p, output, opts.preset, still), probed, signal ? { signal } : {});
  if (end.kind === 'ok') return output;
  await rm(output, { force: true });
  if (end.kind === 'stopped') throw stopped();
  const { error } = end;
  throw new FakescopeError(error.code, `perturbation ${p.name}: ${error.message}`, { cause: error });
}
