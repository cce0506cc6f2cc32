"""Crop index, split by identity/clip, data manifest, and the train / evaluation datasets.

Splits are made over groups (the index's optional `identity` field, else the clip), so no clip or
person is in two splits. Only crops whose label is in `train_labels` ("real") and whose method is in
`train_methods` ("-": unmanipulated) are split; the rest of the index (dev fakes, a real clip through
an AR beauty filter) forms the `ood` set, used for evaluation only. Fakes for train/val/test
are made on the fly by `generators.py` from the split's own real crops (donors from the same split).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from . import imageops as ops
from .config import HERE, TrainConfig, resolve_path
from .generators import CLASS_NAMES, manipulate
from .masks import patch_labels

DATA_MANIFEST_SCHEMA = 'fakescope-data-manifest/1'


@dataclass(frozen=True)
class Entry:
    root: Path
    file: str
    clip: str
    group: str
    label: str
    method: str
    seq: int
    landmarks: dict


def default_index() -> Path:
    real = HERE / 'cache' / 'crops' / 'index.jsonl'
    return real if real.exists() else HERE / 'cache' / 'devcrops' / 'index.jsonl'


def load_index(path: str | Path) -> list[Entry]:
    path = Path(path)
    out = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        out.append(Entry(path.parent, r['file'], r['clip'], r.get('identity') or r['clip'], r['label'],
                         r.get('method', '-'), int(r.get('seq', 0)),
                         {k: tuple(v) for k, v in r['landmarks'].items()}))
    return out


def load_crop(e: Entry) -> tuple[np.ndarray, dict]:
    img = np.asarray(Image.open(e.root / e.file).convert('RGB'), np.float32)
    return img, {k: np.asarray(v, np.float64) for k, v in e.landmarks.items()}


def split_groups(groups: list[str], seed: int, val_fraction: float, test_fraction: float) -> dict[str, str]:
    """Deterministic group → split assignment; at least one group in val and test when ≥ 3 groups."""
    gs = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(gs))
    n = len(gs)
    n_test = max(1, round(test_fraction * n)) if n >= 3 else 0
    n_val = max(1, round(val_fraction * n)) if n >= 3 else 0
    out = {}
    for rank, i in enumerate(order):
        out[gs[i]] = 'test' if rank < n_test else 'val' if rank < n_test + n_val else 'train'
    return out


def make_splits(cfg: TrainConfig) -> tuple[dict[str, list[Entry]], dict]:
    """Entries per split (train/val/test/ood) and the data manifest describing them."""
    index_path = resolve_path(cfg.index)
    entries = load_index(index_path)
    usable = lambda e: e.label in cfg.train_labels and e.method in cfg.train_methods  # noqa: E731
    assign = split_groups([e.group for e in entries if usable(e)], cfg.seed, cfg.val_fraction, cfg.test_fraction)
    splits: dict[str, list[Entry]] = {'train': [], 'val': [], 'test': [], 'ood': []}
    for e in entries:
        splits[assign[e.group] if usable(e) else 'ood'].append(e)
    leaked = ({e.clip for e in splits['train']} & {e.clip for e in splits['test']}) | \
             ({e.group for e in splits['train']} & {e.group for e in splits['test']})
    if leaked:
        raise RuntimeError(f'clips/identities in both train and test: {sorted(leaked)}')
    manifest = {
        'schema': DATA_MANIFEST_SCHEMA,
        'index': str(cfg.index),
        'indexSha256': hashlib.sha256(index_path.read_bytes()).hexdigest(),
        'seed': cfg.seed,
        'splitBy': 'identity field when present, else clip',
        'valFraction': cfg.val_fraction,
        'testFraction': cfg.test_fraction,
        'trainLabels': list(cfg.train_labels),
        'trainMethods': list(cfg.train_methods),
        'generators': [g for g in cfg.generators if g != cfg.hold_out],
        'heldOut': cfg.hold_out,
        'groups': {k: sorted({e.group for e in v}) for k, v in splits.items()},
        'crops': {k: [e.file for e in v] for k, v in splits.items()},
    }
    return splits, manifest


def manifest_hash(manifest: dict) -> str:
    return hashlib.sha256(json.dumps(manifest, sort_keys=True, separators=(',', ':')).encode()).hexdigest()


def _augment_pre(img, mask, rng):
    """Frame-level effects at crop size 192, before the resize: compression, alignment jitter, flip."""
    h, w = mask.shape
    if rng.random() < 0.5:
        img = ops.jpeg(img, int(rng.integers(45, 96)))
    if rng.random() < 0.8:
        ang = np.deg2rad(rng.uniform(-4, 4))
        s = rng.uniform(0.95, 1.05)
        t = rng.uniform(-0.02, 0.02, 2) * w
        c = np.array([w / 2, h / 2])
        rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]]) / s
        m = np.hstack([rot, (c - rot @ (c + t))[:, None]])
        img = ops.affine_warp(img, m)
        mask = ops.affine_warp_mask(mask, m)
    if rng.random() < 0.5:
        img, mask = img[:, ::-1].copy(), mask[:, ::-1].copy()
    return img, mask


def _augment_post(img, rng):
    if rng.random() < 0.5:
        mean = img.mean()
        img = (img - mean) * rng.uniform(0.85, 1.15) + mean * rng.uniform(0.85, 1.15)
        grey = img.mean(-1, keepdims=True)
        img = grey + (img - grey) * rng.uniform(0.8, 1.2)
    if rng.random() < 0.15:
        img = ops.gaussian_blur(img, rng.uniform(0.3, 0.9))
    if rng.random() < 0.15:
        img = img + rng.normal(0, rng.uniform(1, 4), img.shape).astype(np.float32)
    return np.clip(img, 0, 255)


_FILTERS = (Image.BILINEAR, Image.BICUBIC, Image.BOX)


class CropSet(torch.utils.data.Dataset):
    """Items (image, is_fake, class index, dense patch targets) for one split.

    train=True: index i < n is real crop i, i ≥ n is crop i − n manipulated by a random generator;
    randomness comes from (seed, epoch, i) so runs repeat whatever the worker layout — the sampler
    yields (epoch, i) pairs.
    train=False: each real crop once as real and once per generator, fixed randomness (seed, i).
    """

    def __init__(self, entries: list[Entry], cfg: TrainConfig, generators: list[str], train: bool, salt: int = 0):
        self.entries = entries
        self.cfg = cfg
        self.generators = list(generators)
        self.train = train
        self.salt = salt
        self.mean = np.array(cfg.mean, np.float32) * 255
        self.std = np.array(cfg.std, np.float32) * 255
        groups = sorted({e.group for e in entries})
        self.by_group = {g: [i for i, e in enumerate(entries) if e.group == g] for g in groups}
        self.per_crop = 1 + len(self.generators)

    def __len__(self) -> int:
        return 2 * len(self.entries) if self.train else self.per_crop * len(self.entries)

    def describe(self, i: int) -> tuple[int, str]:
        """(crop index, 'real' or generator name) of evaluation item i."""
        return i // self.per_crop, (('real',) + tuple(self.generators))[i % self.per_crop]

    def _donor(self, e: Entry, rng) -> tuple[np.ndarray, dict]:
        others = [g for g in self.by_group if g != e.group] or list(self.by_group)
        pool = self.by_group[others[int(rng.integers(len(others)))]]
        return load_crop(self.entries[pool[int(rng.integers(len(pool)))]])

    def __getitem__(self, key):
        if self.train:
            epoch, i = key
            rng = np.random.default_rng([self.cfg.seed, self.salt, epoch, i])
            n = len(self.entries)
            crop, fake = (i, False) if i < n else (i - n, True)
            method = self.generators[int(rng.integers(len(self.generators)))] if fake else 'real'
        else:
            i = key
            rng = np.random.default_rng([self.cfg.seed, self.salt, 1_000_003, i])
            crop, method = self.describe(i)
        e = self.entries[crop]
        img, lm = load_crop(e)
        if method == 'real':
            mask = np.zeros(img.shape[:2], np.float32)
        else:
            donor = self._donor(e, rng) if method == 'swap' else None
            img, mask = manipulate(method, img, lm, rng, donor)
        if self.train and self.cfg.augment:
            img, mask = _augment_pre(img, mask, rng)
        s = self.cfg.input_size
        filt = _FILTERS[int(rng.integers(len(_FILTERS)))] if self.train else Image.BILINEAR
        img = ops.resize(img, s, s, filt)
        mask = np.asarray(Image.fromarray(np.ascontiguousarray(mask, np.float32)).resize((s, s), Image.BILINEAR), np.float32)
        if self.train and self.cfg.augment:
            img = _augment_post(img, rng)
        x = torch.from_numpy(((img - self.mean) / self.std).transpose(2, 0, 1).copy())
        dense = torch.from_numpy(patch_labels(mask, self.cfg.dense_grid))
        cls = CLASS_NAMES.index(method)
        return x, torch.tensor(float(method != 'real')), torch.tensor(cls), dense


class OodSet(torch.utils.data.Dataset):
    """Crops of clips outside train_labels (dev fakes, filtered reals), as they are."""

    def __init__(self, entries: list[Entry], cfg: TrainConfig):
        self.entries = entries
        self.cfg = cfg
        self.mean = np.array(cfg.mean, np.float32) * 255
        self.std = np.array(cfg.std, np.float32) * 255

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i):
        img, _ = load_crop(self.entries[i])
        s = self.cfg.input_size
        img = ops.resize(img, s, s, Image.BILINEAR)
        x = torch.from_numpy(((img - self.mean) / self.std).transpose(2, 0, 1).copy())
        return x, torch.tensor(float(self.entries[i].label == 'fake')), torch.tensor(0), \
            torch.zeros(self.cfg.dense_grid, self.cfg.dense_grid)


class EpochSampler(torch.utils.data.Sampler):
    """Shuffled (epoch, i) pairs; call set_epoch before each epoch."""

    def __init__(self, n: int, seed: int):
        self.n = n
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        perm = np.random.default_rng([self.seed, 7, self.epoch]).permutation(self.n)
        return iter([(self.epoch, int(i)) for i in perm])

    def __len__(self) -> int:
        return self.n


def subsample(entries: list[Entry], limit: int, seed: int) -> list[Entry]:
    """At most `limit` entries, spread evenly over clips (deterministic)."""
    if limit <= 0 or len(entries) <= limit:
        return entries
    idx = np.random.default_rng([seed, 11]).permutation(len(entries))[:limit]
    return [entries[i] for i in sorted(idx)]
