"""Packs the crop cache small enough to travel to a GPU machine (the device tool carries ≤ 64 MiB;
the PNG cache is ~250 MB): every training-eligible crop as high-quality JPEG, evaluation-only clips
thinned. The index keeps its format; only `file` changes.

    /usr/bin/python3 -m models.training.pack_crops [--src models/training/cache/crops]
        [--dst models/training/cache/crops-jpeg] [--quality 95] [--ood-every 5]

Then train there with --index models/training/cache/crops-jpeg/index.jsonl (carry that folder).
The JPEG pass is one more compression of every crop, real and fake alike (fakes are made from the
packed reals); training already augments with JPEG q45–95. Models trained on the packed set say so in
their card through the index path and hash.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image

from .config import HERE, TrainConfig


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--src', default=str(HERE / 'cache' / 'crops'))
    ap.add_argument('--dst', default=str(HERE / 'cache' / 'crops-jpeg'))
    ap.add_argument('--quality', type=int, default=95)
    ap.add_argument('--ood-every', type=int, default=5, help='keep every n-th crop of evaluation-only clips')
    args = ap.parse_args(argv)
    src, dst = Path(args.src), Path(args.dst)
    cfg = TrainConfig()
    out, seen, size = [], {}, 0
    for line in (src / 'index.jsonl').read_text().splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        k = seen[r['clip']] = seen.get(r['clip'], -1) + 1
        trainable = r['label'] in cfg.train_labels and r.get('method', '-') in cfg.train_methods
        if not trainable and k % args.ood_every:
            continue
        rel = str(Path(r['file']).with_suffix('.jpg'))
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.open(src / r['file']).convert('RGB').save(dst / rel, quality=args.quality)
        size += (dst / rel).stat().st_size
        out.append({**r, 'file': rel})
    (dst / 'index.jsonl').write_text(''.join(json.dumps(x) + '\n' for x in out))
    print(f'{len(out)} crops, {size / 2 ** 20:.1f} MiB in {dst}')


if __name__ == '__main__':
    main()
