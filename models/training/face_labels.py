"""Per-face labels for fake clips that also show untouched people.

A DeepFaceLive demo's fake half and its real half are the same stream, so every face of the fake
half has a partner in the real half (same `seq`, overlapping face box). The swapped face keeps the
streamer's pose and much of the face shape but not its appearance; an untouched face is the same
face. The halves are not pixel-identical (re-encoded separately, backgrounds differ by 4–11 grey
levels on average), so pixels do not separate the two cases; the descriptor of a face network does:
the per-frame cosine of FaceRes' pooled stride-32 feature between a face and its partner, median
over the track, was 0.979–0.988 for the two untouched faces found and ≤ 0.904 for every swapped
face checked (threshold 0.95). A track without partners is `unknown` (left out of training).

    /usr/bin/python3 -m models.training.face_labels --index models/training/cache/faces/index.jsonl

writes `face_labels.json` (`{"<clip>#<track>": "real" | "fake" | "unknown"}`) next to the index and
prints every track's similarity, so the threshold can be checked against the data.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

DEFAULT_THRESHOLD = 0.95


def pair_of(clip: str) -> str | None:
    return 'real_dfl-stream_' + clip[len('fake_deepfacelive_'):] if clip.startswith('fake_deepfacelive_') else None


def box_iou(a, b) -> float:
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    ix = max(0.0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    iy = max(0.0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    inter = ix * iy
    return inter / max(aw * ah + bw * bh - inter, 1e-9)


def label_tracks(rows: list[dict], similarity, threshold: float = DEFAULT_THRESHOLD, min_iou: float = 0.5) -> dict:
    """rows: index lines; similarity(file_a, file_b) → higher for the same face.
    Returns {clip#track: (label, median similarity | None, pairs)} for the tracks of fake clips."""
    by_clip_seq: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows:
        by_clip_seq[(r['clip'], r['seq'])].append(r)
    sims: dict[str, list[float]] = defaultdict(list)
    tracks = {f"{r['clip']}#{r['trackId']}" for r in rows if pair_of(r['clip'])}
    for r in rows:
        partner_clip = pair_of(r['clip'])
        if not partner_clip:
            continue
        candidates = by_clip_seq.get((partner_clip, r['seq']), [])
        best = max(candidates, key=lambda c: box_iou(r['faceBox'], c['faceBox']), default=None)
        if best is None or box_iou(r['faceBox'], best['faceBox']) < min_iou:
            continue
        sims[f"{r['clip']}#{r['trackId']}"].append(similarity(r['file'], best['file']))
    out = {}
    for t in sorted(tracks):
        d = sims.get(t, [])
        if not d:
            out[t] = ('unknown', None, 0)
        else:
            med = float(np.median(d))
            out[t] = ('real' if med >= threshold else 'fake', med, len(d))
    return out


def faceres_similarity(root: Path, every: int = 4):
    """Cosine of FaceRes' pooled stride-32 descriptors of two crops (their canonical squares)."""
    import torch

    from .pretrained.faceres import FaceResBackbone
    net = FaceResBackbone.pretrained()
    cache: dict[str, np.ndarray] = {}

    def descriptor(f: str) -> np.ndarray:
        if f not in cache:
            im = Image.open(root / f).convert('RGB')
            m = (im.width - 192) // 2
            x = np.asarray(im.crop((m, m, m + 192, m + 192)).resize((128, 128), Image.BILINEAR), np.float32)
            with torch.no_grad():
                _, last = net(torch.from_numpy(x).permute(2, 0, 1)[None])
            v = last.mean((2, 3))[0].numpy()
            cache[f] = v / (np.linalg.norm(v) + 1e-12)
        return cache[f]

    return lambda a, b: float(descriptor(a) @ descriptor(b))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--threshold', type=float, default=DEFAULT_THRESHOLD)
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.index.read_text().splitlines()]
    root = args.index.parent
    # every 4th crop of a fake clip is enough for a track's median (and 4× cheaper)
    rows = [r for r in rows if not pair_of(r['clip']) or r['seq'] % 4 == 0]
    result = label_tracks(rows, faceres_similarity(root), args.threshold)
    for t, (label, med, n) in result.items():
        print(f'{t:60s} {label:8s} median similarity {"-" if med is None else f"{med:6.4f}"}  n={n}')
    (root / 'face_labels.json').write_text(json.dumps({t: v[0] for t, v in result.items()}, indent=1))
    counts = defaultdict(int)
    for label, _, _ in result.values():
        counts[label] += 1
    print(dict(counts))


if __name__ == '__main__':
    main()
