"""Building blocks shared by the backbones (ONNX opset 13 friendly: no ops newer than opset 13)."""

from __future__ import annotations

from torch import nn


def make_divisible(v: float, divisor: int = 8) -> int:
    n = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return n + divisor if n < 0.9 * v else n


class ConvBNAct(nn.Sequential):
    def __init__(self, cin: int, cout: int, k: int = 3, stride: int = 1, groups: int = 1, act=nn.ReLU):
        layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
        if act is not None:
            layers.append(act(inplace=True) if act in (nn.ReLU, nn.Hardswish, nn.SiLU) else act())
        super().__init__(*layers)


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, squeeze: int, gate=nn.Sigmoid, act=nn.ReLU):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.act = act(inplace=True)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.gate = gate()

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * self.gate(self.fc2(self.act(self.fc1(s))))


class InvertedResidual(nn.Module):
    """MobileNetV2/V3 and EfficientNet MBConv block: expand 1×1, depthwise k×k, SE, project 1×1."""

    def __init__(self, cin, cexp, cout, k, stride, se_channels: int, act, se_gate=nn.Sigmoid, se_act=nn.ReLU):
        super().__init__()
        layers = []
        if cexp != cin:
            layers.append(ConvBNAct(cin, cexp, 1, act=act))
        layers.append(ConvBNAct(cexp, cexp, k, stride, groups=cexp, act=act))
        if se_channels > 0:
            layers.append(SqueezeExcite(cexp, se_channels, gate=se_gate, act=se_act))
        layers.append(ConvBNAct(cexp, cout, 1, act=None))
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class BasicBlock(nn.Module):
    """ResNet basic block: two 3×3 convs, projection shortcut when the shape changes."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = ConvBNAct(cin, cout, 3, stride)
        self.conv2 = ConvBNAct(cout, cout, 3, 1, act=None)
        self.short = None if stride == 1 and cin == cout else ConvBNAct(cin, cout, 1, stride, act=None)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        s = x if self.short is None else self.short(x)
        return self.act(self.conv2(self.conv1(x)) + s)


class SeparableConv(nn.Sequential):
    """Xception's ReLU → depthwise 3×3 → pointwise 1×1 → BN (pre-activation)."""

    def __init__(self, cin: int, cout: int, relu_first: bool = True):
        layers = [nn.ReLU(inplace=False)] if relu_first else []
        layers += [nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False), nn.Conv2d(cin, cout, 1, bias=False),
                   nn.BatchNorm2d(cout)]
        super().__init__(*layers)


class XceptionBlock(nn.Module):
    """`reps` separable convs with a residual; stride 2 ends in a 3×3 max-pool, shortcut 1×1 stride 2."""

    def __init__(self, cin: int, cout: int, reps: int, stride: int, relu_first: bool = True):
        super().__init__()
        convs = [SeparableConv(cin, cout, relu_first)] + [SeparableConv(cout, cout) for _ in range(reps - 1)]
        if stride == 2:
            convs.append(nn.MaxPool2d(3, 2, 1))
        self.body = nn.Sequential(*convs)
        self.short = None if stride == 1 and cin == cout else ConvBNAct(cin, cout, 1, stride, act=None)

    def forward(self, x):
        return self.body(x) + (x if self.short is None else self.short(x))


def init_weights(m: nn.Module) -> None:
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            nn.init.kaiming_normal_(mod.weight, mode='fan_out', nonlinearity='relu')
            if mod.bias is not None:
                nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.BatchNorm2d):
            nn.init.ones_(mod.weight)
            nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.Linear):
            nn.init.normal_(mod.weight, 0, 0.01)
            nn.init.zeros_(mod.bias)
