"""68-point landmarks for the SBI masks.

`landmarks68_from_keypoints` is the fallback when no 68-point network has run on a crop: it lays
the iBUG 68-point layout out in a face frame spanned by BlazeFace's six keypoints (eye line, eye-to-
mouth distance, ear-to-ear width). It is coarse — the jaw is an ellipse arc, not the person's jaw —
and is used only where `landmarks68` in the crop index is missing (see face_index.py).
"""

from __future__ import annotations

import numpy as np


def _arc(cx, cy, rx, ry, a0, a1, n):
    a = np.linspace(a0, a1, n)
    return np.stack([cx + rx * np.cos(a), cy + ry * np.sin(a)], 1)


def template68() -> np.ndarray:
    """The layout in face units: origin between the eyes, x in eye distances (right eye at +0.5),
    y in eye-to-mouth distances (mouth centre at +1)."""
    jaw = _arc(0.0, 0.25, 0.98, 1.05, np.pi * 1.02, np.pi * -0.02, 17)[::-1]  # image-left ear → chin → right
    jaw = jaw[::-1]
    jaw[:, 1] = np.where(jaw[:, 1] < 0.0, 0.0, jaw[:, 1])
    brow_l = _arc(-0.5, -0.22, 0.33, 0.12, np.pi * 1.0, np.pi * 2.0, 5)
    brow_r = _arc(0.5, -0.22, 0.33, 0.12, np.pi * 1.0, np.pi * 2.0, 5)
    nose_ridge = np.stack([np.zeros(4), np.linspace(0.05, 0.55, 4)], 1)
    nose_base = np.stack([np.linspace(-0.2, 0.2, 5), np.array([0.62, 0.66, 0.68, 0.66, 0.62])], 1)
    eye = lambda cx: np.stack([cx + 0.17 * np.cos(a), 0.06 * np.sin(a)], 1)  # noqa: E731
    a = np.array([np.pi, np.pi * 1.33, np.pi * 1.67, 0.0, np.pi * 0.33, np.pi * 0.67])
    mouth_out = _arc(0.0, 1.0, 0.42, 0.16, np.pi, np.pi * 3, 13)[:12]
    mouth_in = _arc(0.0, 1.0, 0.3, 0.07, np.pi, np.pi * 3, 9)[:8]
    pts = np.concatenate([jaw, brow_l, brow_r, nose_ridge, nose_base, eye(-0.5), eye(0.5), mouth_out, mouth_in])
    assert pts.shape == (68, 2)
    return pts


def eye_mouth_axes(kp: dict):
    """The face frame the six keypoints span (shared with masks.face_frame): the origin between the
    eyes, the eye vector `ex` and its length `e`, the unit normal towards the mouth and the
    eye-to-mouth distance along it (at least 0.6 eye distances)."""
    le, re, mouth = (np.asarray(kp[k], np.float64) for k in ('leftEye', 'rightEye', 'mouth'))
    origin = (le + re) / 2
    ex = re - le
    e = np.linalg.norm(ex) + 1e-6
    normal = np.array([-ex[1], ex[0]]) / e
    d_em = max(float(np.dot(mouth - origin, normal)), 0.6 * e)
    return origin, ex, e, normal, d_em


def landmarks68_from_keypoints(kp: dict) -> np.ndarray:
    """[68, 2] crop pixels from the six keypoints of the index (`leftEye`, `rightEye`, `mouth`, ears)."""
    origin, ex, _, normal, d_em = eye_mouth_axes(kp)
    t = template68()
    return origin + t[:, :1] * ex + t[:, 1:2] * normal * d_em
