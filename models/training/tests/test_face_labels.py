"""Per-face labels on a synthetic DeepFaceLive-style pair, and the group/split rules."""

from __future__ import annotations

import unittest

import numpy as np

from models.training.face_index import assign_splits, group_of
from models.training.face_labels import label_tracks


def row(clip, seq, track, box, file):
    return {'clip': clip, 'seq': seq, 'trackId': track, 'faceBox': box, 'file': file, 'canonicalSize': 48}


class FaceLabelTest(unittest.TestCase):
    def test_swapped_and_untouched_faces_of_one_fake_clip(self):
        rng = np.random.default_rng(0)
        images = {}
        rows = []
        for seq in range(5):
            a = rng.integers(0, 255, (64, 64, 3)).astype(np.uint8)   # person A (swapped in the fake)
            b = rng.integers(0, 255, (64, 64, 3)).astype(np.uint8)   # person B (untouched)
            images[f'r/{seq}a'], images[f'r/{seq}b'] = a, b
            images[f'f/{seq}a'] = rng.integers(0, 255, (64, 64, 3)).astype(np.uint8)  # a different face
            noise = rng.integers(-2, 3, b.shape)
            images[f'f/{seq}b'] = np.clip(b.astype(int) + noise, 0, 255).astype(np.uint8)  # compression-like
            rows += [row('real_dfl-stream_X_0', seq, 1, [10, 10, 50, 50], f'r/{seq}a'),
                     row('real_dfl-stream_X_0', seq, 2, [200, 10, 50, 50], f'r/{seq}b'),
                     row('fake_deepfacelive_X_0', seq, 1, [12, 11, 50, 50], f'f/{seq}a'),
                     row('fake_deepfacelive_X_0', seq, 2, [201, 10, 50, 50], f'f/{seq}b')]
        rows.append(row('fake_deepfacelive_X_0', 0, 3, [400, 300, 40, 40], 'f/0a'))  # no partner
        def similarity(a, b):  # stands in for the face descriptor: same pixels up to noise → ≈ 1
            d = np.abs(images[a].astype(float) - images[b].astype(float)).mean()
            return 1 - d / 255
        out = label_tracks(rows, similarity, threshold=0.95)
        self.assertEqual(out['fake_deepfacelive_X_0#1'][0], 'fake')
        self.assertEqual(out['fake_deepfacelive_X_0#2'][0], 'real')
        self.assertEqual(out['fake_deepfacelive_X_0#3'][0], 'unknown')
        self.assertEqual(out['fake_deepfacelive_X_0#2'][2], 5)
        self.assertNotIn('real_dfl-stream_X_0#1', out)  # real clips keep their label

    def test_groups_keep_pairs_and_people_together(self):
        self.assertEqual(group_of('real_dfl-stream_Ava_de_Addario_1', 'corpus'), group_of('fake_deepfacelive_Ava_de_Addario_3', 'corpus'))
        self.assertEqual(group_of('fake_anitalker_girl-lianliru', 'corpus'), group_of('fake_anitalker_sad-lianliru', 'corpus'))
        self.assertEqual(group_of('real_ffpp-like_cyshih_real', 'media'), group_of('fake_ffpp-unknown_cyshih_fake', 'media'))
        self.assertNotEqual(group_of('real_liveportrait-driving_d0', 'media'), group_of('real_liveportrait-driving_d3', 'media'))

    def test_split_fractions_and_small_strata(self):
        groups = {f'g{i}': 'real' for i in range(20)} | {'d0': 'dfdc'} | {'f0': 'ffpp', 'f1': 'ffpp'}
        s = assign_splits(groups, seed=0)
        self.assertEqual(s['d0'], 'eval')
        self.assertEqual(sorted(s[g] for g in ('f0', 'f1')), ['eval', 'train'])
        reals = [s[f'g{i}'] for i in range(20)]
        self.assertEqual((reals.count('eval'), reals.count('calib'), reals.count('train')), (5, 4, 11))
        self.assertEqual(assign_splits(groups, seed=0), s)
        self.assertNotEqual(assign_splits(groups, seed=1), s)


if __name__ == '__main__':
    unittest.main()
