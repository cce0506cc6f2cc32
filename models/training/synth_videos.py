"""Labelled videos from the cached crops: each held-out real clip as it is and through every generator.

So the whole analyzer (`npx fakescope analyze <video>`) can be evaluated on the project's own
manipulations. For every clip of the validation split (set `calib`) and of the test split (set
`test`) of `make_splits` (seed 0 by default: no clip used for training, calibration never sees a test
clip) it writes `<out>/<set>/<real|generator>/<clip>.mp4` and `<out>/<set>/manifest.tsv`.

- One manipulation per video, not one per frame: the generator's numpy Generator is re-created every
  frame from the same key (seed, clip, generator), so it draws the same parameters while the landmarks
  move. `swap` takes its donor from one other clip (another identity) of the same split, donor frame =
  frame index modulo the donor's length.
- Each 192×192 crop is pasted unchanged into the centre of a 384×384 canvas whose border is a mirrored
  extension of the crop, blurred more with the distance from it (no hard edge; only the outer 10 px of
  the crop, outside the face, fade into it), so the face detector sees a face with context.
- fps from the crops' spacing (median ptsMs step: 100 ms → 10 fps, 120 ms → 25/3 fps); libx264 crf 18.

    /usr/bin/python3 -m models.training.synth_videos [--index PATH] [--out DIR] [--sets calib,test]
        [--max-frames 150] [--seed 0] [--generators sbi,swap,...] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import time
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import imageops as ops
from .config import HERE, TrainConfig, resolve_path
from .data import Entry, load_crop, make_splits
from .generators import GENERATORS, manipulate

SETS = {'calib': 'val', 'test': 'test'}  # output set → split of make_splits
CANVAS = 384
FEATHER_PX = 10                # outer crop pixels faded into the background (the face starts ~25 px in)
SHARP_FALLOFF_PX = 24
NEAR_SIGMA, FAR_SIGMA = 4.0, 24.0


def clip_key(clip: str) -> int:
    """Stable across runs and machines (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256(clip.encode()).digest()[:4], 'big')


def clip_fps(pts_ms: list[float]) -> Fraction:
    """Frame rate matching the crops' spacing, rounded to whole milliseconds per frame."""
    step = float(np.median(np.diff(pts_ms))) if len(pts_ms) > 1 else 100.0
    return Fraction(1000, max(1, round(step)))


@lru_cache(maxsize=4)
def _weights(h: int, w: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(alpha of the crop, weight of the far blur) over the canvas: the crop's outer FEATHER_PX pixels
    fade into a background that goes from lightly to heavily blurred over SHARP_FALLOFF_PX."""
    top, left = (size - h) // 2, (size - w) // 2
    y, x = np.mgrid[0:size, 0:size]
    inside = np.minimum(np.minimum(y - top, top + h - 1 - y), np.minimum(x - left, left + w - 1 - x))
    alpha = np.clip((inside + 1) / (FEATHER_PX + 1), 0, 1)[..., None]
    far = np.clip(-inside / SHARP_FALLOFF_PX, 0, 1)[..., None]
    return alpha.astype(np.float32), far.astype(np.float32)


def place_on_canvas(crop: np.ndarray, size: int = CANVAS) -> np.ndarray:
    """uint8 size×size frame: the crop unchanged in the centre, inside a blurred mirror extension of it
    (blur growing with the distance from the crop, like a shallow depth of field: no hard edge)."""
    h, w = crop.shape[:2]
    top, left = (size - h) // 2, (size - w) // 2
    mirrored = np.pad(crop, ((top, size - h - top), (left, size - w - left), (0, 0)), mode='symmetric')
    alpha, far = _weights(h, w, size)
    bg = (1 - far) * ops.gaussian_blur(mirrored, NEAR_SIGMA) + far * ops.gaussian_blur(mirrored, FAR_SIGMA)
    out = alpha * mirrored + (1 - alpha) * bg
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def encode(frames, path: Path, fps: Fraction, size: int = CANVAS) -> int:
    """Pipes RGB frames into ffmpeg (H.264, yuv420p); writes to a .part file, renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + '.part')
    cmd = ['ffmpeg', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{size}x{size}',
           '-r', str(fps), '-i', '-', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p',
           '-movflags', '+faststart', '-f', 'mp4', str(part)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    n = 0
    try:
        for frame in frames:
            proc.stdin.write(frame.tobytes())
            n += 1
    finally:
        proc.stdin.close()
        rc = proc.wait()
    if rc != 0:
        part.unlink(missing_ok=True)
        raise RuntimeError(f'ffmpeg exited with {rc} for {path}')
    part.replace(path)
    return n


def pick_donor(clip: str, clips: dict[str, list[Entry]], seed: int) -> str:
    """One clip of the same split with another identity (group), fixed per (seed, clip)."""
    group = clips[clip][0].group
    others = sorted(c for c, es in clips.items() if es[0].group != group) or sorted(c for c in clips if c != clip)
    if not others:
        raise ValueError(f'swap needs a second clip in the split of {clip}')
    return others[int(np.random.default_rng([seed, clip_key(clip), 1_000_033]).integers(len(others)))]


def video_frames(entries: list[Entry], method: str, seed: int, donor: list[Entry] | None):
    key = [seed, clip_key(entries[0].clip), GENERATORS.index(method)] if method != 'real' else None
    for i, e in enumerate(entries):
        img, lm = load_crop(e)
        if key is not None:
            rng = np.random.default_rng(key)  # same key every frame: same manipulation parameters
            d = load_crop(donor[i % len(donor)]) if donor else None
            img, _ = manipulate(method, img, lm, rng, d)
        yield place_on_canvas(img)


def read_pts(index: Path) -> dict[str, float]:
    """file → ptsMs (data.Entry does not keep it)."""
    out = {}
    for line in index.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            out[r['file']] = float(r.get('ptsMs', 100.0 * int(r.get('seq', 0)) / 3))
    return out


def write_set(name: str, entries: list[Entry], pts: dict[str, float], out: Path, methods: list[str],
              max_frames: int, seed: int, force: bool) -> int:
    clips: dict[str, list[Entry]] = {}
    for e in sorted(entries, key=lambda e: (e.clip, e.seq)):
        clips.setdefault(e.clip, []).append(e)
    rows, written = [], 0
    for clip, es in sorted(clips.items()):
        es = es[:max_frames]
        fps = clip_fps([pts[e.file] for e in es])
        span = f'{len(es)} frames at {float(fps):.2f} fps, crops seq {es[0].seq}-{es[-1].seq}'
        for method in methods:
            donor_clip = pick_donor(clip, clips, seed) if method == 'swap' else None
            rel = f'{method}/{clip}.mp4'
            path = out / name / rel
            notes = span + (f'; donor {donor_clip}' if donor_clip else '')
            rows.append(f"{rel}\t{'real' if method == 'real' else 'fake'}\t{'-' if method == 'real' else method}"
                        f'\t{clip}\t{notes}')
            if path.exists() and not force:
                print(f'  exists  {name}/{rel}')
                continue
            t0 = time.perf_counter()
            n = encode(video_frames(es, method, seed, clips[donor_clip] if donor_clip else None), path, fps)
            written += 1
            print(f'  wrote   {name}/{rel}  ({n} frames, {fps} fps, {time.perf_counter() - t0:.1f} s)', flush=True)
    manifest = out / name / 'manifest.tsv'
    manifest.write_text('file\tlabel\tmethod\tclip\tnotes\n' + ''.join(r + '\n' for r in rows))
    print(f'{name}: {len(clips)} clips × {len(methods)} versions = {len(rows)} videos ({written} written) → {manifest}')
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--index', default=TrainConfig.index, help='crop index.jsonl (default: %(default)s)')
    ap.add_argument('--out', default=str(HERE / 'cache' / 'synth-videos'))
    ap.add_argument('--sets', default='calib,test', help='calib (= validation clips), test (= test clips)')
    ap.add_argument('--max-frames', type=int, default=150)
    ap.add_argument('--seed', type=int, default=0, help='split seed and manipulation seed')
    ap.add_argument('--generators', default=','.join(GENERATORS))
    ap.add_argument('--force', action='store_true', help='rewrite existing videos')
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(',') if s]
    gens = [g for g in args.generators.split(',') if g]
    for bad, known, what in ((set(sets) - set(SETS), SETS, 'set'), (set(gens) - set(GENERATORS), GENERATORS, 'generator')):
        if bad:
            ap.error(f'unknown {what} {sorted(bad)}; known: {", ".join(known)}')
    index = resolve_path(args.index)
    splits, _ = make_splits(TrainConfig(index=str(index), seed=args.seed))
    pts = read_pts(index)
    out = Path(args.out)
    t0 = time.perf_counter()
    written = sum(write_set(s, splits[SETS[s]], pts, out, ['real'] + gens, args.max_frames, args.seed, args.force)
                  for s in sets)
    print(f'{written} videos written to {out} in {time.perf_counter() - t0:.0f} s')


if __name__ == '__main__':
    main()
