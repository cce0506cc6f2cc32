"""Per-face labels for fake clips that also show untouched people.

A DeepFaceLive demo's fake half and its real half are the same stream: a face the swap left alone is
the same pixels in both, up to compression, while the swapped face differs. For every face track of
a fake clip, each crop is compared with the paired real clip's crop of the same frame and place
(same `seq`, face boxes overlapping); a track whose median difference is below `threshold` is
untouched (`real`), above it `fake`, and without a partner `unknown` (left out of training).

    /usr/bin/python3 -m models.training.face_labels --index models/training/cache/faces/index.jsonl

writes `face_labels.json` (`{"<clip>#<track>": "real" | "fake" | "unknown"}`) next to the index and
prints the difference of every track, so the threshold can be read off the data.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

# Mean absolute difference (0–255) of the central canonical crops; measured on the corpus (see the
# printed table): untouched faces 1–5, swapped faces ≥ 9.
DEFAULT_THRESHOLD = 6.0


def pair_of(clip: str) -> str | None:
    return 'real_dfl-stream_' + clip[len('fake_deepfacelive_'):] if clip.startswith('fake_deepfacelive_') else None


def box_iou(a, b) -> float:
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    ix = max(0.0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    iy = max(0.0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    inter = ix * iy
    return inter / max(aw * ah + bw * bh - inter, 1e-9)


def crop_difference(a: np.ndarray, b: np.ndarray, canonical: int) -> float:
    """Mean absolute difference of the central canonical squares of two crops."""
    m = (a.shape[0] - canonical) // 2
    ca = a[m:m + canonical, m:m + canonical].astype(np.float32)
    cb = b[m:m + canonical, m:m + canonical].astype(np.float32)
    return float(np.abs(ca - cb).mean())


def label_tracks(rows: list[dict], load, threshold: float = DEFAULT_THRESHOLD, min_iou: float = 0.5) -> dict:
    """rows: index lines; load(file) → H×W×3 array. Returns {clip#track: (label, median diff | None, n)}."""
    by_clip_seq: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows:
        by_clip_seq[(r['clip'], r['seq'])].append(r)
    diffs: dict[str, list[float]] = defaultdict(list)
    tracks = {f"{r['clip']}#{r['trackId']}" for r in rows if pair_of(r['clip'])}
    for r in rows:
        partner_clip = pair_of(r['clip'])
        if not partner_clip:
            continue
        candidates = by_clip_seq.get((partner_clip, r['seq']), [])
        best = max(candidates, key=lambda c: box_iou(r['faceBox'], c['faceBox']), default=None)
        if best is None or box_iou(r['faceBox'], best['faceBox']) < min_iou:
            continue
        diffs[f"{r['clip']}#{r['trackId']}"].append(crop_difference(load(r['file']), load(best['file']), r['canonicalSize']))
    out = {}
    for t in sorted(tracks):
        d = diffs.get(t, [])
        if not d:
            out[t] = ('unknown', None, 0)
        else:
            med = float(np.median(d))
            out[t] = ('real' if med < threshold else 'fake', med, len(d))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--threshold', type=float, default=DEFAULT_THRESHOLD)
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.index.read_text().splitlines()]
    root = args.index.parent
    result = label_tracks(rows, lambda f: np.asarray(Image.open(root / f).convert('RGB')), args.threshold)
    for t, (label, med, n) in result.items():
        print(f'{t:60s} {label:8s} median diff {"-" if med is None else f"{med:6.2f}"}  n={n}')
    (root / 'face_labels.json').write_text(json.dumps({t: v[0] for t, v in result.items()}, indent=1))
    counts = defaultdict(int)
    for label, _, _ in result.values():
        counts[label] += 1
    print(dict(counts))


if __name__ == '__main__':
    main()
