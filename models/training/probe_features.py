"""Multi-depth pooled features of a frozen pretrained backbone for every labelled face of the crop
index: the input of the linear-probe study (probe_study.py).

Per face the runtime's crop (the canonical square with the 12.5 % test margin, 128 px) goes through
the converted backbone once; after each chosen block the activations are pooled per channel to
their spatial mean and standard deviation. The standard deviation keeps how much a channel varies
across the face: texture and sharpness statistics that a global mean washes out.

    python3 -m models.training.probe_features --family faceres   # → cache/probe-faceres.npz
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from . import sbi
from .face_index import load_faces
from .views import pick

SIZE = 128
# Block indices (0-based) whose outputs are pooled, per family: strides 4, 8, 16, 16, 32 for FaceRes.
TAPS = {'faceres': (2, 4, 7, 10, 12)}


class Tapped(torch.nn.Module):
    """The FaceRes trunk returning the pooled mean and std of the chosen blocks' outputs."""

    def __init__(self, net, taps: tuple):
        super().__init__()
        self.net, self.taps = net, set(taps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        net = self.net
        x = net.act(net.conv1(x))
        out = []
        for i in range(len(net.dw)):
            x = net.block(i, x)
            if i in self.taps:
                out += [x.mean((2, 3)), x.std((2, 3))]
        return torch.cat(out, 1)


def backbone(family: str) -> torch.nn.Module:
    if family == 'faceres':
        from .pretrained.faceres import FaceResBackbone
        return Tapped(FaceResBackbone.pretrained(), TAPS['faceres']).eval()
    if family == 'centernet':
        from .pretrained.centernet import CenterNetBackbone
        net = CenterNetBackbone.pretrained().eval()

        class Pooled(torch.nn.Module):
            def forward(self, x):
                mid, last = net(x)
                return torch.cat([mid.mean((2, 3)), mid.std((2, 3)), last.mean((2, 3)), last.std((2, 3))], 1)
        return Pooled().eval()
    raise SystemExit(f'unknown family {family}')


def runtime_crop(path: Path, canonical: int) -> np.ndarray:
    img = np.asarray(Image.open(path).convert('RGB'), np.float32)
    win = sbi.crop_window(img.shape[0], canonical, (sbi.TEST_MARGIN,) * 4)
    return sbi.final_crop(img, win, SIZE)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--family', default='faceres')
    ap.add_argument('--out', type=Path, default=None)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--per-track', type=int, default=16, help='at most this many faces per track, evenly spaced')
    args = ap.parse_args()
    torch.set_num_threads(2)
    out = args.out or args.index.parent.parent / f'probe-{args.family}.npz'
    faces = [f for f in load_faces(args.index, 0, args.index.parent / 'face_labels.json') if f.face_label in ('real', 'fake')]
    faces = pick(faces, args.per_track)
    net = backbone(args.family)
    feats, t0 = [], time.time()
    with torch.no_grad():
        for i in range(0, len(faces), args.batch):
            chunk = faces[i:i + args.batch]
            x = np.stack([runtime_crop(args.index.parent / f.file, int(f.extra['canonicalSize'])) for f in chunk])
            # The pretrained ports take RGB 0..255, NCHW.
            feats.append(net(torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()).numpy().astype(np.float32))
            if i % (args.batch * 20) == 0:
                print(f'{i}/{len(faces)} {time.time() - t0:.0f} s', flush=True)
    meta = {k: np.array([str(getattr(f, k)) for f in faces]) for k in ('clip', 'group', 'split', 'method', 'kind')}
    meta['crop_file'] = np.array([f.file for f in faces])
    np.savez(out, x=np.concatenate(feats), label=np.array([f.face_label == 'fake' for f in faces], np.int8),
             track=np.array([f.track for f in faces]), **meta)
    print(f'{len(faces)} faces × {feats[0].shape[1]} features in {time.time() - t0:.0f} s → {out}')


if __name__ == '__main__':
    main()
