"""68-point landmarks for every real face crop of the index (the SBI masks are built from them).

    /usr/bin/python3 -m models.training.face_landmarks --index models/training/cache/faces/index.jsonl

Runs face-api's FaceLandmark68Net (pretrained/landmarks68.py) on each crop's canonical square (the
framing it was checked on) and writes `landmarks68.json` next to the index: {crop file: [[x, y] × 68]}
in the full crop's pixels. face_index.load_faces attaches them; views.py falls back to the coarse
keypoint template (landmarks.py) only for crops missing here.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .pretrained.landmarks68 import Landmarks68Net, landmarks68


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--batch', type=int, default=64)
    args = ap.parse_args()
    torch.set_num_threads(2)
    rows = [json.loads(line) for line in args.index.read_text().splitlines()]
    rows = [r for r in rows if r['label'] == 'real']
    net = Landmarks68Net.pretrained()
    out: dict[str, list] = {}
    t0 = time.time()
    for i in range(0, len(rows), args.batch):
        part = rows[i:i + args.batch]
        crops = []
        for r in part:
            m, c = r['margin'], r['canonicalSize']
            im = np.asarray(Image.open(args.index.parent / r['file']).convert('RGB'))
            crops.append(im[m:m + c, m:m + c])
        pts = landmarks68(np.stack(crops), net)
        for r, p in zip(part, pts):
            out[r['file']] = np.round(p + r['margin'], 1).tolist()
    (args.index.parent / 'landmarks68.json').write_text(json.dumps(out))
    print(f'{len(out)} crops in {time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
