"""What the biological classifiers' training scripts share (numpy only): the parity inputs the
runtime tests rebuild from the same formulas, and the model file's digest."""

from __future__ import annotations

import hashlib
import unittest

import numpy as np

from models.training.biological import file_digest, parity_inputs


class ParityInputs(unittest.TestCase):
    def test_formulas(self):
        maps, feats, noise = parity_inputs(2, 3, 4, 5, 6, 7, 0.5)
        self.assertEqual((maps.shape, feats.shape, noise.shape), ((2, 4, 5), (2, 6), (2, 3, 7)))
        for a in (maps, feats, noise):
            self.assertEqual(a.dtype, np.float32)
        flat = maps.reshape(-1)
        for i in (0, 1, 17, 39):
            self.assertEqual(flat[i], np.float32(((i * 7919) % 1000) / 500 - 1))
        self.assertEqual(feats.reshape(-1)[11], np.float32(((11 * 7919) % 2001) / 1000 - 1))
        z = noise.reshape(-1)
        for i in range(z.size):
            self.assertEqual(z[i], np.float32(0.0 if (i * 104729) % 5 == 0 else 2.0))

    def test_normal_grid(self):
        _, _, z = parity_inputs(1, 2, 1, 1, 1, 3, 0.5, 'normal-grid')
        self.assertEqual([float(v) for v in z.reshape(-1)], [float(np.float32(((i * 104729) % 7) / 3 - 1)) for i in range(6)])
        with self.assertRaises(ValueError):
            parity_inputs(1, 1, 1, 1, 1, 1, 0.5, 'other')

    def test_file_digest(self):
        self.assertEqual(file_digest(b'abc'), {'sha256': hashlib.sha256(b'abc').hexdigest(), 'bytes': 3})


if __name__ == '__main__':
    unittest.main()
