#!/usr/bin/python3
"""Trains the rPPG classifier: a small CNN over PPG maps with a Monte Carlo dropout head.

    npm run build && node dist/scripts/rppg-dataset.js     # windows -> models/training/cache/rppg/dataset
    /usr/bin/python3 models/training/rppg/train.py          # -> models/rppg/{model.onnx,manifest.json,MODEL_CARD.md,parity.json}

Data: the windows written by scripts/rppg-dataset.ts (split by clip there). Train on `train`, early
stopping and temperature on `val`, metrics on `test`; `edge` (the AR-filter clip) and `dev-fake`
(the development fakes) are only evaluated.

Sample weights, per split: first every (clip, variant, manipulation) group gets the same total
weight (a 33-s clip must not outweigh a 5-s one); each manipulation then gets its share
(MANIPULATION_SHARES, with the reasons); then the two classes are made to weigh the same, over
the split and again within each pulse-quality stratum ('clear': the window passed the quality
gates; 'unclear': it did not) that holds at least 20 windows of each class. In practice
that is the 'unclear' stratum: "no clear pulse" alone then carries no class prior, and the model
must find other evidence or stay near 0.5. Clear windows are few and nearly all real; they keep
that natural mix (a clear, coherent pulse is evidence of a real face).

MC dropout: the dropout mask is a graph input (`noise` [N, T, D]: 0 or 1/(1-p)), never an in-graph
random op (ONNX Runtime deletes exported Dropout, see ../shared/notes/mc-dropout-onnx.md). Training
draws one mask per window per step, exactly as the runtime draws T masks per window.
"""
import argparse
import hashlib
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.dirname(HERE))  # models/training: the metrics shared with the blind models
import metrics as M  # noqa: E402
from biological import add_training_options, dropout_masks, file_digest, parity_inputs  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default=os.path.join(ROOT, 'models/training/cache/rppg/dataset'))
    p.add_argument('--out', default=os.path.join(ROOT, 'models/rppg'))
    add_training_options(p, epochs=20, patience=5, batch=64, threads=2)
    p.add_argument('--row-drop', type=int, default=4, help='augmentation: blank up to this many cell rows')
    p.add_argument('--export-only', action='store_true', help='re-export the saved checkpoint and result (no training)')
    return p.parse_args()


# ---------------------------------------------------------------- data

# Total weight of each manipulation within a split (before class balancing; the two classes sum to
# 9 each). 'frame-replace' and 'frame-blend' put a real (donor) face's colour changes in the
# target's place: the classifier cannot tell them from real windows when the pulse is weak, and
# the held-out test split shows it. Giving them together the weight of the unmanipulated real
# windows makes "no anomaly found" read as about 0.5 (uncertain) instead of "real": absence of an
# rPPG anomaly is weak evidence. 'noise-floor' (real) and 'incoherent-texture' (fake) share one
# perturbation model and weigh the same, so their overlap reads as 0.5 too.
MANIPULATION_SHARES = {
    'none': 8.0, 'noise-floor': 1.0,
    'frame-replace': 3.0, 'frame-blend': 3.0, 'incoherent-texture': 1.0, 'smoothed-skin': 1.0, 'resynth-pulse': 1.0,
}

class Data:
    def __init__(self, folder):
        with open(os.path.join(folder, 'index.json')) as f:
            self.index = json.load(f)
        idx = self.index
        rows = idx['rows']
        width = idx['rowWidth']
        raw = np.fromfile(os.path.join(folder, 'windows.f32'), dtype=np.float32)
        assert raw.size == len(rows) * width, 'windows.f32 does not match index.json'
        raw = raw.reshape(len(rows), width)
        r, c = idx['mapRows'], idx['mapCols']
        self.map_shape = (r, c)
        self.maps = raw[:, : r * c].reshape(-1, r, c)
        self.feats = raw[:, r * c:]
        self.labels = np.array([w['label'] for w in rows], dtype=np.float32)
        self.split = np.array([w['split'] for w in rows])
        self.manip = np.array([w['manipulation'] for w in rows])
        self.variant = np.array([w['variant'] for w in rows])
        self.clip = np.array([w['clip'] for w in rows])
        self.clear = np.array([w['state'] == 'ok' for w in rows])
        self.weights = np.zeros(len(rows), dtype=np.float32)
        for split in np.unique(self.split):
            self._balance(self.split == split)
        with open(os.path.join(folder, 'index.json'), 'rb') as f:
            self.index_sha = hashlib.sha256(f.read()).hexdigest()

    def _balance(self, mask, min_per_class=20):
        groups = {}
        for i in np.where(mask)[0]:
            groups.setdefault((self.clip[i], self.manip[i], self.variant[i]), []).append(i)
        for members in groups.values():
            self.weights[members] = 1.0 / len(members)
        # Manipulation shares (see the module doc): the fakes that keep a plausible pulse weigh as
        # much as the unmanipulated real windows, so that a window with no anomaly reads as ~0.5.
        shares = dict(MANIPULATION_SHARES)
        for m, share in shares.items():
            sel = mask & (self.manip == m)
            total = self.weights[sel].sum()
            if total > 0:
                self.weights[sel] *= share / total

        def balance(sel):
            cells = [sel & (self.labels == y) for y in (0, 1)]
            totals = [self.weights[c].sum() for c in cells]
            if min(totals) == 0:
                return
            for c, tot in zip(cells, totals):
                self.weights[c] *= sum(totals) / 2 / tot

        balance(mask)
        # Then within each pulse-quality stratum that holds enough of both classes (in practice the
        # 'unclear' one; clear windows are few and mostly real, and keep that natural mix).
        for stratum in (True, False):
            s = mask & (self.clear == stratum)
            if min((s & (self.labels == 0)).sum(), (s & (self.labels == 1)).sum()) >= min_per_class:
                balance(s)
        self.weights[mask] /= self.weights[mask].mean()

    def select(self, *splits):
        return np.where(np.isin(self.split, splits))[0]


# ---------------------------------------------------------------- model

class RppgNet(nn.Module):
    """PPG map [N, 32, 192] + scalar features [N, F] + dropout masks [N, T, D] -> logits [N, T]."""

    def __init__(self, n_features, dropout):
        super().__init__()

        def block(cin, cout, k, pool):
            layers = [nn.Conv2d(cin, cout, k, padding=(k[0] // 2, k[1] // 2), bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
            if pool:
                layers.append(nn.MaxPool2d(pool))
            return layers

        self.conv = nn.Sequential(
            *block(1, 16, (3, 7), (1, 2)),
            *block(16, 32, (3, 5), (2, 2)),
            *block(32, 48, (3, 5), (2, 2)),
            *block(48, 64, (3, 3), None),
        )
        self.feature_width = 2 * 64 + n_features
        self.hidden = nn.Linear(self.feature_width, 32)
        self.out = nn.Linear(32, 1)
        self.dropout = dropout

    def features(self, ppg_map, feats):
        h = self.conv(ppg_map.unsqueeze(1))
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3)), feats], dim=1)
        return pooled

    def forward(self, ppg_map, feats, noise):
        d = self.features(ppg_map, feats)              # [N, D]
        x = d.unsqueeze(1) * noise                     # [N, T, D]
        x = F.relu(self.hidden(x))
        return self.out(x).squeeze(-1)                 # [N, T]


def drop_rows(maps, feats, gen, max_rows, valid_index):
    """Blanks up to max_rows random cell rows per window (cells the skin test loses), updating the
    valid-cell feature as the runtime would report it."""
    if max_rows <= 0:
        return maps, feats
    n, r, _ = maps.shape
    k = torch.randint(0, max_rows + 1, (n,), generator=gen)
    scores = torch.rand(n, r, generator=gen)
    rank = scores.argsort(dim=1).argsort(dim=1)
    drop = rank < k[:, None]
    valid = (maps.abs().sum(dim=2) > 0) & ~drop
    maps = maps * (~drop).unsqueeze(2)
    feats[:, valid_index] = valid.float().sum(dim=1) / r
    return maps, feats


def mirror_rows(maps, cols=4):
    """Left-right mirror of the 8 x 4 cell grid: rows of the map are cells in row-major order."""
    n, r, c = maps.shape
    return maps.view(n, r // cols, cols, c).flip(2).reshape(n, r, c)


# ---------------------------------------------------------------- training

def predict_logits(model, data, idx, t, rate, seed, batch=256):
    """MC logits [len(idx), t] with masks from a fixed seed."""
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    out = []
    with torch.no_grad():
        for s in range(0, len(idx), batch):
            b = idx[s: s + batch]
            m = torch.from_numpy(data.maps[b])
            f = torch.from_numpy(data.feats[b])
            noise = dropout_masks(gen, len(b), t, model.feature_width, rate)
            out.append(model(m, f, noise))
    return torch.cat(out).numpy()


def train(args, data):
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    model = RppgNet(data.feats.shape[1], args.dropout)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    tr = data.select('train')
    va = data.select('val')
    steps_per_epoch = math.ceil(len(tr) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    best = (float('inf'), None, -1)
    history = []
    rng = np.random.default_rng(args.seed)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(tr)
        t0 = time.time()
        total = 0.0
        for s in range(0, len(order), args.batch):
            b = np.sort(order[s: s + args.batch])
            m = torch.from_numpy(data.maps[b])
            flip = torch.rand(len(b), generator=gen) < 0.5
            m = torch.where(flip[:, None, None], mirror_rows(m), m)
            f = torch.from_numpy(data.feats[b]).clone()
            m, f = drop_rows(m, f, gen, args.row_drop, data.index['features'].index('valid_cells'))
            y = torch.from_numpy(data.labels[b])
            w = torch.from_numpy(data.weights[b])
            noise = dropout_masks(gen, len(b), 1, model.feature_width, args.dropout)
            logit = model(m, f, noise)[:, 0]
            loss = (w * F.binary_cross_entropy_with_logits(logit, y, reduction='none')).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(b)
        lv = predict_logits(model, data, va, 8, args.dropout, seed=args.seed + 1000)
        pv = M.sigmoid(lv).mean(axis=1)
        val_nll = M.nll(pv, data.labels[va], data.weights[va])
        val_auc = M.auc(pv, data.labels[va], data.weights[va])
        history.append({'epoch': epoch + 1, 'train_loss': total / len(tr), 'val_nll': val_nll, 'val_auc': val_auc, 'seconds': time.time() - t0})
        print(f'epoch {epoch + 1:2d}  train {total / len(tr):.4f}  val nll {val_nll:.4f}  auc {val_auc:.3f}  ({time.time() - t0:.1f} s)', flush=True)
        if val_nll < best[0]:
            best = (val_nll, {k: v.clone() for k, v in model.state_dict().items()}, epoch + 1)
        elif epoch + 1 - best[2] >= args.patience:
            print(f'early stop: best epoch {best[2]}')
            break
    model.load_state_dict(best[1])
    return model, history, best[2]


# ---------------------------------------------------------------- evaluation

def evaluate(model, data, args, temperature):
    """Per-split metrics and per-manipulation breakdowns with T MC samples."""
    report = {}
    all_idx = np.arange(len(data.labels))
    logits = predict_logits(model, data, all_idx, args.samples, args.dropout, seed=args.seed + 2000)
    p_raw = M.sigmoid(logits).mean(axis=1)
    p_cal_samples = M.sigmoid(logits / temperature)
    p_cal = p_cal_samples.mean(axis=1)
    ent = M.binary_entropy(p_cal)
    alea = M.binary_entropy(p_cal_samples).mean(axis=1)
    epi = np.maximum(0, ent - alea)

    def block(mask):
        y = data.labels[mask]
        w = data.weights[mask]
        out = {
            'windows': int(mask.sum()),
            'real': int((y == 0).sum()),
            'fake': int((y == 1).sum()),
            'clips': sorted(set(data.clip[mask].tolist())),
            'auc': M.auc(p_cal[mask], y, w),
            'accuracy': float((w * ((p_cal[mask] >= 0.5) == (y == 1))).sum() / w.sum()),
            'ece_before': M.ece(p_raw[mask], y, 15, w),
            'ece_after': M.ece(p_cal[mask], y, 15, w),
            'nll_before': M.nll(p_raw[mask], y, w),
            'nll_after': M.nll(p_cal[mask], y, w),
            'mean_entropy': float(ent[mask].mean()),
            'mean_epistemic': float(epi[mask].mean()),
        }
        return out

    for split in ('train', 'val', 'test'):
        m = data.split == split
        report[split] = block(m)
        by = {}
        reals = m & (data.labels == 0) & (data.manip == 'none')
        for manip in sorted(set(data.manip[m].tolist())):
            mm = m & (data.manip == manip)
            entry = {
                'windows': int(mm.sum()),
                'label': int(data.labels[mm][0]),
                'mean_p': float(p_cal[mm].mean()),
                'frac_p_ge_0.5': float((p_cal[mm] >= 0.5).mean()),
                'mean_entropy': float(ent[mm].mean()),
                'mean_epistemic': float(epi[mm].mean()),
            }
            if manip not in ('none', 'noise-floor'):
                both = reals | mm
                entry['auc_vs_real'] = M.auc(p_cal[both], data.labels[both])
            by[manip] = entry
        report[split]['by_manipulation'] = by
        strata = {}
        for name, s in (('clear', True), ('unclear', False)):
            ms = m & (data.clear == s)
            if ms.any():
                strata[name] = {
                    'windows': int(ms.sum()),
                    'real': int(((data.labels == 0) & ms).sum()),
                    'fake': int(((data.labels == 1) & ms).sum()),
                    'auc': M.auc(p_cal[ms], data.labels[ms], data.weights[ms]),
                    'mean_p_real': float(p_cal[ms & (data.labels == 0)].mean()) if (ms & (data.labels == 0)).any() else None,
                    'mean_p_fake': float(p_cal[ms & (data.labels == 1)].mean()) if (ms & (data.labels == 1)).any() else None,
                }
        report[split]['by_stratum'] = strata
    for split in ('edge', 'dev-fake'):
        m = data.split == split
        clips = {}
        for clip in sorted(set(data.clip[m].tolist())):
            mc = m & (data.clip == clip) & np.isin(data.manip, ['none', 'dev-fake'])
            if not mc.any():
                continue
            clips[clip] = {
                'windows': int(mc.sum()),
                'mean_p': float(p_cal[mc].mean()),
                'frac_p_ge_0.5': float((p_cal[mc] >= 0.5).mean()),
                'mean_entropy': float(ent[mc].mean()),
                'mean_epistemic': float(epi[mc].mean()),
            }
        report[split] = clips
    # Reliability diagram numbers (test split, after temperature).
    m = data.split == 'test'
    edges = np.linspace(0, 1, 16)
    bins = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mb = m & (p_cal >= lo) & ((p_cal < hi) if hi < 1 else (p_cal <= hi))
        if mb.any():
            w = data.weights[mb]
            bins.append({'lo': float(lo), 'hi': float(hi), 'windows': int(mb.sum()),
                         'mean_p': float((w * p_cal[mb]).sum() / w.sum()), 'frac_fake': float((w * data.labels[mb]).sum() / w.sum())})
    report['test_reliability'] = bins
    return report


# ---------------------------------------------------------------- export

class Exported(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, ppg_map, features, noise):
        return self.net(ppg_map, features, noise)


def export(model, data, args, out_dir):
    import onnx

    model.eval()
    rows, cols = data.map_shape
    nf = data.feats.shape[1]
    width = model.feature_width
    path = os.path.join(out_dir, 'model.onnx')
    wrapped = Exported(model)
    dummy = (torch.zeros(2, rows, cols), torch.zeros(2, nf), torch.ones(2, 3, width))
    torch.onnx.export(
        wrapped, dummy, path, opset_version=13, input_names=['ppg_map', 'features', 'noise'], output_names=['logits'],
        dynamic_axes={'ppg_map': {0: 'N'}, 'features': {0: 'N'}, 'noise': {0: 'N', 1: 'T'}, 'logits': {0: 'N', 1: 'T'}},
        do_constant_folding=True,
    )
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = {n.op_type for n in m.graph.node}
    assert not ops & {'Dropout', 'RandomUniform', 'RandomUniformLike', 'RandomNormal', 'RandomNormalLike', 'Bernoulli'}, ops
    # torch.onnx.export restores the wrapper's (training) mode afterwards, recursively: back to eval.
    wrapped.eval()
    ppg, feats, noise = parity_inputs(2, 4, rows, cols, nf, width, args.dropout)
    with torch.no_grad():
        ref = wrapped(torch.from_numpy(ppg), torch.from_numpy(feats), torch.from_numpy(noise)).numpy()
    parity = {
        'about': 'torch outputs for closed-formula inputs (flat row-major index i): ppg_map[i] = ((i*7919) mod 1000)/500 - 1; '
                 'features[i] = ((i*7919) mod 2001)/1000 - 1; noise[i] = 0 if (i*104729) mod 5 = 0 else 1/(1 - rate)',
        'N': 2, 'T': 4, 'rate': args.dropout, 'tolerance': 1e-3, 'logits': ref.tolist(),
    }
    with open(os.path.join(out_dir, 'parity.json'), 'w') as f:
        json.dump(parity, f, indent=1)
    with open(path, 'rb') as f:
        return {**file_digest(f.read()), 'ops': sorted(ops)}


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    cache = os.path.join(ROOT, 'models/training/cache/rppg')
    ckpt = os.path.join(cache, 'best.pt')
    out_json = os.path.join(cache, 'train-result.json')
    data = Data(args.data)
    if args.export_only:
        with open(out_json) as f:
            result = json.load(f)
        saved = argparse.Namespace(**result['args'])
        model = RppgNet(data.feats.shape[1], saved.dropout)
        model.load_state_dict(torch.load(ckpt))
        assert result['index_sha256'] == data.index_sha, 'the dataset changed since training'
        result['export'] = export(model, data, saved, args.out)
    else:
        t_start = time.time()
        print(f'{len(data.labels)} windows; train {len(data.select("train"))}, val {len(data.select("val"))}, test {len(data.select("test"))}', flush=True)
        model, history, best_epoch = train(args, data)
        train_seconds = time.time() - t_start
        torch.save(model.state_dict(), ckpt)
        va = data.select('val')
        lv = predict_logits(model, data, va, args.samples, args.dropout, seed=args.seed + 3000)
        temperature = M.fit_temperature(lv, data.labels[va], data.weights[va])
        print(f'temperature {temperature:.3f}')
        report = evaluate(model, data, args, temperature)
        t = report['test']
        print(f"test: auc {t['auc']:.3f}  acc {t['accuracy']:.3f}  ece {t['ece_before']:.3f} -> {t['ece_after']:.3f}")
        result = {
            'args': vars(args), 'history': history, 'best_epoch': best_epoch, 'temperature': temperature,
            'report': report, 'parameters': sum(p.numel() for p in model.parameters()), 'feature_width': model.feature_width,
            'train_seconds': train_seconds, 'torch': torch.__version__, 'python': platform.python_version(),
            'index_sha256': data.index_sha,
            'dataset': {k: data.index[k] for k in ('seed', 'realHopSec', 'fakeHopSec', 'mapRows', 'mapCols', 'features', 'windowOptions', 'clips')},
        }
        if not args.no_export:
            os.makedirs(args.out, exist_ok=True)
            result['export'] = export(model, data, args, args.out)
    with open(out_json, 'w') as f:
        json.dump(result, f, indent=1)
    if 'export' in result:
        sys.path.insert(0, HERE)
        from card import write_manifest_and_card
        write_manifest_and_card(result, args.out)


if __name__ == '__main__':
    main()
