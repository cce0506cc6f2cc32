"""Exports each converted backbone's trunk (image → mid, last) to ONNX under /work/cache/pretrained/, at
128 and 112 px, for the per-face latency measurement (bench_trunk.mjs) and the parameter counts in
README.md. These files are measurement artefacts, not shipped models (never committed).

    python3 -m models.training.pretrained.export_trunks [faceres ...]
"""

from __future__ import annotations

import base64
import json
import sys

import numpy as np
import torch

from ..export import _export_kwargs
from .tfjs import PRETRAINED_DIR, input_formula

SIZES = (128, 112)


def trunks() -> dict:
    """name → factory of the backbone as the detector uses it (no original heads)."""
    from ..families import build_backbone
    from .centernet import CenterNetBackbone
    from .faceres import FaceResBackbone
    # The shipped from-scratch MobileNetV3-small trunk, for comparison (latency does not depend on weights).
    return {'faceres': FaceResBackbone.pretrained, 'centernet': CenterNetBackbone.pretrained,
            'scratch-mobilenet': lambda: build_backbone('mobilenet')}


def conv_macs(net: torch.nn.Module, size: int) -> int:
    """Multiply-accumulates of the convolutions and linear layers for one face (load-independent cost)."""
    total = [0]

    def hook(mod, _inp, out):
        if isinstance(mod, torch.nn.Conv2d):
            total[0] += out.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]
        elif isinstance(mod, torch.nn.Linear):
            total[0] += out.numel() * mod.in_features

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        net(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total[0]


def main(argv: list) -> None:
    torch.set_num_threads(2)
    table = trunks()
    info = {}
    for name in argv or list(table):
        net = table[name]().eval()
        params = sum(p.numel() for p in net.parameters())
        files, expected = {}, {}
        for s in SIZES:
            path = PRETRAINED_DIR / f'{name}-trunk-{s}.onnx'
            torch.onnx.export(net, torch.zeros(1, 3, s, s), str(path), opset_version=13, input_names=['image'],
                              output_names=['mid', 'last'], do_constant_folding=True, **_export_kwargs())
            files[s] = str(path)
            # torch's outputs on the formula input (×255, NCHW), for bench_trunk.mjs to check the export
            x = torch.from_numpy(input_formula((1, 3, s, s)) * np.float32(255))
            with torch.no_grad():
                mid, last = net(x)
            expected[s] = {k: {'shape': list(v.shape), 'data': base64.b64encode(v.numpy().astype('<f4').tobytes()).decode()}
                           for k, v in (('mid', mid), ('last', last))}
        macs = {s: conv_macs(net, s) for s in SIZES}
        info[name] = {'params': params, 'files': files, 'macs': macs, 'expected': expected}
        print(f'{name}: {params:,} parameters, MMAC {", ".join(f"{s} px {m / 1e6:.0f}" for s, m in macs.items())} '
              f'→ {", ".join(files.values())}')
    (PRETRAINED_DIR / 'trunks.json').write_text(json.dumps(info, indent=1))


if __name__ == '__main__':
    main(sys.argv[1:])
