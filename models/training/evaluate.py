"""Held-out evaluation: AUC / accuracy / ECE, per-generator AUC, attribution, dense patches, OOD
dev fakes, and leave-one-generator-out (LOGO) with epistemic uncertainty.

    /usr/bin/python3 -m models.training.evaluate --run models/training/runs/<name>
    /usr/bin/python3 -m models.training.evaluate --logo-summary [--head dropout] [--families a,b]

A run trained with --hold-out <g> also reports AUC on the held-out generator and whether the mean
epistemic uncertainty (mutual information of the MC samples) is higher on its fakes than on the
seen generators' fakes. --logo-summary gathers every family's LOGO runs into runs/logo_summary.json
and runs/<family model>/logo.json (read by the model card).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .config import FAMILIES, RUNS_DIR, default_name
from .generators import CLASS_NAMES
from .metrics import accuracy, auc, balanced_weights, ece, mc_stats, reliability_bins
from .predict import predictions
from .runtime import read_json, write_json


def _mean(a) -> float | None:
    return float(np.mean(a)) if len(a) else None


def _group(stats: dict, sel: np.ndarray) -> dict:
    return {'items': int(sel.sum()), 'meanPFake': _mean(stats['mean'][sel]),
            'epistemic': _mean(stats['epistemic'][sel]), 'aleatoric': _mean(stats['aleatoric'][sel])}


def evaluate(run: Path, device: str = 'auto') -> dict:
    cfg = read_json(run / 'config.json')
    cal_path = run / 'calibration.json'
    temp = read_json(cal_path)['temperature'] if cal_path.exists() else 1.0
    bins = cfg['ece_bins']
    p = predictions(run, 'test', device=device)
    z, y, methods = p['logits'], p['y'], p['method']
    raw, st = mc_stats(z), mc_stats(z, temp)
    real = methods == 'real'
    w = balanced_weights(y)  # one real per crop but one fake per generator: weigh to 50/50
    res: dict = {
        'split': 'test', 'items': int(len(y)), 'clips': sorted(set(p['clip'].tolist())),
        'samples': int(z.shape[1]), 'temperature': temp,
        'weighting': 'real and fake items weighted to equal totals in accuracy and ECE',
        'auc': auc(st['mean'], y), 'accuracy': accuracy(st['mean'], y, weights=w),
        'ece_before': ece(raw['mean'], y, bins, w), 'ece_after': ece(st['mean'], y, bins, w),
        'real': _group(st, real), 'perGenerator': {},
        'reliability': reliability_bins(st['mean'], y, bins, w),
    }
    for g in cfg['generators']:
        sel = methods == g
        res['perGenerator'][g] = {'auc': auc(st['mean'][real | sel], y[real | sel]), **_group(st, sel)}
    pred_cls = p['gen_prob'].argmax(1)
    k = len(CLASS_NAMES)
    conf = np.zeros((k, k), int)
    np.add.at(conf, (p['cls'], pred_cls), 1)
    res['attribution'] = {'classes': list(CLASS_NAMES), 'accuracy': float((pred_cls == p['cls']).mean()),
                          'confusion': conf.tolist()}
    res['dense'] = {'patchAuc': auc(p['dense_prob'].reshape(-1), p['dense_target'].reshape(-1) >= 0.5),
                    'epistemicManipulated': _mean(p['dense_epistemic'][p['dense_target'] >= 0.5]),
                    'epistemicClean': _mean(p['dense_epistemic'][p['dense_target'] < 0.5])}
    ood = predictions(run, 'ood', device=device)
    if ood:
        so = mc_stats(ood['logits'], temp)
        res['ood'] = {}
        for m in sorted(set(ood['method'].tolist())):
            sel = ood['method'] == m
            both = np.concatenate([st['mean'][real], so['mean'][sel]])
            lab = np.concatenate([np.zeros(real.sum()), ood['y'][sel]])
            res['ood'][m] = {'clips': sorted(set(ood['clip'][sel].tolist())), **_group(so, sel),
                             'aucVsTestReal': auc(both, lab) if ood['y'][sel].any() else None}
    if cfg.get('hold_out'):
        res['heldOut'] = held_out_report(cfg['hold_out'], st, y, methods)
    write_json(run / 'eval.json', res)
    return res


def held_out_report(g: str, st: dict, y: np.ndarray, methods: np.ndarray) -> dict:
    real, held = methods == 'real', methods == g
    seen = ~real & ~held
    mi = st['epistemic']
    out = {
        'generator': g,
        'auc': auc(st['mean'][real | held], y[real | held]),
        'aucSeen': auc(st['mean'][real | seen], y[real | seen]),
        'epistemicHeldOut': _mean(mi[held]), 'epistemicSeen': _mean(mi[seen]), 'epistemicReal': _mean(mi[real]),
        # P(MI of a held-out fake > MI of a seen fake): 0.5 = no difference.
        'epistemicAucHeldVsSeen': auc(mi[held | seen], held[held | seen]),
    }
    out['epistemicHigherOnHeldOut'] = bool(out['epistemicHeldOut'] is not None and out['epistemicSeen'] is not None
                                           and out['epistemicHeldOut'] > out['epistemicSeen'])
    return out


def logo_summary(runs: Path, head: str, families=FAMILIES, generators=None) -> dict:
    summary: dict = {}
    for fam in families:
        base = default_name(fam, head)
        rows = {}
        for ev in sorted(runs.glob(f'{base}-logo-*/eval.json')):
            r = read_json(ev).get('heldOut')
            if r and (generators is None or r['generator'] in generators):
                rows[r['generator']] = r
        if rows:
            summary[base] = rows
            if (runs / base).exists():
                write_json(runs / base / 'logo.json', rows)
    write_json(runs / f'logo_summary_{head}.json', summary)
    return summary


def logo_table(summary: dict) -> str:
    lines = ['| model | held out | AUC held-out | AUC seen | MI held-out | MI seen | MI higher | P(MI held > seen) |',
             '|---|---|---|---|---|---|---|---|']
    for model, rows in summary.items():
        for g, r in rows.items():
            f = (lambda v, d=3: '–' if v is None else f'{v:.{d}f}')
            lines.append(f'| {model} | {g} | {f(r["auc"])} | {f(r["aucSeen"])} | {f(r["epistemicHeldOut"], 4)} | '
                         f'{f(r["epistemicSeen"], 4)} | {"yes" if r["epistemicHigherOnHeldOut"] else "no"} | '
                         f'{f(r["epistemicAucHeldVsSeen"])} |')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--run')
    ap.add_argument('--device', default='auto')
    ap.add_argument('--logo-summary', action='store_true')
    ap.add_argument('--head', default='dropout')
    ap.add_argument('--families', default=','.join(FAMILIES))
    ap.add_argument('--runs', default=str(RUNS_DIR))
    args = ap.parse_args(argv)
    if args.logo_summary:
        print(logo_table(logo_summary(Path(args.runs), args.head, args.families.split(','))))
        return
    if not args.run:
        ap.error('--run or --logo-summary')
    r = evaluate(Path(args.run), args.device)
    print(f'test AUC {r["auc"]}, accuracy {r["accuracy"]:.3f}, ECE {r["ece_before"]:.4f} -> {r["ece_after"]:.4f}')
    for g, v in r['perGenerator'].items():
        print(f'  {g:11s} AUC {v["auc"]}  MI {v["epistemic"]}')
    if 'heldOut' in r:
        print(f'  held out {r["heldOut"]}')


if __name__ == '__main__':
    main()
