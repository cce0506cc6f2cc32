"""Trains one blind detector from scratch on real crops + on-the-fly manipulations.

    /usr/bin/python3 -m models.training.train --family mobilenet --head dropout [--hold-out swap]
        [--epochs 30] [--max-steps 20] [--batch-size 128] [--device auto|cpu|cuda] [--threads 1]
        [--config FILE] [--set key=value ...]

Writes runs/<name>/: config.json, data_manifest.json, best.pt (highest validation AUC of the mean
network), last.pt, history.jsonl, train_summary.json (timings).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time

import numpy as np
import torch
from torch import nn

from .config import add_config_args, config_from_args
from .data import CropSet, EpochSampler, make_splits, manifest_hash, subsample
from .detector import BlindDetector, build_detector
from .metrics import accuracy, auc, balanced_weights, sigmoid
from .runtime import auto_workers, pick_device, run_dir, save_checkpoint, seed_everything, set_threads, write_json


def param_groups(model: nn.Module, weight_decay: float):
    """No weight decay on biases, norms or Bayesian parameters (the KL term regularises those)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        bayes = 'heads.' in name and ('_mu' in name or '_logvar' in name)
        (no_decay if p.ndim <= 1 or bayes else decay).append(p)
    return [{'params': decay, 'weight_decay': weight_decay}, {'params': no_decay, 'weight_decay': 0.0}]


def loss_terms(model: BlindDetector, batch, cfg, n_train: int, device) -> dict[str, torch.Tensor]:
    x, y, cls, dense = (t.to(device, non_blocking=True) for t in batch)
    noise, dense_noise = model.sample_noise(x.shape[0], 1, device=device)
    amp = cfg.amp and device.type == 'cuda'
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
        logits, dense_logits, gen_logits = model(x, noise, dense_noise)
    bce = nn.functional.binary_cross_entropy_with_logits
    terms = {
        'bce': bce(logits[:, 0].float(), y),
        'gen': nn.functional.cross_entropy(gen_logits[:, 0].float(), cls),
        'dense': bce(dense_logits[:, 0].float(), dense),
        'kl': model.kl().to(device) / n_train,
    }
    terms['loss'] = terms['bce'] + cfg.gen_loss_weight * terms['gen'] + \
        cfg.dense_loss_weight * terms['dense'] + cfg.kl_weight * terms['kl']
    return terms


@torch.no_grad()
def validate(model: BlindDetector, loader, device) -> dict:
    model.eval()
    scores, labels = [], []
    for x, y, _, _ in loader:
        x = x.to(device)
        noise, dense_noise = model.mean_noise(x.shape[0], device=device)
        logits, _, _ = model(x, noise, dense_noise)
        scores.append(logits[:, 0].float().cpu().numpy())
        labels.append(y.numpy())
    model.train()
    s, l = np.concatenate(scores), np.concatenate(labels)
    return {'val_auc': auc(s, l), 'val_acc': accuracy(sigmoid(s), l, weights=balanced_weights(l))}


def train(cfg, out_root=None, log_every: int = 10) -> dict:
    name = cfg.resolved_name()
    out = run_dir(name, out_root)
    out.mkdir(parents=True, exist_ok=True)
    seed_everything(cfg.seed)
    set_threads(cfg.threads)
    device = pick_device(cfg.device)
    splits, manifest = make_splits(cfg)
    write_json(out / 'config.json', {**json.loads(cfg.to_json()), "name": name})
    write_json(out / 'data_manifest.json', manifest)
    gens = [g for g in cfg.generators if g != cfg.hold_out]
    train_set = CropSet(splits['train'], cfg, gens, train=True)
    val_set = CropSet(subsample(splits['val'], cfg.max_eval_crops // 2, cfg.seed), cfg, gens, train=False, salt=1)
    workers = auto_workers(cfg.num_workers)
    sampler = EpochSampler(len(train_set), cfg.seed)
    loader_kw = dict(num_workers=workers, pin_memory=device.type == 'cuda')
    if workers > 0:
        loader_kw.update(persistent_workers=True, prefetch_factor=4)
    train_loader = torch.utils.data.DataLoader(train_set, cfg.batch_size, sampler=sampler, drop_last=True, **loader_kw)
    val_loader = torch.utils.data.DataLoader(val_set, cfg.batch_size, shuffle=False, **loader_kw)

    model = build_detector(cfg).to(device).train()
    opt = torch.optim.AdamW(param_groups(model, cfg.weight_decay), lr=cfg.lr)
    steps_per_epoch = max(1, len(train_loader))
    total = cfg.max_steps if cfg.max_steps > 0 else cfg.epochs * steps_per_epoch
    warm = max(1, int(cfg.warmup_epochs * steps_per_epoch)) if cfg.max_steps <= 0 else max(1, total // 10)

    def lr_at(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    print(f'[{name}] {device} torch {torch.__version__}: {len(splits["train"])} train crops '
          f'({len(train_set)} items/epoch, {steps_per_epoch} steps), {len(val_set)} val items, '
          f'{total} steps, {workers} workers, generators {gens}', flush=True)
    history, step, best, t_start = [], 0, -1.0, time.time()
    compute_s, data_s, epoch = 0.0, 0.0, 0
    while step < total:
        sampler.set_epoch(epoch)
        t_epoch = time.time()
        t_wait = time.time()
        for batch in train_loader:
            t0 = time.time()
            data_s += t0 - t_wait
            terms = loss_terms(model, batch, cfg, len(train_set), device)
            opt.zero_grad(set_to_none=True)
            terms['loss'].backward()
            opt.step()
            sched.step()
            if device.type == 'cuda':
                torch.cuda.synchronize()
            compute_s += time.time() - t0
            step += 1
            if step % log_every == 0 or step == total:
                print(f'[{name}] epoch {epoch} step {step}/{total} ' +
                      ' '.join(f'{k} {v.item():.4f}' for k, v in terms.items()) +
                      f' lr {sched.get_last_lr()[0]:.2e}', flush=True)
            t_wait = time.time()
            if step >= total:
                break
        val = validate(model, val_loader, device)
        rec = {'epoch': epoch, 'step': step, 'seconds': round(time.time() - t_epoch, 2),
               'loss': round(terms['loss'].item(), 5), **val}
        history.append(rec)
        print(f'[{name}] epoch {epoch} done: {rec}', flush=True)
        extra = {'epoch': epoch, 'step': step, **val}
        save_checkpoint(out / 'last.pt', model, cfg, extra)
        score = val['val_auc'] if val['val_auc'] is not None else -val['val_acc']
        if score >= best:
            best = score
            save_checkpoint(out / 'best.pt', model, cfg, extra)
        epoch += 1
    seconds = time.time() - t_start
    summary = {
        'name': name, 'device': str(device), 'deviceName': torch.cuda.get_device_name(0) if device.type == 'cuda' else f'cpu ({platform.machine()})',
        'torch': torch.__version__, 'threads': torch.get_num_threads(), 'workers': workers,
        'batchSize': cfg.batch_size, 'steps': step, 'epochs': epoch, 'stepsPerEpoch': steps_per_epoch,
        'trainItemsPerEpoch': len(train_set), 'seconds': round(seconds, 1),
        'computeMsPerStep': round(1000 * compute_s / max(step, 1), 1),
        'dataWaitMsPerStep': round(1000 * data_s / max(step, 1), 1),
        'secondsPerEpochMeasured': round(seconds / max(epoch, 1), 1),
        'secondsPerEpochExtrapolated': round((compute_s + data_s) / max(step, 1) * steps_per_epoch, 1),
        'bestValAuc': best if best >= 0 else None, 'dataManifestSha256': manifest_hash(manifest),
        'history': history,
    }
    write_json(out / 'train_summary.json', summary)
    return summary


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(ap)
    ap.add_argument('--family')
    ap.add_argument('--head', choices=('dropout', 'bayes'))
    ap.add_argument('--hold-out', dest='hold_out')
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--max-steps', dest='max_steps', type=int)
    ap.add_argument('--batch-size', dest='batch_size', type=int)
    ap.add_argument('--device')
    ap.add_argument('--threads', type=int)
    ap.add_argument('--workers', dest='num_workers', type=int)
    ap.add_argument('--index')
    ap.add_argument('--name')
    ap.add_argument('--seed', type=int)
    ap.add_argument('--runs', help='runs folder (default models/training/runs)')
    args = ap.parse_args(argv)
    over = {k: getattr(args, k) for k in ('family', 'head', 'hold_out', 'epochs', 'max_steps', 'batch_size',
                                          'device', 'threads', 'num_workers', 'index', 'name', 'seed')}
    cfg = config_from_args(args, **over)
    s = train(cfg, args.runs)
    print(f'[{s["name"]}] {s["steps"]} steps in {s["seconds"]} s; {s["computeMsPerStep"]} ms compute + '
          f'{s["dataWaitMsPerStep"]} ms data wait per step; ~{s["secondsPerEpochExtrapolated"]} s per epoch')


if __name__ == '__main__':
    main()
