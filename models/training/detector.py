"""A blind detector: backbone once per face, stochastic heads sampled T times from noise inputs.

    forward(image [N,3,S,S], noise [N,T,E], dense_noise [N,T,C])
        → logits [N,T], dense_logits [N,T,S/16,S/16], gen_logits [N,T,K]

The noise is an input (never drawn inside the graph), so the exported ONNX model is stochastic
exactly when the caller wants it, survives ONNX Runtime's optimiser (which deletes Dropout nodes),
and repeats under a seeded PRNG. Training and evaluation call the same forward with noise from
`sample_noise`, so what is trained is what is exported.

Heads:
    dropout  noise = MC-dropout mask on the D-dim pooled feature, values 0 or 1/(1−p), E = D;
             the binary and generator heads are linear maps of feature ⊙ mask (the same mask).
             dense_noise = mask on the C dense channels (rate dense_dropout_rate).
    bayes    noise = standard normal, E = 1 + K: [..., 0] drives the binary logit, [..., 1:] the K
             generator logits (local reparameterisation); dense_noise = standard normal weight
             epsilons of the dense 1×1 conv (whole weight vector per sample).
"""

from __future__ import annotations

import torch
from torch import nn

from .bayes import BayesLinear, BayesPointwise, pointwise_maps
from .config import TrainConfig
from .families import build_backbone
from .generators import CLASS_NAMES


class DropoutHeads(nn.Module):
    def __init__(self, dim: int, channels: int, classes: int, p: float, p_dense: float):
        super().__init__()
        self.p, self.p_dense = p, p_dense
        self.fc = nn.Linear(dim, 1)
        self.gen = nn.Linear(dim, classes)
        self.dense_weight = nn.Parameter(torch.empty(channels).normal_(0, 0.01))
        self.dense_bias = nn.Parameter(torch.zeros(1))
        nn.init.normal_(self.fc.weight, 0, 0.01)
        nn.init.normal_(self.gen.weight, 0, 0.01)

    def forward(self, feat, fmap, noise, dense_noise):
        z = feat[:, None, :] * noise                                   # [N, T, D]
        logits = nn.functional.linear(z, self.fc.weight, self.fc.bias)[..., 0]
        gen_logits = nn.functional.linear(z, self.gen.weight, self.gen.bias)
        dense = pointwise_maps(fmap, dense_noise * self.dense_weight, self.dense_bias)
        return logits, dense, gen_logits

    def sample_noise(self, n, t, d, c, k, generator=None, device=None):
        keep = torch.rand((n, t, d), generator=generator, device=device) >= self.p
        keep_d = torch.rand((n, t, c), generator=generator, device=device) >= self.p_dense
        return keep.float() / (1 - self.p), keep_d.float() / (1 - self.p_dense)

    def mean_noise(self, n, d, c, k, device=None):
        return torch.ones((n, 1, d), device=device), torch.ones((n, 1, c), device=device)

    def kl(self):
        return torch.zeros(())


class BayesHeads(nn.Module):
    def __init__(self, dim: int, channels: int, classes: int, prior_sigma: float, init_logvar: float):
        super().__init__()
        self.fc = BayesLinear(dim, 1, prior_sigma, init_logvar)
        self.gen = BayesLinear(dim, classes, prior_sigma, init_logvar)
        self.dense = BayesPointwise(channels, prior_sigma, init_logvar)

    def forward(self, feat, fmap, noise, dense_noise):
        logits = self.fc.sample(feat, noise[..., :1])[..., 0]
        gen_logits = self.gen.sample(feat, noise[..., 1:])
        return logits, self.dense.sample(fmap, dense_noise), gen_logits

    def sample_noise(self, n, t, d, c, k, generator=None, device=None):
        return (torch.randn((n, t, 1 + k), generator=generator, device=device),
                torch.randn((n, t, c), generator=generator, device=device))

    def mean_noise(self, n, d, c, k, device=None):
        return torch.zeros((n, 1, 1 + k), device=device), torch.zeros((n, 1, c), device=device)

    def kl(self):
        return self.fc.kl() + self.gen.kl() + self.dense.kl()


class BlindDetector(nn.Module):
    def __init__(self, cfg: TrainConfig):
        super().__init__()
        self.head_kind = cfg.head
        self.classes = len(CLASS_NAMES)
        self.dim, self.channels, self.grid = cfg.feature_dim, cfg.dense_channels, cfg.dense_grid
        self.backbone = build_backbone(cfg.family)
        cm, cl = self.backbone.mid_channels, self.backbone.out_channels
        self.neck = nn.Sequential(nn.Linear(cl, self.dim), nn.ReLU(inplace=True))
        self.dense_trunk = nn.Sequential(nn.Conv2d(cm + cl, self.channels, 1, bias=False),
                                         nn.BatchNorm2d(self.channels), nn.ReLU(inplace=True))
        if cfg.head == 'dropout':
            self.heads = DropoutHeads(self.dim, self.channels, self.classes, cfg.dropout_rate, cfg.dense_dropout_rate)
        else:
            self.heads = BayesHeads(self.dim, self.channels, self.classes, cfg.prior_sigma, cfg.init_logvar)

    @property
    def noise_width(self) -> int:
        """E, the last dimension of the `noise` input."""
        return self.dim if self.head_kind == 'dropout' else 1 + self.classes

    def encode(self, image):
        """The deterministic part, once per face: pooled feature [N, D] and dense map [N, C, h, w]."""
        mid, last = self.backbone(image)
        feat = self.neck(last.mean((2, 3)))
        up = nn.functional.interpolate(last, scale_factor=2.0, mode='nearest')
        fmap = self.dense_trunk(torch.cat([mid, up], 1))
        return feat, fmap

    def forward(self, image, noise, dense_noise):
        feat, fmap = self.encode(image)
        return self.heads(feat, fmap, noise, dense_noise)

    def sample_noise(self, n: int, t: int, generator=None, device=None):
        return self.heads.sample_noise(n, t, self.dim, self.channels, self.classes, generator, device)

    def mean_noise(self, n: int, device=None):
        """Noise giving the deterministic 'mean' network (mask of ones / zero epsilons), T = 1."""
        return self.heads.mean_noise(n, self.dim, self.channels, self.classes, device)

    def kl(self):
        return self.heads.kl()


def build_detector(cfg: TrainConfig) -> BlindDetector:
    torch.manual_seed(cfg.seed)
    return BlindDetector(cfg)
