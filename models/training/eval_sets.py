"""The calibration and evaluation sets for `fakescope calibrate` / `fakescope eval`, from the same
split as training (face_index.py: by person and source), as folders of symlinks to the shared
media plus a manifest.tsv (`file label method`):

    /usr/bin/python3 -m models.training.eval_sets [--out models/training/cache/sets]
    npx fakescope calibrate models/training/cache/sets/calib
    npx fakescope eval models/training/cache/sets/eval --perturb none --adversarial 0

A clip's split is its group's, so no person or source of the calibration or evaluation set was
trained on, and none of the evaluation set was calibrated on. Photos are all in the training split.
Labels are per clip (a fake clip may show untouched people: the clip is fake if any face is).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .face_index import group_of, split_groups

SHARED = Path('../shared')


def rows(folder: Path) -> list[tuple[str, str, str]]:
    lines = (folder / 'manifest.tsv').read_text().strip().splitlines()[1:]
    return [tuple(line.split('\t')[:3]) for line in lines]  # type: ignore[misc]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', type=Path, default=Path('models/training/cache/sets'))
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--splits', default='calib,eval', help='comma-separated; `train` too for identity_runtime.py')
    args = ap.parse_args()
    items = []
    for source in ('media', 'corpus'):
        for file, label, method in rows(SHARED / source):
            clip = file.rsplit('.', 1)[0]
            items.append((source, file, clip, label, method, group_of(clip, source)))
    split = split_groups(((g, label, method) for _, _, _, label, method, g in items), args.seed)
    for name in args.splits.split(','):
        d = args.out / name
        d.mkdir(parents=True, exist_ok=True)
        lines = ['file\tlabel\tmethod']
        for source, file, clip, label, method, g in items:
            if split[g] != name or label not in ('real', 'fake') or file.lower().endswith(('.jpg', '.jpeg', '.png')):
                continue
            link = d / file
            if not link.exists():
                os.symlink(os.path.relpath((SHARED / source / file).resolve(), d.resolve()), link)
            lines.append(f'{file}\t{label}\t{method}')
        (d / 'manifest.tsv').write_text('\n'.join(lines) + '\n')
        print(f'{name}: {len(lines) - 1} clips → {d}')


if __name__ == '__main__':
    main()
