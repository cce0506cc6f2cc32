"""Writes test/fixtures/conversion/faceres-stem.onnx: the first conv and separable block of the converted
FaceRes (real weights, 3.3 k parameters, 13 KB), for the conversion test that needs neither torch nor
the npm package (test/models/conversion.test.ts compares it with faceres-stem.reference.json, which
tfjs_reference.mjs records from the original TF.js model).

    python3 -m models.training.pretrained.make_fixture

Generated file; do not edit by hand.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from ..export import _export_kwargs
from .faceres import FaceResBackbone

FIXTURE = Path(__file__).resolve().parents[3] / 'test' / 'fixtures' / 'conversion' / 'faceres-stem.onnx'
SIZE = 16


class FaceResStem(nn.Module):
    """conv1 (3×3 stride 2, TF 'SAME' = pad bottom/right only) → depthwise 3×3 → pointwise 1×1, ReLU6."""

    def __init__(self, net: FaceResBackbone):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.block(0, self.net.act(self.net.conv1(x)))


def main() -> None:
    torch.set_num_threads(2)
    full = FaceResBackbone.pretrained()
    stem = FaceResStem(full).eval()
    keep = {'conv1', 'dw.0', 'pw.0'}
    stem.net.dw, stem.net.pw = nn.ModuleList([full.dw[0]]), nn.ModuleList([full.pw[0]])
    assert {n.rsplit('.', 1)[0] for n, _ in stem.net.named_parameters()} == keep
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(stem, torch.zeros(1, 3, SIZE, SIZE), str(FIXTURE), opset_version=13,
                      input_names=['image'], output_names=['features'], do_constant_folding=True, **_export_kwargs())
    print(f'{FIXTURE}: {FIXTURE.stat().st_size:,} bytes, {sum(p.numel() for p in stem.parameters()):,} parameters')


if __name__ == '__main__':
    main()
