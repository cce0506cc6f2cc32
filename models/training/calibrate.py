"""Temperature scaling fitted on the validation split.

The temperature divides every per-sample fake logit before the sigmoid, p_t = σ(z_t / T), and is
chosen to minimise the NLL of the MC mean p̄ = mean_t p_t on validation crops — the runtime applies
it the same way to each sample before computing mean, aleatoric and epistemic uncertainty. The
validation set holds one real and one fake per generator for each crop, so real and fake items are
weighted to equal totals (the 50/50 prior of training) in the fit, the ECE and the diagram.

    /usr/bin/python3 -m models.training.calibrate --run models/training/runs/<name>

Writes runs/<name>/calibration.json and reliability_val.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .metrics import balanced_weights, ece, fit_temperature, mc_stats, nll_of_mean, reliability_bins
from .plots import reliability_png
from .predict import predictions
from .runtime import read_json, write_json


def calibrate(run: Path, device: str = 'auto') -> dict:
    cfg = read_json(run / 'config.json')
    bins = cfg['ece_bins']
    val = predictions(run, 'val', device=device)
    z, y = val['logits'], val['y']
    w = balanced_weights(y)
    t = fit_temperature(z, y, w)
    p0, p1 = mc_stats(z)['mean'], mc_stats(z, t)['mean']
    res = {
        'temperature': round(t, 5),
        'atSearchBound': bool(t < 0.051 or t > 19.9),  # the fit hit the [0.05, 20] search range: check the model
        'fittedOn': 'val',
        'appliesTo': 'each MC sample of `logits`: p_t = sigmoid(logit_t / temperature); then mean over T',
        'objective': 'NLL of the MC-mean probability, real and fake items weighted to equal totals',
        'samples': int(z.shape[1]),
        'items': int(len(y)),
        'eceBins': bins,
        'val': {'ece_before': ece(p0, y, bins, w), 'ece_after': ece(p1, y, bins, w),
                'nll_before': nll_of_mean(z, y, 1.0, w), 'nll_after': nll_of_mean(z, y, t, w)},
        'reliability': {'before': reliability_bins(p0, y, bins, w), 'after': reliability_bins(p1, y, bins, w)},
    }
    write_json(run / 'calibration.json', res)
    reliability_png(res['reliability']['before'], res['reliability']['after'], run / 'reliability_val.png',
                    f'{run.name}: validation, T = {t:.3f}')
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--run', required=True)
    ap.add_argument('--device', default='auto')
    args = ap.parse_args(argv)
    r = calibrate(Path(args.run), args.device)
    print(f'temperature {r["temperature"]}: val ECE {r["val"]["ece_before"]:.4f} -> {r["val"]["ece_after"]:.4f}')


if __name__ == '__main__':
    main()
