"""The project's own face manipulations: each a named "generator" leaving its own residue.

Every generator takes an RGB crop (float32 H×W×3, 0..255), its landmarks (crop pixels), a numpy
Generator and, for `swap`, a donor crop; it returns the manipulated crop and the blend mask (the
per-pixel weight of manipulated content, which becomes the dense head's patch labels).

    sbi        self-blended image: the face blended with a colour-, frequency- and geometry-perturbed
               copy of itself through a landmark mask (Shiohara & Yamasaki 2022)
    swap       another identity's face, aligned by landmarks, Reinhard colour transfer in Lab,
               feathered blend boundary
    upsample   the face region down-sampled then up-sampled by nearest neighbour, a transposed-conv
               with uneven kernel overlap (checkerboard) or bilinear plus a periodic grid (spectral
               peaks)
    reenact    local warps of mouth and eyes (open/close, smile, blink/widen) with slight
               re-rendering blur, blended back
    recompress double / heavy JPEG of the face region only (shifted grid for the first pass),
               blended back

A contact sheet of them on real crops: generators_sheet.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PIL import Image

from . import imageops as ops
from .alignment import fit_affine
from .masks import face_frame, region_mask

GENERATORS = ('sbi', 'swap', 'upsample', 'reenact', 'recompress')
CLASS_NAMES = ('real',) + GENERATORS

Donor = tuple  # (image, landmarks)
Result = tuple  # (image, mask)


def _pick(rng: np.random.Generator, options, weights=None):
    return options[int(rng.choice(len(options), p=weights))]


def sbi(img, lm, rng, donor=None) -> Result:
    h, w = img.shape[:2]
    src = img.copy()
    # Colour: per-channel shift, brightness/contrast, saturation.
    src = src + rng.uniform(-18, 18, 3).astype(np.float32)
    mean = src.mean()
    src = (src - mean) * rng.uniform(0.88, 1.12) + mean * rng.uniform(0.9, 1.1)
    grey = src.mean(-1, keepdims=True)
    src = grey + (src - grey) * rng.uniform(0.8, 1.2)
    # Frequency: blur (down-up) or sharpen.
    r = rng.random()
    if r < 0.4:
        f = rng.uniform(1.5, 3.0)
        src = ops.resize(ops.resize(src, int(w / f), int(h / f)), w, h)
    elif r < 0.7:
        blurred = ops.gaussian_blur(src, rng.uniform(0.8, 1.6))
        src = src + rng.uniform(0.5, 1.2) * (src - blurred)
    # Geometry: small scale + shift of the source about the face centre.
    ff = face_frame(lm)
    c = ff.origin + 0.4 * ff.ey
    s = rng.uniform(0.95, 1.05)
    sx, sy = rng.uniform(-0.03, 0.03, 2) * w
    m = np.array([[1 / s, 0, c[0] - (c[0] + sx) / s], [0, 1 / s, c[1] - (c[1] + sy) / s]])
    src = ops.affine_warp(np.clip(src, 0, 255), m)
    region = _pick(rng, ('face', 'inner', 'lower', 'eyes', 'mouth'), [0.5, 0.2, 0.12, 0.09, 0.09])
    mask = region_mask(lm, h, rng, region) * _pick(rng, (0.25, 0.5, 0.75, 1.0), [0.1, 0.15, 0.25, 0.5])
    return ops.blend(src, img, mask), mask


def swap(img, lm, rng, donor=None) -> Result:
    if donor is None:
        raise ValueError('swap needs a donor crop')
    dimg, dlm = donor
    h = img.shape[0]
    keys = ('leftEye', 'rightEye', 'noseTip', 'mouth')
    tgt = np.array([lm[k] for k in keys], np.float64)
    src = np.array([dlm[k] for k in keys], np.float64)
    # Map target pixel coordinates into the donor (what PIL's affine transform wants).
    to_donor = fit_affine(tgt, src)
    face = ops.affine_warp(dimg, to_donor)
    # Keep the blend inside both faces: the target's mask times the donor's face region warped over.
    donor_face = ops.affine_warp_mask(region_mask(dlm, h, rng, 'face', shape='hull', feather=(1.0, 1.0)), to_donor)
    mask = region_mask(lm, h, rng, _pick(rng, ('face', 'inner'), [0.5, 0.5]), feather=(0.5, 1.0))
    mask = ops.blur_mask(mask * donor_face, rng.uniform(3.0, 8.0) * h / 192)
    face = ops.reinhard_transfer(face, img, mask > 0.5)
    if rng.random() < 0.5:  # the generator's own smoothness
        face = ops.gaussian_blur(face, rng.uniform(0.4, 1.0))
    return ops.blend(face, img, mask), mask


def _upsample_transposed(small: np.ndarray, factor: int, rng: np.random.Generator) -> np.ndarray:
    """Zero insertion + separable kernel of size 2·factor−1 with uneven phase gains: checkerboard."""
    k = 2 * factor - 1
    base = 1 - np.abs(np.arange(k) - (factor - 1)) / factor  # the bilinear ("tent") kernel
    kernel = base * (1 + rng.uniform(-0.25, 0.25, k))
    kernel *= factor / kernel.sum()
    h, w, c = small.shape
    up = np.zeros((h * factor, w * factor, c), np.float32)
    up[::factor, ::factor] = small
    for axis in (0, 1):
        pad = [(0, 0)] * 3
        pad[axis] = (factor - 1, factor - 1)
        p = np.pad(up, pad)
        out = np.zeros_like(up)
        n = up.shape[axis]
        for i, kv in enumerate(kernel):
            sl = [slice(None)] * 3
            sl[axis] = slice(i, i + n)
            out += kv * p[tuple(sl)]
        up = out
    return up


def upsample(img, lm, rng, donor=None) -> Result:
    h, w = img.shape[:2]
    factor = _pick(rng, (2, 4), [0.7, 0.3])
    small = ops.resize(img, w // factor, h // factor, Image.BOX)
    mode = _pick(rng, ('nearest', 'transposed', 'grid'))
    if mode == 'nearest':
        up = ops.resize(small, w, h, Image.NEAREST)
    elif mode == 'transposed':
        up = _upsample_transposed(small, factor, rng)
    else:
        up = ops.resize(small, w, h, Image.BILINEAR)
        yy, xx = np.mgrid[0:h, 0:w]
        period = _pick(rng, (2, 4, 8))
        grid = np.cos(2 * np.pi * xx / period) * np.cos(2 * np.pi * yy / period)
        up = up + rng.uniform(2.0, 6.0) * grid[..., None].astype(np.float32)
    mask = region_mask(lm, h, rng, _pick(rng, ('face', 'inner'), [0.7, 0.3]))
    return ops.blend(np.clip(up, 0, 255), img, mask), mask


def _bump(xx, yy, centre, radius):
    return np.exp(-((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * radius ** 2))


def reenact(img, lm, rng, donor=None) -> Result:
    h, w = img.shape[:2]
    ff = face_frame(lm)
    e = float(np.linalg.norm(ff.ex))
    d = float(np.linalg.norm(ff.ey))
    ux, uy = ff.ex / e, ff.ey / d
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx = np.zeros((h, w), np.float32)
    dy = np.zeros((h, w), np.float32)
    mouth = np.asarray(lm['mouth'], np.float32)
    # Coordinates relative to the mouth along the face axes.
    rx = (xx - mouth[0]) * ux[0] + (yy - mouth[1]) * ux[1]
    ry = (xx - mouth[0]) * uy[0] + (yy - mouth[1]) * uy[1]
    mb = _bump(rx, ry, (0, 0), 0.45 * e)
    open_ = rng.uniform(-0.15, 0.3)       # vertical stretch around the mouth
    smile = rng.uniform(-0.08, 0.15)      # corners out and up
    # Backward map: sample from a point moved towards (open > 0) the mouth centre.
    sy_ = -open_ * ry * mb
    sx_ = -smile * rx * mb
    sy_ += smile * 0.3 * e * mb * (np.abs(rx) / (0.5 * e)).clip(0, 1)
    regions = ['mouth']
    if rng.random() < 0.7:
        regions.append('eyes')
        blink = rng.uniform(-0.25, 0.45)  # > 0 closes, < 0 widens
        for k in ('leftEye', 'rightEye'):
            c = np.asarray(lm[k], np.float32)
            ex_ = (xx - c[0]) * ux[0] + (yy - c[1]) * ux[1]
            ey_ = (xx - c[0]) * uy[0] + (yy - c[1]) * uy[1]
            b = _bump(ex_, ey_, (0, 0), 0.22 * e)
            sy_ += blink * ey_ * b
    dx = sx_ * ux[0] + sy_ * uy[0]
    dy = sx_ * ux[1] + sy_ * uy[1]
    warped = ops.remap_bilinear(img, xx + dx, yy + dy)
    if rng.random() < 0.6:  # re-rendering smooths fine texture
        warped = ops.gaussian_blur(warped, rng.uniform(0.5, 1.1))
    if rng.random() < 0.3:
        mask = region_mask(lm, h, rng, 'face')
    else:
        mask = np.zeros((h, w), np.float32)
        for r in regions:
            mask = np.maximum(mask, region_mask(lm, h, rng, r, shape='hull', feather=(3.0, 6.0)))
    return ops.blend(warped, img, mask), mask


def recompress(img, lm, rng, donor=None) -> Result:
    h, w = img.shape[:2]
    out = img
    if rng.random() < 0.7:  # first pass on a shifted 8×8 grid: misaligned double JPEG
        sx, sy = (int(v) for v in rng.integers(1, 8, 2))
        shifted = np.roll(out, (sy, sx), (0, 1))
        out = np.roll(ops.jpeg(shifted, int(rng.integers(30, 75))), (-sy, -sx), (0, 1))
    out = ops.jpeg(out, int(rng.integers(6, 30)), subsampling=_pick(rng, (0, 2), [0.3, 0.7]))
    mask = region_mask(lm, h, rng, _pick(rng, ('face', 'inner', 'lower'), [0.6, 0.25, 0.15]))
    return ops.blend(out, img, mask), mask


REGISTRY: dict[str, Callable[..., Result]] = {
    'sbi': sbi, 'swap': swap, 'upsample': upsample, 'reenact': reenact, 'recompress': recompress,
}
assert tuple(REGISTRY) == GENERATORS


def manipulate(name: str, img: np.ndarray, lm: dict, rng: np.random.Generator, donor: Donor | None = None) -> Result:
    out, mask = REGISTRY[name](img.astype(np.float32), lm, rng, donor)
    return np.clip(out, 0, 255).astype(np.float32), mask.astype(np.float32)
