"""Timing of one training step per family (synthetic batch) and of the data pipeline (real crops).

    /usr/bin/python3 -m models.training.bench [--device cpu] [--threads 1] [--batch-size 32]
        [--families ...] [--heads dropout] [--steps 8] [--data-items 0] [--workers 0] [--index PATH]

Step = forward + backward + AdamW on a [B,3,128,128] batch with T = 1 noise, as train.py does
(bf16 autocast on CUDA). Data = items/s of the training CropSet (manipulations + augmentation).
"""

from __future__ import annotations

import argparse
import time

import torch

from .config import FAMILIES, TrainConfig
from .detector import build_detector
from .runtime import pick_device, set_threads


def step_time(family: str, head: str, batch: int, device, steps: int) -> dict:
    cfg = TrainConfig(family=family, head=head).validate()
    model = build_detector(cfg).to(device).train()
    opt = torch.optim.AdamW(model.parameters(), 1e-3)
    x = torch.randn(batch, 3, cfg.input_size, cfg.input_size, device=device)
    y = torch.randint(0, 2, (batch,), device=device).float()
    times = []
    for _ in range(steps + 3):
        t0 = time.time()
        noise, dense_noise = model.sample_noise(batch, 1, device=device)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=device.type == 'cuda'):
            logits, dense, gen = model(x, noise, dense_noise)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0].float(), y) + \
            dense.float().mean() + gen.float().mean() + model.kl().to(device)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append(time.time() - t0)
    times = sorted(times[3:])
    ms = 1000 * times[len(times) // 2]
    return {'family': family, 'head': head, 'batch': batch, 'msPerStep': round(ms, 1),
            'imagesPerSecond': round(batch / ms * 1000, 1),
            'parameters': sum(p.numel() for p in model.parameters())}


def data_rate(index: str, items: int, workers: int, batch: int) -> dict:
    """Items/s of the training CropSet through a DataLoader, epochs chained so tiny crop sets measure
    the per-item cost rather than worker start-up."""
    from .data import CropSet, make_splits
    cfg = TrainConfig(index=index).validate()
    splits, _ = make_splits(cfg)
    ds = CropSet(splits['train'], cfg, cfg.generators, train=True)
    keys = [(e, i) for e in range(items // len(ds) + 2) for i in range(len(ds))]
    loader = torch.utils.data.DataLoader(ds, batch, sampler=keys, num_workers=workers)
    n, t0 = 0, None
    for x, *_ in loader:
        if t0 is None:  # the first batch includes worker start-up
            t0 = time.time()
            continue
        n += x.shape[0]
        if n >= items:
            break
    return {'workers': workers, 'batch': batch, 'itemsPerSecond': round(n / (time.time() - t0), 1)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--device', default='auto')
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--families', default=','.join(FAMILIES))
    ap.add_argument('--heads', default='dropout')
    ap.add_argument('--steps', type=int, default=8)
    ap.add_argument('--data-items', type=int, default=0, help='> 0: also time the data pipeline')
    ap.add_argument('--workers', type=int, default=0)
    ap.add_argument('--index', default='models/training/cache/crops/index.jsonl')
    args = ap.parse_args(argv)
    set_threads(args.threads)
    device = pick_device(args.device)
    print(f'device {device} ({torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"}), '
          f'torch {torch.__version__}, threads {torch.get_num_threads()}', flush=True)
    for fam in args.families.split(','):
        for head in args.heads.split(','):
            print(step_time(fam, head, args.batch_size, device, args.steps), flush=True)
    if args.data_items > 0:
        print(data_rate(args.index, args.data_items, args.workers, args.batch_size), flush=True)


if __name__ == '__main__':
    main()
