"""Blend masks built from the six BlazeFace keypoints (eyes, nose tip, mouth, ears).

With only six points there is no 68-point jaw line, so the face outline is a template in a face
frame (origin between the eyes, x along the eye line in eye distances, y towards the mouth in
eye-to-mouth distances) whose width follows the ears. Masks are randomly deformed, grown or shrunk
and feathered, as in SBI's mask augmentation (Shiohara & Yamasaki 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from .imageops import blur_mask, morph_mask
from .landmarks import eye_mouth_axes

@dataclass(frozen=True)
class FaceFrame:
    origin: np.ndarray  # between the eyes
    ex: np.ndarray      # one eye distance along the eye line
    ey: np.ndarray      # one eye-to-mouth distance, perpendicular to the eye line
    half_width: float   # half face width in eye distances

    def to_pixels(self, pts: np.ndarray) -> np.ndarray:
        return self.origin + pts[:, :1] * self.ex + pts[:, 1:2] * self.ey


def face_frame(lm: dict) -> FaceFrame:
    origin, ex, e, normal, d_em = eye_mouth_axes(lm)
    ears = np.linalg.norm(np.asarray(lm['rightEar'], float) - np.asarray(lm['leftEar'], float)) / e
    # Ear-to-ear is about 2 eye distances on a frontal face; the cheeks sit a little inside.
    half_width = float(np.clip(0.42 * ears, 0.7, 1.05))
    return FaceFrame(origin, ex, normal * d_em, half_width)


# Face outline template (x in eye distances scaled by half_width, y in eye-to-mouth distances),
# clockwise from the left temple: brows (not the hairline), temples, cheeks, jaw, chin.
_OUTLINE = np.array([
    [-1.00, -0.45], [-0.55, -0.62], [0.00, -0.66], [0.55, -0.62], [1.00, -0.45],
    [1.02, 0.20], [0.95, 0.80], [0.75, 1.25], [0.40, 1.55], [0.00, 1.65],
    [-0.40, 1.55], [-0.75, 1.25], [-0.95, 0.80], [-1.02, 0.20],
])

REGIONS = ('face', 'inner', 'lower', 'eyes', 'mouth')


def _region_polygon(region: str, ff: FaceFrame, rng: np.random.Generator) -> np.ndarray:
    if region in ('face', 'inner'):
        pts = _OUTLINE.copy()
        pts[:, 0] *= ff.half_width * (0.8 if region == 'inner' else 1.0)
        if region == 'inner':
            pts[:, 1] = 0.3 + (pts[:, 1] - 0.3) * 0.85
    elif region == 'lower':  # nose and mouth, below the eyes
        pts = _OUTLINE[5:].copy()
        pts = np.vstack([[[1.0, 0.25]], pts[1:-1], [[-1.0, 0.25]]])
        pts[:, 0] *= ff.half_width * 0.9
    elif region == 'eyes':  # band over both eyes and brows
        t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        pts = np.stack([0.95 * ff.half_width * np.cos(t), -0.15 + 0.38 * np.sin(t)], 1)
    elif region == 'mouth':
        t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        pts = np.stack([0.55 * np.cos(t), 1.02 + 0.32 * np.sin(t)], 1)
    else:
        raise ValueError(f'unknown region {region}')
    # Elastic deformation of the outline (per-vertex jitter, in face units).
    pts = pts + rng.normal(0, 0.05, pts.shape)
    return pts


def _ellipse_polygon(ff: FaceFrame, rng: np.random.Generator) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    ax = ff.half_width * rng.uniform(0.85, 1.0)
    ay = rng.uniform(1.05, 1.25)
    cy = rng.uniform(0.35, 0.5)
    return np.stack([ax * np.cos(t), cy + ay * np.sin(t)], 1)


def region_mask(lm: dict, size: int, rng: np.random.Generator, region: str = 'face',
                shape: str | None = None, feather: tuple[float, float] = (2.0, 7.0)) -> np.ndarray:
    """A feathered blend mask in [0, 1] over a `size`×`size` crop.

    shape: 'hull' (deformed outline) or 'ellipse' (only for face/inner); random when None.
    """
    ff = face_frame(lm)
    if shape is None:
        shape = 'ellipse' if rng.random() < 0.35 else 'hull'
    if shape == 'ellipse' and region in ('face', 'inner'):
        pts = _ellipse_polygon(ff, rng)
    else:
        pts = _region_polygon(region, ff, rng)
    px = ff.to_pixels(pts)
    im = Image.new('L', (size, size), 0)
    ImageDraw.Draw(im).polygon([tuple(p) for p in px], fill=255)
    mask = np.asarray(im, np.float32) / 255.0
    scale = np.linalg.norm(ff.ex)
    mask = morph_mask(mask, int(round(rng.uniform(-0.06, 0.04) * scale)))
    return blur_mask(mask, rng.uniform(*feather) * size / 192)


def patch_labels(mask: np.ndarray, grid: int, threshold: float = 0.1) -> np.ndarray:
    """Fraction of manipulated pixels (blend weight ≥ threshold) per cell of a grid×grid map."""
    h, w = mask.shape
    m = (mask >= threshold).astype(np.float32)
    return m[: h - h % grid, : w - w % grid].reshape(grid, h // grid, grid, w // grid).mean((1, 3))
