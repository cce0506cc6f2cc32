"""Distance-aware epistemic uncertainty: a class-conditional Gaussian density of the detector's
pooled feature f (Mahalanobis with a tied covariance, Lee et al. 2018; the density view of Deep
Deterministic Uncertainty, Mukhoti et al. 2023). Pure numpy; the runtime's twin is
src/detectors/blind/density.ts and both follow the same formulas:

    d²_c(f)  = ‖Lᵀ (f − μ_c)‖²          L: Cholesky factor of the shared precision Σ⁻¹
    log p(f) = logsumexp_c [log π_c − ½ d²_c(f)] − ½ log|Σ| − (D/2) log 2π
    s(f)     = −log p(f)                 (higher = farther from what the model was trained on)
    distance = clamp((s − s_ref50) / (s_ref99 − s_ref50), 0, 1)

s_ref50 and s_ref99 are the median and 99th percentile of s over in-distribution faces of the
calibration split (never the training faces, whose features the model has fitted). The detector's
epistemic figure is then mutual information + ln 2 · distance (src/core/uncertainty.ts).
"""

from __future__ import annotations

import math

import numpy as np


def fit_gaussians(features: np.ndarray, classes: np.ndarray, ridge: float = 1e-3) -> dict:
    """Class means, priors and the Cholesky factor of the shared precision (ridge-regularised)."""
    f = np.asarray(features, np.float64)
    names = sorted(set(classes.tolist()))
    means = np.stack([f[classes == c].mean(0) for c in names])
    priors = np.array([(classes == c).mean() for c in names])
    centred = f - means[np.searchsorted(names, classes)]
    cov = centred.T @ centred / len(f)
    cov += ridge * np.trace(cov) / cov.shape[0] * np.eye(cov.shape[0])
    precision = np.linalg.inv(cov)
    chol = np.linalg.cholesky(precision)
    _, logdet_cov = np.linalg.slogdet(cov)
    return {'classes': names, 'means': means, 'logPriors': np.log(priors), 'precisionCholesky': chol,
            'logDetCov': float(logdet_cov), 'dim': int(f.shape[1])}


def squared_distances(g: dict, features: np.ndarray) -> np.ndarray:
    """[N, K] Mahalanobis distances² to each class mean."""
    f = np.asarray(features, np.float64)
    diff = f[:, None, :] - g['means'][None]
    z = diff @ g['precisionCholesky']
    return (z * z).sum(-1)


def negative_log_density(g: dict, features: np.ndarray) -> np.ndarray:
    d2 = squared_distances(g, features)
    a = g['logPriors'][None] - 0.5 * d2
    m = a.max(1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(a - m).sum(1))
    return -(lse - 0.5 * g['logDetCov'] - 0.5 * g['dim'] * math.log(2 * math.pi))


def reference(scores: np.ndarray) -> dict:
    return {'p50': float(np.percentile(scores, 50)), 'p99': float(np.percentile(scores, 99))}


def distance_from_score(s: np.ndarray, ref: dict) -> np.ndarray:
    span = max(ref['p99'] - ref['p50'], 1e-9)
    return np.clip((np.asarray(s) - ref['p50']) / span, 0.0, 1.0)


def to_json(g: dict, ref: dict, fitted_on: str) -> dict:
    return {'schema': 'fakescope-density/1', 'kind': 'gaussian-tied-covariance', 'dim': g['dim'],
            'classes': list(g['classes']), 'means': np.round(g['means'], 6).tolist(),
            'logPriors': np.round(g['logPriors'], 6).tolist(),
            'precisionCholesky': np.round(g['precisionCholesky'], 7).tolist(), 'logDetCov': g['logDetCov'],
            'reference': ref, 'fittedOn': fitted_on}
