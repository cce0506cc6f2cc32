"""Leave-one-generator-out for the shipped default's *fusion* (blind + identity steadiness; rPPG has
fusion weight 0), from the two detectors' own leave-one-generator-out runs (docs/blind.md):

- blind: `sbi_study.py --no-final` with the default's recipe; per fold the model is trained without
  the held-out generator's fakes and without the people and streams that hold them, and its
  per-clip p(fake) (the clip's most fake track) is kept in the study's JSON (`videos`);
- identity: per fold its two-number map is refitted without the held-out generator's clips
  (identity_map.py, on the runtime's values of identity_runtime.py), per-clip p(fake) likewise.

Per fold, on the clips both score (the held-out generator's fakes and the blind fold's unseen real
clips), two fusions:

- **mixture**: 0.5 · p_blind + 0.5 · p_identity — the shipped fusion weights. They were fitted on
  the calib split, which holds a few clips of every generator, so the held-out generator is not
  entirely unseen by these two numbers; the per-clip mean stands in for the analyzer's per-frame
  mixture and per-face decision;
- **rank mean**: the mean of the two detectors' ranks within the fold — free of either
  detector's scale, which the fold-trained blind model (no fold temperature) does not share with
  the shipped one.

With `--motion` (the opt-in motion detector's own leave-one-generator-out report, per-clip scores
of the held-out generator's fakes and the eval split's real clips), the same for the three together,
on the clips all three score; motion is not in the shipped weights, so it weighs 1 (what adding it
to the configuration gives).

    python3 -m models.training.fused_logo [--study runs/sbi-study-faceres-dropout-e2e.json] [--motion cache/motion/report.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from .identity_map import fit_map, training_frames, untouched_clips, video_scores
from .metrics import auc, bootstrap_auc

WEIGHTS = {'blind': 0.5, 'identity': 0.5}


def ranks(x: np.ndarray) -> np.ndarray:
    """Mid-ranks scaled to (0, 1]."""
    order = np.argsort(x, kind='stable')
    r = np.empty(len(x))
    r[order] = np.arange(1, len(x) + 1)
    for v in np.unique(x):
        tie = x == v
        r[tie] = r[tie].mean()
    return r / len(x)


def fold_scores(study_fold: dict, runtime: dict, skip: set, motion: dict | None) -> dict:
    """detector → {clip: (p, label)} for one held-out generator."""
    g = study_fold['generator']
    held = {c for c, r in runtime.items() if r['method'] == g}
    a, b = fit_map(*training_frames(runtime, skip | held))
    out = {'blind': {c: (v['p'], v['label']) for c, v in study_fold['videos'].items()},
           'identity': {c: (v['p'], v['label']) for c, v in video_scores(runtime, a, b).items()}}
    if motion is not None and g in motion:
        out['motion'] = {c: (v['p'], v['label']) for c, v in motion[g]['clips'].items()}
    return out


def fused_row(g: str, scores: dict, members: tuple) -> dict | None:
    """AUCs of each member and of their two fusions, on the clips every member scores."""
    if any(m not in scores for m in members):
        return None
    clips = sorted(set.intersection(*(set(scores[m]) for m in members)))
    y = np.array([scores[members[0]][c][1] for c in clips], int)
    p = {m: np.array([scores[m][c][0] for c in clips], float) for m in members}
    w = {m: WEIGHTS.get(m, 1.0) for m in members}  # a detector missing from the weights weighs 1
    mix = sum(w[m] * p[m] for m in members) / sum(w.values())
    rank = sum(ranks(p[m]) for m in members) / len(members)
    row = {'generator': g, 'fake': int(y.sum()), 'real': int((y == 0).sum())}
    for name, s in [*p.items(), ('mixture', mix), ('rankMean', rank)]:
        row[name] = {'auc': auc(s, y), 'auc95': list(bootstrap_auc(s, y))}
    return row


def table(rows: list, members: tuple) -> dict:
    cols = [*members, 'mixture', 'rankMean']
    weights = ' / '.join(f'{WEIGHTS.get(m, 1.0):g}' for m in members)
    print(f"| held-out generator | fake / real videos | {' | '.join(members)} | mixture {weights} | rank mean |")
    print('|---|---|' + '---|' * len(cols))
    for r in rows:
        cells = [f"{r[k]['auc']:.3f} [{r[k]['auc95'][0]:.3f}, {r[k]['auc95'][1]:.3f}]" for k in cols]
        print(f"| {r['generator']} | {r['fake']} / {r['real']} | " + ' | '.join(cells) + ' |')
    means = {k: float(np.mean([r[k]['auc'] for r in rows])) for k in cols}
    print('| **mean** | | ' + ' | '.join(f'**{means[k]:.3f}**' for k in cols) + ' |\n')
    return {'members': list(members), 'folds': rows, 'mean': means}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--study', type=Path, default=Path('models/training/runs/sbi-study-faceres-dropout-e2e.json'))
    ap.add_argument('--runtime', type=Path, default=Path('models/training/cache/identity-runtime.json'))
    ap.add_argument('--labels', type=Path, default=Path('models/training/cache/faces/face_labels.json'))
    ap.add_argument('--motion', type=Path, default=None,
                    help="the motion detector's LOGO report (models/training/cache/motion/report.json, motion.train --logo)")
    ap.add_argument('--out', type=Path, default=Path('models/training/runs/fused-logo.json'))
    args = ap.parse_args()
    study = json.loads(args.study.read_text())
    runtime = json.loads(args.runtime.read_text())
    motion = json.loads(args.motion.read_text())['logo'] if args.motion else None
    skip = untouched_clips(args.labels)
    folds = [(f['generator'], fold_scores(f, runtime, skip, motion)) for f in study['logo'] if 'videos' in f]
    if not folds:
        raise SystemExit(f'{args.study}: no per-clip tables (re-run sbi_study.py, which now keeps them)')
    out = {'weights': WEIGHTS}
    combos = [('blind', 'identity')] + ([('blind', 'identity', 'motion')] if motion else [])
    for members in combos:
        rows = [r for g, sc in folds if (r := fused_row(g, sc, members))]
        out['+'.join(members)] = table(rows, members)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1))
    print(f'→ {args.out}')


if __name__ == '__main__':
    main()
