"""A PyTorch module built from a TF.js graph model's own node list, for networks too irregular to be
worth re-typing by hand (MobileNetV3 variants with per-block widths, SE placement and activations
that only the graph states). The graph is pruned to the nodes the requested outputs need, put in
topological order, and run in NCHW with the original weights as trainable parameters.

Supported ops (what the backbones used here contain): Conv2D, _FusedConv2D and
FusedDepthwiseConv2dNative with fused BiasAdd/Relu/Relu6, DepthwiseConv2dNative, Add/AddV2, Sub,
Mul, Relu, Relu6, Sigmoid, Mean over H,W, Identity, ConcatV2, ResizeBilinear (TF's legacy
asymmetric sampling, not PyTorch's half-pixel one). Anything else is refused at build time, so an
unported op cannot silently change the network.
"""

from __future__ import annotations

import base64

import numpy as np
import torch
from torch import nn

from .tfjs import conv_weight, depthwise_weight
from .tfops import SameConv2d

_CONV = {'Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative'}
_ELEMENTWISE = {'Add', 'AddV2', 'Sub', 'Mul', 'Relu', 'Relu6', 'Sigmoid', 'Identity', 'Mean', 'ConcatV2',
               'ResizeBilinear'}
_NHWC_TO_NCHW_AXIS = {0: 0, 1: 2, 2: 3, 3: 1, -1: 1}


def _s(attr: dict, key: str) -> str:
    return base64.b64decode(attr[key]['s']).decode()


def _key(name: str) -> str:
    return name.replace('/', '__').replace('.', '_')


def compile_graph(nodes: dict, weights: dict, outputs: list, input_name: str) -> tuple:
    """(spec, tensors): the ops needed for `outputs` in run order, and their weights in PyTorch layout."""
    order, seen = [], set()

    def visit(name: str) -> None:
        name = name.split(':')[0]
        if name in seen or name == input_name or name in weights:
            return
        seen.add(name)
        node = nodes[name]
        if node['op'] not in _CONV | _ELEMENTWISE:
            raise NotImplementedError(f'{name}: op {node["op"]} is not ported')
        for i in node.get('input', []):
            visit(i)
        order.append(name)

    for out in outputs:
        visit(out)
    spec, tensors = [], {}
    for name in order:
        node, attr = nodes[name], nodes[name].get('attr', {})
        ins = [i.split(':')[0] for i in node.get('input', [])]
        op = {'name': name, 'op': node['op']}
        if node['op'] in _CONV:
            assert _s(attr, 'data_format') == 'NHWC' if 'data_format' in attr else True
            dil = [int(d) for d in attr.get('dilations', {}).get('list', {}).get('i', ['1'] * 4)]
            assert dil[1] == dil[2] == 1, f'{name}: dilation {dil} not ported'
            fused = [base64.b64decode(f).decode() for f in attr.get('fused_ops', {}).get('list', {}).get('s', [])]
            assert fused[:1] in ([], ['BiasAdd']) and all(f in ('BiasAdd', 'Relu', 'Relu6') for f in fused), fused
            k = weights[ins[1]]
            depthwise = 'Depthwise' in node['op']
            op.update(input=ins[0], k=int(k.shape[0]), stride=int(attr['strides']['list']['i'][1]),
                      same=_s(attr, 'padding') == 'SAME', depthwise=depthwise, act=fused[1] if len(fused) > 1 else '',
                      cin=int(k.shape[2]), cout=int(k.shape[2] * k.shape[3]) if depthwise else int(k.shape[3]),
                      bias='BiasAdd' in fused)
            tensors[_key(name) + '.weight'] = torch.from_numpy(depthwise_weight(k) if depthwise else conv_weight(k))
            if op['bias']:
                tensors[_key(name) + '.bias'] = torch.from_numpy(weights[ins[2]].copy())
        else:
            op['inputs'] = ins
            if node['op'] == 'Mean':
                axes = sorted(int(a) for a in np.atleast_1d(weights[ins[1]]))
                assert axes == [1, 2], f'{name}: Mean over {axes}'
                op.update(inputs=ins[:1], keepdims=bool(attr.get('keep_dims', {}).get('b', False)))
            elif node['op'] == 'ConcatV2':
                op.update(inputs=ins[:-1], axis=_NHWC_TO_NCHW_AXIS[int(weights[ins[-1]])])
            elif node['op'] == 'ResizeBilinear':
                op.update(inputs=ins[:1], size=[int(v) for v in weights[ins[1]]],
                          align_corners=bool(attr.get('align_corners', {}).get('b', False)),
                          half_pixel=bool(attr.get('half_pixel_centers', {}).get('b', False)))
            for i in op['inputs']:
                if i in weights:
                    c = weights[i].astype(np.float32)
                    c = c.reshape(-1, 1, 1) if c.ndim == 1 else c.transpose(0, 3, 1, 2) if c.ndim == 4 else c
                    tensors['const.' + _key(i)] = torch.from_numpy(np.ascontiguousarray(c))
        spec.append(op)
    return spec, tensors


class GraphNet(nn.Module):
    """Runs a compiled TF.js graph (compile_graph) in NCHW; forward(x) → the requested outputs, in order."""

    def __init__(self, spec: list, input_name: str, outputs: list):
        super().__init__()
        self.spec, self.input_name, self.outputs = spec, input_name, [o.split(':')[0] for o in outputs]
        self.convs = nn.ModuleDict()
        for op in spec:
            if 'k' in op:
                self.convs[_key(op['name'])] = SameConv2d(op['cin'], op['cout'], op['k'], op['stride'],
                                                          op['cin'] if op['depthwise'] else 1, op['bias']) \
                    if op['same'] else nn.Conv2d(op['cin'], op['cout'], op['k'], op['stride'],
                                                 groups=op['cin'] if op['depthwise'] else 1, bias=op['bias'])
        self.consts = {}

    def load_tensors(self, tensors: dict) -> None:
        """Conv weights into the parameters; constants (activation scalars, …) as buffers."""
        params = {k[len('convs.'):] if k.startswith('convs.') else k: v for k, v in tensors.items()
                  if not k.startswith('const.')}
        self.convs.load_state_dict(params)
        for k, v in tensors.items():
            if k.startswith('const.'):
                self.register_buffer(k.replace('.', '_'), v)
                self.consts[k[len('const.'):]] = k.replace('.', '_')

    def _value(self, env: dict, name: str) -> torch.Tensor:
        return env[name] if name in env else getattr(self, self.consts[_key(name)])

    def forward(self, x: torch.Tensor) -> list:
        env = {self.input_name: x}
        for op in self.spec:
            kind = op['op']
            if 'k' in op:
                y = self.convs[_key(op['name'])](env[op['input']])
                y = torch.relu(y) if op['act'] == 'Relu' else torch.clamp(y, 0, 6) if op['act'] == 'Relu6' else y
            else:
                a = [self._value(env, i) for i in op['inputs']]
                if kind in ('Add', 'AddV2'):
                    y = a[0] + a[1]
                elif kind == 'Sub':
                    y = a[0] - a[1]
                elif kind == 'Mul':
                    y = a[0] * a[1]
                elif kind == 'Relu':
                    y = torch.relu(a[0])
                elif kind == 'Relu6':
                    y = torch.clamp(a[0], 0, 6)
                elif kind == 'Sigmoid':
                    y = torch.sigmoid(a[0])
                elif kind == 'Mean':
                    y = a[0].mean((2, 3), keepdim=op['keepdims'])
                elif kind == 'ConcatV2':
                    y = torch.cat(a, op['axis'])
                elif kind == 'ResizeBilinear':
                    y = resize_bilinear_tf(a[0], op['size'], op['align_corners'], op['half_pixel'])
                else:   # Identity
                    y = a[0]
            env[op['name']] = y
        return [env[o] for o in self.outputs]


def _taps(n_in: int, n_out: int, align_corners: bool, half_pixel: bool, device) -> tuple:
    i = np.arange(n_out, dtype=np.float64)
    if align_corners and n_out > 1:
        src = i * (n_in - 1) / (n_out - 1)
    elif half_pixel:
        src = np.maximum((i + 0.5) * n_in / n_out - 0.5, 0)
    else:
        src = i * n_in / n_out
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return (torch.from_numpy(i0).to(device), torch.from_numpy(i1).to(device),
            torch.from_numpy((src - i0).astype(np.float32)).to(device))


def resize_bilinear_tf(x: torch.Tensor, size: list, align_corners: bool, half_pixel: bool) -> torch.Tensor:
    """tf.image.resize_bilinear on NCHW: separable linear interpolation at TF's sample positions."""
    h0, h1, wh = _taps(int(x.shape[2]), size[0], align_corners, half_pixel, x.device)
    x = x.index_select(2, h0) * (1 - wh)[:, None] + x.index_select(2, h1) * wh[:, None]
    w0, w1, ww = _taps(int(x.shape[3]), size[1], align_corners, half_pixel, x.device)
    return x.index_select(3, w0) * (1 - ww) + x.index_select(3, w1) * ww
