"""Run folders, seeding, devices and checkpoints (torch 1.13 and 2.x alike)."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import torch

from .config import RUNS_DIR, TrainConfig
from .detector import BlindDetector, build_detector


def run_dir(name: str, root: str | Path | None = None) -> Path:
    d = Path(root) if root else RUNS_DIR
    return d / name


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def pick_device(name: str) -> torch.device:
    if name == 'auto':
        return torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    if name == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('--device cuda requested but torch.cuda.is_available() is False')
    return torch.device(name)


def set_threads(n: int) -> None:
    if n > 0:
        torch.set_num_threads(n)


def auto_workers(requested: int) -> int:
    if requested >= 0:
        return requested
    cpus = os.cpu_count() or 1
    return 0 if cpus <= 2 else min(cpus - 1, 15)


def save_checkpoint(path: Path, model: BlindDetector, cfg: TrainConfig, extra: dict) -> None:
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({'config': cfg.to_json(), 'state_dict': state, 'extra': json.dumps(extra)}, path)


def load_checkpoint(path: Path, device: torch.device | str = 'cpu') -> tuple[BlindDetector, TrainConfig, dict]:
    try:
        ck = torch.load(path, map_location='cpu', weights_only=True)
    except TypeError:  # a torch without weights_only
        ck = torch.load(path, map_location='cpu')
    cfg = TrainConfig.from_dict(json.loads(ck['config'])).validate()
    model = build_detector(cfg)
    model.load_state_dict(ck['state_dict'])
    return model.to(device).eval(), cfg, json.loads(ck['extra'])


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=False) + '\n')


def read_json(path: Path):
    return json.loads(Path(path).read_text())
