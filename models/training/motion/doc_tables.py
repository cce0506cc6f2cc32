#!/usr/bin/python3
"""Prints the measured tables of docs/motion.md from the training report and the whole-analyzer runs:

    PYTHONPATH=. /usr/bin/python3 -m models.training.motion.doc_tables

Inputs (models/training/cache/motion/): report.json (train.py --logo), eval-media.json,
eval-calib.json, eval-eval.json (scripts/motion-eval.ts on ../shared/media and the calib / eval sets
of models/training/eval_sets.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from models.training.face_index import group_of, split_groups

CACHE = Path(__file__).resolve().parents[3] / 'models' / 'training' / 'cache' / 'motion'


def f3(x):
    return '—' if x is None else f'{x:.3f}'


def load(name):
    p = CACHE / name
    return json.loads(p.read_text()) if p.exists() else None


def media_table(media, report):
    # The split of each media clip (face_index groups), to say which rows the motion model trained on.
    clips = [c['file'].rsplit('.', 1)[0] for c in media['perClip']]
    members = [(group_of(c, 'media'), x['label'], x['method']) for c, x in zip(clips, media['perClip'])]
    ds = report['dataset']['splits']
    split_of = {g: s for s in ds for g in ds[s]['groups']}
    print('| clip | label | method | motion split | rPPG | blind (SBI) | motion | motion answered |')
    print('|---|---|---|---|---|---|---|---|')
    for c, x, (g, _, _) in zip(clips, media['perClip'], members):
        s = x['scores']
        ok = x['motionOkFraction']
        print(f'| {c} | {x["label"]} | {x["method"]} | {split_of.get(g, "—")} | {f3(s.get("rppg"))} | {f3(s.get("blind-mobilenet-sbi-mcd"))} | '
              f'{f3(s.get("motion"))} | {"—" if ok is None else f"{ok:.0%}"} |')


def fusion_table(name, e):
    print(f'\n{name}: {e["clips"]} clips, {e["segments"]} segments of {e["segmentFrames"]} frames')
    print('| scorer | clips answered | clip AUC |')
    print('|---|---|---|')
    for d, v in e['clipLevel']['perDetector'].items():
        print(f'| {d} alone | {v["clips"]} | {f3(v["clipAuc"])} |')
    if 'blindPlusMotion' in e['clipLevel']:
        v = e['clipLevel']['blindPlusMotion']
        print(f'| fused, fixed weights ({", ".join(f"{d} {x:.1f}" for d, x in v["weights"].items())}) | {v["clips"]} | {f3(v["clipAuc"])} |')
    for k in ('fittedHere', 'fittedElsewhere'):
        if k not in e['clipLevel']:
            continue
        for w in ('withoutMotion', 'withMotion'):
            v = e['clipLevel'][k][w]
            weights = ', '.join(f'{d} {x:.1f}' for d, x in v['weights'].items())
            print(f'| fused, weights {"fitted on this set" if k == "fittedHere" else "fitted on calib"} ({weights}) | {v["clips"]} | {f3(v["clipAuc"])} |')
    print('\nattribution (leave-one-group-out over segments):')
    print('| features | n features | segments | accuracy | macro F1 |')
    print('|---|---|---|---|---|')
    for k in ('withoutMotion', 'withMotion', 'motionOnly'):
        a = e['attribution'][k]
        print(f'| {k} | {a["features"]} | {a["items"]} | {f3(a["accuracy"])} | {f3(a["macroF1"])} |')


def main():
    report = load('report.json')
    media = load('eval-media.json')
    if media and report:
        media_table(media, report)
    for name in ('eval-calib.json', 'eval-eval.json', 'eval-media.json'):
        e = load(name)
        if e:
            fusion_table(name, e)


if __name__ == '__main__':
    main()
