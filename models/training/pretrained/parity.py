"""Parity of the PyTorch ports with the original TF.js models, on the recorded references.

    python3 -m models.training.pretrained.parity [faceres ...]

Each reference (`reference/<name>.json`, written by `node models/training/pretrained/tfjs_reference.mjs`)
holds the original model's outputs on the formula input ((i·7919) mod 1000)/1000 · scale. The port
is run on the same input and every recorded tensor is compared. Tolerance: the max abs error over a
tensor must stay below `REL_TOL` × the tensor's largest magnitude (float32 summation order differs
between TF.js and PyTorch, and folding a batch-norm scale into a kernel rounds differently; a wrong
transpose, padding or weight gives errors of the order of the values themselves). Exit code 1 when any
tensor is out of tolerance.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np
import torch

from .tfjs import input_formula

REFERENCE_DIR = Path(__file__).resolve().parent / 'reference'
REL_TOL = 1e-4


def _ports() -> dict:
    """name → (network factory, function(net, x_nchw) → dict of tensors)."""
    from . import centernet, faceres, landmarks68
    return {'faceres': (lambda: faceres.FaceResBackbone.pretrained(heads=True), faceres.parity_outputs),
            'centernet': (lambda: centernet.CenterNetBackbone.pretrained(full=True), centernet.parity_outputs),
            'landmarks68': (landmarks68.Landmarks68Net.pretrained, landmarks68.parity_outputs)}


def decode(entry: dict) -> np.ndarray:
    """The recorded values: the flat NHWC tensor at indices 0, stride, 2·stride, …"""
    return np.frombuffer(base64.b64decode(entry['data']), '<f4')


def sample(t: torch.Tensor, entry: dict) -> np.ndarray:
    """The port's tensor at the recorded positions (NCHW → NHWC, flattened, strided)."""
    a = t.numpy()
    assert list(a.transpose(0, 2, 3, 1).shape if a.ndim == 4 else a.shape) == list(entry['shape']), \
        f'{a.shape} vs NHWC {entry["shape"]}'
    a = a.transpose(0, 2, 3, 1) if a.ndim == 4 else a
    return a.reshape(-1)[::entry.get('stride', 1)]


def check(name: str, rel_tol: float = REL_TOL) -> list:
    """Rows (tensor, NHWC shape, max |ref|, max abs error, relative error, ok) of one port."""
    ref = json.loads((REFERENCE_DIR / f'{name}.json').read_text())
    factory, outputs = _ports()[name]
    net = factory()
    x = input_formula(tuple(ref['input']['shape'])) * np.float32(ref['input']['scale'])
    with torch.no_grad():
        got = outputs(net, torch.from_numpy(x.transpose(0, 3, 1, 2).copy()))
    rows = []
    for key, entry in ref['outputs'].items():
        want, have = decode(entry), sample(got[key], entry)
        err = float(np.abs(have - want).max())
        scale = float(entry.get('maxAbs', np.abs(want).max()))
        rel = err / max(scale, 1e-12)
        rows.append((key, tuple(entry['shape']), scale, err, rel, rel <= rel_tol))
    return rows


def main(argv: list) -> int:
    torch.set_num_threads(2)
    names = argv or list(_ports())
    ok = True
    for name in names:
        for key, shape, scale, err, rel, good in check(name):
            ok &= good
            print(f'{name:10s} {key:8s} {str(shape):20s} max|ref| {scale:10.4g}  max abs err {err:.3g}  '
                  f'rel {rel:.2g}  {"ok" if good else "FAIL"} (tol {REL_TOL:g})')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
