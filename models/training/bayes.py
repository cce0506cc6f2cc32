"""Mean-field Gaussian weights (Blundell et al. 2015) with the noise passed in from outside.

Weights have learned means and log-variances; training samples them by the reparameterisation
trick and adds KL(q ‖ prior) with a N(0, σ_p²) prior. For a linear layer the local
reparameterisation trick (Kingma et al. 2015) samples the pre-activations instead of the weights:
out ~ N(x·μ_w + μ_b, x²·σ_w² + σ_b²), one standard normal per output, so a binary head needs a
single epsilon per Monte Carlo sample.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor, prior_sigma: float) -> torch.Tensor:
    """Σ KL(N(μ, e^logvar) ‖ N(0, σ_p²))."""
    var = logvar.exp()
    return (math.log(prior_sigma) - 0.5 * logvar + (var + mu * mu) / (2 * prior_sigma ** 2) - 0.5).sum()


class BayesLinear(nn.Module):
    """Linear layer with Gaussian weights, sampled through its outputs (local reparameterisation)."""

    def __init__(self, fin: int, fout: int, prior_sigma: float = 1.0, init_logvar: float = -6.0):
        super().__init__()
        self.prior_sigma = prior_sigma
        self.weight_mu = nn.Parameter(torch.empty(fout, fin).normal_(0, 0.01))
        self.weight_logvar = nn.Parameter(torch.full((fout, fin), init_logvar))
        self.bias_mu = nn.Parameter(torch.zeros(fout))
        self.bias_logvar = nn.Parameter(torch.full((fout,), init_logvar))

    def moments(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and standard deviation of the outputs for inputs x [N, fin] → two [N, fout]."""
        mean = nn.functional.linear(x, self.weight_mu, self.bias_mu)
        var = nn.functional.linear(x * x, self.weight_logvar.exp(), self.bias_logvar.exp())
        return mean, torch.sqrt(var + 1e-12)

    def sample(self, x: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """x [N, fin], eps [N, T, fout] standard normal → outputs [N, T, fout]."""
        mean, std = self.moments(x)
        return mean[:, None, :] + std[:, None, :] * eps

    def kl(self) -> torch.Tensor:
        return gaussian_kl(self.weight_mu, self.weight_logvar, self.prior_sigma) + \
            gaussian_kl(self.bias_mu, self.bias_logvar, self.prior_sigma)


class BayesPointwise(nn.Module):
    """A 1×1 conv to one channel with Gaussian weights, sampled as whole weight vectors.

    Per Monte Carlo sample the C weights are drawn once and shared by every pixel, so a sampled
    map is spatially coherent (a per-pixel local reparameterisation would make pixels independent).
    The bias is deterministic.
    """

    def __init__(self, channels: int, prior_sigma: float = 1.0, init_logvar: float = -6.0):
        super().__init__()
        self.prior_sigma = prior_sigma
        self.weight_mu = nn.Parameter(torch.empty(channels).normal_(0, 0.01))
        self.weight_logvar = nn.Parameter(torch.full((channels,), init_logvar))
        self.bias = nn.Parameter(torch.zeros(1))

    def sample(self, fmap: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """fmap [N, C, h, w], eps [N, T, C] → [N, T, h, w]."""
        w = self.weight_mu + torch.exp(0.5 * self.weight_logvar) * eps  # [N, T, C]
        return pointwise_maps(fmap, w, self.bias)

    def kl(self) -> torch.Tensor:
        return gaussian_kl(self.weight_mu, self.weight_logvar, self.prior_sigma)


def pointwise_maps(fmap: torch.Tensor, w: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Per-sample 1×1 conv: fmap [N, C, h, w], weights [N, T, C] → [N, T, h, w] (one MatMul)."""
    n, c, h, wd = fmap.shape
    out = torch.matmul(w, fmap.reshape(n, c, h * wd)) + bias
    return out.reshape(n, -1, h, wd)
