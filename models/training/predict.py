"""Monte Carlo predictions of a trained run on one split, with explicit noise (as the runtime does).

The backbone runs once per crop and the heads T times in the same call, with noise from a seeded
torch.Generator on the CPU, so results repeat on any device. Cached in runs/<name>/pred_<split>.npz.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .config import TrainConfig
from .data import CropSet, OodSet, make_splits, subsample
from .metrics import binary_entropy, sigmoid
from .runtime import auto_workers, load_checkpoint, pick_device

SPLITS = ('val', 'test', 'ood')


def build_eval_set(cfg: TrainConfig, split: str, generators: list[str] | None = None):
    """Evaluation items of a split: (dataset, method per item, clip per item)."""
    splits, _ = make_splits(cfg)
    if split == 'ood':
        entries = splits['ood']
        return OodSet(entries, cfg), [e.label if e.method in ('-', '') else e.method for e in entries], \
            [e.clip for e in entries]
    if generators is None:  # a held-out generator is never seen before test, calibration included
        generators = [g for g in cfg.generators if split == 'test' or g != cfg.hold_out]
    gens = list(generators)
    entries = subsample(splits[split], cfg.max_eval_crops if split == 'test' else cfg.max_eval_crops // 2, cfg.seed)
    ds = CropSet(entries, cfg, gens, train=False, salt=1 if split == 'val' else 2)
    methods, clips = [], []
    for i in range(len(ds)):
        crop, method = ds.describe(i)
        methods.append(method)
        clips.append(entries[crop].clip)
    return ds, methods, clips


@torch.no_grad()
def mc_predict(model, dataset, samples: int, seed: int, device, batch_size: int = 64, workers: int = 0) -> dict:
    gen = torch.Generator().manual_seed(seed)
    loader = torch.utils.data.DataLoader(dataset, batch_size, shuffle=False, num_workers=workers)
    out = {k: [] for k in ('logits', 'gen_prob', 'dense_prob', 'dense_epistemic', 'y', 'cls', 'dense_target')}
    for x, y, cls, dense in loader:
        noise, dense_noise = model.sample_noise(x.shape[0], samples, generator=gen)
        logits, dense_logits, gen_logits = model(x.to(device), noise.to(device), dense_noise.to(device))
        dp = sigmoid(dense_logits.float().cpu().numpy())
        dmean = dp.mean(1)
        out['logits'].append(logits.float().cpu().numpy())
        out['gen_prob'].append(torch.softmax(gen_logits.float(), -1).mean(1).cpu().numpy())
        out['dense_prob'].append(dmean)
        out['dense_epistemic'].append(np.maximum(binary_entropy(dmean) - binary_entropy(dp).mean(1), 0))
        out['y'].append(y.numpy())
        out['cls'].append(cls.numpy())
        out['dense_target'].append(dense.numpy())
    return {k: np.concatenate(v) for k, v in out.items()}


def predictions(run: Path, split: str, refresh: bool = False, device: str = 'auto') -> dict:
    """Cached MC predictions of runs/<name>/best.pt on `split` (val, test or ood)."""
    cache = run / f'pred_{split}.npz'
    if cache.exists() and not refresh:
        with np.load(cache, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    dev = pick_device(device)
    model, cfg, _ = load_checkpoint(run / 'best.pt', dev)
    ds, methods, clips = build_eval_set(cfg, split)
    if len(ds) == 0:
        return {}
    res = mc_predict(model, ds, cfg.mc_samples, cfg.seed + 17, dev, workers=auto_workers(cfg.num_workers))
    res['method'] = np.array(methods)
    res['clip'] = np.array(clips)
    np.savez_compressed(cache, **res)
    return res
