"""Two training-free cues of a face swap, measured on the crop cache (docs/blind.md, "Two swap cues
that need no training"). Both fit nothing, so every generator is unseen by them.

**1. Identity inside and around the face.** A face swap replaces the
inner face (eyes, nose, mouth, cheeks) and keeps the target's head (hair, forehead line, ears, jaw
outline), so the identity read from the inner face and the identity read from the surroundings
differ; in a real face they are one person. This is the idea of Dong et al., "Protecting
Celebrities from DeepFake with Identity Consistency Transformer" (CVPR 2022), measured here with
no training at all: the pretrained FaceRes trunk's pooled descriptor of

- the *inner* view: the runtime's canonical crop with everything outside an ellipse around eyes,
  nose and mouth set to mid-grey, and
- the *outer* view: the wider 256-px crop (1.33 × the canonical side) with that ellipse grey,

and their cosine, averaged over a window of a track; also after centring each view's descriptors
on the train split's real faces (the grey mask itself moves every descriptor the same way).

**2. Sharpness inside against around the face.** A swap renders the inner face at the generator's
resolution and warps it into the frame, so its fine detail need not match the camera's around it
(Li & Lyu, "Exposing DeepFake Videos By Detecting Face Warping Artifacts", 2019): log of the mean
absolute Laplacian (grey levels) inside the ellipse (scaled 0.6 or 1.0) over a ring around it
(1.05–1.3, 1.15–1.6 or 1.3–1.9 × the ellipse), per track averaged over the window.

A clip's score is its most swap-like track (a clip is fake when any face is). Reported: video AUC
overall, per split and per generator (its fakes against every real clip), and for the 41
DeepFaceLive demos the paired comparison with their own real stream (same person, scene, camera
and compression: the cleanest test of a cue, though not one a detector can run).

    python3 -m models.training.swap_cues            # → cache/swap-cues.npz + the tables
    python3 -m models.training.swap_cues --report-only
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .face_index import load_faces
from .identity_stability import windows
from .metrics import auc, bootstrap_auc
from . import sbi

SIZE = 128
GREY = 128.0


def ellipse(size: int, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    """Boolean mask of an axis-aligned ellipse, centre and radii in units of the side."""
    c = (np.arange(size) + 0.5) / size
    return ((c[None, :] - cx) / rx) ** 2 + ((c[:, None] - cy) / ry) ** 2 <= 1.0


# The canonical crop puts the eyes at (0.32, 0.40) and (0.68, 0.40); the mouth sits near y 0.75.
# The ellipse covers brows, eyes, nose, mouth and inner cheeks, not the hairline, ears or jaw line.
INNER = dict(cx=0.5, cy=0.56, rx=0.30, ry=0.33)


def views(path: Path, canonical: int) -> tuple[np.ndarray, np.ndarray]:
    """(inner, outer) 128-px RGB float views of one 256-px crop file."""
    img = np.asarray(Image.open(path).convert('RGB'), np.float32)
    full = img.shape[0]
    win = sbi.crop_window(full, canonical, (sbi.TEST_MARGIN,) * 4)
    inner = sbi.final_crop(img, win, SIZE).astype(np.float32)
    keep = ellipse(SIZE, **INNER)
    inner[~keep] = GREY
    outer = sbi.final_crop(img, (0, 0, full, full), SIZE).astype(np.float32)
    # The same ellipse, in the wider crop's coordinates: the canonical square is its central part.
    s = canonical / full
    o = (1 - s) / 2
    hole = ellipse(SIZE, o + INNER['cx'] * s, o + INNER['cy'] * s, INNER['rx'] * s, INNER['ry'] * s)
    outer[hole] = GREY
    return inner, outer


def descriptors(pairs, n: int) -> tuple[np.ndarray, np.ndarray]:
    from .pretrained.faceres import FaceResBackbone
    net = FaceResBackbone.pretrained()
    din, dout, a, b, t0 = [], [], [], [], time.time()
    with torch.no_grad():
        for i, (x, y) in enumerate(pairs):
            a.append(x)
            b.append(y)
            if len(a) == 64 or i == n - 1:
                for lst, out in ((a, din), (b, dout)):
                    _, last = net(torch.from_numpy(np.stack(lst)).permute(0, 3, 1, 2).contiguous())
                    out.append(last.mean((2, 3)).numpy())
                a, b = [], []
            if i % 1280 == 0:
                print(f'{i}/{n} {time.time() - t0:.0f} s', flush=True)
    return np.concatenate(din), np.concatenate(dout)


RINGS = ((1.05, 1.3), (1.15, 1.6), (1.3, 1.9))
INNER_SCALES = (0.6, 1.0)


def sharpness(path: Path, canonical: int) -> list[float]:
    """log(mean |Laplacian| inside the scaled ellipse / in a ring around it), for every
    INNER_SCALES × RINGS pair, on the grey 256-px crop."""
    img = np.asarray(Image.open(path).convert('L'), np.float32)
    n = img.shape[0]
    s = canonical / n
    o = (1 - s) / 2
    lap = np.abs(4 * img[1:-1, 1:-1] - img[:-2, 1:-1] - img[2:, 1:-1] - img[1:-1, :-2] - img[1:-1, 2:])

    def region(k: float) -> np.ndarray:
        return ellipse(n, o + INNER['cx'] * s, o + INNER['cy'] * s, INNER['rx'] * s * k, INNER['ry'] * s * k)[1:-1, 1:-1]

    out = []
    for k in INNER_SCALES:
        inside = float(np.log(lap[region(k)].mean() + 1e-3))
        out += [inside - float(np.log(lap[region(r1) & ~region(r0)].mean() + 1e-3)) for r0, r1 in RINGS]
    return out


def cue_columns(z: dict) -> dict:
    """Per face: each cue, oriented so that higher means more swap-like."""
    def unit(x):
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    real = (z['label'] == 0) & (z['split'] == 'train')
    cols = {'identity inner·outer cosine (raw)': -(unit(z['din']) * unit(z['dout'])).sum(1)}
    di, do = z['din'] - z['din'][real].mean(0), z['dout'] - z['dout'][real].mean(0)
    cols['identity inner·outer cosine (centred on train reals)'] = -(unit(di) * unit(do)).sum(1)
    names = [f'sharpness inside {k} / ring {r0}–{r1}' for k in INNER_SCALES for r0, r1 in RINGS]
    for j, name in enumerate(names):
        cols[name] = z['sharp'][:, j]
    return cols


def video_scores(z: dict, x: np.ndarray) -> dict:
    """Per clip: method, label, split and its most swap-like track's mean of the cue `x`."""
    tracks = collections.defaultdict(list)
    for i, key in enumerate(zip(z['clip'], z['track'])):
        tracks[key].append(i)
    clips: dict = {}
    for (c, _), ix in tracks.items():
        if len(ix) < 8:
            continue
        v = clips.setdefault(c, {'method': str(z['method'][ix[0]]), 'split': str(z['split'][ix[0]]),
                                 'label': 0, 'score': -np.inf})
        v['label'] = max(v['label'], int(z['label'][ix].max()))
        v['score'] = max(v['score'], float(x[ix].mean()))
    return clips


def ci(lo_hi) -> str:
    return f'[{lo_hi[0]:.3f}, {lo_hi[1]:.3f}]'


def report(path: Path) -> None:
    z = np.load(path)
    z = {k: z[k] for k in z.files}
    for name, x in cue_columns(z).items():
        vids = video_scores(z, x)
        s = np.array([v['score'] for v in vids.values()])
        lab = np.array([v['label'] for v in vids.values()])
        meth = np.array([v['method'] for v in vids.values()])
        split = np.array([v['split'] for v in vids.values()])
        print(f'## {name}')
        print(f'  all: {len(s)} videos ({lab.sum()} fake) AUC {auc(s, lab):.3f} {ci(bootstrap_auc(s, lab))}')
        for sp in ('train', 'calib', 'eval'):
            sel = split == sp
            if sel.any() and lab[sel].min() != lab[sel].max():
                print(f'  split {sp}: {sel.sum()} videos ({lab[sel].sum()} fake) AUC {auc(s[sel], lab[sel]):.3f}')
        for g in sorted(set(meth) - {'-'}):
            sel = (meth == g) | (lab == 0)
            print(f'  {g:18s} {(meth == g).sum():2d} fake vs {(lab == 0).sum()} real: AUC {auc(s[sel], lab[sel]):.3f} '
                  f'{ci(bootstrap_auc(s[sel], lab[sel]))}')
        pairs = [(v['score'], vids[c.replace('fake_deepfacelive_', 'real_dfl-stream_')]['score'])
                 for c, v in vids.items() if c.startswith('fake_deepfacelive_') and c.replace('fake_deepfacelive_', 'real_dfl-stream_') in vids]
        wins = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs])
        print(f'  DeepFaceLive pairs {len(pairs)}: P(swap scores above its own real stream) {wins:.3f}')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--window', type=int, default=24)
    ap.add_argument('--out', type=Path, default=None)
    ap.add_argument('--report-only', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(2)
    out = args.out or args.index.parent.parent / 'swap-cues.npz'
    if args.report_only:
        report(out)
        return
    faces = windows([f for f in load_faces(args.index, 0, args.index.parent / 'face_labels.json')
                     if f.face_label in ('real', 'fake')], args.window)
    t0 = time.time()
    files = [(args.index.parent / f.file, int(f.extra['canonicalSize'])) for f in faces]
    din, dout = descriptors((views(p, c) for p, c in files), len(faces))
    sharp = np.array([sharpness(p, c) for p, c in files], np.float32)
    meta = {k: np.array([str(getattr(f, k)) for f in faces]) for k in ('clip', 'group', 'split', 'method', 'kind')}
    np.savez(out, din=din, dout=dout, sharp=sharp, label=np.array([f.face_label == 'fake' for f in faces], np.int8),
             track=np.array([f.track for f in faces]), seq=np.array([f.seq for f in faces]),
             size=np.array([float(f.extra['faceBox'][2]) for f in faces]), **meta)
    print(f'{len(faces)} faces in {time.time() - t0:.0f} s → {out}')
    report(out)


if __name__ == '__main__':
    main()
