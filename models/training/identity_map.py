"""The identity-steadiness map and its evaluation, torch-free (identity_export.py ships them;
tests/test_identity_map.py checks them): a class-balanced logistic fit of p(fake) = σ(a·c + b) on
the runtime's per-frame consistency values (identity_runtime.py's JSON), and per-video scores (a
clip is as fake as its most fake track).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .metrics import auc, balanced_weights, bootstrap_auc, ece

def fit_map(c: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, iters: int = 50,
            ridge: float = 1e-6) -> tuple[float, float]:
    """Class-balanced (and `weights`-weighted) logistic regression p = σ(a·c + b) by Newton steps."""
    w = balanced_weights(y) if weights is None else weights
    mu, sd = float(c.mean()), float(c.std()) or 1.0
    x = np.stack([(c - mu) / sd, np.ones_like(c)], 1)
    beta = np.zeros(2)
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(x @ beta)))
        g = x.T @ (w * (p - y)) + ridge * beta
        h = (x * (w * p * (1 - p))[:, None]).T @ x + ridge * np.eye(2)
        beta -= np.linalg.solve(h, g)
    a = beta[0] / sd
    return float(a), float(beta[1] - a * mu)


MIN_FRAMES = 10      # a track needs this many scored frames to count for its video


def untouched_clips(labels: Path) -> set:
    """Fake clips that also show a person the labeller found untouched (their runtime tracks carry no label)."""
    per_face = json.loads(labels.read_text()) if labels.exists() else {}
    return {k.split('#')[0] for k, v in per_face.items() if v == 'real'}


def training_frames(runtime: dict, skip: set) -> tuple:
    """(consistency, label, weight) of every scored frame of the train split; each track weighs 1, classes balanced."""
    c, y, w = [], [], []
    for clip, r in runtime.items():
        if r['split'] != 'train' or r['label'] not in ('real', 'fake') or clip in skip:
            continue
        for values in r['tracks'].values():
            if len(values) < MIN_FRAMES:
                continue
            c += values
            y += [1.0 if r['label'] == 'fake' else 0.0] * len(values)
            w += [1.0 / len(values)] * len(values)
    c, y, w = np.array(c), np.array(y), np.array(w)
    for k in (0, 1):
        w[y == k] /= w[y == k].sum() * 2
    return c, y, w


def video_scores(runtime: dict, a: float, b: float) -> dict:
    """Per clip: p(fake) of its most fake track (mean over the track's scored frames) and its consistency."""
    out = {}
    for clip, r in runtime.items():
        tracks = [v for v in r['tracks'].values() if len(v) >= MIN_FRAMES]
        if not tracks or r['label'] not in ('real', 'fake'):
            continue
        p = [float(np.mean(1 / (1 + np.exp(-(a * np.array(v) + b))))) for v in tracks]
        out[clip] = {'split': r['split'], 'label': int(r['label'] == 'fake'), 'method': r['method'], 'p': max(p)}
    return out


def summarise(vids: dict) -> dict:
    p = np.array([v['p'] for v in vids.values()])
    y = np.array([v['label'] for v in vids.values()])
    lo, hi = bootstrap_auc(p, y)
    return {'videos': int(len(y)), 'fake': int(y.sum()), 'auc': auc(p, y), 'auc95': [lo, hi], 'ece': ece(p, y)}
