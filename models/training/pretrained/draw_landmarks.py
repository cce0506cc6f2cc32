"""Visual check of landmarks68(): draws the 68 points (jaw white, brows yellow, nose cyan, eyes green,
mouth red) on aligned crops and writes one PNG grid, one row per crop framing (`--box`).

    python3 -m models.training.pretrained.draw_landmarks CROP.png ... --out /tmp/lm.png \\
        [--box 0,0,1 --box 0.1,0.15,0.8]

Outputs go outside the repository: crops come from research media and never enter it.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from PIL import Image, ImageDraw

from .landmarks68 import BOX_LEFT, BOX_SIZE, BOX_TOP, Landmarks68Net, landmarks68

_COLOURS = ((17, (255, 255, 255)), (27, (255, 220, 0)), (36, (0, 220, 255)), (48, (0, 255, 0)), (68, (255, 40, 40)))


def _colour(i: int) -> tuple:
    return next(c for end, c in _COLOURS if i < end)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('crops', nargs='+')
    ap.add_argument('--out', default='/tmp/landmarks68.png')
    ap.add_argument('--box', action='append', help='left,top,size as fractions of the crop side')
    ap.add_argument('--size', type=int, default=192)
    args = ap.parse_args()
    torch.set_num_threads(2)
    boxes = [tuple(float(v) for v in b.split(',')) for b in args.box] if args.box else [(BOX_LEFT, BOX_TOP, BOX_SIZE)]
    s = args.size
    crops = np.stack([np.asarray(Image.open(f).convert('RGB').resize((s, s), Image.BILINEAR)) for f in args.crops])
    net = Landmarks68Net.pretrained()
    grid = Image.new('RGB', (s * len(crops), s * len(boxes)))
    for r, box in enumerate(boxes):
        pts = landmarks68(crops, net, box)
        for c, (crop, p) in enumerate(zip(crops, pts)):
            img = Image.fromarray(crop)
            d = ImageDraw.Draw(img)
            x0, y0, side = box[0] * s, box[1] * s, box[2] * s
            d.rectangle((x0, y0, x0 + side - 1, y0 + side - 1), outline=(255, 0, 255))
            for i, (x, y) in enumerate(p):
                d.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=_colour(i))
            grid.paste(img, (c * s, r * s))
    grid.save(args.out)
    print(f'{args.out}: {len(crops)} crops × {len(boxes)} framings {boxes}')


if __name__ == '__main__':
    main()
