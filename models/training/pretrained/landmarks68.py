"""face-api's 68-point landmark network (FaceLandmark68Net) ported to PyTorch, for the landmarks the
Self-Blended-Images recipe builds its masks from (the 68-point iBUG layout: jaw 0–16, brows 17–26,
nose 27–35, eyes 36–47, mouth 48–67).

Source: `model/face_landmark_68_model` of @vladmandic/face-api@1.7.15 (MIT), from face-api.js
(V. Mühler, MIT): uint8-quantised TF.js weights; the architecture is in face-api's code, not in the
manifest, and is reproduced here from it:

    x = (rgb − [122.782, 117.001, 104.298]) / 255           at 112×112 (0..255 RGB in)
    4 dense blocks (32, 64, 128, 256 ch), each: c0 = stride-2 conv (block 0: 3×3 conv, else separable),
        c1 = sep(c0), c2 = sep(relu(c0+c1)), c3 = sep(relu(c0+c1+c2)), out = relu(c0+c1+c2+c3);
        every conv TF 'SAME' with bias, separable = depthwise 3×3 then pointwise 1×1
    avg-pool 7×7 stride 2 ('VALID'), fully connected 256 → 136 = (x, y) × 68 in [0, 1] of the input square

    python3 -m models.training.pretrained.landmarks68   # convert → /work/cache/pretrained/landmarks68.pt
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .tfjs import FACE_API, PRETRAINED_DIR, conv_weight, depthwise_weight, load_weights_manifest, package_dir
from .tfops import SameConv2d

MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_SIZE = 112
_WIDTHS = (32, 64, 128, 256)


class SeparableConv(nn.Module):
    """tf.separableConv2d + bias: depthwise 3×3 (stride s, SAME) then pointwise 1×1 with the bias."""

    def __init__(self, cin: int, cout: int, stride: int = 1):
        super().__init__()
        self.depthwise = SameConv2d(cin, cin, 3, stride, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class DenseBlock4(nn.Module):
    def __init__(self, cin: int, cout: int, first: bool):
        super().__init__()
        self.conv0 = SameConv2d(cin, cout, 3, 2) if first else SeparableConv(cin, cout, 2)
        self.conv1, self.conv2, self.conv3 = (SeparableConv(cout, cout) for _ in range(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c0 = torch.relu(self.conv0(x))
        c1 = self.conv1(c0)
        c2 = self.conv2(torch.relu(c0 + c1))
        c3 = self.conv3(torch.relu(c0 + c1 + c2))
        return torch.relu(c0 + c1 + c2 + c3)


class Landmarks68Net(nn.Module):
    """FaceLandmark68Net: RGB 0..255 NCHW at 112 px → 136 numbers (68 × (x, y) in [0, 1] of the input).

    Also usable as a trunk (`mid`, `last` = dense blocks 3 and 4, 128 and 256 channels at strides 8
    and 16), though it is no candidate detector backbone: its features are trained for geometry only."""

    def __init__(self):
        super().__init__()
        self.register_buffer('mean', torch.tensor(MEAN_RGB).view(1, 3, 1, 1))
        cin, blocks = 3, []
        for i, c in enumerate(_WIDTHS):
            blocks.append(DenseBlock4(cin, c, i == 0))
            cin = c
        self.dense = nn.ModuleList(blocks)
        self.fc = nn.Linear(256, 136)

    def features(self, x: torch.Tensor) -> list:
        """Outputs of the four dense blocks (strides 2, 4, 8, 16)."""
        x = (x - self.mean) / 255
        out = []
        for block in self.dense:
            x = block(x)
            out.append(x)
        return out

    mid_channels, out_channels = 128, 256

    def trunk(self, x: torch.Tensor) -> tuple:
        f = self.features(x)
        return f[2], f[3]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Raw network output [N, 136]: x0, y0, x1, y1, … relative to the 112-px input square."""
        pooled = F.avg_pool2d(self.features(x)[-1], 7, 2)
        return self.fc(pooled.flatten(1))

    @classmethod
    def pretrained(cls, path=None) -> 'Landmarks68Net':
        path = path or PRETRAINED_DIR / 'landmarks68.pt'
        net = cls()
        if path.exists():
            net.load_state_dict(torch.load(path, map_location='cpu'))
        else:
            missing, unexpected = net.load_state_dict(convert(), strict=False)
            assert missing == ['mean'] and not unexpected, (missing, unexpected)
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(net.state_dict(), path)
        return net.eval()


def convert() -> dict:
    """State dict from face-api's weights manifest (uint8-dequantised), checking that every weight is used."""
    w = load_weights_manifest(package_dir(FACE_API) / 'face_landmark_68_model-weights_manifest.json')
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a, np.float32))  # noqa: E731
    sd, used = {}, set()
    for b in range(4):
        for c in range(4):
            tf_name, pt = f'dense{b}/conv{c}', f'dense.{b}.conv{c}'
            if b == 0 and c == 0:
                sd[pt + '.weight'] = t(conv_weight(w[tf_name + '/filters']))
                sd[pt + '.bias'] = t(w[tf_name + '/bias'])
                used |= {tf_name + '/filters', tf_name + '/bias'}
                continue
            sd[pt + '.depthwise.weight'] = t(depthwise_weight(w[tf_name + '/depthwise_filter']))
            sd[pt + '.pointwise.weight'] = t(conv_weight(w[tf_name + '/pointwise_filter']))
            sd[pt + '.pointwise.bias'] = t(w[tf_name + '/bias'])
            used |= {tf_name + s for s in ('/depthwise_filter', '/pointwise_filter', '/bias')}
    sd['fc.weight'], sd['fc.bias'] = t(w['fc/weights'].T), t(w['fc/bias'])
    used |= {'fc/weights', 'fc/bias'}
    assert used == set(w), f'unused weights: {set(w) - used}'
    return sd


# The crop this network was trained on is face-api's face-detector box, which is tighter than ours:
# our fakescope-eyes-v1 crop (eyes at (0.32·S, 0.40·S) and (0.68·S, 0.40·S)) is cut to the square
# [BOX_LEFT, BOX_LEFT + BOX_SIZE] × [BOX_TOP, BOX_TOP + BOX_SIZE] (fractions of S) before it is resized
# to 112. Chosen by eye (draw_landmarks.py) over the whole crop (jaw points drift outside the face, mouth
# low) and (0.15, 0.2, 0.7) (an open mouth's points ride up): brows to chin, ear to ear.
BOX_LEFT, BOX_TOP, BOX_SIZE = 0.10, 0.15, 0.80


def landmarks68(crops: np.ndarray, net: Landmarks68Net | None = None, box: tuple | None = None) -> np.ndarray:
    """68 landmarks [N, 68, 2] (x, y) in crop pixels of uint8 RGB crops [N, S, S, 3].

    `box` = (left, top, size) as fractions of S: the square given to the network (default the one
    above, chosen for fakescope-eyes-v1 crops)."""
    net = net or Landmarks68Net.pretrained()
    left, top, size = box or (BOX_LEFT, BOX_TOP, BOX_SIZE)
    n, s = crops.shape[0], crops.shape[1]
    assert crops.shape[2] == s and crops.shape[3] == 3 and crops.dtype == np.uint8, crops.shape
    x = torch.from_numpy(crops.transpose(0, 3, 1, 2).astype(np.float32)).to(net.mean.device)
    x0, y0, side = round(left * s), round(top * s), round(size * s)
    pad = max(0, -x0, -y0, x0 + side - s, y0 + side - s)
    if pad:   # a box reaching outside the crop: replicate the border, as a detector crop would show more face
        x = F.pad(x, (pad, pad, pad, pad), mode='replicate')
    x = x[:, :, y0 + pad:y0 + pad + side, x0 + pad:x0 + pad + side]
    x = F.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode='bilinear', align_corners=False, antialias=True)
    with torch.no_grad():
        out = net(x).view(n, 68, 2)
    return (out.cpu() * side + torch.tensor([x0, y0])).numpy()


def parity_outputs(net: Landmarks68Net, x_nchw: torch.Tensor) -> dict:
    pooled = F.avg_pool2d(net.features(x_nchw)[-1], 7, 2)
    out = net.fc(pooled.flatten(1))
    # face-api's forward() post-processing of a square input is the identity: positions = out.
    return {'pooled': pooled, 'out': out, 'landmarks': out}


if __name__ == '__main__':
    torch.set_num_threads(2)
    out = PRETRAINED_DIR / 'landmarks68.pt'
    if out.exists():
        out.unlink()
    net = Landmarks68Net.pretrained()
    print(f'{out}: {sum(p.numel() for p in net.parameters()):,} parameters')
