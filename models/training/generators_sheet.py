"""A contact sheet of the training manipulations (generators.py) on real crops, to look at:

    /usr/bin/python3 -m models.training.generators_sheet --selftest [--rows 6 --seed 3 --out /tmp/generators.png]

Columns: the real crop, then per generator the fake and |fake − real| × 4 with the mask in green.
Kept apart from generators.py because it reads crops through data.py, which imports generators.py
(no import cycle in the training package).
"""

from __future__ import annotations

import argparse

import numpy as np
from PIL import Image

from . import imageops as ops
from .data import default_index, load_crop, load_index
from .generators import GENERATORS, manipulate


def contact_sheet(index: str, out: str, seed: int, rows: int) -> None:
    entries = [e for e in load_index(index) if e.label == 'real']
    rng = np.random.default_rng(seed)
    by_clip: dict[str, list] = {}
    for e in entries:
        by_clip.setdefault(e.clip, []).append(e)
    clips = sorted(by_clip)
    tile = 192
    cols = 1 + 2 * len(GENERATORS)  # real | per generator: fake, |fake − real| ×4 with the mask
    sheet = Image.new('RGB', (cols * tile, rows * tile), (40, 40, 40))
    for r in range(rows):
        clip = clips[r % len(clips)]
        e = by_clip[clip][int(rng.integers(len(by_clip[clip])))]
        img, lm = load_crop(e)
        donor_clip = clips[(r + 1 + int(rng.integers(len(clips) - 1))) % len(clips)]
        de = by_clip[donor_clip][0]
        donor = load_crop(de)
        sheet.paste(ops.to_pil(img), (0, r * tile))
        for g, name in enumerate(GENERATORS):
            fake, mask = manipulate(name, img, lm, rng, donor)
            sheet.paste(ops.to_pil(fake), ((1 + 2 * g) * tile, r * tile))
            diff = np.abs(fake - img).mean(-1, keepdims=True).repeat(3, -1) * 4
            diff[..., 1] = np.maximum(diff[..., 1], mask * 90)  # mask in green
            sheet.paste(ops.to_pil(diff), ((2 + 2 * g) * tile, r * tile))
    sheet.save(out)
    print(f'wrote {out}: columns = real, then per generator (fake, |diff|×4 + mask in green): {", ".join(GENERATORS)}')


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--selftest', action='store_true')
    ap.add_argument('--index', default=None, help='index.jsonl (default: cache/crops, else cache/devcrops)')
    ap.add_argument('--out', default='/tmp/generators.png')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--rows', type=int, default=4)
    args = ap.parse_args(argv)
    if not args.selftest:
        ap.print_help()
        return
    contact_sheet(args.index or str(default_index()), args.out, args.seed, args.rows)


if __name__ == '__main__':
    main()
