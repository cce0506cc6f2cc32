"""Training configuration: one dataclass, dumped to JSON next to every run (no YAML)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RUNS_DIR = HERE / 'runs'
MODELS_DIR = HERE.parent

FAMILIES = ('resnet18', 'xception', 'efficientnet', 'mobilenet')
# Converted pretrained backbones (models/training/pretrained); accepted by --family, not in the default loops.
PRETRAINED_FAMILIES = ('faceres', 'centernet')
HEADS = ('dropout', 'bayes')
HEAD_SUFFIX = {'dropout': 'mcd', 'bayes': 'bnn'}


def default_name(family: str, head: str, hold_out: str | None = None) -> str:
    base = f'blind-{family}-{HEAD_SUFFIX[head]}'
    return f'{base}-logo-{hold_out}' if hold_out else base


@dataclass
class TrainConfig:
    # What is trained
    family: str = 'mobilenet'
    head: str = 'dropout'                  # 'dropout' (MC-dropout masks) | 'bayes' (BNN, local reparam.)
    name: str = ''                         # run / model name; default blind-<family>-<mcd|bnn>[-logo-<g>]
    version: str = '0.1.0'
    # Data
    index: str = 'models/training/cache/crops/index.jsonl'  # relative to the repo root, or absolute
    train_labels: list = field(default_factory=lambda: ['real'])  # clip labels whose crops are used
    train_methods: list = field(default_factory=lambda: ['-'])     # and their `method` (excludes e.g. AR filters)
    generators: list = field(default_factory=lambda: ['sbi', 'swap', 'upsample', 'reenact', 'recompress'])
    hold_out: str | None = None            # generator left out of training (leave-one-generator-out)
    val_fraction: float = 0.15             # of identities/clips, not of crops
    test_fraction: float = 0.2
    max_eval_crops: int = 400              # real crops per eval split (each also gets one fake per generator)
    input_size: int = 128
    mean: list = field(default_factory=lambda: [0.5, 0.5, 0.5])
    std: list = field(default_factory=lambda: [0.5, 0.5, 0.5])
    augment: bool = True
    # Model
    feature_dim: int = 256                 # D: pooled feature after the neck, where MC masks apply
    dense_channels: int = 64               # C: dense-head channels, where dense MC masks apply
    dense_grid: int = 8                    # h = w of dense_logits (stride 16 at 128 px)
    dropout_rate: float = 0.5              # p of the pooled-feature mask (dropout head)
    dense_dropout_rate: float = 0.3
    prior_sigma: float = 1.0               # BNN Gaussian prior N(0, prior_sigma²)
    init_logvar: float = -6.0              # BNN initial weight log-variance (σ ≈ 0.05)
    kl_weight: float = 1.0                 # multiplies KL / N_train (per-example ELBO)
    gen_loss_weight: float = 0.5
    dense_loss_weight: float = 0.5
    # Optimisation
    seed: int = 0
    epochs: int = 30
    max_steps: int = 0                     # > 0: stop after this many steps (smoke tests)
    batch_size: int = 128
    lr: float = 2e-3
    weight_decay: float = 0.05
    warmup_epochs: float = 1.0
    num_workers: int = -1                  # -1: cpu_count − 1 (0 on a 1–2 core machine)
    threads: int = 0                       # torch intra-op threads; 0 = leave as is
    device: str = 'auto'                   # auto | cpu | cuda
    amp: bool = True                       # bf16 autocast on CUDA
    # Evaluation / calibration
    mc_samples: int = 32                   # T for evaluation and calibration
    ece_bins: int = 15

    def resolved_name(self) -> str:
        return self.name or default_name(self.family, self.head, self.hold_out)

    def validate(self) -> 'TrainConfig':
        if self.family not in FAMILIES + PRETRAINED_FAMILIES:
            raise ValueError(f'family must be one of {FAMILIES + PRETRAINED_FAMILIES}, got {self.family!r}')
        if self.head not in HEADS:
            raise ValueError(f'head must be one of {HEADS}, got {self.head!r}')
        if self.hold_out is not None and self.hold_out not in self.generators:
            raise ValueError(f'hold_out {self.hold_out!r} is not among generators {self.generators}')
        if self.input_size % 32:
            raise ValueError('input_size must be a multiple of 32')
        if self.dense_grid != self.input_size // 16:
            raise ValueError('dense_grid must be input_size / 16 (the stride-16 feature map)')
        return self

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> 'TrainConfig':
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f'unknown config keys: {sorted(unknown)}')
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> 'TrainConfig':
        return cls.from_dict(json.loads(Path(path).read_text()))


def resolve_path(p: str) -> Path:
    path = Path(p)
    return path if path.is_absolute() else REPO / path


def add_config_args(ap) -> None:
    """--config FILE plus --set key=value overrides (JSON values) shared by the scripts."""
    ap.add_argument('--config', help='JSON file with TrainConfig fields (others default)')
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE',
                    help='override one field; VALUE is JSON (e.g. --set epochs=5 --set hold_out=\\"swap\\")')


def config_from_args(args, **overrides) -> TrainConfig:
    d = json.loads(Path(args.config).read_text()) if getattr(args, 'config', None) else {}
    for kv in getattr(args, 'set', []):
        k, _, v = kv.partition('=')
        try:
            d[k] = json.loads(v)
        except json.JSONDecodeError:
            d[k] = v  # bare strings
    d.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig.from_dict(d).validate()
