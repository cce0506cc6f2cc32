"""TF semantics that PyTorch does not have built in: 'SAME' padding, which for stride 2 pads one
pixel more at the bottom/right than at the top/left (PyTorch's symmetric `padding=` would shift
every feature by half a pixel and the copied weights would no longer line up)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def same_pads(size: int, k: int, stride: int, dilation: int = 1) -> tuple:
    """(before, after) padding of TF 'SAME' along one axis of length `size`."""
    k = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Conv2d):
    """nn.Conv2d with TF 'SAME' padding (explicit F.pad, asymmetric when TF's is)."""

    def __init__(self, cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, bias: bool = True,
                 dilation: int = 1):
        super().__init__(cin, cout, k, stride, 0, dilation, groups, bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s, d = self.kernel_size[0], self.stride[0], self.dilation[0]
        top, bottom = same_pads(int(x.shape[2]), k, s, d)
        left, right = same_pads(int(x.shape[3]), k, s, d)
        if top or bottom or left or right:
            x = F.pad(x, (left, right, top, bottom))
        return super().forward(x)
