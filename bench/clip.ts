import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The benchmark clip: a real 1280×720 face clip from ../shared/media when present, otherwise a
 * generated 720p clip (moving test pattern; it has no face, so face tracking costs only detection
 * calls — the report says which clip was used).
 */
export function benchClip(): { path: string; kind: string } {
  const shared = join('..', 'shared', 'media', 'real_liveportrait-source_s18.mp4');
  if (existsSync(shared)) return { path: shared, kind: 'real face clip, 1280×720 (../shared/media/real_liveportrait-source_s18.mp4)' };
  mkdirSync('.bench', { recursive: true });
  const path = join('.bench', 'testsrc-720p.mp4');
  if (!existsSync(path)) {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '10', '-pix_fmt', 'yuv420p', path]);
    if (r.status !== 0) throw new Error(`cannot generate the benchmark clip: ${r.stderr.toString()}`);
  }
  return { path, kind: 'generated 1280×720 test pattern, 10 s at 30 fps (no face)' };
}
