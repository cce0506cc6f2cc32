"""Fast checks of the maths and contracts (a few seconds on one CPU thread, no crops needed except
for the split and generator checks, which use the crop index when one exists).

    /usr/bin/python3 -m models.training.selftest
"""

from __future__ import annotations

import itertools

import numpy as np
import torch

from .config import TrainConfig
from .data import default_index, load_crop, make_splits
from .detector import build_detector
from .generators import GENERATORS, manipulate
from .metrics import auc, balanced_weights, ece, fit_temperature, mc_stats, sigmoid


def check_metrics() -> None:
    rng = np.random.default_rng(0)
    s = np.round(rng.normal(size=60), 1)  # rounded: ties
    y = rng.random(60) < 0.4
    pairs = [(a, b) for a, b in itertools.product(s[y], s[~y])]
    brute = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs])
    assert abs(auc(s, y) - brute) < 1e-12, (auc(s, y), brute)
    z = rng.normal(0, 2, 20000)
    lab = rng.random(20000) < sigmoid(z)
    assert ece(sigmoid(z), lab) < 0.02
    t = fit_temperature(np.repeat((3 * z)[:, None], 2, 1), lab)
    assert abs(t - 3) < 0.25, t
    w = balanced_weights(np.array([1, 1, 1, 0]))
    assert abs(w[:3].sum() - w[3]) < 1e-12 and abs(w.sum() - 4) < 1e-12
    st = mc_stats(np.array([[0.0, 0.0], [-5.0, 5.0]]))
    assert abs(st['epistemic'][0]) < 1e-9 and st['epistemic'][1] > 0.6


def check_heads() -> None:
    torch.manual_seed(0)
    for head in ('dropout', 'bayes'):
        cfg = TrainConfig(family='mobilenet', head=head).validate()
        m = build_detector(cfg).eval()
        with torch.no_grad():
            for p in m.heads.parameters():  # make the heads non-trivial
                p.add_(torch.randn_like(p) * 0.1)
            x = torch.randn(3, 3, 128, 128)
            noise, dense = m.sample_noise(3, 5)
            lg, dl, gl = m(x, noise, dense)
            assert lg.shape == (3, 5) and dl.shape == (3, 5, 8, 8) and gl.shape == (3, 5, 6)
            assert noise.shape[-1] == m.noise_width
            feat, fmap = m.encode(x)
            if head == 'dropout':
                z = feat[:, None] * noise
                ref = z @ m.heads.fc.weight[0] + m.heads.fc.bias
                assert torch.allclose(lg, ref, atol=1e-5)
                mean_lg, _, _ = m(x, *m.mean_noise(3))
                assert torch.allclose(mean_lg[:, 0], feat @ m.heads.fc.weight[0] + m.heads.fc.bias, atol=1e-5)
                assert set(noise.unique().tolist()) <= {0.0, 1 / (1 - cfg.dropout_rate)}
            else:
                for p in (m.heads.fc.weight_logvar, m.heads.fc.bias_logvar):
                    p.fill_(-2.0)
                big = m.sample_noise(1, 20000)
                lg_big, _, _ = m(x[:1], *big)
                mean, std = m.heads.fc.moments(feat[:1])
                assert abs(lg_big.mean() - mean[0, 0]) < 4 * std[0, 0] / 100 + 1e-4
                assert abs(lg_big.std() / std[0, 0] - 1) < 0.05
                mean_lg, _, _ = m(x, *m.mean_noise(3))
                assert torch.allclose(mean_lg[:, 0], m.heads.fc.moments(feat)[0][:, 0], atol=1e-5)
        assert float(m.kl()) >= 0


def check_data() -> None:
    index = default_index()
    if not index.exists():
        print('  (no crop index: split and generator checks skipped)')
        return
    splits, manifest = make_splits(TrainConfig(index=str(index)).validate())
    groups = {k: {e.group for e in v} for k, v in splits.items()}
    for a, b in itertools.combinations(('train', 'val', 'test'), 2):
        assert not groups[a] & groups[b], (a, b)
    rng = np.random.default_rng(1)
    img, lm = load_crop(splits['train'][0])
    donor = load_crop(splits['train'][-1])
    for g in GENERATORS:
        out, mask = manipulate(g, img, lm, rng, donor)
        assert out.shape == img.shape and mask.shape == img.shape[:2], g
        assert 0 <= mask.min() and mask.max() <= 1 and mask.mean() > 0.02, (g, mask.mean())
        inside = np.abs(out - img).mean(-1)[mask > 0.9]
        outside = np.abs(out - img).mean(-1)[mask == 0]
        assert inside.mean() > 0.5 and (outside.size == 0 or outside.max() < 1e-3), (g, inside.mean())


def main() -> None:
    torch.set_num_threads(1)
    for name, fn in (('metrics', check_metrics), ('heads', check_heads), ('data + generators', check_data)):
        fn()
        print(f'ok {name}')


if __name__ == '__main__':
    main()
