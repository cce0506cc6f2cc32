"""The crop geometry shared with the runtime (`src/core/align.ts`, alignment "fakescope-eyes-v1").

A crop of side S is the similarity warp of the frame that puts the image-left eye at
(0.32·S, 0.40·S) and the image-right eye at (0.68·S, 0.40·S). Cached crops are S = 192; models see
them resized to their input size (128), which is the same alignment at the smaller S.
"""

from __future__ import annotations

import numpy as np

ALIGNMENT_ID = 'fakescope-eyes-v1'
CANONICAL_EYES = ((0.32, 0.40), (0.68, 0.40))
CROP_SIZE = 192
# The six BlazeFace keypoints as the crop index names them ("left" = image-left).
LANDMARK_NAMES = ('leftEye', 'rightEye', 'noseTip', 'mouth', 'leftEar', 'rightEar')


def similarity_from_pairs(p0, p1, q0, q1) -> np.ndarray:
    """2×3 matrix of the similarity taking p0 → q0 and p1 → q1 (same maths as align.ts)."""
    dp = complex(p1[0] - p0[0], p1[1] - p0[1])
    dq = complex(q1[0] - q0[0], q1[1] - q0[1])
    if dp == 0:
        raise ValueError('degenerate point pair')
    z = dq / dp
    a, b = z.real, z.imag
    tx = q0[0] - (a * p0[0] - b * p0[1])
    ty = q0[1] - (b * p0[0] + a * p0[1])
    return np.array([[a, -b, tx], [b, a, ty]], np.float64)


def crop_from_frame_transform(left_eye, right_eye, size: int) -> np.ndarray:
    """Maps crop pixel coordinates to frame coordinates, given the frame's eye positions."""
    (lx, ly), (rx, ry) = CANONICAL_EYES
    return similarity_from_pairs((lx * size, ly * size), (rx * size, ry * size), left_eye, right_eye)


def apply_affine(m: np.ndarray, p) -> np.ndarray:
    p = np.asarray(p, np.float64)
    return m[:, :2] @ p + m[:, 2]


def fit_affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares 2×3 affine taking src points (n×2) to dst points (n×2), n ≥ 3."""
    a = np.hstack([src, np.ones((len(src), 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return sol.T
