"""Pure metric functions on numpy arrays: AUC, ECE, reliability bins, MC uncertainty, temperature.

Uncertainty follows src/core/uncertainty.ts: with samples p_t = σ(z_t / temperature),
mean p̄ = mean_t p_t, predictive H[p̄], aleatoric E_t H[p_t], epistemic (mutual information)
H[p̄] − E_t H[p_t]; natural logs.
"""

from __future__ import annotations

import math

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def binary_entropy(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(p * np.log(p) + (1 - p) * np.log(1 - p))


def mc_stats(logits: np.ndarray, temperature: float = 1.0) -> dict[str, np.ndarray]:
    """logits [N, T] of the fake class → per-item mean probability and uncertainties."""
    p = sigmoid(logits / temperature)
    mean = p.mean(1)
    total = binary_entropy(mean)
    aleatoric = binary_entropy(p).mean(1)
    return {'mean': mean, 'std': p.std(1), 'entropy': total, 'aleatoric': aleatoric,
            'epistemic': np.maximum(total - aleatoric, 0.0)}


def auc(scores: np.ndarray, labels: np.ndarray, weights=None) -> float | None:
    """ROC AUC: the (weighted) probability that a random fake scores above a random real, ties
    counting 1/2 (the Mann–Whitney statistic); None without both classes."""
    scores = np.asarray(scores, np.float64)
    labels = np.asarray(labels).astype(bool)
    w = _w(weights, len(scores))
    if not labels.any() or labels.all():
        return None
    order = np.argsort(scores, kind='mergesort')
    s, y, ws = scores[order], labels[order], w[order]
    total = neg_below = 0.0
    i = 0
    while i < len(s):  # groups of tied scores
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        wp, wn = ws[i:j][y[i:j]].sum(), ws[i:j][~y[i:j]].sum()
        total += wp * (neg_below + 0.5 * wn)
        neg_below += wn
        i = j
    return float(total / (w[labels].sum() * w[~labels].sum()))


def balanced_weights(labels: np.ndarray) -> np.ndarray:
    """Per-item weights giving real and fake the same total weight (evaluation sets hold one real
    item per crop but one fake per generator; training sees them 50/50)."""
    y = np.asarray(labels).astype(bool)
    w = np.where(y, 0.5 / max(int(y.sum()), 1), 0.5 / max(int((~y).sum()), 1))
    return w * len(y)


def _w(weights, n: int) -> np.ndarray:
    return np.ones(n) if weights is None else np.asarray(weights, np.float64)


def accuracy(p: np.ndarray, labels: np.ndarray, threshold: float = 0.5, weights=None) -> float:
    w = _w(weights, len(p))
    return float((w * ((p >= threshold) == np.asarray(labels).astype(bool))).sum() / w.sum())


def reliability_bins(p: np.ndarray, labels: np.ndarray, bins: int = 15, weights=None) -> list[dict]:
    """Equal-width bins of p(fake) on [0, 1]: item count, (weighted) mean predicted p(fake) and
    observed fake fraction, and the bin's share of the total weight."""
    labels = np.asarray(labels, np.float64)
    w = _w(weights, len(p))
    idx = np.minimum((np.asarray(p) * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        n, ws = int(sel.sum()), float(w[sel].sum())
        out.append({'lo': b / bins, 'hi': (b + 1) / bins, 'count': n, 'weight': ws / w.sum(),
                    'meanPredicted': float((w[sel] * p[sel]).sum() / ws) if n else None,
                    'fractionFake': float((w[sel] * labels[sel]).sum() / ws) if n else None})
    return out


def ece(p: np.ndarray, labels: np.ndarray, bins: int = 15, weights=None) -> float:
    """Expected calibration error of p(fake): Σ_b weight_b |mean p − fraction fake|."""
    return float(sum(b['weight'] * abs(b['meanPredicted'] - b['fractionFake'])
                     for b in reliability_bins(p, labels, bins, weights) if b['count']))


def nll(p: np.ndarray, labels: np.ndarray, weights=None) -> float:
    """(Weighted) mean negative log-likelihood of p(fake), p clipped to [1e-7, 1 − 1e-7]."""
    p = np.clip(np.asarray(p, np.float64), 1e-7, 1 - 1e-7)
    y = np.asarray(labels, np.float64)
    w = _w(weights, len(y))
    return float(-(w * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / w.sum())


def nll_of_mean(logits: np.ndarray, labels: np.ndarray, temperature: float, weights=None) -> float:
    return nll(sigmoid(logits / temperature).mean(1), labels, weights)


def fit_temperature(logits: np.ndarray, labels: np.ndarray, weights=None, lo: float = 0.05, hi: float = 20.0) -> float:
    """Temperature T minimising the NLL of p̄ = mean_t σ(z_t / T) (per-sample logits scaled, then
    averaged): a log-spaced grid, then golden-section search around the best grid point."""
    nll = lambda t: nll_of_mean(logits, labels, t, weights)  # noqa: E731
    grid = np.exp(np.linspace(math.log(lo), math.log(hi), 61))
    losses = [nll(t) for t in grid]
    k = int(np.argmin(losses))
    a, b = math.log(grid[max(k - 1, 0)]), math.log(grid[min(k + 1, len(grid) - 1)])
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    for _ in range(40):
        if nll(math.exp(c)) < nll(math.exp(d)):
            b = d
        else:
            a = c
        c, d = b - g * (b - a), a + g * (b - a)
    return float(math.exp((a + b) / 2))


def bootstrap_auc(scores: np.ndarray, labels: np.ndarray, n: int = 1000, seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    pos, neg = np.where(labels == 1)[0], np.where(labels == 0)[0]
    if len(pos) == 0 or len(neg) == 0:
        return (None, None)
    vals = []
    for _ in range(n):
        i = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        vals.append(auc(scores[i], labels[i]))
    return (float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5)))
