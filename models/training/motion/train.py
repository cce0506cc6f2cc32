#!/usr/bin/python3
"""Trains the motion classifier: a small MLP over the motion map and the landmark-dynamics features
of a window, with a fake head and a generator head, in two variants: MC dropout (`mcd`, the mask a
graph input) and Bayesian (`bnn`, mean-field Gaussian weights on the second layer, local
reparameterisation, the standard-normal ε a graph input).

    npm run build && nice -n 10 node dist/scripts/motion-dataset.js      # windows -> models/training/cache/motion/dataset
    PYTHONPATH=. nice -n 10 /usr/bin/python3 -m models.training.motion.train [--logo]
        # -> models/motion/ and models/motion-bnn/ {model.onnx, manifest.json, MODEL_CARD.md, parity.json}
        #    and models/training/cache/motion/report.json (every number of docs/motion.md)

Data: the windows written by scripts/motion-dataset.ts (the runtime's own sampler and window), one
row per analysed window of the main face track of every video of ../shared/corpus and
../shared/media. Splits: face_index.py's groups (person / source / DeepFaceLive pair) and
`split_groups`, the same train / calib / eval split as the blind detectors; never by frame or
window. Train on `train`, early stopping and temperature on `calib`, every reported number on
`eval`. `real-filtered` (the AR beauty filter clip) is neither class and is left out.

Weights: every clip gets the same total weight (a 30-s clip must not outweigh a 5-s one), then the
two classes the same total, for the fake head; the generator head weighs its classes equally.

Leave-one-generator-out (--logo): for each generator G, a model trained without any G window (train
and calib splits minus G) scores every G window of every split against the eval reals.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import platform
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from models.training.bayes import BayesLinear
from models.training.biological import add_training_options, dropout_masks, file_digest, parity_inputs
from models.training.face_index import GENERATORS, group_of, split_groups
from models.training.metrics import auc, balanced_weights, ece, fit_temperature, sigmoid

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / 'models' / 'training' / 'cache' / 'motion'


def parse_args():
    a = argparse.ArgumentParser()
    a.add_argument('--dataset', default=str(CACHE / 'dataset'))
    add_training_options(a, epochs=60, patience=12, batch=128, threads=1)
    a.add_argument('--hidden', type=int, default=64)
    a.add_argument('--hidden2', type=int, default=32)
    a.add_argument('--input-dropout', type=float, default=0.2)
    a.add_argument('--logo', action='store_true')
    return a.parse_args()


# ---------------------------------------------------------------- data

def load(path: str):
    d = Path(path)
    index = json.loads((d / 'index.json').read_text())
    rows, cols, nf = index['rows'], index['cols'], len(index['features'])
    raw = np.fromfile(d / 'windows.f32', dtype=np.float32).reshape(-1, rows * cols + nf)
    rec = index['records']
    assert len(rec) == raw.shape[0], 'index and windows differ'
    clips = np.array([r['clip'] for r in rec])
    label = np.array([1 if r['label'] == 'fake' else 0 if r['label'] == 'real' else -1 for r in rec])
    method = np.array([r['method'] if r['label'] == 'fake' else 'real' for r in rec])
    group = np.array([group_of(r['clip'], r['source']) for r in rec])
    members = {(g, r['label'], r['method']) for g, r in zip(group, rec)}
    split_of = split_groups(sorted(members))
    split = np.array([split_of[g] for g in group])
    keep = label >= 0
    classes = ['real'] + [g for g in GENERATORS if g in set(method[keep])]
    gen = np.array([classes.index(m) if m in classes else -1 for m in method])
    x = raw[keep]
    return {
        'index': index, 'rows': rows, 'cols': cols, 'nf': nf, 'classes': classes,
        'map': x[:, :rows * cols].reshape(-1, rows, cols), 'feat': x[:, rows * cols:],
        'y': label[keep], 'gen': gen[keep], 'clip': clips[keep], 'method': method[keep],
        'group': group[keep], 'split': split[keep],
        'sha256': hashlib.sha256((d / 'windows.f32').read_bytes()).hexdigest(),
    }


def sample_weights(data, idx):
    """Equal weight per clip, then per class (fake head)."""
    w = np.zeros(len(idx))
    clips = data['clip'][idx]
    for c in np.unique(clips):
        sel = clips == c
        w[sel] = 1.0 / sel.sum()
    y = data['y'][idx]
    for v in (0, 1):
        sel = y == v
        if sel.any():
            w[sel] *= 0.5 / w[sel].sum()
    return w * len(idx) / w.sum()


def class_weights(data, idx, k):
    counts = np.bincount(data['gen'][idx], minlength=k).astype(np.float64)
    w = np.where(counts > 0, counts.sum() / np.maximum(counts, 1) / (counts > 0).sum(), 0.0)
    return torch.tensor(w, dtype=torch.float32)


# ---------------------------------------------------------------- model

class MotionNet(nn.Module):
    """Standardise (training statistics, in the graph) → Linear(D→H) → ReLU → [MC] → Linear(H→H2)
    → ReLU → fake logit and generator logits, per Monte Carlo sample.

    mcd: noise [N, T, H] is the inverted-dropout mask on the first hidden layer.
    bnn: noise [N, T, H2] is the ε of the Bayesian second layer (local reparameterisation).
    """

    def __init__(self, rows, cols, nf, k, hidden, hidden2, bayes, mean, std):
        super().__init__()
        self.rows, self.cols, self.bayes = rows, cols, bayes
        d = rows * cols + nf
        self.register_buffer('mu', torch.tensor(mean, dtype=torch.float32))
        self.register_buffer('sd', torch.tensor(std, dtype=torch.float32))
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = BayesLinear(hidden, hidden2, prior_sigma=1.0, init_logvar=-8.0) if bayes else nn.Linear(hidden, hidden2)
        self.fake = nn.Linear(hidden2, 1)
        self.gen = nn.Linear(hidden2, k)
        self.noise_width = hidden2 if bayes else hidden

    def forward(self, motion_map, features, noise, input_dropout: float = 0.0):
        x = torch.cat([motion_map.reshape(motion_map.shape[0], -1), features], 1)
        x = torch.clamp((x - self.mu) / self.sd, -6.0, 6.0)
        if input_dropout > 0:
            x = F.dropout(x, input_dropout, True)
        h = F.relu(self.fc1(x))
        if self.bayes:
            h2 = F.relu(self.fc2.sample(h, noise))
        else:
            h2 = F.relu(self.fc2(h[:, None, :] * noise))
        return self.fake(h2).squeeze(-1), self.gen(h2)


def draw_noise(model, n, t, rate, gen):
    if model.bayes:
        return torch.randn(n, t, model.noise_width, generator=gen)
    return dropout_masks(gen, n, t, model.noise_width, rate)


def tensors(data, idx):
    return torch.tensor(data['map'][idx]), torch.tensor(data['feat'][idx])


def predict(model, data, idx, t, rate, seed):
    """MC logits: fake [n, t] and generator probabilities [n, t, k]."""
    g = torch.Generator().manual_seed(seed)
    model.eval()
    out_l, out_g = [], []
    with torch.no_grad():
        for s in range(0, len(idx), 256):
            m, f = tensors(data, idx[s:s + 256])
            lo, ge = model(m, f, draw_noise(model, len(m), t, rate, g))
            out_l.append(lo.numpy())
            out_g.append(torch.softmax(ge, -1).numpy())
    if not out_l:
        return np.zeros((0, t)), np.zeros((0, t, len(data['classes'])))
    return np.concatenate(out_l), np.concatenate(out_g)


def train_model(data, train_idx, val_idx, args, bayes, classes):
    torch.manual_seed(args.seed)
    x = np.concatenate([data['map'][train_idx].reshape(len(train_idx), -1), data['feat'][train_idx]], 1)
    mean, std = x.mean(0), x.std(0) + 1e-3
    k = len(classes)
    model = MotionNet(data['rows'], data['cols'], data['nf'], k, args.hidden, args.hidden2, bayes, mean, std)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    w = torch.tensor(sample_weights(data, train_idx), dtype=torch.float32)
    cw = class_weights(data, train_idx, k)
    y = torch.tensor(data['y'][train_idx], dtype=torch.float32)
    gy = torch.tensor(data['gen'][train_idx], dtype=torch.long)
    m_all, f_all = tensors(data, train_idx)
    gen = torch.Generator().manual_seed(args.seed + 1)
    best, best_state, best_epoch, stale, history = -1.0, None, 0, 0, []
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(train_idx), generator=gen)
        total = 0.0
        for s in range(0, len(perm), args.batch):
            b = perm[s:s + args.batch]
            noise = draw_noise(model, len(b), 1, args.dropout, gen)
            lo, ge = model(m_all[b], f_all[b], noise, args.input_dropout)
            loss = (F.binary_cross_entropy_with_logits(lo[:, 0], y[b], reduction='none') * w[b]).mean()
            loss = loss + 0.5 * F.cross_entropy(ge[:, 0], gy[b], weight=cw)
            if bayes:
                loss = loss + model.fc2.kl() / len(train_idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(b)
        logits, _ = predict(model, data, val_idx, 8, args.dropout, args.seed)
        score = auc(sigmoid(logits).mean(1), data['y'][val_idx]) or 0.0
        history.append({'epoch': epoch + 1, 'loss': round(total / len(perm), 5), 'calibAuc': round(score, 5)})
        if score > best + 1e-4:
            best, best_epoch, stale = score, epoch + 1, 0
            best_state = {k2: v.clone() for k2, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= args.patience:
                break
    model.load_state_dict(best_state)
    return model, {'bestEpoch': best_epoch, 'bestCalibAuc': round(best, 5), 'epochs': len(history), 'history': history}


# ---------------------------------------------------------------- evaluation

def r5(x):
    return None if x is None else round(float(x), 5)


def per_clip(data, idx, p, gprob):
    """Clip-level: mean p(fake) and mean generator distribution over the clip's windows."""
    out = {}
    for c in np.unique(data['clip'][idx]):
        sel = data['clip'][idx] == c
        j = idx[sel][0]
        out[str(c)] = {'y': int(data['y'][j]), 'method': str(data['method'][j]), 'windows': int(sel.sum()),
                       'p': float(p[sel].mean()), 'gen': gprob[sel].mean(0)}
    return out


def evaluate(model, data, args, temperature, classes, split='eval'):
    idx = np.where(data['split'] == split)[0]
    logits, gmc = predict(model, data, idx, args.samples, args.dropout, args.seed + 7)
    ps = sigmoid(logits / temperature)
    p = ps.mean(1)
    y = data['y'][idx]
    w = balanced_weights(y)
    gprob = gmc.mean(1)
    clips = per_clip(data, idx, p, gprob)
    cy = np.array([c['y'] for c in clips.values()])
    cp = np.array([c['p'] for c in clips.values()])
    per_gen = {}
    for gname in classes[1:]:
        sel = (data['method'][idx] == gname) | (y == 0)
        csel = np.array([c['method'] in (gname, 'real') for c in clips.values()])
        if (data['method'][idx] == gname).any():
            per_gen[gname] = {
                'windowAuc': r5(auc(p[sel], y[sel])), 'clipAuc': r5(auc(cp[csel], cy[csel])),
                'fakeWindows': int((data['method'][idx] == gname).sum()),
                'fakeClips': int(sum(c['method'] == gname for c in clips.values())),
            }
    # Attribution: top class of the clip's mean generator distribution.
    top = {k: classes[int(np.argmax(c['gen']))] for k, c in clips.items()}
    truth = {k: c['method'] for k, c in clips.items()}
    fakes = [k for k in clips if truth[k] != 'real']
    confusion = {}
    for k in clips:
        confusion.setdefault(truth[k], {}).setdefault(top[k], 0)
        confusion[truth[k]][top[k]] += 1
    ent = -(ps * np.log(np.clip(ps, 1e-12, 1)) + (1 - ps) * np.log(np.clip(1 - ps, 1e-12, 1))).mean(1)
    pm = np.clip(p, 1e-12, 1 - 1e-12)
    total = -(pm * np.log(pm) + (1 - pm) * np.log(1 - pm))
    return {
        'split': split,
        'windows': int(len(idx)), 'realWindows': int((y == 0).sum()), 'fakeWindows': int((y == 1).sum()),
        'clips': len(clips), 'realClips': int((cy == 0).sum()), 'fakeClips': int((cy == 1).sum()),
        'windowAuc': r5(auc(p, y)), 'clipAuc': r5(auc(cp, cy)),
        'windowAccuracy': r5(float((w * ((p >= 0.5) == y)).sum() / w.sum())),
        'ece': r5(ece(p, y, 15, w)), 'eceUncalibrated': r5(ece(sigmoid(logits).mean(1), y, 15, w)),
        'meanEpistemic': r5(float((total - ent).mean())), 'meanAleatoric': r5(float(ent.mean())),
        'perGenerator': per_gen,
        'attribution': {
            'clipAccuracy': r5(np.mean([top[k] == truth[k] for k in clips])) if clips else None,
            'fakeClipAccuracy': r5(np.mean([top[k] == truth[k] for k in fakes])) if fakes else None,
            'clips': len(clips), 'fakeClips': len(fakes), 'confusion': confusion,
        },
        'perClip': {k: {'label': 'fake' if c['y'] else 'real', 'method': c['method'], 'windows': c['windows'],
                        'pFake': r5(c['p']), 'top': top[k]} for k, c in clips.items()},
    }


def logo(data, args, classes):
    """Leave-one-generator-out: train without G (all splits), score G's windows vs the eval reals."""
    out = {}
    eval_real = np.where((data['split'] == 'eval') & (data['y'] == 0))[0]
    for gname in classes[1:]:
        g_all = np.where(data['method'] == gname)[0]
        if len(g_all) == 0:
            continue
        tr = np.where((data['split'] == 'train') & (data['method'] != gname))[0]
        va = np.where((data['split'] == 'calib') & (data['method'] != gname))[0]
        if len(np.unique(data['y'][va])) < 2:
            va = tr
        model, info = train_model(data, tr, va, args, False, classes)
        logits, _ = predict(model, data, va, args.samples, args.dropout, args.seed)
        temperature = fit_temperature(logits, data['y'][va], balanced_weights(data['y'][va]))
        idx = np.concatenate([g_all, eval_real])
        lg, gp = predict(model, data, idx, args.samples, args.dropout, args.seed + 7)
        p = sigmoid(lg / temperature).mean(1)
        y = data['y'][idx]
        clips = per_clip(data, idx, p, gp.mean(1))
        cy = np.array([c['y'] for c in clips.values()])
        cp = np.array([c['p'] for c in clips.values()])
        g_clips = [c for c in clips.values() if c['y'] == 1]
        out[gname] = {
            'windowAuc': r5(auc(p, y)), 'clipAuc': r5(auc(cp, cy)),
            'fakeWindows': int(len(g_all)), 'fakeClips': len(g_clips),
            'realWindows': int(len(eval_real)), 'realClips': int((cy == 0).sum()),
            'fakeClipsAboveHalf': int(sum(c['p'] >= 0.5 for c in g_clips)),
            'attributedTo': dict(zip(*np.unique([classes[int(np.argmax(c['gen']))] for c in g_clips], return_counts=True))) if g_clips else {},
            'bestEpoch': info['bestEpoch'],
            # per clip (G's fakes and the eval reals): what fused_logo.py combines with the others
            'clips': {k: {'p': r5(c['p']), 'label': int(c['y'])} for k, c in clips.items()},
        }
        out[gname]['attributedTo'] = {str(k): int(v) for k, v in out[gname]['attributedTo'].items()}
        print(f'  LOGO {gname}: window AUC {out[gname]["windowAuc"]}, clip AUC {out[gname]["clipAuc"]} '
              f'({len(g_clips)} fake clips vs {out[gname]["realClips"]} eval real clips)', flush=True)
    return out


# ---------------------------------------------------------------- export

def export(model, data, args, classes, temperature, calib, report_eval, info, out_dir: Path, name: str):
    out_dir.mkdir(parents=True, exist_ok=True)
    model.eval()
    n, t = 2, 3
    m, f = tensors(data, np.arange(n))
    noise = draw_noise(model, n, t, args.dropout, torch.Generator().manual_seed(5))
    path = out_dir / 'model.onnx'
    torch.onnx.export(model, (m, f, noise), str(path), opset_version=13,
                      input_names=['motion_map', 'features', 'noise'], output_names=['logits', 'generator_logits'],
                      dynamic_axes={'motion_map': {0: 'N'}, 'features': {0: 'N'}, 'noise': {0: 'N', 1: 'T'},
                                    'logits': {0: 'N', 1: 'T'}, 'generator_logits': {0: 'N', 1: 'T'}})
    # Parity inputs the runtime test can rebuild (deterministic formulas), outputs from torch.
    pn, pt = 3, 4
    pm, pf, pz = parity_inputs(pn, pt, data['rows'], data['cols'], data['nf'], model.noise_width, args.dropout, 'normal-grid' if model.bayes else 'mask')
    with torch.no_grad():
        pl, pg = model(torch.from_numpy(pm), torch.from_numpy(pf), torch.from_numpy(pz))
    parity = {'N': pn, 'T': pt, 'rate': args.dropout, 'noise': 'normal-grid' if model.bayes else 'mask', 'tolerance': 1e-4,
              'logits': [[round(float(v), 6) for v in row] for row in pl], 'generatorLogits0': [round(float(v), 6) for v in pg[0, 0]]}
    (out_dir / 'parity.json').write_text(json.dumps(parity, indent=1) + '\n')
    digest = file_digest(path.read_bytes())
    params = sum(p.numel() for p in model.parameters())
    noise_input = {'name': 'noise', 'shape': ['N', 'T', model.noise_width], 'dtype': 'float32', 'drives': ['logits', 'generator_logits']}
    if model.bayes:
        noise_input.update({'distribution': 'standard-normal', 'meaning': 'ε of the Bayesian second layer (local reparameterisation): pre-activation = μ + σ·ε'})
        mc = {'mode': 'weight-noise', 'inputs': [noise_input], 'meanNoise': 'all zeros (T = 1) gives the mean network', 'recommendedSamples': args.samples}
    else:
        noise_input.update({'distribution': 'bernoulli-mask', 'rate': args.dropout, 'values': [0, round(1 / (1 - args.dropout), 6)],
                            'meaning': 'dropout mask on the first hidden layer: 0 with probability rate, else 1/(1-rate)'})
        mc = {'mode': 'dropout-mask', 'dropoutRate': args.dropout, 'inputs': [noise_input], 'meanNoise': 'all ones (T = 1) gives the mean network', 'recommendedSamples': args.samples}
    opts = data['index']['options']
    manifest = {
        'schema': 'fakescope-model-manifest/1', 'name': name, 'version': '1.0.0', 'kind': 'biological', 'family': 'motion',
        'architecture': f'standardise -> Linear({data["rows"] * data["cols"] + data["nf"]}->{args.hidden}) -> ReLU -> '
                        + (f'BayesLinear({args.hidden}->{args.hidden2})' if model.bayes else f'MC-dropout mask -> Linear({args.hidden}->{args.hidden2})')
                        + f' -> ReLU -> fake Linear({args.hidden2}->1), generator Linear({args.hidden2}->{len(classes)})',
        'head': 'bayesian' if model.bayes else 'dropout',
        'file': 'model.onnx', **digest, 'opset': 13, 'parameters': int(params),
        'inputs': {
            'map': {'name': 'motion_map', 'shape': ['N', data['rows'], data['cols']], 'dtype': 'float32',
                    'meaning': 'motion map of the window (src/detectors/motion/analysis.ts): per phase channel, log10 power of the phase velocity at bins 1..spectrumBins, then log10 RMS of the low-band and action-band magnified motion'},
            'features': {'name': 'features', 'shape': ['N', data['nf']], 'dtype': 'float32', 'names': data['index']['features'],
                         'meaning': 'landmark dynamics and pooled motion statistics, MOTION_FEATURES order'},
        },
        'window': {'fs': opts['fs'], 'n': opts['n'], 'spectrumBins': opts['spectrumBins'], 'lowBand': opts['lowBand'], 'actionBand': opts['actionBand'],
                   'cropSize': opts['bank']['size'], 'cells': opts['bank']['cells'], 'wavelength': opts['bank']['wavelength']},
        'mc': mc,
        'outputs': {
            'logits': {'name': 'logits', 'shape': ['N', 'T'], 'activation': 'sigmoid', 'meaning': 'fake logit per window and MC sample; p_t = sigmoid(logit_t / calibration.temperature)'},
            'generator': {'name': 'generator_logits', 'shape': ['N', 'T', len(classes)], 'activation': 'softmax', 'classes': classes,
                          'meaning': 'source logits per window and MC sample (not temperature-scaled)'},
        },
        'calibration': {'method': 'temperature', 'temperature': round(temperature, 5), 'appliesTo': 'each sample\'s fake logit', 'fittedOn': 'calib',
                        'eceBins': 15, 'eceSplit': 'eval', 'ece_before': report_eval['eceUncalibrated'], 'ece_after': report_eval['ece']},
        'metrics': {k: report_eval[k] for k in ('split', 'windows', 'clips', 'realClips', 'fakeClips', 'windowAuc', 'clipAuc', 'windowAccuracy', 'ece')}
                   | {'perGenerator': report_eval['perGenerator'], 'attribution': {k: v for k, v in report_eval['attribution'].items() if k != 'confusion'}},
        'training': {'seed': args.seed, 'datasetSha256': data['sha256'], 'bestEpoch': info['bestEpoch'], 'epochs': info['epochs'],
                     'seconds': info['seconds'], 'device': 'cpu', 'torch': torch.__version__, 'python': platform.python_version(),
                     'config': {k: getattr(args, k) for k in ('epochs', 'patience', 'hidden', 'hidden2', 'dropout', 'input_dropout', 'lr', 'weight_decay', 'batch')},
                     'windows': {s: int((data['split'] == s).sum()) for s in ('train', 'calib', 'eval')},
                     'clips': {s: int(len(np.unique(data['clip'][data['split'] == s]))) for s in ('train', 'calib', 'eval')}},
        'card': 'MODEL_CARD.md',
    }
    (out_dir / 'manifest.json').write_text(json.dumps(manifest, indent=2) + '\n')
    return manifest


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    data = load(args.dataset)
    classes = data['classes']
    print(f'{len(data["y"])} windows, {len(np.unique(data["clip"]))} clips, classes {classes}', flush=True)
    for s in ('train', 'calib', 'eval'):
        sel = data['split'] == s
        print(f'  {s}: {int(sel.sum())} windows, {len(np.unique(data["clip"][sel]))} clips, '
              f'{len(np.unique(data["clip"][sel & (data["y"] == 1)]))} fake clips', flush=True)
    tr = np.where(data['split'] == 'train')[0]
    va = np.where(data['split'] == 'calib')[0]
    report = {'dataset': {'sha256': data['sha256'], 'windows': int(len(data['y'])), 'classes': classes,
                          'splits': {s: {'windows': int((data['split'] == s).sum()), 'clips': int(len(np.unique(data['clip'][data['split'] == s]))),
                                         'groups': sorted(set(data['group'][data['split'] == s].tolist()))} for s in ('train', 'calib', 'eval')}}}
    for variant, bayes in (('mcd', False), ('bnn', True)):
        t0 = time.time()
        model, info = train_model(data, tr, va, args, bayes, classes)
        info['seconds'] = round(time.time() - t0, 1)
        logits, _ = predict(model, data, va, args.samples, args.dropout, args.seed)
        temperature = fit_temperature(logits, data['y'][va], balanced_weights(data['y'][va]))
        ev = evaluate(model, data, args, temperature, classes)
        cal = evaluate(model, data, args, temperature, classes, 'calib')
        print(f'{variant}: best epoch {info["bestEpoch"]}, T={temperature:.3f}, eval window AUC {ev["windowAuc"]}, clip AUC {ev["clipAuc"]}, '
              f'ECE {ev["ece"]} (before {ev["eceUncalibrated"]}), attribution {ev["attribution"]["clipAccuracy"]} '
              f'({ev["attribution"]["clips"]} clips), {info["seconds"]} s', flush=True)
        report[variant] = {'train': {k: v for k, v in info.items() if k != 'history'}, 'history': info['history'],
                           'temperature': temperature, 'eval': ev, 'calib': {k: v for k, v in cal.items() if k != 'perClip'}}
        if not args.no_export:
            name = 'motion' if variant == 'mcd' else 'motion-bnn'
            export(model, data, args, classes, temperature, cal, ev, info, ROOT / 'models' / name, name)
    if args.logo:
        print('leave-one-generator-out (mcd):', flush=True)
        report['logo'] = logo(data, args, classes)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / 'report.json').write_text(json.dumps(report, indent=1, default=lambda o: o.tolist() if hasattr(o, 'tolist') else str(o)))
    print('report ->', CACHE / 'report.json')


if __name__ == '__main__':
    main()
