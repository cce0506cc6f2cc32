"""Linear probes on frozen pretrained features (probe_features.py): leave-one-generator-out and the
train → calib → eval split, at the video level, with bootstrap intervals.

A probe is a class-balanced, L2-regularised logistic regression on standardised features, each face
weighted by 1 / (faces of its clip) so that long clips do not outvote short ones. Folds follow
sbi_study.py: the held-out generator's fakes and every group holding one leave training; the test
is all of its fakes against the real faces of people never trained on in that fold; a video is as
fake as its most fake track (track score = mean p of its faces).

    python3 -m models.training.probe_study --features models/training/cache/probe-faceres.npz
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from .face_index import GENERATORS
from .metrics import auc
from .sbi_train import bootstrap_auc, ece, video_scores


def clip_weights(clips: np.ndarray) -> np.ndarray:
    _, inv, counts = np.unique(clips, return_inverse=True, return_counts=True)
    return 1.0 / counts[inv]


def fit(x: np.ndarray, y: np.ndarray, clips: np.ndarray, c: float):
    mu, sd = x.mean(0), x.std(0) + 1e-6
    w = clip_weights(clips)
    w = w * np.where(y == 1, 0.5 / w[y == 1].sum(), 0.5 / w[y == 0].sum()) * len(y)
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mu) / sd, y, sample_weight=w)
    return lambda z: model.decision_function((z - mu) / sd)


def video_table(d: dict, idx: np.ndarray, logit: np.ndarray) -> tuple:
    p = 1 / (1 + np.exp(-logit))
    vs = video_scores(d['clip'][idx], d['track'][idx], p)
    clips = sorted(vs)
    # a clip is fake when any of its faces is (per-face labels keep untouched people real)
    lab = {c: 0 for c in clips}
    for c, l in zip(d['clip'][idx], d['label'][idx]):
        lab[c] = max(lab[c], int(l))
    return np.array([vs[c] for c in clips]), np.array([lab[c] for c in clips]), clips


def logo(d: dict, c: float) -> list:
    out = []
    for g in GENERATORS:
        held_groups = np.unique(d['group'][d['method'] == g])
        in_held = np.isin(d['group'], held_groups)
        train = (d['split'] == 'train') & ~in_held & (d['method'] != g)
        unseen = np.isin(d['split'], ('calib', 'eval')) | in_held
        test = ((d['method'] == g) & (d['label'] == 1)) | ((d['label'] == 0) & unseen)
        f = fit(d['x'][train], d['label'][train], d['clip'][train], c)
        ti = np.where(test)[0]
        lg = f(d['x'][ti])
        vp, vl, _ = video_table(d, ti, lg)
        # the same source on both sides: the held-out groups' own real clips (DeepFaceLive's paired
        # real streams, FF++'s anchor) — what is left when lighting, compression and people match
        pi = np.where(test & in_held)[0]
        pp, pl, _ = video_table(d, pi, f(d['x'][pi]))
        out.append({'generator': g, 'fakeVideos': int(vl.sum()), 'realVideos': int((vl == 0).sum()),
                    'videoAuc': auc(vp, vl), 'videoAucCi': bootstrap_auc(vp, vl),
                    'frameAuc': auc(lg, d['label'][ti]),
                    'pairedRealVideos': int((pl == 0).sum()), 'pairedVideoAuc': auc(pp, pl) if (pl == 0).any() else None})
    return out


def final(d: dict, c: float) -> dict:
    tr = d['split'] == 'train'
    f = fit(d['x'][tr], d['label'][tr], d['clip'][tr], c)
    res = {}
    for s in ('calib', 'eval'):
        idx = np.where(d['split'] == s)[0]
        vp, vl, _ = video_table(d, idx, f(d['x'][idx]))
        res[s] = {'videos': len(vl), 'fake': int(vl.sum()), 'videoAuc': auc(vp, vl), 'videoAucCi': bootstrap_auc(vp, vl),
                  'ece': ece(vp, vl)}
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--features', type=Path, required=True)
    ap.add_argument('--c', type=float, nargs='+', default=[0.001, 0.01, 0.1])
    ap.add_argument('--cols', default='', help='feature column slice a:b (default all)')
    ap.add_argument('--out', type=Path, default=None)
    args = ap.parse_args()
    z = np.load(args.features)
    d = {k: z[k] for k in z.files}
    if args.cols:
        a, b = (int(v) for v in args.cols.split(':'))
        d['x'] = d['x'][:, a:b]
    results = []
    for c in args.c:
        t0 = time.time()
        folds = logo(d, c)
        fin = final(d, c)
        aucs = [f['videoAuc'] for f in folds if f['videoAuc'] is not None]
        line = '  '.join(f"{f['generator'][:6]} {f['videoAuc']:.2f}"
                         + (f"/{f['pairedVideoAuc']:.2f}p{f['pairedRealVideos']}" if f['pairedVideoAuc'] is not None else '')
                         for f in folds)
        print(f'C={c:g}: LOGO mean {np.mean(aucs):.3f} min {np.min(aucs):.3f} | {line} | '
              f"eval {fin['eval']['videoAuc']:.3f} calib {fin['calib']['videoAuc']:.3f}  ({time.time() - t0:.0f} s)", flush=True)
        results.append({'c': c, 'logo': folds, 'final': fin, 'logoMean': float(np.mean(aucs))})
    if args.out:
        args.out.write_text(json.dumps({'features': str(args.features), 'cols': args.cols, 'results': results}, indent=1))


if __name__ == '__main__':
    main()
