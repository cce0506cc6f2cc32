"""The SBI recipe (sbi.py): masks, blend ratios, pairing and determinism, on a synthetic face."""

from __future__ import annotations

import unittest

import numpy as np

from models.training import sbi
from models.training.landmarks import landmarks68_from_keypoints

KEYPOINTS = {'leftEye': [93.4, 108.8], 'rightEye': [162.6, 108.8], 'noseTip': [128.0, 140.0],
             'mouth': [128.0, 170.0], 'leftEar': [40.0, 120.0], 'rightEar': [216.0, 120.0]}


def synthetic_face(seed: int = 0) -> np.ndarray:
    """A 256-px 'face': a textured ellipse on a gradient background (no real person)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:256, 0:256]
    img = np.stack([xx * 0.5 + 40, yy * 0.4 + 60, 120 + 0 * xx], -1).astype(np.float32)
    inside = ((xx - 128) / 80.0) ** 2 + ((yy - 140) / 100.0) ** 2 < 1
    img[inside] = [200, 160, 140]
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.float32)


class SbiTest(unittest.TestCase):
    def setUp(self):
        self.img = synthetic_face()
        self.lm = landmarks68_from_keypoints(KEYPOINTS)

    def test_hull_kinds_are_binary_and_nested_sensibly(self):
        masks = {k: sbi.hull_mask(self.lm, (256, 256), k) for k in sbi.HULL_KINDS}
        for k, m in masks.items():
            self.assertEqual(set(np.unique(m)).issubset({0.0, 1.0}), True, k)
            self.assertGreater(m.sum(), 1000, k)
        # the extended hull reaches higher up the forehead than the DFL hull and contains it
        ext, dfl = masks['extended'], masks['dfl']
        self.assertLess(np.argmax(ext.any(1)), np.argmax(dfl.any(1)))
        self.assertTrue(np.all(ext >= dfl))
        # components lie inside the hull of all points (up to the rasteriser's edge pixels)
        outside = (masks['components'] > masks['facehull']).sum()
        self.assertLess(outside, 0.01 * masks['components'].sum())

    def test_flip_remaps_landmarks(self):
        img2, lm2 = sbi.flip(self.img, self.lm)
        np.testing.assert_array_equal(img2, self.img[:, ::-1])
        # the image-left eye corner (36) lands where the mirrored image-right corner (45) was
        self.assertAlmostEqual(lm2[36, 0], 255 - self.lm[45, 0])
        self.assertEqual(sorted(sbi.FLIP_68.tolist()), list(range(68)))
        np.testing.assert_array_equal(sbi.FLIP_68[sbi.FLIP_68], np.arange(68))

    def test_blend_mask_is_normalised_and_soft(self):
        m = sbi.hull_mask(self.lm, (256, 256), 'dfl')
        b = sbi.blend_mask(m, np.random.default_rng(1))
        self.assertAlmostEqual(float(b.max()), 1.0, places=2)
        self.assertGreaterEqual(float(b.min()), 0.0)
        soft = ((b > 0.05) & (b < 0.95)).sum()
        self.assertGreater(soft, 200)  # a feathered boundary, not a hard edge

    def test_ratio_and_pairing(self):
        ratios, hulls, where = set(), set(), set()
        for seed in range(40):
            s = sbi.self_blend(self.img, self.lm, np.random.default_rng(seed))
            self.assertIn(s.ratio, sbi.BLEND_RATIOS)
            self.assertAlmostEqual(float(s.mask.max()), s.ratio, places=2)
            ratios.add(s.ratio)
            hulls.add(s.hull)
            where.add(s.transformed)
            # outside the mask the fake equals the real (the same paired augmentation on both) up
            # to JPEG, which mixes 8×8 blocks: compare where the mask is zero far from its edge
            far = sbi.blur((s.mask > 0).astype(np.float32), 25, 0) == 0
            diff = np.abs(s.fake - s.real)[far]
            self.assertLess(float(np.median(diff)), 1.0)
            self.assertGreater(float(np.abs(s.fake - s.real)[s.mask > 0.5 * s.ratio].mean()) if s.ratio > 0 else 1, 0.0)
        self.assertEqual(ratios, set(sbi.BLEND_RATIOS))
        self.assertEqual(hulls, set(sbi.HULL_KINDS))
        self.assertEqual(where, {'source', 'target'})

    def test_deterministic_under_a_seed(self):
        a = sbi.sbi_pair(self.img, self.lm, np.random.default_rng(7), 192, 128)
        b = sbi.sbi_pair(self.img, self.lm, np.random.default_rng(7), 192, 128)
        c = sbi.sbi_pair(self.img, self.lm, np.random.default_rng(8), 192, 128)
        for k in ('real', 'fake', 'boundary'):
            np.testing.assert_array_equal(a[k], b[k])
        self.assertFalse(np.array_equal(a['fake'], c['fake']))

    def test_boundary_target_and_crop_window(self):
        p = sbi.sbi_pair(self.img, self.lm, np.random.default_rng(3), 192, 128, train=False)
        self.assertEqual(p['real'].shape, (128, 128, 3))
        np.testing.assert_allclose(p['boundary'], 4 * p['mask'] * (1 - p['mask']), atol=1e-6)
        self.assertLessEqual(float(p['boundary'].max()), 1.0 + 1e-6)
        # test mode: the canonical square (12.5 % margin) of the 256-px crop
        self.assertEqual(p['window'], (32, 32, 224, 224))
        # margins of 5 % and 20 % move a side in and out by 7.5 % of the canonical size
        self.assertEqual(sbi.crop_window(256, 192, (0.05, 0.2, 0.05, 0.2)), (46, 18, 210, 238))

    def test_opencv_gaussian_kernel(self):
        k = sbi.gaussian_kernel(5, 0)  # OpenCV: σ = 0.3·((5−1)·0.5 − 1) + 0.8 = 1.1
        x = np.arange(5) - 2
        ref = np.exp(-x * x / (2 * 1.1 ** 2))
        np.testing.assert_allclose(k, ref / ref.sum(), rtol=1e-9)


if __name__ == '__main__':
    unittest.main()
