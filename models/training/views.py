"""The training and evaluation images of the SBI detectors, made once and cached.

From the face index (face_index.py) every track of every clip contributes at most `per_track`
crops, evenly spaced in time. Per crop:

    every face                    the runtime's crop (`canonical`): the canonical square, no
                                  augmentation — what evaluation scores
    train split, real face        `views` SBI pairs (sbi.py, train mode): the paired-augmented real
                                  and its self-blend, with random 5–20 % margins (`train`)
    train split, generator fake   `views` augmented copies (the SBI paired augmentation, margins, flip)
    calib / eval, real face       one SBI fake in test mode (`sbi-test`), to watch the SBI task itself

Each view is a 128-px uint8 RGB image (what the runtime feeds the model), its binary label, its
class (`real`, `sbi` or the generator), the boundary target B = 4·m·(1 − m) of its blend mask
pooled to `grid`×`grid` (zero for real and generator faces: their masks are unknown), and where it
came from. Randomness is keyed by (seed, crop file, view), so the worker count does not matter.

    /usr/bin/python3 -m models.training.views --index models/training/cache/faces/index.jsonl \
        --out models/training/cache/views.npz [--per-track 24 --views 2 --workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from PIL import Image

from . import sbi
from .face_index import Face, load_faces
from .landmarks import landmarks68_from_keypoints

SIZE = 128


def pick(faces: list[Face], per_track: int) -> list[Face]:
    by_track: dict[str, list[Face]] = {}
    for f in faces:
        by_track.setdefault(f.clip_track, []).append(f)
    out = []
    for fs in by_track.values():
        fs = sorted(fs, key=lambda f: f.seq)
        if len(fs) > per_track:
            idx = np.linspace(0, len(fs) - 1, per_track).round().astype(int)
            fs = [fs[i] for i in sorted(set(idx))]
        out.extend(fs)
    return out


def _rng(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha256(f'{seed}:{key}'.encode()).hexdigest()[:16], 16))


def pool_grid(m: np.ndarray, grid: int) -> np.ndarray:
    h = m.shape[0] // grid
    return m[:h * grid, :h * grid].reshape(grid, h, grid, h).mean((1, 3))


def landmarks_of(f: Face) -> np.ndarray:
    lm = f.extra.get('landmarks68')
    return np.asarray(lm, np.float64) if lm is not None else landmarks68_from_keypoints(f.landmarks)


def make_views(args) -> list[dict]:
    f, root, seed, n_views, grid = args
    img = np.asarray(Image.open(root / f.file).convert('RGB'), np.float32)
    canonical = int(f.extra['canonicalSize'])
    zero = np.zeros((grid, grid), np.float16)
    base = {'file': f.file, 'clip': f.clip, 'track': f.track, 'group': f.group, 'split': f.split,
            'method': f.method, 'kind': f.kind}
    out = []
    is_real = f.face_label == 'real'
    win = sbi.crop_window(img.shape[0], canonical, (sbi.TEST_MARGIN,) * 4)
    out.append({**base, 'image': sbi.final_crop(img, win, SIZE), 'label': 0 if is_real else 1,
                'cls': 'real' if is_real else f.method, 'boundary': zero, 'view': 'canonical'})
    if f.split == 'train':
        for v in range(n_views):
            rng = _rng(seed, f'{f.file}:{v}')
            if is_real:
                p = sbi.sbi_pair(img, landmarks_of(f), rng, canonical, SIZE, train=True)
                out.append({**base, 'image': p['real'], 'label': 0, 'cls': 'real', 'boundary': zero, 'view': 'train'})
                out.append({**base, 'image': p['fake'], 'label': 1, 'cls': 'sbi', 'view': 'train',
                            'boundary': pool_grid(p['boundary'], grid).astype(np.float16)})
            else:
                win_v = sbi.crop_window(img.shape[0], canonical, sbi.random_margins(rng))
                aug = sbi.apply_paired(img, sbi.draw_paired(rng))
                if rng.random() < 0.5:
                    aug = aug[:, ::-1].copy()
                out.append({**base, 'image': sbi.final_crop(aug, win_v, SIZE), 'label': 1, 'cls': f.method,
                            'boundary': zero, 'view': 'train'})
    elif is_real:
        p = sbi.sbi_pair(img, landmarks_of(f), _rng(seed, f'{f.file}:test'), canonical, SIZE, train=False)
        out.append({**base, 'image': p['fake'], 'label': 1, 'cls': 'sbi', 'view': 'sbi-test',
                    'boundary': pool_grid(p['boundary'], grid).astype(np.float16)})
    for o in out:
        o['image'] = np.clip(np.rint(o['image']), 0, 255).astype(np.uint8)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--labels', type=Path, default=None, help='face_labels.json (default: next to the index)')
    ap.add_argument('--out', type=Path, default=Path('models/training/cache/views.npz'))
    ap.add_argument('--per-track', type=int, default=24)
    ap.add_argument('--views', type=int, default=2)
    ap.add_argument('--grid', type=int, default=8)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--workers', type=int, default=2)
    args = ap.parse_args()
    labels = args.labels or args.index.parent / 'face_labels.json'
    faces = [f for f in load_faces(args.index, args.seed, labels) if f.face_label in ('real', 'fake')]
    chosen = pick(faces, args.per_track)
    t0 = time.time()
    jobs = [(f, args.index.parent, args.seed, args.views, args.grid) for f in chosen]
    with Pool(args.workers) as pool:
        views = [v for vs in pool.imap(make_views, jobs, chunksize=8) for v in vs]
    meta_keys = ('file', 'clip', 'track', 'group', 'split', 'method', 'kind', 'cls', 'view')
    np.savez(args.out, image=np.stack([v['image'] for v in views]), label=np.array([v['label'] for v in views], np.int8),
             boundary=np.stack([v['boundary'] for v in views]),
             **{('crop_file' if k == 'file' else k): np.array([str(v[k]) for v in views]) for k in meta_keys})
    print(f'{len(chosen)} crops → {len(views)} views in {time.time() - t0:.0f} s → {args.out}')


if __name__ == '__main__':
    main()
