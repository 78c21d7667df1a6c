"""Invertible Rescaling Net (Xiao et al., ECCV 2020), re-implemented for iris.

Module and parameter names follow the authors' release so that their checkpoints load
into InvRescaleNet with strict=True (keys like ``operations.0.haar_weights`` and
``operations.1.F.conv1.weight``).
"""
import contextlib

import torch
import torch.nn as nn
import torch.nn.functional as F


class DenseBlock(nn.Module):
    """Five 3x3 convolutions with dense connections; conv5 starts at zero."""

    # Training may run the sub-networks under bfloat16 autocast (train.py --bf16). Only
    # here: the Haar transform and the coupling sums stay float32, because the detail the
    # LR hides sits below 1/255, finer than bfloat16 resolves near 1.0.
    bf16 = False

    def __init__(self, channel_in, channel_out, gc=32, bias=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channel_in, gc, 3, 1, 1, bias=bias)
        self.conv2 = nn.Conv2d(channel_in + gc, gc, 3, 1, 1, bias=bias)
        self.conv3 = nn.Conv2d(channel_in + 2 * gc, gc, 3, 1, 1, bias=bias)
        self.conv4 = nn.Conv2d(channel_in + 3 * gc, gc, 3, 1, 1, bias=bias)
        self.conv5 = nn.Conv2d(channel_in + 4 * gc, channel_out, 3, 1, 1, bias=bias)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)
        for conv in (self.conv1, self.conv2, self.conv3, self.conv4):
            nn.init.xavier_normal_(conv.weight)
            conv.weight.data.mul_(0.1)
            if conv.bias is not None:
                conv.bias.data.zero_()
        nn.init.zeros_(self.conv5.weight)
        if self.conv5.bias is not None:
            self.conv5.bias.data.zero_()

    def forward(self, x):
        if self.bf16:
            with torch.autocast(x.device.type, dtype=torch.bfloat16):
                return self._dense(x).float()
        return self._dense(x)

    def _dense(self, x):
        x1 = self.lrelu(self.conv1(x))
        x2 = self.lrelu(self.conv2(torch.cat((x, x1), 1)))
        x3 = self.lrelu(self.conv3(torch.cat((x, x1, x2), 1)))
        x4 = self.lrelu(self.conv4(torch.cat((x, x1, x2, x3), 1)))
        return self.conv5(torch.cat((x, x1, x2, x3, x4), 1))


@contextlib.contextmanager
def float32():
    """The sub-networks in float32 for a while (as the exported graphs run), whatever DenseBlock.bf16 says; usable
    as a decorator."""
    bf16, DenseBlock.bf16 = DenseBlock.bf16, False
    try:
        yield
    finally:
        DenseBlock.bf16 = bf16


def native_bf16(device):
    """Whether `device` computes bfloat16 natively. CPUs without AVX512-BF16 or AMX emulate it: autocast there runs
    several times slower than float32 (an x4 [5, 5] step took over 30 s against 7 s on an AVX2-only EPYC)."""
    if device.startswith("cuda"):
        return torch.cuda.is_bf16_supported()
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def set_bf16(requested, device):
    """DenseBlock.bf16 as a run's config asks, unless `device` would only emulate it (then float32, saying so)."""
    DenseBlock.bf16 = bool(requested) and native_bf16(device)
    if requested and not DenseBlock.bf16:
        print(f"note: bf16 asked for, but {device} has no native bfloat16 (AVX512-BF16/AMX); training in float32",
              flush=True)


def dense_subnet(gc):
    """Subnet constructor: (channel_in, channel_out) -> DenseBlock with gc growth channels."""
    return lambda cin, cout: DenseBlock(cin, cout, gc=gc)


class InvBlockExp(nn.Module):
    """Affine coupling: y1 = x1 + F(x2); y2 = x2 * exp(s(y1)) + G(y1)."""

    def __init__(self, subnet_constructor, channel_num, channel_split_num=3, clamp=1.0):
        super().__init__()
        self.split_len1 = channel_split_num
        self.split_len2 = channel_num - channel_split_num
        self.clamp = clamp
        self.F = subnet_constructor(self.split_len2, self.split_len1)
        self.G = subnet_constructor(self.split_len1, self.split_len2)
        self.H = subnet_constructor(self.split_len1, self.split_len2)

    def _scale(self, y1):
        return self.clamp * (torch.sigmoid(self.H(y1)) * 2 - 1)

    def forward(self, x, rev=False):
        a, b = x[:, :self.split_len1], x[:, self.split_len1:]
        if not rev:
            y1 = a + self.F(b)
            y2 = b * torch.exp(self._scale(y1)) + self.G(y1)
            return torch.cat((y1, y2), 1)
        y1, y2 = a, b
        x2 = (y2 - self.G(y1)) / torch.exp(self._scale(y1))
        x1 = y1 - self.F(x2)
        return torch.cat((x1, x2), 1)


class HaarDownsampling(nn.Module):
    """Fixed orthogonal 2x2 Haar transform; channels 0..C-1 of the output are the low-pass."""

    def __init__(self, channel_in):
        super().__init__()
        self.channel_in = channel_in
        # rows: low-pass, horizontal, vertical, diagonal detail (signs over the 2x2 cell)
        base = torch.tensor([[[1., 1.], [1., 1.]],
                             [[1., -1.], [1., -1.]],
                             [[1., 1.], [-1., -1.]],
                             [[1., -1.], [-1., 1.]]]).unsqueeze(1)  # [4,1,2,2]
        self.haar_weights = nn.Parameter(base.repeat(channel_in, 1, 1, 1), requires_grad=False)

    def forward(self, x, rev=False):
        c = self.channel_in
        if not rev:
            b, _, h, w = x.shape
            out = F.conv2d(x, self.haar_weights, bias=None, stride=2, groups=c) / 4.0
            out = out.reshape(b, c, 4, h // 2, w // 2).transpose(1, 2)
            return out.reshape(b, 4 * c, h // 2, w // 2)
        b, _, h, w = x.shape
        out = x.reshape(b, 4, c, h, w).transpose(1, 2).reshape(b, 4 * c, h, w)
        # W^T W = 4 I per group, so the transposed conv of (W x / 4) gives x back
        return F.conv_transpose2d(out, self.haar_weights, bias=None, stride=2, groups=c)


class InvRescaleNet(nn.Module):
    def __init__(self, channel_in=3, channel_out=3, subnet_constructor=None, block_num=(8,),
                 down_num=1, gc=32):
        super().__init__()
        if subnet_constructor is None:
            subnet_constructor = dense_subnet(gc)
        ops = []
        ch = channel_in
        for i in range(down_num):
            ops.append(HaarDownsampling(ch))
            ch *= 4
            for _ in range(block_num[i]):
                ops.append(InvBlockExp(subnet_constructor, ch, channel_out))
        self.operations = nn.ModuleList(ops)
        self.channel_total = ch
        self.channel_out = channel_out

    def forward(self, x, rev=False):
        ops = self.operations if not rev else reversed(self.operations)
        for op in ops:
            x = op(x, rev)
        return x


def build(cfg):
    """cfg: dict with scale, blocks (per level, list) and gc."""
    levels = {2: 1, 4: 2}[cfg["scale"]]
    blocks = list(cfg["blocks"])
    assert len(blocks) == levels, (blocks, levels)
    return InvRescaleNet(3, 3, dense_subnet(cfg["gc"]), blocks, levels)


def strip_module_prefix(sd):
    return {(k[7:] if k.startswith("module.") else k): v for k, v in sd.items()}


class Down(nn.Module):
    """ONNX 'down' graph: hr [1,3,H,W] -> lr [1,3,H/s,W/s] (no clamping/rounding)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, hr):
        return self.net(hr)[:, :3]


class Up(nn.Module):
    """ONNX 'up' graph: lr [1,3,h,w] -> hr [1,3,h*s,w*s], with z = 0."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.nz = net.channel_total - 3

    def forward(self, lr):
        z = (lr[:, :1] * 0.0).repeat(1, self.nz, 1, 1)
        return self.net(torch.cat((lr, z), 1), rev=True)


def _op_indices(blocks):
    """Per level: (index of its Haar op, indices of its coupling blocks) in ``operations``."""
    out, i = [], 0
    for n in blocks:
        out.append((i, list(range(i + 1, i + 1 + n))))
        i += 1 + n
    return out


def grow_state_dict(src_sd, src_blocks, net, blocks):
    """Weights of a trained net placed into a deeper one of the same growth: every level keeps its
    trained blocks first and gets the extra ones after them. A fresh block is the identity (its
    conv5 layers start at zero), so the deeper net computes exactly what the trained one did and
    training starts from its quality instead of from scratch."""
    assert len(src_blocks) == len(blocks) and all(n >= m for m, n in zip(src_blocks, blocks)), (src_blocks, blocks)
    sd = net.state_dict()
    for (src_haar, src_ops), (dst_haar, dst_ops) in zip(_op_indices(src_blocks), _op_indices(blocks)):
        pairs = [(src_haar, dst_haar)] + list(zip(src_ops, dst_ops))
        for s, d in pairs:
            prefix = f"operations.{s}."
            for k, v in src_sd.items():
                if k.startswith(prefix):
                    sd[f"operations.{d}." + k[len(prefix):]].copy_(v)
    net.load_state_dict(sd, strict=True)
