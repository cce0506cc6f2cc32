"""Self-Blended Images (Shiohara & Yamasaki, CVPR 2022), following the authors' code
(mapooon/SelfBlendedImages @9fe4efe) step by step, as written down in
`../shared/notes/generalization.md`. numpy, scipy.ndimage and PIL only (no OpenCV, no albumentations),
so the recipe is testable without torch; where those libraries' semantics matter it is said below.

One call turns one real face (an aligned crop with 68 landmarks) into a (real, fake, mask) triple:

1. horizontal flip p 0.5 (landmarks remapped);
2. mask: one of {DeepFaceLab full hull, extended hull (brows pushed up the forehead), 8 convex
   components, convex hull of all points}, uniformly. (The authors' "first 68 of 81 points with
   p 0.25" step is a no-op here: our landmarks have 68 points.)
3. source = a copy; with p 0.5 the colour/frequency transform goes to the source, otherwise to the
   target: RGB shift ±20 (p 0.3); hue/saturation/value shift ±0.3 (albumentations' uint8 units:
   hue in OpenCV's 0–180 scale, s and v in 0–255 — as coded, a tiny shift); brightness/contrast
   ±0.1; then one of {down-scale ×2 or ×4 (nearest) and back (bilinear), sharpen α 0.2–0.5}.
4. geometry on source and mask: affine translate x ±3 %, y ±1.5 %, scale 0.95–1/0.95; then an
   elastic warp (α 50, σ 7) on the **mask only**.
5. blend mask: resize to random 192–256 px per side; Gaussian blur (odd kernel 5–25, OpenCV's σ
   for σ = 0); divide by max; zero every value below 1; blur again (odd kernel 5–25, σ 5–45);
   divide by max; resize back.
6. blend ratio r from {0.25, 0.5, 0.75, 1, 1, 1}: out = r·m·src + (1 − r·m)·tgt.
7. the same augmentation on the (real, fake) pair: RGB shift, HSV and brightness/contrast ±0.3
   (each p 0.3), JPEG quality 40–100 (p 0.5).
8. final crop on the face box with a random 5–20 % margin per side (12.5 % at test).

Step 8 is expressed in fakescope's aligned crops: the canonical (runtime) crop is the central
`canonical` square of a `canonical + 2·margin` crop (scripts/extract-crops.ts) and counts as the
12.5 % margin; a per-side margin m moves that side by (m − 0.125)·canonical pixels.

The pixel-level target is Face X-ray's boundary map B = 4·m·(1 − m) of the final blend mask m
(already multiplied by r).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

BLEND_RATIOS = (0.25, 0.5, 0.75, 1.0, 1.0, 1.0)
HULL_KINDS = ('dfl', 'extended', 'components', 'facehull')
TEST_MARGIN = 0.125

# iBUG 68-point order: jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67.
FLIP_68 = np.array(
    list(range(16, -1, -1)) + list(range(26, 16, -1)) + [27, 28, 29, 30] + [35, 34, 33, 32, 31]
    + [45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40]
    + [54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65])

# DeepFaceLab's face parts (as in the BI/face-x-ray `DFLHull`/`ComponentsHull`): convex hulls of
# these point sets, united.
COMPONENTS = (
    list(range(0, 9)) + [17], list(range(8, 17)) + [26], list(range(17, 20)) + [8],
    list(range(24, 27)) + [8], list(range(19, 25)) + [8], list(range(17, 22)) + [27, 28, 31, 36],
    list(range(22, 27)) + [27, 28, 35, 45], list(range(27, 31)) + list(range(31, 36)),
)


# ---------------------------------------------------------------------------------------------
# geometry helpers


def convex_hull(pts: np.ndarray) -> np.ndarray:
    """Monotone-chain convex hull of 2-D points, counter-clockwise, no repeated end point."""
    p = np.unique(np.asarray(pts, np.float64), axis=0)
    if len(p) < 3:
        return p
    p = p[np.lexsort((p[:, 1], p[:, 0]))]

    def half(points):
        out: list = []
        for q in points:
            while len(out) >= 2 and np.cross(out[-1] - out[-2], q - out[-2]) <= 0:
                out.pop()
            out.append(q)
        return out

    lower, upper = half(p), half(p[::-1])
    return np.array(lower[:-1] + upper[:-1])


def fill_polygon(shape: tuple, poly: np.ndarray) -> np.ndarray:
    im = Image.new('L', (shape[1], shape[0]), 0)
    if len(poly) >= 3:
        ImageDraw.Draw(im).polygon([tuple(map(float, q)) for q in poly], fill=255)
    return np.asarray(im, np.float32) / 255.0


def hull_mask(lm: np.ndarray, shape: tuple, kind: str) -> np.ndarray:
    """Binary face mask (H×W float32 in {0, 1}) from 68 landmarks."""
    lm = np.asarray(lm, np.float64)
    if kind == 'dfl':
        return fill_polygon(shape, convex_hull(lm[:27]))
    if kind == 'extended':
        top = lm.copy()
        # brows pushed up the forehead by 40 % of the brow-to-chin height (the face's upper third)
        lift = 0.4 * (lm[8, 1] - lm[17:27, 1].mean())
        top[17:27, 1] -= lift
        return fill_polygon(shape, convex_hull(top[:27]))
    if kind == 'components':
        m = np.zeros(shape, np.float32)
        for idx in COMPONENTS:
            m = np.maximum(m, fill_polygon(shape, convex_hull(lm[idx])))
        return m
    if kind == 'facehull':
        return fill_polygon(shape, convex_hull(lm))
    raise ValueError(f'unknown hull kind {kind!r}')


def flip(img: np.ndarray, lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = img.shape[1]
    out = np.asarray(lm, np.float64)[FLIP_68].copy()
    out[:, 0] = w - 1 - out[:, 0]
    return img[:, ::-1].copy(), out


# ---------------------------------------------------------------------------------------------
# OpenCV-compatible blur and resampling in numpy


def gaussian_kernel(ksize: int, sigma: float) -> np.ndarray:
    """OpenCV's getGaussianKernel: σ ≤ 0 means 0.3·((k − 1)·0.5 − 1) + 0.8."""
    if sigma <= 0:
        sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8
    x = np.arange(ksize) - (ksize - 1) / 2
    k = np.exp(-(x * x) / (2 * sigma * sigma))
    return k / k.sum()


def blur(a: np.ndarray, ksize: int, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of a 2-D array with OpenCV's kernel and default border (reflect-101)."""
    k = gaussian_kernel(ksize, sigma)
    out = ndimage.correlate1d(np.asarray(a, np.float32), k, axis=0, mode='mirror')
    return ndimage.correlate1d(out, k, axis=1, mode='mirror')


def resize_float(a: np.ndarray, w: int, h: int, resample=Image.BILINEAR) -> np.ndarray:
    return np.asarray(Image.fromarray(a.astype(np.float32), mode='F').resize((w, h), resample), np.float32)


def resize_rgb(img: np.ndarray, w: int, h: int, resample=Image.BILINEAR) -> np.ndarray:
    return np.stack([resize_float(img[..., c], w, h, resample) for c in range(img.shape[2])], -1)


def remap(a: np.ndarray, mx: np.ndarray, my: np.ndarray) -> np.ndarray:
    """Bilinear sampling of a (H×W or H×W×C) array at float coordinates, edges repeated."""
    coords = np.stack([my, mx])
    if a.ndim == 2:
        return ndimage.map_coordinates(a.astype(np.float32), coords, order=1, mode='nearest')
    return np.stack([ndimage.map_coordinates(a[..., c].astype(np.float32), coords, order=1, mode='nearest')
                     for c in range(a.shape[2])], -1)


# ---------------------------------------------------------------------------------------------
# the transforms


def clip8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.float32)


def rgb_shift(img: np.ndarray, rng: np.random.Generator, limit: float = 20) -> np.ndarray:
    return clip8(img + rng.uniform(-limit, limit, 3))


def shift_hsv(img: np.ndarray, d: np.ndarray) -> np.ndarray:
    """albumentations HueSaturationValue on uint8: hue in OpenCV's 0–180 units, s and v in 0–255."""
    hsv = np.asarray(Image.fromarray(img.astype(np.uint8)).convert('HSV'), np.float32)
    hsv[..., 0] = (hsv[..., 0] + d[0] * 256 / 180) % 256  # PIL's hue runs 0–255
    hsv[..., 1] = np.clip(hsv[..., 1] + d[1], 0, 255)
    hsv[..., 2] = np.clip(hsv[..., 2] + d[2], 0, 255)
    return np.asarray(Image.fromarray(np.rint(hsv).astype(np.uint8), 'HSV').convert('RGB'), np.float32)


def hsv_shift(img: np.ndarray, rng: np.random.Generator, limit: float) -> np.ndarray:
    return shift_hsv(img, rng.uniform(-limit, limit, 3))


def brightness_contrast(img: np.ndarray, rng: np.random.Generator, limit: float) -> np.ndarray:
    """albumentations RandomBrightnessContrast (by max): img·(1 + c) + b·255."""
    b, c = rng.uniform(-limit, limit, 2)
    return clip8(img * (1 + c) + b * 255)


def down_up(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    r = (2, 4)[rng.integers(2)]
    small = resize_rgb(img, int(w / r), int(h / r), Image.NEAREST)
    return clip8(resize_rgb(small, w, h, Image.BILINEAR))


def sharpen(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """albumentations Sharpen(alpha 0.2–0.5, lightness 0.5–1): blend with a Laplacian-sharpened image."""
    alpha, lightness = rng.uniform(0.2, 0.5), rng.uniform(0.5, 1.0)
    k_id = np.zeros((3, 3))
    k_id[1, 1] = 1
    k_sh = np.array([[-1, -1, -1], [-1, 8 + lightness, -1], [-1, -1, -1]])
    k = (1 - alpha) * k_id + alpha * k_sh
    p = np.pad(img, ((1, 1), (1, 1), (0, 0)), mode='reflect')
    h, w = img.shape[:2]
    out = sum(k[i, j] * p[i:i + h, j:j + w] for i in range(3) for j in range(3))
    return clip8(out)


def source_transform(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.3:
        img = rgb_shift(img, rng)
    img = hsv_shift(img, rng, 0.3)
    img = brightness_contrast(img, rng, 0.1)
    return down_up(img, rng) if rng.random() < 0.5 else sharpen(img, rng)


def random_affine(src: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Translate x ±3 %, y ±1.5 %, scale 0.95–1/0.95 about the centre (source and mask alike)."""
    h, w = mask.shape
    tx, ty = rng.uniform(-0.03, 0.03) * w, rng.uniform(-0.015, 0.015) * h
    s = rng.uniform(0.95, 1 / 0.95)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    mx = (xx - cx - tx) / s + cx
    my = (yy - cy - ty) / s + cy
    return clip8(remap(src, mx, my)), remap(mask, mx, my)


def elastic(mask: np.ndarray, rng: np.random.Generator, alpha: float = 50, sigma: float = 7) -> np.ndarray:
    """Elastic deformation (Simard et al.): displacement fields of uniform noise blurred by σ, × α."""
    h, w = mask.shape
    k = int(2 * round(4 * sigma) + 1)
    dx = blur(rng.uniform(-1, 1, (h, w)), k, sigma) * alpha
    dy = blur(rng.uniform(-1, 1, (h, w)), k, sigma) * alpha
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return remap(mask, xx + dx, yy + dy)


def blend_mask(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = mask.shape
    sh, sw = int(rng.integers(192, 257)), int(rng.integers(192, 257))
    m = resize_float(mask, sw, sh)
    k1, k2 = int(rng.choice(np.arange(5, 26, 2))), int(rng.choice(np.arange(5, 26, 2)))
    m = blur(m, k1, 0)
    m = m / max(float(m.max()), 1e-12)
    m[m < 1] = 0
    m = blur(m, k2, float(rng.integers(5, 46)))
    m = m / max(float(m.max()), 1e-12)
    return np.clip(resize_float(m, w, h), 0, 1)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(img.astype(np.uint8)).save(buf, 'JPEG', quality=int(quality))
    buf.seek(0)
    return np.asarray(Image.open(buf).convert('RGB'), np.float32)


@dataclass(frozen=True)
class PairedParams:
    """One draw of the paired augmentation, applied identically to the real and the fake."""
    rgb: np.ndarray | None
    hsv: np.ndarray | None
    bc: np.ndarray | None
    quality: int | None


def draw_paired(rng: np.random.Generator) -> PairedParams:
    return PairedParams(
        rng.uniform(-20, 20, 3) if rng.random() < 0.3 else None,
        rng.uniform(-0.3, 0.3, 3) if rng.random() < 0.3 else None,
        rng.uniform(-0.3, 0.3, 2) if rng.random() < 0.3 else None,
        int(rng.integers(40, 101)) if rng.random() < 0.5 else None,
    )


def apply_paired(img: np.ndarray, p: PairedParams) -> np.ndarray:
    if p.rgb is not None:
        img = clip8(img + p.rgb)
    if p.hsv is not None:
        img = shift_hsv(img, p.hsv)
    if p.bc is not None:
        img = clip8(img * (1 + p.bc[1]) + p.bc[0] * 255)
    if p.quality is not None:
        img = jpeg(img, p.quality)
    return img


# ---------------------------------------------------------------------------------------------
# the whole recipe


@dataclass(frozen=True)
class SbiSample:
    real: np.ndarray       # H×W×3 float32 in [0, 255], after the paired augmentation
    fake: np.ndarray       # the self-blend of `real`'s frame, same augmentation
    mask: np.ndarray       # H×W blend weight r·m in [0, 1] (0 for the real)
    hull: str
    ratio: float
    flipped: bool
    transformed: str       # 'source' or 'target'


def self_blend(img: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> SbiSample:
    """Steps 1–7 on one aligned crop (H×W×3, values 0–255) with its 68 landmarks."""
    img = clip8(np.asarray(img, np.float32))  # 8-bit values, as decoded frames are
    flipped = bool(rng.random() < 0.5)
    if flipped:
        img, lm = flip(img, lm)
    hull = HULL_KINDS[int(rng.integers(len(HULL_KINDS)))]
    mask = hull_mask(lm, img.shape[:2], hull)
    source, target = img.copy(), img.copy()
    to_source = bool(rng.random() < 0.5)
    if to_source:
        source = source_transform(source, rng)
    else:
        target = source_transform(target, rng)
    source, mask = random_affine(source, mask, rng)
    mask = elastic(mask, rng)
    m = blend_mask(mask, rng)
    ratio = float(BLEND_RATIOS[int(rng.integers(len(BLEND_RATIOS)))])
    m = m * ratio
    fake = clip8(m[..., None] * source + (1 - m[..., None]) * target)
    params = draw_paired(rng)
    return SbiSample(apply_paired(target, params), apply_paired(fake, params), m.astype(np.float32), hull, ratio,
                     flipped, 'source' if to_source else 'target')


def crop_window(full: int, canonical: int, margins: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) in a `full` crop for per-side margins (left, top, right, bottom)."""
    pad = (full - canonical) / 2
    left, top, right, bottom = margins
    x0 = pad - (left - TEST_MARGIN) * canonical
    y0 = pad - (top - TEST_MARGIN) * canonical
    x1 = pad + canonical + (right - TEST_MARGIN) * canonical
    y1 = pad + canonical + (bottom - TEST_MARGIN) * canonical
    return (int(round(max(x0, 0))), int(round(max(y0, 0))), int(round(min(x1, full))), int(round(min(y1, full))))


def random_margins(rng: np.random.Generator) -> tuple[float, float, float, float]:
    m = rng.uniform(0.05, 0.20, 4)
    return (float(m[0]), float(m[1]), float(m[2]), float(m[3]))


def final_crop(img: np.ndarray, window: tuple[int, int, int, int], out: int) -> np.ndarray:
    x0, y0, x1, y1 = window
    part = img[y0:y1, x0:x1]
    if part.ndim == 2:
        return resize_float(part, out, out)
    return clip8(resize_rgb(part, out, out))


def boundary(mask: np.ndarray) -> np.ndarray:
    """Face X-ray's target B = 4·m·(1 − m)."""
    return 4 * mask * (1 - mask)


def sbi_pair(img: np.ndarray, lm: np.ndarray, rng: np.random.Generator, canonical: int, out: int,
             train: bool = True) -> dict:
    """The whole recipe: (real, fake) crops of `out` px and the fake's boundary map at `out` px."""
    s = self_blend(img, lm, rng)
    margins = random_margins(rng) if train else (TEST_MARGIN,) * 4
    win = crop_window(img.shape[0], canonical, margins)
    fake_mask = final_crop(s.mask, win, out)
    return {'real': final_crop(s.real, win, out), 'fake': final_crop(s.fake, win, out),
            'boundary': boundary(np.clip(fake_mask, 0, 1)), 'mask': fake_mask, 'sample': s, 'window': win}
