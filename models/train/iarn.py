"""iarn: arbitrary (and asymmetric) scale invertible rescaling at the size of iris's IRN x4 backbone.

A faithful small variant of IARN (Pan et al., WACV 2023) built for 2 CPU cores:
  * the non-integer part of the rescaling is a fixed resampling done by the host (iris's bicubic,
    ``Weights.of(in, out, BICUBIC)`` in dev.iris.image): at ingest the 8-bit HR (W x H) is resized
    to the *core size* (C*w x C*h), C = 4, (w, h) the LR size, and rounded to 8 bits; at restore the
    core output (C*w x C*h) is rounded to 8 bits and resized to the size asked;
  * the learned part is an IRN x4 core (2 Haar levels, [3, 3] affine couplings, gc 16) whose coupling
    sub-networks also see IARN's scale encoding: two spatially uniform maps [1/s_y, 1/s_x]
    concatenated into the input of every convolution of F, G and H (AIDN's scale-aware units do
    the same). Uniform maps keep the receptive field of the core exactly that of IRN x4, so the host
    tiles as for IRN;
  * the weights on those maps start at zero, so a net warm-started from an IRN x4 state dict
    computes exactly what IRN x4 did: the untrained net is the issue's no-training baseline
    (bicubic to 4x the LR size, x4 down and up, bicubic back).

This file holds the network, the warm start, a numpy port of Weights (as matrices for PyTorch and as
a bit-exact emulation of Resampler.resize for fixtures and evaluation), the training cycle and the
training-scale sampler.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import irn

CORE_SCALE = 4          # 2 Haar levels
SCALE_MIN, SCALE_MAX = 1.1, 4.0
COND_CH = 2             # maps of 1/s_y, 1/s_x


# ---------------------------------------------------------------------------------------------
# iris's bicubic resampler (dev.iris.image.Weights / Resampler), ported
# ---------------------------------------------------------------------------------------------

def _cubic(x):
    """Keys cubic, a = -0.5, same operation order as Weights.kernel (so the doubles agree)."""
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    if x < 2.0:
        return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return 0.0


def weights_taps(n_in, n_out):
    """Weights.of(n_in, n_out, BICUBIC): (first[n_out], count[n_out], weights[n_out, stride]) float32,
    computed in float64 with Java's order of operations and cast to float32 as Java does."""
    scale = n_out / n_in
    stretch = max(1.0, 1.0 / scale)
    support = 2.0 * stretch
    stride = int(math.ceil(2 * support)) + 2
    first = np.zeros(n_out, np.int64)
    count = np.zeros(n_out, np.int64)
    wts = np.zeros((n_out, stride), np.float32)
    inv = n_in / n_out
    for i in range(n_out):
        center = (i + 0.5) * inv
        lo, hi = int(math.floor(center - support)), int(math.ceil(center + support))
        clo, chi = max(0, lo), min(n_in - 1, hi)
        if chi < clo:
            clo = chi = min(n_in - 1, max(0, int(center)))
        n = chi - clo + 1
        acc = [0.0] * n
        total = 0.0
        for j in range(lo, hi + 1):
            w = _cubic((j + 0.5 - center) / stretch)
            if w == 0.0:
                continue
            acc[min(chi, max(clo, j)) - clo] += w
            total += w
        if total == 0.0:
            acc[min(chi, max(clo, int(math.floor(center)))) - clo] = 1.0
            total = 1.0
        a, b = 0, n - 1
        while a < b and acc[a] == 0.0:
            a += 1
        while b > a and acc[b] == 0.0:
            b -= 1
        first[i], count[i] = clo + a, b - a + 1
        assert count[i] <= stride
        for k in range(a, b + 1):
            wts[i, k - a] = np.float32(acc[k] / total)
    return first, count, wts


_MAT_CACHE = {}


def resize_matrix(n_in, n_out):
    """The same weights as a dense float32 matrix M [n_out, n_in]: out = M @ in along one axis."""
    key = (n_in, n_out)
    m = _MAT_CACHE.get(key)
    if m is None:
        m = np.zeros((n_out, n_in), np.float32)
        if n_in == n_out:  # Resampler skips the pass; the weights are the identity anyway
            np.fill_diagonal(m, 1.0)
        else:
            first, count, wts = weights_taps(n_in, n_out)
            for i in range(n_out):
                for k in range(count[i]):
                    m[i, first[i] + k] += wts[i, k]
        m = torch.from_numpy(m)
        if len(_MAT_CACHE) > 4096:
            _MAT_CACHE.clear()
        _MAT_CACHE[key] = m
    return m


def resize_t(x, out_h, out_w):
    """Differentiable bicubic resize of x [B,C,H,W] to [B,C,out_h,out_w] with iris's weights
    (horizontal, then vertical: the same linear map as Resampler.resize before rounding)."""
    h, w = x.shape[-2:]
    if w != out_w:
        x = torch.matmul(x, resize_matrix(w, out_w).to(x.device).t())
    if h != out_h:
        x = torch.matmul(resize_matrix(h, out_h).to(x.device), x)
    return x


def _pass(src, n_out, axis):
    """One Resampler pass in float32, taps accumulated in Java's order (k = 0, 1, ...); a tap past
    count[i] has weight 0 and adds exactly 0."""
    n_in = src.shape[axis]
    if n_in == n_out:
        return src
    first, count, wts = weights_taps(n_in, n_out)
    out = None
    for k in range(wts.shape[1]):
        idx = np.minimum(first + k, n_in - 1)
        taken = np.take(src, idx, axis=axis)
        wk = wts[:, k]
        wk = wk[None, :, None] if axis == 1 else wk[:, None, None]
        term = (wk * taken).astype(np.float32)
        out = term if out is None else (out + term).astype(np.float32)
    return out


def to_byte(v):
    """Resampler.toByte: NaN and <= 0 -> 0, >= 255 -> 255, else (int)(v + 0.5f)."""
    v = np.asarray(v, np.float32)
    r = np.floor((v + np.float32(0.5)).astype(np.float32))
    r = np.where(v > 0, r, 0)
    r = np.where(v >= 255, 255, r)
    return np.nan_to_num(r, nan=0).astype(np.uint8)


def resize_u8_float(img_u8, out_w, out_h):
    """Resampler.resize of an opaque image before rounding: float32 HxWx3 in 0..255."""
    x = np.asarray(img_u8, np.float32)
    x = _pass(x, out_w, axis=1)
    return _pass(x, out_h, axis=0)


def resize_u8(img_u8, out_w, out_h):
    """Resampler.resize(img, out_w, out_h, BICUBIC) of an opaque 8-bit image, bit for bit."""
    if img_u8.shape[1] == out_w and img_u8.shape[0] == out_h:
        return img_u8
    return to_byte(resize_u8_float(img_u8, out_w, out_h))


def lr_size(hr_h, hr_w, s_y, s_x):
    """LR size for a requested scale; the scale the graph gets is then (H/h, W/w)."""
    return max(1, round(hr_h / s_y)), max(1, round(hr_w / s_x))


# ---------------------------------------------------------------------------------------------
# network
# ---------------------------------------------------------------------------------------------

class CondDenseBlock(irn.DenseBlock):
    """IRN's DenseBlock whose five convolutions also see the COND_CH scale maps (cat(x, cond, x1..)).
    Built by widening a DenseBlock's layers; the new input columns start at zero."""

    def __init__(self, channel_in, channel_out, gc):
        super().__init__(channel_in + COND_CH, channel_out, gc=gc)
        self.cin = channel_in
        for conv in (self.conv1, self.conv2, self.conv3, self.conv4, self.conv5):
            conv.weight.data[:, channel_in:channel_in + COND_CH].zero_()

    def forward(self, x, cond=None):
        return super().forward(torch.cat((x, cond), 1))


class CondInvBlock(irn.InvBlockExp):
    """IRN's affine coupling with scale-conditioned sub-networks."""

    def __init__(self, gc, channel_num, channel_split_num=3, clamp=1.0):
        super().__init__(lambda cin, cout: CondDenseBlock(cin, cout, gc), channel_num,
                         channel_split_num, clamp)

    def forward(self, x, cond, rev=False):
        a, b = x[:, :self.split_len1], x[:, self.split_len1:]
        if not rev:
            y1 = a + self.F(b, cond)
            s = self.clamp * (torch.sigmoid(self.H(y1, cond)) * 2 - 1)
            return torch.cat((y1, b * torch.exp(s) + self.G(y1, cond)), 1)
        y1, y2 = a, b
        s = self.clamp * (torch.sigmoid(self.H(y1, cond)) * 2 - 1)
        x2 = (y2 - self.G(y1, cond)) / torch.exp(s)
        return torch.cat((y1 - self.F(x2, cond), x2), 1)


class IARN(nn.Module):
    """IRN x4 core (Haar, couplings, Haar, couplings) with scale-conditioned couplings. Parameter
    names are IRN's (operations.i...), so an IRN x4 state dict maps one to one."""

    def __init__(self, blocks=(3, 3), gc=16):
        super().__init__()
        ops, ch = [], 3
        for n in blocks:
            ops.append(irn.HaarDownsampling(ch))
            ch *= 4
            for _ in range(n):
                ops.append(CondInvBlock(gc, ch, 3))
        self.operations = nn.ModuleList(ops)
        self.channel_total = ch
        self.blocks = list(blocks)
        self.gc = gc

    @staticmethod
    def cond_maps(like, scale):
        """scale [B,2] = (s_y, s_x) -> [B,2,h,w] maps of (1/s_y, 1/s_x) at like's resolution."""
        return torch.ones_like(like[:, :1]) / scale.reshape(-1, COND_CH, 1, 1)

    def forward(self, x, scale, rev=False):
        ops = self.operations if not rev else reversed(self.operations)
        cond = None
        for op in ops:
            if isinstance(op, irn.HaarDownsampling):
                x = op(x, rev)
                cond = None
            else:
                if cond is None:
                    cond = self.cond_maps(x, scale)
                x = op(x, cond, rev)
        return x


def from_irn(irn_sd, blocks=(3, 3), gc=16):
    """IARN warm-started from an IRN x4 state dict: every conv's weight gets zero columns for the
    scale maps after its first channel_in input channels; the rest is copied. The result computes
    exactly the IRN's function for every scale."""
    net = IARN(blocks, gc)
    sd = net.state_dict()
    src = irn.strip_module_prefix(irn_sd)
    assert set(src) == set(sd), sorted(set(src) ^ set(sd))[:5]
    for k, v in src.items():
        t = sd[k]
        if t.shape == v.shape:
            t.copy_(v)
            continue
        # conv weight [out, cin + (COND_CH) + k*gc, 3, 3] from [out, cin + k*gc, 3, 3]
        blk = net.get_submodule(k.rsplit(".", 2)[0])
        cin = blk.cin
        assert t.shape[1] == v.shape[1] + COND_CH, (k, t.shape, v.shape)
        t.zero_()
        t[:, :cin] = v[:, :cin]
        t[:, cin + COND_CH:] = v[:, cin:]
    net.load_state_dict(sd, strict=True)
    return net


class Down(nn.Module):
    """ONNX 'down': hr [1,3,C*h,C*w] (core size), scale [1,2] = (s_y, s_x) -> lr [1,3,h,w]."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, hr, scale):
        return self.net(hr, scale)[:, :3]


class Up(nn.Module):
    """ONNX 'up': lr [1,3,h,w], scale [1,2] -> hr [1,3,C*h,C*w] with z = 0."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.nz = net.channel_total - 3

    def forward(self, lr, scale):
        z = (lr[:, :1] * 0.0).repeat(1, self.nz, 1, 1)
        return self.net(torch.cat((lr, z), 1), scale, rev=True)


# ---------------------------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------------------------

def quantize_st(x):
    """8-bit rounding with a straight-through gradient."""
    q = torch.round(torch.clamp(x, 0, 1) * 255.0) / 255.0
    return x + (q - x).detach()


def sample_scales(rng, n, lo=SCALE_MIN, hi=SCALE_MAX, asym=0.5):
    """Training scales as AIDN draws them, more weight on large scales: s = lo + (hi - lo) * sqrt(u)
    (density rising linearly with s). A fraction `asym` of the samples draws s_y and s_x
    independently (asymmetric pairs), the rest uses s_y = s_x. Returns [n, 2] (s_y, s_x)."""
    out = np.empty((n, 2))
    for i in range(n):
        sy = lo + (hi - lo) * math.sqrt(rng.random())
        sx = lo + (hi - lo) * math.sqrt(rng.random()) if rng.random() < asym else sy
        out[i] = (sy, sx)
    return out


def hr_size_for(s, lr_n):
    """HR side for an LR side lr_n at scale s, kept inside [1.1, 4] once rounded."""
    return int(min(math.floor(SCALE_MAX * lr_n), max(math.ceil(SCALE_MIN * lr_n), round(s * lr_n))))


def cycle(net, hrs, lr_h, lr_w):
    """Training forward. hrs: list of B tensors [3, H_i, W_i] in [0,1] (8-bit values) with
    (H_i/lr_h, W_i/lr_w) in [1.1, 4]. Returns (LR, LR target, z, restored HR list, scale [B,2]).

    HR -> iris bicubic to the core size (8-bit, as the host stores it; no gradient flows into the
    input) -> down -> LR (8-bit, straight through) -> up (z = 0) -> 8-bit (straight through)
    -> iris bicubic to the HR size. LR target: iris bicubic of the HR straight to (lr_h, lr_w)."""
    C = CORE_SCALE
    cores, targets, scales = [], [], []
    for hr in hrs:
        H, W = hr.shape[-2:]
        with torch.no_grad():
            core = resize_t(hr[None], C * lr_h, C * lr_w).clamp(0, 1)
            cores.append(torch.round(core * 255) / 255)
            targets.append(resize_t(hr[None], lr_h, lr_w))
        scales.append((H / lr_h, W / lr_w))
    core = torch.cat(cores)
    target = torch.cat(targets)
    scale = torch.tensor(scales, dtype=torch.float32, device=core.device)
    out = net(core, scale)
    lr, z = out[:, :3], out[:, 3:]
    y = torch.cat((quantize_st(lr), torch.zeros_like(z)), 1)
    rec_core = quantize_st(net(y, scale, rev=True))
    recs = [resize_t(rec_core[i:i + 1], hr.shape[-2], hr.shape[-1])[0] for i, hr in enumerate(hrs)]
    return lr, target, z, recs, scale
