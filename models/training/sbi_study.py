"""Leave-one-generator-out study and final-split evaluation of the SBI detectors (issues #10, #11).

    /usr/bin/python3 -m models.training.sbi_study --family faceres --head dropout [--tune-upper]

Protocol (split by person and source, face_index.py):
- **LOGO**, for each real generator g: train on the train split's views with every fake of g
  removed, and every group (person/source) that holds a fake of g removed too (so the held-out
  fakes' people and streams are unseen); SBI always on. Test on the runtime crops (`canonical`
  views) of all of g's fakes and of the real faces of the calib and eval splits (people never
  trained on), plus the real faces of the held-out groups (e.g. the real halves of the held-out
  DeepFaceLive demos: their people and streams were removed from training). Also the seen
  generators' calib/eval fakes, to compare epistemic uncertainty.
- **Final split**: train on the train split, temperature on calib, report on eval.

Writes `runs/sbi-study-<family>-<head>[-tuned].json` and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from . import density as dens
from .face_index import GENERATORS
from .metrics import auc
from .sbi_train import (CACHE, RUNS, RunConfig, Views, bootstrap_auc, ece, fit_temperature, load_views,
                        mc_summary, predict, prob_greater, train_run, video_scores)


def epistemic_terms(model, cfg, train: Views, ref_views: Views, test_pred: dict) -> dict:
    """Density fitted on the training views' features; reference quantiles from `ref_views`."""
    tr = predict(model, train, cfg)
    g = dens.fit_gaussians(tr['feat'], train.meta['cls'])
    ref = dens.reference(dens.negative_log_density(g, predict(model, ref_views, cfg)['feat']))
    s = dens.negative_log_density(g, test_pred['feat'])
    return {'gaussians': g, 'reference': ref, 'score': s, 'distance': dens.distance_from_score(s, ref)}


def video_table(v: Views, p: np.ndarray, epi: np.ndarray) -> dict:
    vs = video_scores(v.meta['clip'], v.meta['track'], p)
    lab = {c: int(l) for c, l in zip(v.meta['clip'], v.label)}
    # a clip is fake if any face is (per-face labels can make some of a fake clip's faces real)
    for c, l in zip(v.meta['clip'], v.label):
        lab[c] = max(lab[c], int(l))
    e = {}
    for c, x in zip(v.meta['clip'], epi):
        e.setdefault(c, []).append(float(x))
    return {c: {'p': vs[c], 'label': lab[c], 'epistemic': float(np.mean(e[c]))} for c in vs}


def error_auroc(p: np.ndarray, y: np.ndarray, u: np.ndarray) -> float | None:
    err = ((p >= 0.5).astype(int) != y).astype(int)
    return auc(u, err)


def logo_fold(views: Views, cfg: RunConfig, g: str, log) -> dict:
    m = views.meta
    held_groups = set(m['group'][m['cls'] == g])
    train_idx = np.where((m['split'] == 'train') & (m['view'] == 'train') & ~np.isin(m['group'], list(held_groups))
                         & (m['cls'] != g))[0]
    canon = m['view'] == 'canonical'
    # test reals: people never trained on in this fold — the calib/eval splits, and the held-out
    # groups (e.g. the real halves of held-out DeepFaceLive demos), removed from training above
    unseen = np.isin(m['split'], ('calib', 'eval')) | np.isin(m['group'], list(held_groups))
    test_idx = np.where(canon & ((m['cls'] == g) | ((views.label == 0) & unseen)
                                 | ((views.label == 1) & (m['cls'] != g) & np.isin(m['split'], ('calib', 'eval')))))[0]
    ref_idx = np.where(canon & (m['split'] == 'train') & ~np.isin(m['group'], list(held_groups)) & (m['cls'] != g))[0]
    train, test, ref = views.subset(train_idx), views.subset(test_idx), views.subset(ref_idx)
    t0 = time.time()
    model = train_run(cfg, train, log=lambda s: None)
    pred = predict(model, test, cfg)
    s = mc_summary(pred['logits'])
    et = epistemic_terms(model, cfg, train, ref, pred)
    combined = s['mi'] + math.log(2) * et['distance']
    held = test.meta['cls'] == g
    real = test.label == 0
    seen_fake = (test.label == 1) & ~held
    sel = held | real
    frame_auc = auc(s['p'][sel], test.label[sel])
    vt = video_table(test.subset(np.where(sel)[0]), s['p'][sel], combined[sel])
    vp = np.array([x['p'] for x in vt.values()])
    vl = np.array([x['label'] for x in vt.values()])
    vs_seen = video_table(test.subset(np.where(real | seen_fake)[0]), s['p'][real | seen_fake], combined[real | seen_fake])
    out = {
        'generator': g, 'trainViews': len(train), 'heldOutFaces': int(held.sum()), 'realFaces': int(real.sum()),
        'heldOutVideos': int((vl == 1).sum()), 'realVideos': int((vl == 0).sum()),
        'videoAuc': auc(vp, vl), 'videoAucCi': bootstrap_auc(vp, vl), 'frameAuc': frame_auc,
        'seenVideoAuc': auc(np.array([x['p'] for x in vs_seen.values()]), np.array([x['label'] for x in vs_seen.values()])),
        'meanPHeldOut': float(s['p'][held].mean()), 'meanPReal': float(s['p'][real].mean()),
        'pEpistemicHeldGtSeen': {
            'mi': prob_greater(s['mi'][held], s['mi'][seen_fake]),
            'distance': prob_greater(et['distance'][held], et['distance'][seen_fake]),
            'combined': prob_greater(combined[held], combined[seen_fake])},
        'errorAuroc': {
            'mi': error_auroc(s['p'], test.label, s['mi']),
            'distance': error_auroc(s['p'], test.label, et['distance']),
            'combined': error_auroc(s['p'], test.label, combined)},
        'meanMi': {'held': float(s['mi'][held].mean()), 'seen': float(s['mi'][seen_fake].mean()) if seen_fake.any() else None},
        'meanDistance': {'held': float(et['distance'][held].mean()), 'seen': float(et['distance'][seen_fake].mean()) if seen_fake.any() else None,
                         'real': float(et['distance'][real].mean())},
        'seconds': round(time.time() - t0, 1),
        # per clip of the fold's test set (held-out fakes and unseen reals): p(fake), label,
        # epistemic — what fused_logo.py combines with the other detectors' fold scores
        'videos': vt,
    }
    log(f"  {g:18s} video AUC {fmt(out['videoAuc'])} [{fmt(out['videoAucCi'][0])}, {fmt(out['videoAucCi'][1])}] "
        f"({out['heldOutVideos']} fake / {out['realVideos']} real videos)  frame {fmt(frame_auc)}  "
        f"P(epi held>seen) mi {fmt(out['pEpistemicHeldGtSeen']['mi'])} dist {fmt(out['pEpistemicHeldGtSeen']['distance'])} "
        f"comb {fmt(out['pEpistemicHeldGtSeen']['combined'])}  err-AUROC comb {fmt(out['errorAuroc']['combined'])}  {out['seconds']} s")
    return out


def fmt(x) -> str:
    return '  -  ' if x is None else f'{x:.3f}'


def final_split(views: Views, cfg: RunConfig, log) -> tuple:
    m = views.meta
    canon = m['view'] == 'canonical'
    train = views.subset(np.where((m['split'] == 'train') & (m['view'] == 'train'))[0])
    calib = views.subset(np.where(canon & (m['split'] == 'calib'))[0])
    evalv = views.subset(np.where(canon & (m['split'] == 'eval'))[0])
    ref = views.subset(np.where(canon & (m['split'] == 'calib'))[0])
    model = train_run(cfg, train, log=log)
    sbi = sbi_auc(model, cfg, views)
    log(f"  SBI on unseen people (calib+eval sbi-test vs real): AUC {fmt(sbi)}")
    pc, pe = predict(model, calib, cfg), predict(model, evalv, cfg)
    temp = fit_temperature(pc['logits'], calib.label)
    res = {'temperature': temp, 'sbiAuc': sbi}
    for name, v, pr in (('calib', calib, pc), ('eval', evalv, pe)):
        s = mc_summary(pr['logits'], temp)
        et = epistemic_terms(model, cfg, train, ref, pr)
        comb = s['mi'] + math.log(2) * et['distance']
        vt = video_table(v, s['p'], comb)
        vp = np.array([x['p'] for x in vt.values()])
        vl = np.array([x['label'] for x in vt.values()])
        res[name] = {'faces': len(v), 'videos': len(vt), 'fakeVideos': int(vl.sum()), 'frameAuc': auc(s['p'], v.label),
                     'videoAuc': auc(vp, vl), 'videoAucCi': bootstrap_auc(vp, vl), 'videoEce': ece(vp, vl),
                     'frameEce': ece(s['p'], v.label), 'videoAccuracy': float(((vp >= 0.5) == vl).mean()),
                     'errorAuroc': {'mi': error_auroc(vp, vl, np.array([x['epistemic'] for x in vt.values()]))},
                     'clips': vt}
        log(f"  {name}: {len(vt)} videos ({int(vl.sum())} fake)  video AUC {fmt(res[name]['videoAuc'])} "
            f"[{fmt(res[name]['videoAucCi'][0])}, {fmt(res[name]['videoAucCi'][1])}]  video ECE {res[name]['videoEce']:.3f}  "
            f"frame AUC {fmt(res[name]['frameAuc'])}")
    return model, res

def sbi_auc(model, cfg, views: Views) -> float | None:
    """Does the SBI task itself transfer to people never trained on? sbi-test fakes vs canonical reals."""
    m = views.meta
    idx = np.where(np.isin(m['split'], ('calib', 'eval')) & ((m['view'] == 'sbi-test') | ((m['view'] == 'canonical') & (views.label == 0))))[0]
    v = views.subset(idx)
    return auc(mc_summary(predict(model, v, cfg)['logits'])['p'], v.label)



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--family', default='faceres')
    ap.add_argument('--head', default='dropout')
    ap.add_argument('--views', type=Path, default=CACHE / 'views.npz')
    ap.add_argument('--feats', type=Path, default=None)
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--tune-upper', action='store_true')
    ap.add_argument('--end-to-end', action='store_true', help='train the whole network on the images (no cached maps)')
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=RunConfig.lr, help='peak learning rate (one-cycle); lower it to fine-tune a pretrained trunk end to end')
    ap.add_argument('--generators', default=','.join(GENERATORS))
    ap.add_argument('--no-final', action='store_true')
    args = ap.parse_args()
    cfg = RunConfig(family=args.family, head=args.head, epochs=args.epochs, tune_upper=args.tune_upper,
                    end_to_end=args.end_to_end, batch=args.batch, lr=args.lr)
    torch.set_num_threads(2)
    views = load_views(args.views, None if args.end_to_end else args.feats or CACHE / f'feats-{args.family}.npz')
    print(f'{args.family}/{args.head}: {len(views)} views')
    out = {'config': cfg.__dict__, 'logo': []}
    for g in args.generators.split(','):
        if (views.meta['cls'] == g).any():
            out['logo'].append(logo_fold(views, cfg, g, print))
    aucs = [r['videoAuc'] for r in out['logo'] if r['videoAuc'] is not None]
    out['logoMeanVideoAuc'] = float(np.mean(aucs)) if aucs else None
    print(f"  mean held-out video AUC {fmt(out['logoMeanVideoAuc'])} over {len(aucs)} generators")
    if not args.no_final:
        _, out['final'] = final_split(views, cfg, print)
    RUNS.mkdir(parents=True, exist_ok=True)
    path = RUNS / f"sbi-study-{args.family}-{args.head}{'-tuned' if args.tune_upper else ''}{'-e2e' if args.end_to_end else ''}.json"
    path.write_text(json.dumps(out, indent=1, default=lambda o: o.tolist() if hasattr(o, 'tolist') else str(o)))
    print(f'→ {path}')


if __name__ == '__main__':
    main()

