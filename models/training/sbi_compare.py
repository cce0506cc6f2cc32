"""Shipped blind models side by side on the same split (the runtime crops of the calib and eval
splits, face_index.py), through ONNX Runtime as the runtime runs them (onnx_predict.mjs):

    /usr/bin/python3 -m models.training.sbi_compare models/blind-mobilenet-mcd models/<new> ...

Per model and split: video AUC with a bootstrap interval, video ECE and accuracy at 0.5 after the
model's own temperature, frame AUC, and the SBI task on unseen people. Writes
runs/sbi-compare.json. Note that the old models were trained on 12 development clips, some of
which fall in these splits (their card lists them): their numbers here are optimistic.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .metrics import auc
from .sbi_study import fmt, video_table
from .sbi_train import CACHE, RUNS, bootstrap_auc, ece, load_views, mc_summary


def run_model(model_dir: Path, images: np.ndarray, t: int = 32) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / 'x.u8'
        np.ascontiguousarray(images).tofile(raw)
        subprocess.run(['node', str(Path(__file__).with_name('onnx_predict.mjs')), str(model_dir), str(raw), str(len(images)),
                        str(images.shape[1]), str(t), str(Path(tmp) / 'out')], check=True)
        logits = np.fromfile(Path(tmp) / 'out.logits.f32', np.float32).reshape(len(images), t)
        fp = Path(tmp) / 'out.features.f32'
        feats = np.fromfile(fp, np.float32).reshape(len(images), -1) if fp.exists() else None
    return {'logits': logits, 'features': feats}


def main() -> None:
    dirs = [Path(a) for a in sys.argv[1:]]
    views = load_views(CACHE / 'views.npz', None)
    m = views.meta
    out = {}
    for d in dirs:
        man = json.loads((d / 'manifest.json').read_text())
        temp = (man.get('calibration') or {}).get('temperature', 1.0)
        res = {}
        for split in ('calib', 'eval'):
            idx = np.where((m['split'] == split) & (m['view'] == 'canonical'))[0]
            v = views.subset(idx)
            s = mc_summary(run_model(d, v.image)['logits'], temp)
            vt = video_table(v, s['p'], s['mi'])
            vp = np.array([x['p'] for x in vt.values()])
            vl = np.array([x['label'] for x in vt.values()])
            res[split] = {'videos': len(vt), 'fakeVideos': int(vl.sum()), 'videoAuc': auc(vp, vl), 'videoAucCi': bootstrap_auc(vp, vl),
                          'videoEce': ece(vp, vl), 'videoAccuracy': float(((vp >= 0.5) == vl).mean()), 'frameAuc': auc(s['p'], v.label),
                          'meanPReal': float(vp[vl == 0].mean()), 'meanPFake': float(vp[vl == 1].mean()),
                          'confidentWrong': int((((vp >= 0.8) & (vl == 0)) | ((vp <= 0.2) & (vl == 1))).sum())}
        idx = np.where(np.isin(m['split'], ('calib', 'eval')) & ((m['view'] == 'sbi-test') | ((m['view'] == 'canonical') & (views.label == 0))))[0]
        v = views.subset(idx)
        res['sbiAuc'] = auc(mc_summary(run_model(d, v.image)['logits'], temp)['p'], v.label)
        out[man['name']] = res
        e = res['eval']
        print(f"{man['name']:28s} eval: {e['videos']} videos ({e['fakeVideos']} fake) video AUC {fmt(e['videoAuc'])} "
              f"[{fmt(e['videoAucCi'][0])}, {fmt(e['videoAucCi'][1])}] ECE {e['videoEce']:.3f} acc {e['videoAccuracy']:.3f} "
              f"confident-wrong {e['confidentWrong']}  | calib AUC {fmt(res['calib']['videoAuc'])} | SBI AUC {fmt(res['sbiAuc'])}")
    RUNS.mkdir(parents=True, exist_ok=True)
    (RUNS / 'sbi-compare.json').write_text(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
