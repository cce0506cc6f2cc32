"""Small image operations on float32 H×W×3 arrays in [0, 255] (numpy + PIL only: no OpenCV here)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter


def to_pil(img: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(img + 0.5, 0, 255).astype(np.uint8))


def from_pil(im: Image.Image) -> np.ndarray:
    return np.asarray(im.convert('RGB'), np.float32)


def gaussian_blur(img: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return img
    return from_pil(to_pil(img).filter(ImageFilter.GaussianBlur(sigma)))


def blur_mask(mask: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a float mask in [0, 1] (PIL 'F' images do not blur, so go through 16-bit steps)."""
    if sigma <= 0:
        return mask
    im = Image.fromarray(np.clip(mask * 255 + 0.5, 0, 255).astype(np.uint8))
    return np.asarray(im.filter(ImageFilter.GaussianBlur(sigma)), np.float32) / 255.0


def morph_mask(mask: np.ndarray, radius: int) -> np.ndarray:
    """Dilates (radius > 0) or erodes (radius < 0) a mask with a square of side 2|r|+1."""
    if radius == 0:
        return mask
    im = Image.fromarray(np.clip(mask * 255 + 0.5, 0, 255).astype(np.uint8))
    size = 2 * abs(radius) + 1
    im = im.filter(ImageFilter.MaxFilter(size) if radius > 0 else ImageFilter.MinFilter(size))
    return np.asarray(im, np.float32) / 255.0


def jpeg(img: np.ndarray, quality: int, subsampling: int = 2) -> np.ndarray:
    buf = io.BytesIO()
    to_pil(img).save(buf, 'JPEG', quality=int(quality), subsampling=subsampling)
    buf.seek(0)
    return from_pil(Image.open(buf))


def resize(img: np.ndarray, w: int, h: int, resample=Image.BILINEAR) -> np.ndarray:
    return from_pil(to_pil(img).resize((w, h), resample))


def affine_warp(img: np.ndarray, m_out_to_in: np.ndarray, resample=Image.BILINEAR) -> np.ndarray:
    """Warps with a 2×3 map from output pixel coordinates to input coordinates; edges repeated."""
    h, w = img.shape[:2]
    coeffs = tuple(np.asarray(m_out_to_in, np.float64).reshape(-1))
    # PIL fills outside with black; pad by edge replication first, then shift the map.
    pad = max(h, w) // 4
    padded = np.pad(img, ((pad, pad), (pad, pad), (0, 0)), mode='edge')
    a, b, c, d, e, f = coeffs
    shifted = (a, b, c + pad, d, e, f + pad)
    return from_pil(to_pil(padded).transform((w, h), Image.AFFINE, shifted, resample))


def affine_warp_mask(mask: np.ndarray, m_out_to_in: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    im = Image.fromarray(np.ascontiguousarray(mask, np.float32))
    coeffs = tuple(np.asarray(m_out_to_in, np.float64).reshape(-1))
    return np.asarray(im.transform((w, h), Image.AFFINE, coeffs, Image.BILINEAR), np.float32)


def remap_bilinear(img: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """out[y, x] = img[map_y[y, x], map_x[y, x]] with bilinear interpolation, edges clamped."""
    h, w = img.shape[:2]
    x = np.clip(map_x, 0, w - 1)
    y = np.clip(map_y, 0, h - 1)
    x0 = np.floor(x).astype(np.int32)
    y0 = np.floor(y).astype(np.int32)
    x1 = np.minimum(x0 + 1, w - 1)
    y1 = np.minimum(y0 + 1, h - 1)
    fx = (x - x0)[..., None]
    fy = (y - y0)[..., None]
    top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
    bot = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
    return (top * (1 - fy) + bot * fy).astype(np.float32)


# sRGB (D65) <-> CIE Lab, for Reinhard colour transfer.
_M = np.array([[0.4124564, 0.3575761, 0.1804375],
               [0.2126729, 0.7151522, 0.0721750],
               [0.0193339, 0.1191920, 0.9503041]], np.float32)
_M_INV = np.linalg.inv(_M).astype(np.float32)
_WHITE = np.array([0.95047, 1.0, 1.08883], np.float32)


def _mix3(a: np.ndarray, m: np.ndarray) -> np.ndarray:
    # a @ m.T written out: a BLAS call per item would fight the other loader workers for threads.
    return np.stack([a[..., 0] * m[i, 0] + a[..., 1] * m[i, 1] + a[..., 2] * m[i, 2] for i in range(3)], -1)


def rgb_to_lab(img: np.ndarray) -> np.ndarray:
    c = np.clip(img / 255.0, 0, 1)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = _mix3(lin, _M) / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE
    lin = np.clip(_mix3(xyz, _M_INV), 0, 1)
    c = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)
    return (c * 255).astype(np.float32)


def reinhard_transfer(src: np.ndarray, ref: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Matches src's Lab mean/std inside `region` (bool H×W) to ref's (Reinhard et al. 2001)."""
    ls, lr = rgb_to_lab(src), rgb_to_lab(ref)
    sel = region if region.sum() > 16 else np.ones(region.shape, bool)
    ms, ss = ls[sel].mean(0), ls[sel].std(0) + 1e-3
    mr, sr = lr[sel].mean(0), lr[sel].std(0) + 1e-3
    return lab_to_rgb((ls - ms) / ss * sr + mr)


def blend(fg: np.ndarray, bg: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha[..., None]
    return (fg * a + bg * (1 - a)).astype(np.float32)
