"""What the training scripts of the biological-signal classifiers share (rppg/train.py,
motion/train.py; the runtime side is src/detectors/biological/): the common options, the Monte
Carlo dropout masks (a graph input, drawn as the runtime draws them), the closed-formula inputs of
the parity files the runtime tests rebuild, and the exported file's digest.

Imported as `models.training.biological` (motion) and as `biological` with models/training on
sys.path (rppg/train.py runs as a script), so it imports nothing of the package.
"""
from __future__ import annotations

import hashlib

import numpy as np


def add_training_options(p, *, epochs: int, patience: int, batch: int, threads: int) -> None:
    """The options every classifier's training takes (the defaults that differ are arguments)."""
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--epochs', type=int, default=epochs)
    p.add_argument('--patience', type=int, default=patience)
    p.add_argument('--batch', type=int, default=batch)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--weight-decay', type=float, default=1e-2)
    p.add_argument('--dropout', type=float, default=0.5)
    p.add_argument('--samples', type=int, default=32, help='MC samples for evaluation and the manifest default')
    p.add_argument('--threads', type=int, default=threads)
    p.add_argument('--no-export', action='store_true')


def dropout_masks(gen, n: int, t: int, width: int, rate: float):
    """Inverted-dropout masks [n, t, width]: 0 with probability `rate`, else 1/(1 - rate)."""
    import torch

    keep = (torch.rand(n, t, width, generator=gen) >= rate).float()
    return keep / (1 - rate)


def parity_inputs(n: int, t: int, rows: int, cols: int, nf: int, width: int, rate: float, noise: str = 'mask'):
    """Closed-formula inputs (flat row-major index i) the runtime's parity tests rebuild, float32:
    map[i] = ((i·7919) mod 1000)/500 − 1, features[i] = ((i·7919) mod 2001)/1000 − 1, noise[i] =
    0 if (i·104729) mod 5 = 0 else 1/(1 − rate) (`mask`) or ((i·104729) mod 7)/3 − 1 (`normal-grid`)."""
    i = np.arange(n * rows * cols)
    maps = (((i * 7919) % 1000) / 500.0 - 1).astype(np.float32).reshape(n, rows, cols)
    j = np.arange(n * nf)
    feats = (((j * 7919) % 2001) / 1000.0 - 1).astype(np.float32).reshape(n, nf)
    k = np.arange(n * t * width)
    if noise == 'mask':
        z = np.where((k * 104729) % 5 == 0, 0.0, 1 / (1 - rate))
    elif noise == 'normal-grid':
        z = ((k * 104729) % 7) / 3 - 1
    else:
        raise ValueError(f'unknown parity noise {noise!r}')
    return maps, feats, z.astype(np.float32).reshape(n, t, width)


def file_digest(blob: bytes) -> dict:
    """The sha256 and size a manifest records for its model file."""
    return {'sha256': hashlib.sha256(blob).hexdigest(), 'bytes': len(blob)}
