import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Sharp } from 'sharp';
import sharp from 'sharp';

/**
 * Synthetic faces for tests and documentation screenshots: a drawn cartoon face (skin oval, hair,
 * brows, eyes, nose, mouth, ears) that BlazeFace detects, on a plain background. No real person,
 * no restricted media: safe to render into docs/.
 */
const run = promisify(execFile);

export interface FacePlacement {
  /** Centre of the face, px. */
  readonly cx: number;
  readonly cy: number;
  /** Half the face width, px (the face oval is 2·size wide, 2.64·size tall). */
  readonly size: number;
  /** Skin colour, CSS. */
  readonly skin?: string;
}

export function faceSvg({ cx, cy, size: s, skin = '#e0ac85' }: FacePlacement): string {
  const d = (v: number) => (v * s).toFixed(1);
  return (
    `<ellipse cx="${cx}" cy="${cy - 0.55 * s}" rx="${d(0.62)}" ry="${d(0.5)}" fill="#3b2414"/>` +
    `<ellipse cx="${cx}" cy="${cy}" rx="${d(0.5)}" ry="${d(0.66)}" fill="${skin}"/>` +
    `<ellipse cx="${cx - 0.5 * s}" cy="${cy}" rx="${d(0.08)}" ry="${d(0.15)}" fill="${skin}"/>` +
    `<ellipse cx="${cx + 0.5 * s}" cy="${cy}" rx="${d(0.08)}" ry="${d(0.15)}" fill="${skin}"/>` +
    `<path d="M${cx - 0.32 * s},${cy - 0.28 * s} q${d(0.12)},-${d(0.08)} ${d(0.24)},0" stroke="#3b2414" stroke-width="${d(0.05)}" fill="none"/>` +
    `<path d="M${cx + 0.08 * s},${cy - 0.28 * s} q${d(0.12)},-${d(0.08)} ${d(0.24)},0" stroke="#3b2414" stroke-width="${d(0.05)}" fill="none"/>` +
    `<ellipse cx="${cx - 0.2 * s}" cy="${cy - 0.15 * s}" rx="${d(0.1)}" ry="${d(0.055)}" fill="white"/>` +
    `<ellipse cx="${cx + 0.2 * s}" cy="${cy - 0.15 * s}" rx="${d(0.1)}" ry="${d(0.055)}" fill="white"/>` +
    `<circle cx="${cx - 0.2 * s}" cy="${cy - 0.15 * s}" r="${d(0.045)}" fill="#3a2a1a"/>` +
    `<circle cx="${cx + 0.2 * s}" cy="${cy - 0.15 * s}" r="${d(0.045)}" fill="#3a2a1a"/>` +
    `<path d="M${cx},${cy - 0.1 * s} L${cx - 0.07 * s},${cy + 0.15 * s} Q${cx},${cy + 0.2 * s} ${cx + 0.07 * s},${cy + 0.15 * s}" stroke="#b57a58" stroke-width="${d(0.025)}" fill="#d9a07a"/>` +
    `<path d="M${cx - 0.17 * s},${cy + 0.32 * s} Q${cx},${cy + 0.42 * s} ${cx + 0.17 * s},${cy + 0.32 * s} Q${cx},${cy + 0.36 * s} ${cx - 0.17 * s},${cy + 0.32 * s}" fill="#a8474a"/>` +
    `<rect x="${cx - 0.2 * s}" y="${cy + 0.62 * s}" width="${d(0.4)}" height="${d(0.4)}" fill="#d9a07a"/>`
  );
}

export function sceneSvg(width: number, height: number, faces: readonly FacePlacement[], background = '#6a7f99'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/>${faces.map(faceSvg).join('')}</svg>`;
}

/**
 * How the picture is treated after drawing. With the shipped blind detector, `plain` reads as
 * genuine, `saturated` (colours pushed 2.5×) as manipulated and `blurred` as too close to call —
 * measured, not promised: tests that need a verdict check it rather than assume it.
 */
export type Look = 'plain' | 'saturated' | 'blurred' | 'sharpened';

function scene(width: number, height: number, faces: readonly FacePlacement[], look: Look): Sharp {
  const img = sharp(Buffer.from(sceneSvg(width, height, faces)));
  if (look === 'saturated') return img.modulate({ saturation: 2.5 });
  if (look === 'blurred') return img.blur(3);
  // Over-sharpened, with halos round every edge: far from any face the detectors were trained on.
  if (look === 'sharpened') return img.sharpen({ sigma: 3, m1: 12, m2: 60, x1: 0 });
  return img;
}

/** A still image of the scene; the format follows the file extension (jpg, png, webp). */
export async function makeFaceImage(path: string, width: number, height: number, faces: readonly FacePlacement[], look: Look = 'plain'): Promise<string> {
  const img = scene(width, height, faces, look);
  const ext = path.split('.').pop()?.toLowerCase();
  await (ext === 'png' ? img.png() : ext === 'webp' ? img.webp({ quality: 90 }) : img.jpeg({ quality: 92 })).toFile(path);
  return path;
}

export interface FaceClipSpec {
  readonly width: number;
  readonly height: number;
  readonly fps?: number;
  readonly frames: number;
  /** Where the face(s) are on frame i. */
  readonly at: (i: number) => readonly FacePlacement[];
  readonly look?: Look;
}

/** An H.264 mp4 of drawn faces, frame by frame. */
export async function makeFaceClip(path: string, spec: FaceClipSpec): Promise<string> {
  const tmp = `${path}.frames`;
  await mkdir(tmp, { recursive: true });
  try {
    for (let i = 0; i < spec.frames; i++) {
      await scene(spec.width, spec.height, spec.at(i), spec.look ?? 'plain')
        .png({ compressionLevel: 1 }).toFile(join(tmp, `${String(i).padStart(5, '0')}.png`));
    }
    await run('ffmpeg', ['-v', 'error', '-y', '-framerate', String(spec.fps ?? 25), '-i', join(tmp, '%05d.png'), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return path;
}
