"""The SBI-trained blind detector: a (pretrained or from-scratch) backbone, split into a lower part
that training may freeze and cache, and an upper part trained with the heads.

    forward(image [N,3,S,S], noise [N,T,E], dense_noise [N,T,C])
        → logits [N,T], dense_logits [N,T,S/16,S/16], gen_logits [N,T,K], features [N,D]

`dense_logits` predict the blending boundary B = 4·m·(1 − m) of each stride-16 cell (the SBI
mask's Face X-ray target); `features` is the pooled feature f the heads read (before any MC mask),
for the distance-aware uncertainty term (density.py). Heads are detector.py's: MC-dropout masks or
Bayesian weight noise as inputs, so the ONNX graph is deterministic given its inputs.
"""

from __future__ import annotations

import torch
from torch import nn

from .detector import BayesHeads, DropoutHeads
from .families import build_backbone

# Classes of the generator head: real, the self-blends, then every real generator of the corpus.
SBI_CLASSES = ('real', 'sbi', 'deepfacelive-dfm', 'anitalker', 'edtalk', 'styleheat', 'aniportrait',
               'ffpp-unknown', 'dfdc')


def split_backbone(backbone: nn.Module) -> tuple:
    """(lower, upper): lower(x) → mid (stride 16), upper(mid) → last (stride 32)."""
    name = type(backbone).__name__
    if name == 'FaceResBackbone':
        def lower(x):
            x = backbone.act(backbone.conv1(x))
            for i in range(11):
                x = backbone.block(i, x)
            return x

        def upper(mid):
            for i in range(11, len(backbone.dw)):
                mid = backbone.block(i, mid)
            return mid
        return lower, upper
    if hasattr(backbone, 'lower') and hasattr(backbone, 'upper'):
        return backbone.lower, backbone.upper
    if hasattr(backbone, 'to_mid') and hasattr(backbone, 'to_last'):
        stem = getattr(backbone, 'stem', nn.Identity())
        return (lambda x: backbone.to_mid(stem(x))), backbone.to_last
    if name == 'ResNet18S':
        return (lambda x: backbone.layer3(backbone.layer2(backbone.layer1(backbone.stem(x))))), backbone.layer4
    if name == 'XceptionS':
        return (lambda x: backbone.middle(backbone.entry(x))), backbone.exit
    # a graph backbone (centernet): both maps from one pass; no separate upper part to fine-tune
    return (lambda x: backbone(x)[0]), None


class SbiDetector(nn.Module):
    def __init__(self, family: str, head: str = 'dropout', dim: int = 128, channels: int = 64,
                 classes: int = len(SBI_CLASSES), dropout_rate: float = 0.5, dense_dropout_rate: float = 0.3,
                 prior_sigma: float = 1.0, init_logvar: float = -6.0):
        super().__init__()
        self.family, self.head_kind = family, head
        self.dim, self.channels, self.classes = dim, channels, classes
        self.backbone = build_backbone(family)
        self.lower, self.upper = split_backbone(self.backbone)
        cm, cl = self.backbone.mid_channels, self.backbone.out_channels
        self.neck = nn.Sequential(nn.Linear(cl, dim), nn.ReLU(inplace=True))
        # the boundary head reads the stride-16 map only (the stride-32 map would triple its cost on
        # cached features, and the boundary is a local cue)
        self.dense_trunk = nn.Sequential(nn.Conv2d(cm, channels, 1, bias=False), nn.BatchNorm2d(channels),
                                         nn.ReLU(inplace=True))
        self.heads = (DropoutHeads(dim, channels, classes, dropout_rate, dense_dropout_rate) if head == 'dropout'
                      else BayesHeads(dim, channels, classes, prior_sigma, init_logvar))

    @property
    def noise_width(self) -> int:
        return self.dim if self.head_kind == 'dropout' else 1 + self.classes

    def from_maps(self, mid: torch.Tensor, last: torch.Tensor):
        """Pooled feature f [N, D] and dense map [N, C, h, w] from the two backbone maps."""
        return self.neck(last.mean((2, 3))), self.dense_trunk(mid)

    def forward(self, image, noise, dense_noise):
        mid, last = self.backbone(image)
        feat, fmap = self.from_maps(mid, last)
        logits, dense, gen = self.heads(feat, fmap, noise, dense_noise)
        return logits, dense, gen, feat

    def sample_noise(self, n: int, t: int, generator=None, device=None):
        return self.heads.sample_noise(n, t, self.dim, self.channels, self.classes, generator, device)

    def mean_noise(self, n: int, device=None):
        return self.heads.mean_noise(n, self.dim, self.channels, self.classes, device)

    def trunk_parameters(self):
        """Parameters of the lower part (frozen when its features are cached)."""
        upper_ids = {id(p) for p in self.upper_modules_parameters()}
        return [p for p in self.backbone.parameters() if id(p) not in upper_ids]

    def upper_modules_parameters(self):
        b = self.backbone
        if type(b).__name__ == 'FaceResBackbone':
            return [p for i in range(11, len(b.dw)) for p in (*b.dw[i].parameters(), *b.pw[i].parameters())]
        if hasattr(b, 'to_last'):
            return list(b.to_last.parameters())
        if hasattr(b, 'layer4'):
            return list(b.layer4.parameters())
        if hasattr(b, 'exit'):
            return list(b.exit.parameters())
        if hasattr(b, 'upper_modules'):
            return [p for m in b.upper_modules() for p in m.parameters()]
        raise TypeError(f'no upper part for {type(b).__name__}')
