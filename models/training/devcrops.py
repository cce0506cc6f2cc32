"""Temporary development crop set, in the same format as `scripts/extract-crops.ts` writes.

Only for smoke-testing the training path before the real crop cache exists: each clip gets ONE
hand-placed set of landmarks (read off a frame at t = 1 s), every decoded frame is warped with that
fixed transform, so crops drift when the head moves. Never train a shipped model on this.

    /usr/bin/python3 -m models.training.devcrops [--media /work/shared/media] [--fps 2] [--max 16]

Writes models/training/cache/devcrops/<clip-stem>/<seq:06d>.png and index.jsonl (gitignored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from .alignment import CROP_SIZE, LANDMARK_NAMES, apply_affine, crop_from_frame_transform

HERE = Path(__file__).resolve().parent

# Hand-placed landmarks (frame pixels) at t = 1 s: leftEye, rightEye, noseTip, mouth, leftEar,
# rightEar ("left" = image-left). Approximate to a few pixels.
HAND_LANDMARKS: dict[str, tuple[str, str, list[tuple[float, float]]]] = {
    'real_hdtf_WDA_AOC_000': ('real', '-', [(228, 240), (345, 235), (290, 290), (300, 355), (140, 280), (425, 265)]),
    'real_hdtf_WDA_KatieHill_000': ('real', '-', [(215, 232), (320, 228), (262, 285), (270, 350), (150, 300), (412, 300)]),
    'real_liveportrait-driving_d3': ('real', '-', [(195, 245), (325, 250), (260, 315), (260, 400), (120, 330), (420, 330)]),
    'real_liveportrait-driving_d6': ('real', '-', [(185, 232), (295, 232), (240, 295), (240, 360), (110, 265), (345, 265)]),
    'real_liveportrait-driving_d9': ('real', '-', [(195, 205), (312, 207), (250, 260), (248, 330), (130, 240), (385, 240)]),
    'real_liveportrait-driving_d10': ('real', '-', [(205, 243), (307, 243), (258, 300), (258, 365), (165, 290), (355, 290)]),
    'real_liveportrait-driving_d18': ('real', '-', [(195, 222), (302, 225), (248, 285), (245, 362), (125, 265), (370, 265)]),
    'real_liveportrait-driving_d20': ('real', '-', [(185, 215), (270, 215), (228, 260), (228, 315), (150, 240), (305, 240)]),
    'real_mit-evm_face': ('real', '-', [(160, 235), (320, 238), (240, 320), (240, 395), (40, 300), (440, 300)]),
    'real_ffpp-like_cyshih_real': ('real', '-', [(300, 150), (348, 150), (325, 180), (325, 205), (270, 170), (382, 165)]),
    'fake_ffpp-unknown_cyshih_fake': ('fake', 'ffpp-unknown', [(300, 150), (348, 150), (325, 180), (325, 205), (270, 170), (382, 165)]),
    'fake_aniportrait_kara': ('fake', 'aniportrait', [(225, 232), (355, 238), (290, 300), (290, 365), (130, 250), (440, 255)]),
}


def probe_size(path: Path) -> tuple[int, int]:
    out = subprocess.run(
        ['/usr/bin/ffprobe', '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height',
         '-of', 'csv=p=0', str(path)], check=True, capture_output=True, text=True).stdout
    w, h = out.strip().split(',')[:2]
    return int(w), int(h)


def decode_frames(path: Path, fps: float, max_frames: int):
    w, h = probe_size(path)
    raw = subprocess.run(
        ['/usr/bin/ffmpeg', '-v', 'error', '-i', str(path), '-vf', f'fps={fps}', '-frames:v', str(max_frames),
         '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], check=True, capture_output=True).stdout
    n = len(raw) // (w * h * 3)
    frames = np.frombuffer(raw[: n * w * h * 3], np.uint8).reshape(n, h, w, 3)
    return frames


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--media', default='/work/shared/media')
    ap.add_argument('--out', default=str(HERE / 'cache' / 'devcrops'))
    ap.add_argument('--fps', type=float, default=2.0)
    ap.add_argument('--max', type=int, default=16, help='frames per clip')
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for stem, (label, method, pts) in HAND_LANDMARKS.items():
        src = Path(args.media) / f'{stem}.mp4'
        if not src.exists():
            print(f'skip {stem}: {src} not found')
            continue
        frame_lm = {k: np.array(p, np.float64) for k, p in zip(LANDMARK_NAMES, pts)}
        m = crop_from_frame_transform(frame_lm['leftEye'], frame_lm['rightEye'], CROP_SIZE)
        crop_lm = {k: apply_affine(np.linalg.inv(np.vstack([m, [0, 0, 1]]))[:2], v) for k, v in frame_lm.items()}
        (out / stem).mkdir(exist_ok=True)
        frames = decode_frames(src, args.fps, args.max)
        coeffs = tuple(m.reshape(-1))  # PIL affine: output (u, v) -> input (x, y)
        for seq, fr in enumerate(frames):
            crop = Image.fromarray(fr).transform((CROP_SIZE, CROP_SIZE), Image.AFFINE, coeffs, Image.BILINEAR)
            rel = f'{stem}/{seq:06d}.png'
            crop.save(out / rel)
            lines.append({'file': rel, 'clip': stem, 'label': label, 'method': method, 'seq': seq,
                          'ptsMs': round(seq * 1000 / args.fps),
                          'landmarks': {k: [round(float(v[0]), 2), round(float(v[1]), 2)] for k, v in crop_lm.items()}})
        print(f'{stem}: {len(frames)} crops')
    (out / 'index.jsonl').write_text(''.join(json.dumps(x) + '\n' for x in lines))
    print(f'wrote {len(lines)} crops to {out}')


if __name__ == '__main__':
    main()
