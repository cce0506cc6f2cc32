"""The identity-steadiness map (identity_map.py): the logistic fit recovers known parameters, the
training frames weigh each track equally with classes balanced and leave out the listed clips and
every split but train, and a video scores its most fake track of enough frames (numpy only)."""

from __future__ import annotations

import unittest

import numpy as np

from models.training.identity_map import MIN_FRAMES, fit_map, summarise, training_frames, video_scores


def runtime_fixture() -> dict:
    return {
        'real_a': {'split': 'train', 'label': 'real', 'method': '-', 'tracks': {'1': [0.95] * 40, '2': [0.96] * 10}},
        'fake_b': {'split': 'train', 'label': 'fake', 'method': 'gen', 'tracks': {'1': [0.99] * 20, '2': [0.9] * 3}},
        'fake_c': {'split': 'train', 'label': 'fake', 'method': 'gen', 'tracks': {'1': [0.98] * 12}},
        'real_d': {'split': 'eval', 'label': 'real', 'method': '-', 'tracks': {'1': [0.97] * 30}},
        'odd_e': {'split': 'train', 'label': 'unknown', 'method': 'x', 'tracks': {'1': [0.5] * 30}},
    }


class IdentityMapTest(unittest.TestCase):
    def test_fit_recovers_a_known_logistic(self):
        rng = np.random.default_rng(0)
        c = rng.uniform(0.9, 1.0, 20000)
        y = (rng.random(c.size) < 1 / (1 + np.exp(-(40 * c - 38.6)))).astype(float)
        a, b = fit_map(c, y, np.full(c.size, 1.0 / c.size))
        self.assertAlmostEqual(a, 40, delta=3)
        self.assertAlmostEqual(b / a, -38.6 / 40, delta=0.003)

    def test_training_frames_weigh_tracks_equally_and_balance_classes(self):
        c, y, w = training_frames(runtime_fixture(), skip={'fake_c'})
        # real_a's two tracks (40 and 10 frames) and fake_b's long track; its 3-frame track, fake_c
        # (skipped), real_d (eval) and odd_e (no label) are out.
        self.assertEqual(len(c), 40 + 10 + 20)
        self.assertAlmostEqual(w[y == 0].sum(), 0.5)
        self.assertAlmostEqual(w[y == 1].sum(), 0.5)
        real = w[y == 0]
        self.assertAlmostEqual(real[:40].sum(), real[40:].sum())  # one weight per track, whatever its length
        self.assertGreaterEqual(MIN_FRAMES, 4)

    def test_video_scores_take_the_most_fake_track(self):
        v = video_scores(runtime_fixture(), a=10.0, b=-9.6)
        self.assertEqual(set(v), {'real_a', 'fake_b', 'fake_c', 'real_d'})
        p = lambda x: 1 / (1 + np.exp(-(10 * x - 9.6)))  # noqa: E731
        self.assertAlmostEqual(v['real_a']['p'], p(0.96))
        self.assertAlmostEqual(v['fake_b']['p'], p(0.99))  # the 3-frame track does not count
        s = summarise({k: x for k, x in v.items() if k != 'odd_e'})
        self.assertEqual((s['videos'], s['fake']), (4, 2))
        self.assertEqual(s['auc'], 1.0)


if __name__ == '__main__':
    unittest.main()
