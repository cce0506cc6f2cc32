"""Trains many runs at once on one GPU: every run of a family shares one stream of manipulated crops.

    python3 -m models.training.train_multi --config models/training/configs/full.json \
        --index models/training/cache/crops-jpeg/index.jsonl --families resnet18,xception,efficientnet,mobilenet \
        --bnn-families mobilenet --epochs 30 --deadline-s 420 [--runs DIR] [--bank DIR] [--workers 10]

Why: the manipulations run on the CPU (~80 items/s per core) and dominate a GPU run (see README.md);
the leave-one-generator-out (LOGO) runs and the shipped models need the same manipulated crops, so
one *producer* process writes each epoch's items once (`train_<epoch>.pt`, float16, plus fixed val,
test and ood sets) and one *trainer* process per family reads them and steps all of the family's
runs on every batch:

- the shipped run(s) (`mcd`, and `bnn` for --bnn-families) train on every item;
- the LOGO run for generator g drops g's fakes from each batch and weighs the remaining fakes by
  n/(n−1) so real and fake keep equal totals (train.py --hold-out draws among the n−1 others
  instead; the same in expectation). Its validation set is the shared one without g's fakes.

Epochs: after the second epoch each trainer measures its epoch time and fixes its epoch count so
that training ends before --deadline-s (seconds from the start), at most --epochs; the cosine
schedule uses that count, and train_summary.json records it (`epochsPlanned`, `deadlineS`).
Then every run is predicted with T = mc_samples explicit masks on the fixed sets (pred_*.npz as in
predict.py), calibrated (calibrate.py) and evaluated (evaluate.py); finally the LOGO summary.
Outputs per run are those of train.py + calibrate.py + evaluate.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .calibrate import calibrate
from .config import RUNS_DIR, add_config_args, config_from_args
from .data import CropSet, EpochSampler, make_splits, manifest_hash
from .evaluate import evaluate, logo_summary, logo_table
from .generators import CLASS_NAMES
from .metrics import auc
from .predict import build_eval_set, mc_predict
from .runtime import load_checkpoint, pick_device, run_dir, save_checkpoint, seed_everything, write_json
from .train import param_groups

EVAL_SPLITS = ('val', 'test', 'ood')


def _save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix('.tmp')
    torch.save(obj, tmp)
    os.replace(tmp, path)


def _wait_for(path: Path, poll: float = 0.2) -> None:
    while not path.exists():
        time.sleep(poll)


def _stack(loader) -> dict:
    xs, ys, cs, ds = [], [], [], []
    for x, y, c, d in loader:
        xs.append(x.half())
        ys.append(y)
        cs.append(c)
        ds.append(d)
    return {'x': torch.cat(xs), 'y': torch.cat(ys), 'cls': torch.cat(cs), 'dense': torch.cat(ds)}


# --- producer ------------------------------------------------------------------------------------

def _planned(bank: Path, families: list[str]) -> int | None:
    """The most epochs any trainer planned, once every trainer has written its plan."""
    files = [bank / f'planned_{f}.txt' for f in families]
    return max(int(f.read_text()) for f in files) if all(f.exists() for f in files) else None


def produce(cfg, bank: Path, epochs: int, workers: int, families: list[str]) -> None:
    """Writes val/test/ood once (val first), then train_<e>.pt for e = 0, 1, … until every trainer's
    planned epochs (or `epochs`) are written."""
    torch.set_num_threads(1)
    splits, _ = make_splits(cfg)
    kw = dict(num_workers=workers, batch_size=256)

    def write_eval(split: str) -> None:
        ds, methods, clips = build_eval_set(cfg, split)
        t0 = time.time()
        data = _stack(torch.utils.data.DataLoader(ds, shuffle=False, **kw))
        (bank / f'{split}.json').write_text(json.dumps({'method': methods, 'clip': clips}))
        _save_atomic(data, bank / f'{split}.pt')
        print(f'[producer] {split}: {len(ds)} items in {time.time() - t0:.1f} s', flush=True)

    write_eval('val')
    train_set = CropSet(splits['train'], cfg, cfg.generators, train=True)
    sampler = EpochSampler(len(train_set), cfg.seed)
    loader = torch.utils.data.DataLoader(train_set, sampler=sampler, persistent_workers=workers > 0,
                                         **({**kw, 'prefetch_factor': 4} if workers > 0 else kw))
    for epoch in range(epochs):
        plan = _planned(bank, families)
        if plan is not None and epoch >= plan:
            break
        if epoch == 2:
            write_eval('test')
            write_eval('ood')
        sampler.set_epoch(epoch)
        t0 = time.time()
        _save_atomic(_stack(loader), bank / f'train_{epoch}.pt')
        print(f'[producer] epoch {epoch}: {len(train_set)} items in {time.time() - t0:.1f} s', flush=True)
    if not (bank / 'ood.pt').exists():
        write_eval('test')
        write_eval('ood')
    print('[producer] done', flush=True)


# --- trainer -------------------------------------------------------------------------------------

class Run:
    """One model of a family with its optimiser, schedule, history and validation subset."""

    def __init__(self, cfg, runs_root: Path, device, n_train: int, val_methods: list[str]):
        self.cfg = cfg
        self.name = cfg.resolved_name()
        self.dir = run_dir(self.name, runs_root)
        self.dir.mkdir(parents=True, exist_ok=True)
        splits, manifest = make_splits(cfg)
        self.manifest_sha = manifest_hash(manifest)
        write_json(self.dir / 'config.json', {**json.loads(cfg.to_json()), 'name': self.name})
        write_json(self.dir / 'data_manifest.json', manifest)
        n_gen = len(cfg.generators)
        self.hold_cls = CLASS_NAMES.index(cfg.hold_out) if cfg.hold_out else None
        self.fake_weight = n_gen / (n_gen - 1) if cfg.hold_out else 1.0
        self.val_keep = torch.tensor([m != cfg.hold_out for m in val_methods])
        self.n_train = n_train
        self.model = build_model(cfg, device)
        self.opt = torch.optim.AdamW(param_groups(self.model, cfg.weight_decay), lr=cfg.lr)
        self.total = {'steps': 1, 'warm': 1}
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, self.lr_at)
        self.history: list[dict] = []
        self.best = -1.0
        self.compute_s = 0.0

    def lr_at(self, step: int) -> float:
        warm, total = self.total['warm'], self.total['steps']
        if step < warm:
            return (step + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))

    def step(self, x, y, cls, dense, device) -> float:
        if self.hold_cls is not None:
            keep = cls != self.hold_cls
            x, y, cls, dense = x[keep], y[keep], cls[keep], dense[keep]
        model, cfg = self.model, self.cfg
        noise, dense_noise = model.sample_noise(x.shape[0], 1, device=device)
        amp = cfg.amp and device.type == 'cuda'
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
            logits, dense_logits, gen_logits = model(x, noise, dense_noise)
        bce = nn.functional.binary_cross_entropy_with_logits
        w = torch.where(y > 0.5, torch.full_like(y, self.fake_weight), torch.ones_like(y))
        loss = (bce(logits[:, 0].float(), y, reduction='none') * w).sum() / w.sum() \
            + cfg.gen_loss_weight * nn.functional.cross_entropy(gen_logits[:, 0].float(), cls) \
            + cfg.dense_loss_weight * bce(dense_logits[:, 0].float(), dense) \
            + cfg.kl_weight * model.kl().to(device) / self.n_train
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.sched.step()
        return float(loss.detach())

    @torch.no_grad()
    def validate(self, val: dict, device) -> dict:
        model = self.model.eval()
        x, y = val['x'][self.val_keep], val['y'][self.val_keep]
        scores = []
        for i in range(0, len(x), 256):
            xb = x[i:i + 256].to(device).float()
            noise, dense_noise = model.mean_noise(xb.shape[0], device=device)
            scores.append(model(xb, noise, dense_noise)[0][:, 0].float().cpu().numpy())
        model.train()
        s, lab = np.concatenate(scores), y.numpy()
        pred = 1 / (1 + np.exp(-s)) >= 0.5
        w = np.where(lab > 0.5, 0.5 / max(lab.sum(), 1), 0.5 / max((1 - lab).sum(), 1))
        return {'val_auc': auc(s, lab), 'val_acc': float((w * (pred == (lab > 0.5))).sum())}


def build_model(cfg, device):
    from .detector import build_detector
    return build_detector(cfg).to(device).train()


def train_family(base, family: str, heads: list[str], logo: list[str], runs_root: Path, bank: Path,
                 deadline: float, t_start: float) -> None:
    device = pick_device(base.device)
    torch.set_num_threads(1)
    seed_everything(base.seed)
    cfgs = [dataclasses.replace(base, family=family, head=h, name='', hold_out=None).validate() for h in heads]
    cfgs += [dataclasses.replace(base, family=family, head='dropout', name='', hold_out=g).validate() for g in logo]
    _wait_for(bank / 'val.pt')
    val = torch.load(bank / 'val.pt')
    val_methods = json.loads((bank / 'val.json').read_text())['method']
    splits, _ = make_splits(base)
    n_train = 2 * len(splits['train'])
    runs = [Run(c, runs_root, device, n_train, val_methods) for c in cfgs]
    bs = base.batch_size
    steps_per_epoch = n_train // bs
    planned = base.epochs
    for r in runs:
        r.total.update(steps=planned * steps_per_epoch, warm=max(1, int(base.warmup_epochs * steps_per_epoch)))
    tag = f'[{family}]'
    print(f'{tag} {device} torch {torch.__version__}: runs {[r.name for r in runs]}, {n_train} items/epoch, '
          f'{steps_per_epoch} steps of {bs}', flush=True)
    epoch, wait_s, t_train = 0, 0.0, time.time()
    epoch_seconds: list[float] = []
    while epoch < planned:
        t0 = time.time()
        path = bank / f'train_{epoch}.pt'
        _wait_for(path)
        data = torch.load(path)
        wait_s += time.time() - t0
        t1 = time.time()
        x_all = data['x'].to(device)
        y_all, c_all, d_all = (data[k].to(device) for k in ('y', 'cls', 'dense'))
        losses = {r.name: 0.0 for r in runs}
        for b in range(steps_per_epoch):
            sl = slice(b * bs, (b + 1) * bs)
            x = x_all[sl].float()
            for r in runs:
                tr = time.time()
                losses[r.name] = r.step(x, y_all[sl], c_all[sl], d_all[sl], device)
                if device.type == 'cuda':
                    torch.cuda.synchronize()
                r.compute_s += time.time() - tr
        for r in runs:
            v = r.validate(val, device)
            rec = {'epoch': epoch, 'step': (epoch + 1) * steps_per_epoch, 'loss': round(losses[r.name], 5), **v}
            r.history.append(rec)
            extra = {'epoch': epoch, 'step': rec['step'], **v}
            save_checkpoint(r.dir / 'last.pt', r.model, r.cfg, extra)
            score = v['val_auc'] if v['val_auc'] is not None else -v['val_acc']
            if score >= r.best:
                r.best = score
                save_checkpoint(r.dir / 'best.pt', r.model, r.cfg, extra)
        epoch_seconds.append(time.time() - t1)
        print(f'{tag} epoch {epoch} in {epoch_seconds[-1]:.1f} s (+{time.time() - t0 - epoch_seconds[-1]:.1f} s '
              f'waiting for data): ' + ', '.join(f'{r.name.replace("blind-", "")} auc {r.history[-1]["val_auc"]:.3f}'
                                                  for r in runs), flush=True)
        epoch += 1
        if epoch == 2 and planned > 2:  # fix the epoch count from the measured pace
            per = max(epoch_seconds[1], 1e-3)
            fit = 2 + int((deadline - (time.time() - t_start)) / (per * 1.08))
            planned = max(3, min(planned, fit))
            for r in runs:
                r.total['steps'] = planned * steps_per_epoch
            (bank / f'planned_{family}.txt').write_text(str(planned))
            print(f'{tag} {per:.1f} s per epoch: {planned} epochs fit before the deadline', flush=True)
        if time.time() - t_start > deadline + 60:
            print(f'{tag} past the deadline: stopping after epoch {epoch - 1}', flush=True)
            break
    seconds = time.time() - t_train
    for r in runs:
        write_json(r.dir / 'train_summary.json', {
            'name': r.name, 'device': str(device),
            'deviceName': torch.cuda.get_device_name(0) if device.type == 'cuda' else f'cpu ({platform.machine()})',
            'torch': torch.__version__, 'threads': torch.get_num_threads(), 'workers': 'shared producer',
            'batchSize': bs, 'steps': epoch * steps_per_epoch, 'epochs': epoch, 'epochsPlanned': planned,
            'deadlineS': deadline, 'stepsPerEpoch': steps_per_epoch, 'trainItemsPerEpoch': n_train,
            'seconds': round(seconds, 1), 'trainedWith': f'train_multi ({len(runs)} runs of {family} on one shared stream)',
            'computeMsPerStep': round(1000 * r.compute_s / max(epoch * steps_per_epoch, 1), 1),
            'dataWaitMsPerStep': round(1000 * wait_s / max(epoch * steps_per_epoch, 1), 1),
            'secondsPerEpochMeasured': round(seconds / max(epoch, 1), 1),
            'bestValAuc': r.best if r.best >= 0 else None, 'dataManifestSha256': r.manifest_sha,
            'history': r.history,
        })
    predict_all(runs, bank, device, tag)


def predict_all(runs: list[Run], bank: Path, device, tag: str) -> None:
    """pred_<split>.npz for every run from the fixed sets (as predict.py), then calibrate + evaluate."""
    sets = {}
    for split in EVAL_SPLITS:
        _wait_for(bank / f'{split}.pt')
        data = torch.load(bank / f'{split}.pt')
        meta = json.loads((bank / f'{split}.json').read_text())
        sets[split] = (data, np.array(meta['method']), np.array(meta['clip']))
    for r in runs:
        t0 = time.time()
        model, cfg, _ = load_checkpoint(r.dir / 'best.pt', device)
        for split, (data, methods, clips) in sets.items():
            keep = torch.ones(len(methods), dtype=torch.bool) if split != 'val' else r.val_keep
            ds = torch.utils.data.TensorDataset(data['x'][keep].float(), data['y'][keep], data['cls'][keep],
                                                data['dense'][keep])
            res = mc_predict(model, ds, cfg.mc_samples, cfg.seed + 17, device, batch_size=128)
            res['method'] = methods[keep.numpy()]
            res['clip'] = clips[keep.numpy()]
            np.savez_compressed(r.dir / f'pred_{split}.npz', **res)
        cal = calibrate(r.dir, str(device))
        ev = evaluate(r.dir, str(device))
        held = ev.get('heldOut') or {}
        print(f'{tag} {r.name}: test AUC {ev["auc"]:.3f}, T {cal["temperature"]:.2f}, ECE {ev["ece_before"]:.3f} -> '
              f'{ev["ece_after"]:.3f}' + (f', held-out AUC {held.get("auc")}, MI held/seen '
                                          f'{held.get("epistemicHeldOut")}/{held.get("epistemicSeen")}' if held else '')
              + f' ({time.time() - t0:.1f} s)', flush=True)


# --- main ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(ap)
    ap.add_argument('--families', default='resnet18,xception,efficientnet,mobilenet')
    ap.add_argument('--heads', default='dropout', help='shipped heads of every family')
    ap.add_argument('--bnn-families', default='mobilenet', help='families that also train the bayes head')
    ap.add_argument('--logo-generators', help='comma list (default: every generator; "" for none)')
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--deadline-s', type=float, default=420, help='training ends by then (seconds from start)')
    ap.add_argument('--workers', type=int, default=max(1, (os.cpu_count() or 2) - 5))
    ap.add_argument('--batch-size', type=int)
    ap.add_argument('--device')
    ap.add_argument('--index')
    ap.add_argument('--runs', default=str(RUNS_DIR))
    ap.add_argument('--bank', help='where the shared items go (default /dev/shm or /tmp)')
    ap.add_argument('--role', choices=('main', 'producer', 'trainer'), default='main')
    ap.add_argument('--family', help=argparse.SUPPRESS)
    ap.add_argument('--t-start', type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    base = config_from_args(args, epochs=args.epochs, batch_size=args.batch_size, device=args.device, index=args.index)
    families = [f for f in args.families.split(',') if f]
    bnn = [f for f in args.bnn_families.split(',') if f]
    logo = base.generators if args.logo_generators is None else [g for g in args.logo_generators.split(',') if g]
    runs = Path(args.runs)
    if args.role == 'producer':
        return produce(base, Path(args.bank), base.epochs, args.workers, families)
    if args.role == 'trainer':
        heads = [h for h in args.heads.split(',') if h] + (['bayes'] if args.family in bnn else [])
        return train_family(base, args.family, heads, logo, runs, Path(args.bank), args.deadline_s, args.t_start)

    t_start = time.time()
    shm = Path('/dev/shm')
    bank = Path(args.bank) if args.bank else (shm if shm.exists() and shutil.disk_usage(shm).free > 16e9
                                               else Path('/tmp')) / f'fakescope-bank-{os.getpid()}'
    bank.mkdir(parents=True, exist_ok=True)
    common = [sys.executable, '-m', 'models.training.train_multi', '--bank', str(bank), '--runs', str(runs),
              '--deadline-s', str(args.deadline_s), '--t-start', str(t_start), '--heads', args.heads,
              '--families', args.families,
              '--bnn-families', args.bnn_families, '--logo-generators', ','.join(logo), '--workers', str(args.workers)]
    if args.config:
        common += ['--config', args.config]
    for kv in args.set:
        common += ['--set', kv]
    for k in ('epochs', 'batch_size', 'device', 'index'):
        if getattr(args, k) is not None:
            common += [f'--{k.replace("_", "-")}', str(getattr(args, k))]
    producer = subprocess.Popen(common + ['--role', 'producer'])
    trainers = [subprocess.Popen(common + ['--role', 'trainer', '--family', f]) for f in families]
    codes = [t.wait() for t in trainers]
    producer.kill()
    producer.wait()
    shutil.rmtree(bank, ignore_errors=True)
    if logo:
        print(logo_table(logo_summary(runs, 'dropout', families)))
    print(f'train_multi done in {time.time() - t_start:.0f} s; trainer exit codes {codes}', flush=True)
    if any(codes):
        raise SystemExit(1)


if __name__ == '__main__':
    main()
