"""The one card writer's helpers (no numpy needed)."""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from models.training.model_card import interval, num, write_card


class CardHelpers(unittest.TestCase):
    def test_num(self):
        for x, nd, want in ((0.12345, 3, '0.123'), (1, 4, '1.0000'), (None, 3, '–'), (float('nan'), 2, '–'), (-0.5, 1, '-0.5')):
            self.assertEqual(num(x, nd), want)
        self.assertEqual(num(None, missing='—'), '—')

    def test_interval(self):
        self.assertEqual(interval([0.71234, 0.9]), '[0.712, 0.900]')
        for c in (None, [], [None, None]):
            self.assertEqual(interval(c), '–')

    def test_write_card(self):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / 'MODEL_CARD.md'
            write_card(path, ['# x', '', 'y', ''])
            self.assertEqual(path.read_text(), '# x\n\ny\n')


if __name__ == '__main__':
    unittest.main()
