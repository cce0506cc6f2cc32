"""Trains and studies the SBI blind detectors on cached views (views.py).

    # 1. the frozen trunk's maps of every view, once per backbone (minutes)
    python3 -m models.training.sbi_train features --family faceres
    # 2. leave-one-generator-out study + the final split (train → calib → eval): sbi_study.py
    # 3. the shipped model (train split; temperature and density reference on calib): sbi_export.py

With a frozen backbone (`--tune-upper` off) only the neck, the dense trunk and the heads learn, from
cached stride-16 and stride-32 maps: a run is seconds to a minute on two cores. `--tune-upper` also
fine-tunes the backbone's stride-32 stage from the cached stride-16 maps.

Video scores follow the issue's rule: a track's score is the mean p(fake) of its face crops, a clip
is as fake as its most fake track (tracks with fewer than `min_track_crops` crops count only when
the clip has no longer one).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import density as dens
from .face_index import GENERATORS
from . import metrics
from .metrics import auc, balanced_weights, bootstrap_auc, mc_stats  # noqa: F401 (bootstrap_auc: re-exported)
from .sbi_model import SBI_CLASSES, SbiDetector

CACHE = Path('models/training/cache')
RUNS = Path('models/training/runs')
# x = (pixel/255 − mean) / std: both converted backbones take RGB 0..255 (pretrained/STATUS in README)
INPUT_SCALE = {'faceres': (np.zeros(3), np.full(3, 1 / 255.0)), 'centernet': (np.zeros(3), np.full(3, 1 / 255.0))}


def normalise(images: np.ndarray, family: str) -> torch.Tensor:
    mean, std = INPUT_SCALE.get(family, (np.full(3, 0.5), np.full(3, 0.5)))
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0
    return (x - torch.tensor(mean, dtype=torch.float32)[None, :, None, None]) / torch.tensor(std, dtype=torch.float32)[None, :, None, None]


# ---------------------------------------------------------------------------------------------
# data


@dataclass
class Views:
    meta: dict          # name → np.ndarray of str
    label: np.ndarray
    boundary: np.ndarray
    mid: np.ndarray | None = None
    last: np.ndarray | None = None
    image: np.ndarray | None = None

    def subset(self, idx: np.ndarray) -> 'Views':
        pick = lambda a: None if a is None else a[idx]  # noqa: E731
        return Views({k: v[idx] for k, v in self.meta.items()}, self.label[idx], self.boundary[idx],
                     pick(self.mid), pick(self.last), pick(self.image))

    def __len__(self) -> int:
        return len(self.label)


def load_views(path: Path, feats: Path | None) -> Views:
    z = np.load(path)
    meta = {k: z['crop_file' if k == 'file' else k] for k in ('file', 'clip', 'track', 'group', 'split', 'method', 'kind', 'cls', 'view')}
    v = Views(meta, z['label'].astype(np.int64), z['boundary'].astype(np.float32))
    if feats is None:
        v.image = z['image']
    else:
        f = np.load(feats)
        v.mid, v.last = f['mid'], f['last']
    return v


def compute_features_onnx(views_path: Path, family: str, out: Path, trunk: Path) -> None:
    """The same maps through ONNX Runtime (onnx_features.mjs) from an exported trunk
    (pretrained/export_trunks.py), checked against torch on the first views."""
    import subprocess
    z = np.load(views_path)
    images = np.ascontiguousarray(z['image'])
    n, s = images.shape[0], images.shape[1]
    tmp = out.with_suffix('')
    images.tofile(f'{tmp}.u8')
    mean, std = INPUT_SCALE.get(family, (np.full(3, 0.5), np.full(3, 0.5)))
    subprocess.run(['node', str(Path(__file__).with_name('onnx_features.mjs')), str(trunk), f'{tmp}.u8', str(n), str(s),
                    ','.join(map(str, mean)), ','.join(map(str, std)), str(tmp)], check=True)
    model = SbiDetector(family).eval()
    with torch.no_grad():
        mid0 = model.lower(normalise(images[:4], family))
        last0 = model.upper(mid0)
    mid = np.fromfile(f'{tmp}.mid.f32', np.float32).reshape((n,) + tuple(mid0.shape[1:]))
    last = np.fromfile(f'{tmp}.last.f32', np.float32).reshape((n,) + tuple(last0.shape[1:]))
    err = max(float(np.abs(mid[:4] - mid0.numpy()).max()), float(np.abs(last[:4] - last0.numpy()).max()))
    assert err < 1e-3 * max(float(np.abs(mid0).max()), 1.0), f'ONNX trunk differs from torch by {err}'
    np.savez(out, mid=mid.astype(np.float16), last=last.astype(np.float16))
    for suffix in ('.u8', '.mid.f32', '.last.f32'):
        Path(f'{tmp}{suffix}').unlink()
    print(f'{family}: {n} views via ONNX Runtime (torch parity {err:.2e}) → {out}')


def compute_features(views_path: Path, family: str, out: Path, batch: int = 64) -> None:
    z = np.load(views_path)
    images = z['image']
    model = SbiDetector(family).eval()
    mids, lasts = [], []
    t0 = time.time()
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = normalise(images[i:i + batch], family)
            mid = model.lower(x)
            mids.append(mid.half().numpy())
            lasts.append(model.upper(mid).half().numpy())
    np.savez(out, mid=np.concatenate(mids), last=np.concatenate(lasts))
    print(f'{family}: {len(images)} views in {time.time() - t0:.0f} s → {out}')


# ---------------------------------------------------------------------------------------------
# training


@dataclass
class RunConfig:
    family: str = 'faceres'
    head: str = 'dropout'
    epochs: int = 12
    batch: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.05
    dense_weight: float = 0.5
    gen_weight: float = 0.5
    kl_weight: float = 1.0
    tune_upper: bool = False
    end_to_end: bool = False       # train the whole network on the view images (from-scratch families)
    seed: int = 0
    mc: int = 32


def sample_weights(v: Views) -> np.ndarray:
    """Real and fake get equal totals; within fakes the self-blends get half and the generators
    present share the other half equally (DeepFaceLive would otherwise drown the others)."""
    w = np.zeros(len(v))
    real = v.label == 0
    w[real] = 0.5 / max(real.sum(), 1)
    sbi_m = v.meta['cls'] == 'sbi'
    gens = [g for g in GENERATORS if (v.meta['cls'] == g).any()]
    w[sbi_m] = (0.25 if gens else 0.5) / max(sbi_m.sum(), 1)
    for g in gens:
        m = v.meta['cls'] == g
        w[m] = 0.25 / len(gens) / m.sum()
    return w * len(v)


def train_run(cfg: RunConfig, train: Views, log=print) -> SbiDetector:
    torch.manual_seed(cfg.seed)
    model = SbiDetector(cfg.family, cfg.head)
    for p in model.backbone.parameters():
        p.requires_grad_(cfg.end_to_end)
    if cfg.tune_upper:
        for p in model.upper_modules_parameters():
            p.requires_grad_(True)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    n = len(train)
    steps = cfg.epochs * math.ceil(n / cfg.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.1)
    weights = torch.from_numpy(sample_weights(train)).float()
    cls_index = {c: i for i, c in enumerate(SBI_CLASSES)}
    cls = torch.tensor([cls_index[c] for c in train.meta['cls']])
    labels = torch.from_numpy(train.label).float()
    dense_on = torch.from_numpy(np.isin(train.meta['cls'], ('real', 'sbi'))).float()
    boundary = torch.from_numpy(train.boundary)
    mid_all = None if cfg.end_to_end else torch.from_numpy(train.mid)
    last_all = None if cfg.end_to_end else torch.from_numpy(train.last)
    g = torch.Generator().manual_seed(cfg.seed)
    model.train()
    if not cfg.end_to_end:
        model.backbone.eval()   # frozen BN statistics (the ports have no BN layers, the scratch families do)
    t0 = time.time()
    for epoch in range(cfg.epochs):
        order = torch.randperm(n, generator=g)
        total = 0.0
        for i in range(0, n, cfg.batch):
            idx = order[i:i + cfg.batch]
            if cfg.end_to_end:
                mid, last = model.backbone(normalise(train.image[idx.numpy()], cfg.family))
            else:
                mid = mid_all[idx].float()
                last = model.upper(mid) if cfg.tune_upper else last_all[idx].float()
            feat, fmap = model.from_maps(mid, last)
            noise, dense_noise = model.sample_noise(len(idx), 1, generator=g)
            logits, dense, gen = model.heads(feat, fmap, noise, dense_noise)
            w = weights[idx]
            l_bin = (nn.functional.binary_cross_entropy_with_logits(logits[:, 0], labels[idx], reduction='none') * w).mean()
            l_gen = (nn.functional.cross_entropy(gen[:, 0], cls[idx], reduction='none') * w).mean()
            d = nn.functional.binary_cross_entropy_with_logits(dense[:, 0], boundary[idx].float(), reduction='none').mean((1, 2))
            l_dense = (d * w * dense_on[idx]).sum() / max(float((w * dense_on[idx]).sum()), 1e-9)
            loss = l_bin + cfg.gen_weight * l_gen + cfg.dense_weight * l_dense + cfg.kl_weight * model.heads.kl() / n
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        log(f'  epoch {epoch + 1}/{cfg.epochs} loss {total / n:.4f} ({time.time() - t0:.0f} s)')
    return model.eval()


@torch.no_grad()
def predict(model: SbiDetector, v: Views, cfg: RunConfig, batch: int = 256) -> dict:
    """Per view: MC logits [N, T], mean-network feature [N, D], mean dense and generator probs."""
    g = torch.Generator().manual_seed(cfg.seed + 17)
    logits, feats, gens, dense = [], [], [], []
    for i in range(0, len(v), batch):
        if v.mid is None:
            mid, last = model.backbone(normalise(v.image[i:i + batch], cfg.family))
        else:
            mid = torch.from_numpy(v.mid[i:i + batch]).float()
            last = model.upper(mid) if cfg.tune_upper else torch.from_numpy(v.last[i:i + batch]).float()
        feat, fmap = model.from_maps(mid, last)
        noise, dense_noise = model.sample_noise(len(mid), cfg.mc, generator=g)
        lo, de, ge = model.heads(feat, fmap, noise, dense_noise)
        logits.append(lo.numpy())
        feats.append(feat.numpy())
        gens.append(torch.softmax(ge, -1).mean(1).numpy())
        dense.append(torch.sigmoid(de).mean(1).numpy())
    return {'logits': np.concatenate(logits), 'feat': np.concatenate(feats), 'gen': np.concatenate(gens),
            'dense': np.concatenate(dense)}


# ---------------------------------------------------------------------------------------------
# evaluation helpers (pure)


def mc_summary(logits: np.ndarray, temperature: float = 1.0) -> dict:
    """metrics.mc_stats under the names the study uses: p (mean), mi (mutual information), aleatoric."""
    st = mc_stats(logits, temperature)
    return {'p': st['mean'], 'mi': st['epistemic'], 'aleatoric': st['aleatoric']}


def video_scores(clips: np.ndarray, tracks: np.ndarray, p: np.ndarray, min_track_crops: int = 3) -> dict:
    """clip → max over its tracks of the track's mean p (short tracks only when nothing longer)."""
    per_track: dict[tuple, list] = {}
    for c, t, x in zip(clips, tracks, p):
        per_track.setdefault((c, t), []).append(float(x))
    by_clip: dict[str, list] = {}
    for (c, _), xs in per_track.items():
        by_clip.setdefault(c, []).append((len(xs), float(np.mean(xs))))
    out = {}
    for c, ts in by_clip.items():
        long = [m for n, m in ts if n >= min_track_crops]
        out[c] = max(long) if long else max(m for _, m in ts)
    return out


def prob_greater(a: np.ndarray, b: np.ndarray) -> float | None:
    """P(X > Y) for X from a, Y from b (ties count half) — the AUC of a against b."""
    if len(a) == 0 or len(b) == 0:
        return None
    return auc(np.concatenate([a, b]), np.concatenate([np.ones(len(a)), np.zeros(len(b))]))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature on per-sample logits, class-balanced NLL of the MC mean (metrics.py)."""
    return metrics.fit_temperature(logits, labels, weights=balanced_weights(labels))


def ece(p: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """Class-balanced expected calibration error, equal-width bins (metrics.py)."""
    return metrics.ece(p, y, bins, weights=balanced_weights(y))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('command', choices=['features'])
    ap.add_argument('--family', default='faceres')
    ap.add_argument('--views', type=Path, default=CACHE / 'views.npz')
    ap.add_argument('--out', type=Path, default=None)
    ap.add_argument('--trunk', type=Path, default=None, help='trunk ONNX (image → mid, last): use ONNX Runtime')
    args = ap.parse_args()
    torch.set_num_threads(2)
    out = args.out or CACHE / f'feats-{args.family}.npz'
    if args.trunk:
        compute_features_onnx(args.views, args.family, out, args.trunk)
    else:
        compute_features(args.views, args.family, out)


if __name__ == '__main__':
    main()
