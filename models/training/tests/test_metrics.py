"""The shared metric functions against their definitions (numpy only)."""

from __future__ import annotations

import math
import unittest

import numpy as np

from models.training.metrics import auc, ece, fit_temperature, nll_of_mean


def pairwise_auc(s, y, w):
    num = den = 0.0
    for i in np.where(y)[0]:
        for j in np.where(~y)[0]:
            num += w[i] * w[j] * (1.0 if s[i] > s[j] else 0.5 if s[i] == s[j] else 0.0)
            den += w[i] * w[j]
    return num / den


class MetricsTest(unittest.TestCase):
    def test_auc_is_the_weighted_pairwise_probability_with_ties_as_half(self):
        rng = np.random.default_rng(0)
        for _ in range(100):
            n = int(rng.integers(2, 40))
            s, y, w = np.round(rng.random(n), 1), rng.random(n) < 0.4, rng.random(n) + 0.1
            if y.all() or not y.any():
                self.assertIsNone(auc(s, y))
                continue
            self.assertAlmostEqual(auc(s, y, w), pairwise_auc(s, y, w), places=12)
            self.assertAlmostEqual(auc(s, y), pairwise_auc(s, y, np.ones(n)), places=12)
        self.assertEqual(auc([0.1, 0.9], [0, 1]), 1.0)
        self.assertEqual(auc([0.5, 0.5], [0, 1]), 0.5)

    def test_ece_of_a_calibrated_and_a_confidently_wrong_predictor(self):
        p = np.array([0.25] * 4 + [0.75] * 4)
        y = np.array([1, 0, 0, 0, 1, 1, 1, 0])
        self.assertAlmostEqual(ece(p, y, bins=10), 0.0, places=12)
        self.assertAlmostEqual(ece(np.array([0.9, 0.9]), np.array([0, 0]), bins=10), 0.9, places=12)

    def test_temperature_minimises_the_nll_of_the_mc_mean(self):
        rng = np.random.default_rng(1)
        y = (rng.random(400) < 0.5).astype(float)
        logits = ((2 * y - 1) * 3.0 + rng.normal(0, 3.0, 400))[:, None] + rng.normal(0, 0.1, (400, 4))  # over-confident
        t = fit_temperature(logits, y)
        self.assertGreater(t, 1.0)
        for other in (t * 0.9, t * 1.1):
            self.assertLess(nll_of_mean(logits, y, t), nll_of_mean(logits, y, other))
        self.assertTrue(math.isfinite(t))


if __name__ == '__main__':
    unittest.main()
