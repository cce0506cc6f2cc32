"""How steady a face's identity is from frame to frame: the cosine between FaceRes descriptors of
consecutive crops of one track (10 fps, 0.1 s apart), per track. Generators that render a face from
one identity code may hold it steadier than a real face that talks, turns and catches the light.

This is a measurement script (docs/blind.md): it fits nothing, so every generator is unseen by it.

    python3 -m models.training.identity_stability [--window 24]   # → cache/identity-stability.npz + the table
    python3 -m models.training.identity_stability --report-only    # the table from the cached file
    python3 -m models.training.identity_stability --onnx MODEL.onnx --output descriptor
        # the same with a shipped blind model's own pooled feature (onnx_outputs.mjs; the model
        # needs that output: add it with `--add-output` first, which copies the model)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import collections
import time
from pathlib import Path

import numpy as np
import torch

from .face_index import load_faces
from .metrics import auc
from .probe_features import runtime_crop
from .metrics import bootstrap_auc


def windows(faces: list, window: int) -> list:
    """Per track, the `window` consecutive crops (by seq) around the middle of the track."""
    by_track: dict = {}
    for f in faces:
        by_track.setdefault(f.clip_track, []).append(f)
    out = []
    for fs in by_track.values():
        fs = sorted(fs, key=lambda f: f.seq)
        start = max(0, (len(fs) - window) // 2)
        out.extend(fs[start:start + window])
    return out


def track_rows(d: dict, min_crops: int = 8, max_gap_ms: float = 150) -> list:
    """Per track: mean cosine of consecutive descriptors (pairs further apart than one 10-fps step skipped)."""
    desc = d['desc'] / np.linalg.norm(d['desc'], axis=1, keepdims=True)
    tracks = collections.defaultdict(list)
    for i, (c, t) in enumerate(zip(d['clip'], d['track'])):
        tracks[(c, t)].append(i)
    rows = []
    for (c, _), ix in tracks.items():
        ix = sorted(ix, key=lambda i: d['seq'][i])
        if len(ix) < min_crops:
            continue
        ok = np.diff(d['pts'][ix]) <= max_gap_ms
        if ok.sum() < 5:
            continue
        cos = (desc[ix][1:] * desc[ix][:-1]).sum(1)[ok]
        rows.append({'clip': c, 'method': str(d['method'][ix[0]]), 'label': int(d['label'][ix].max()),
                     'consistency': float(cos.mean()), 'size': float(np.median(d['size'][ix]))})
    return rows


def report(path: Path) -> None:
    z = np.load(path)
    rows = track_rows({k: z[k] for k in z.files})
    by = collections.defaultdict(list)
    for r in rows:
        by[r['method']].append(r['consistency'])
    for k, v in by.items():
        print(f'{k:18s} tracks {len(v):3d}  consistency {np.mean(v):.3f} ± {np.std(v):.3f}')
    clips = collections.defaultdict(list)
    for r in rows:
        clips[r['clip']].append(r)
    vids = {c: {'method': rs[0]['method'], 'label': max(r['label'] for r in rs),
                's': max(r['consistency'] for r in rs), 'size': float(np.median([r['size'] for r in rs]))}
            for c, rs in clips.items()}
    s = np.array([v['s'] for v in vids.values()])
    lab = np.array([v['label'] for v in vids.values()])
    meth = np.array([v['method'] for v in vids.values()])
    print(f'videos {len(s)} ({lab.sum()} fake): AUC {auc(s, lab):.3f} {bootstrap_auc(s, lab)}')
    for g in sorted(set(meth) - {'-'}):
        sel = (meth == g) | (lab == 0)
        print(f'  {g:18s} {(meth == g).sum()} fake vs {(lab == 0).sum()} real videos: AUC {auc(s[sel], lab[sel]):.3f} '
              f'{bootstrap_auc(s[sel], lab[sel])}')
    size = np.array([v['size'] for v in vids.values()])
    print(f'corr(consistency, face size) over real videos {np.corrcoef(s[lab == 0], size[lab == 0])[0, 1]:.3f}; '
          f'face size alone → fake AUC {auc(size, lab):.3f}')
    pairs = [(v['s'], vids[c.replace('fake_deepfacelive_', 'real_dfl-stream_')]['s']) for c, v in vids.items()
             if c.startswith('fake_deepfacelive_') and c.replace('fake_deepfacelive_', 'real_dfl-stream_') in vids]
    wins = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs])
    print(f'DeepFaceLive pairs {len(pairs)}: P(fake steadier than its own real stream) {wins:.3f}')
    split = np.array([str(z['split'][list(z['clip']).index(c)]) for c in vids])
    for sp in ('train', 'calib', 'eval'):
        sel = split == sp
        if lab[sel].min() != lab[sel].max():
            print(f'split {sp}: {sel.sum()} videos ({lab[sel].sum()} fake) AUC {auc(s[sel], lab[sel]):.3f} '
                  f'{bootstrap_auc(s[sel], lab[sel])}')


def faceres_descriptors(crops, n: int) -> list:
    """The pretrained FaceRes trunk's pooled last map (1,024-d), in batches of 64."""
    from .pretrained.faceres import FaceResBackbone
    net = FaceResBackbone.pretrained()
    desc, batch, t0 = [], [], time.time()
    with torch.no_grad():
        for i, x in enumerate(crops):
            batch.append(x)
            if len(batch) == 64 or i == n - 1:
                _, last = net(torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).contiguous())
                desc.append(last.mean((2, 3)).numpy())
                batch = []
            if i % 1280 == 0:
                print(f'{i}/{n} {time.time() - t0:.0f} s', flush=True)
    return desc


def onnx_descriptors(model: Path, output: str, add_output: str | None, crops, n: int) -> np.ndarray:
    """`output` of a blind model (deterministic mean network) through onnx_outputs.mjs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = model
        if add_output:
            import onnx
            m = onnx.load(model)
            m.graph.node.append(onnx.helper.make_node('Identity', [add_output], [output]))
            m.graph.output.append(onnx.helper.make_tensor_value_info(output, onnx.TensorProto.FLOAT, None))
            path = Path(tmp) / 'model.onnx'
            onnx.save(m, path)
        images = Path(tmp) / 'images.u8'
        with images.open('wb') as fh:
            for x in crops:
                fh.write(np.asarray(x, np.uint8).tobytes())
        subprocess.run(['node', str(Path(__file__).parent / 'onnx_outputs.mjs'), str(path), str(model.parent / 'manifest.json'),
                        str(images), str(n), str(Path(tmp) / 'out'), output], check=True)
        d = np.fromfile(Path(tmp) / f'out.{output}.f32', np.float32)
        return d.reshape(n, -1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--index', type=Path, default=Path('models/training/cache/faces/index.jsonl'))
    ap.add_argument('--window', type=int, default=24)
    ap.add_argument('--out', type=Path, default=None)
    ap.add_argument('--report-only', action='store_true')
    ap.add_argument('--onnx', type=Path, default=None, help='a blind model (with manifest.json beside it) instead of FaceRes')
    ap.add_argument('--output', default='descriptor', help='the ONNX output read as the descriptor')
    ap.add_argument('--add-output', default=None, metavar='TENSOR',
                    help='copy --onnx to a temporary file with TENSOR exposed as --output first')
    args = ap.parse_args()
    torch.set_num_threads(2)
    tag = '' if args.onnx is None else f'-{args.onnx.parent.name}-{args.output}'
    out = args.out or args.index.parent.parent / f'identity-stability{tag}.npz'
    if args.report_only:
        report(out)
        return
    faces = windows([f for f in load_faces(args.index, 0, args.index.parent / 'face_labels.json')
                     if f.face_label in ('real', 'fake')], args.window)
    t0 = time.time()
    crops = (runtime_crop(args.index.parent / f.file, int(f.extra['canonicalSize'])) for f in faces)
    desc = [onnx_descriptors(args.onnx, args.output, args.add_output, crops, len(faces))] if args.onnx \
        else faceres_descriptors(crops, len(faces))
    meta = {k: np.array([str(getattr(f, k)) for f in faces]) for k in ('clip', 'group', 'split', 'method', 'kind')}
    np.savez(out, desc=np.concatenate(desc), label=np.array([f.face_label == 'fake' for f in faces], np.int8),
             track=np.array([f.track for f in faces]), seq=np.array([f.seq for f in faces]),
             size=np.array([float(f.extra['faceBox'][2]) for f in faces]), pts=np.array([float(f.extra['ptsMs']) for f in faces]), **meta)
    print(f'{len(faces)} faces in {time.time() - t0:.0f} s → {out}')
    report(out)


if __name__ == '__main__':
    main()
