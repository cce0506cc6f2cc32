"""The fused leave-one-generator-out table (fused_logo.py): mid-ranks with ties, the shipped
weights for the default's members and weight 1 for a detector outside them, both fusions computed
on the clips every member scores (numpy only)."""

from __future__ import annotations

import unittest

import numpy as np

from models.training.fused_logo import fused_row, ranks


class FusedLogoTest(unittest.TestCase):
    def test_ranks_are_mid_ranks_scaled_to_one(self):
        np.testing.assert_allclose(ranks(np.array([0.3, 0.1, 0.3, 0.9])), [2.5 / 4, 1 / 4, 2.5 / 4, 1.0])

    def test_a_fold_scores_members_and_fusions_on_shared_clips(self):
        # blind ranks the two fakes on top; identity ranks them at the bottom; 'only_blind' is
        # scored by one detector and must be left out.
        scores = {
            'blind': {'f1': (0.9, 1), 'f2': (0.8, 1), 'r1': (0.2, 0), 'r2': (0.3, 0), 'only_blind': (0.99, 0)},
            'identity': {'f1': (0.40, 1), 'f2': (0.41, 1), 'r1': (0.60, 0), 'r2': (0.50, 0)},
        }
        row = fused_row('gen', scores, ('blind', 'identity'))
        self.assertEqual((row['fake'], row['real']), (2, 2))
        self.assertEqual(row['blind']['auc'], 1.0)
        self.assertEqual(row['identity']['auc'], 0.0)
        # 0.5·blind + 0.5·identity: fakes 0.65, 0.605; reals 0.40, 0.40 → perfectly separated
        self.assertEqual(row['mixture']['auc'], 1.0)
        # rank mean: every clip averages to the same mid rank, so the fused score cannot separate
        self.assertEqual(row['rankMean']['auc'], 0.5)

    def test_a_member_outside_the_shipped_weights_weighs_one(self):
        scores = {
            'blind': {'f': (0.6, 1), 'r': (0.4, 0)},
            'identity': {'f': (0.5, 1), 'r': (0.5, 0)},
            'motion': {'f': (0.1, 1), 'r': (0.9, 0)},
        }
        # weights 0.5, 0.5, 1: fake (0.3 + 0.25 + 0.1) / 2 = 0.325 < real (0.2 + 0.25 + 0.9) / 2 = 0.675
        self.assertEqual(fused_row('gen', scores, ('blind', 'identity', 'motion'))['mixture']['auc'], 0.0)
        self.assertIsNone(fused_row('gen', {'blind': scores['blind']}, ('blind', 'motion')))


if __name__ == '__main__':
    unittest.main()
