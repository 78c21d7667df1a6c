"""A differentiable model of baseline JPEG (libjpeg's defaults), for training an LR that survives it.

What it models, step by step as libjpeg does with its defaults (and Pillow and Java's ImageIO writer):
JFIF YCbCr (full range), 4:2:0 chroma by 2x2 averaging, level shift, 8x8 DCT-II per block,
quantisation by the standard Annex K tables scaled by quality (libjpeg's jpeg_quality_scaling),
then dequantisation, inverse DCT, chroma upsampling by the triangle filter libjpeg calls "fancy"
(bilinear with half-pixel centres) and the inverse colour transform, clamped to [0, 1].

Quantisation is where training needs a choice, because rounding has no useful gradient:
  * "st":    real rounding forward, identity backward (straight through). The forward pass is
             JPEG's, so the inverse network learns the real artefacts, but the encoder's gradient
             does not see which coefficients the codec throws away (the DCT is orthonormal: the
             gradient passes as if nothing were compressed).
  * "noise": coefficient + uniform noise of one quantisation step (Balle et al.'s proxy for
             quantisation). The loss sees noise as large as each coefficient's step, so the
             gradient says where in frequency detail survives: what the encoder has to learn.
  * "cubic": round(x) + (x - round(x))^3 (Shin and Song's soft rounding, used by SAIN): close to
             rounding forward with a gradient that vanishes near the integers.
Not modelled: entropy coding (lossless), the integer DCT's rounding (below 1/255), and the
encoder's and decoder's clamping of coefficients to 11 bits (never reached from [0, 1] input).
Sides must be multiples of 16 (one 4:2:0 MCU); the training patches are.
"""
import io
import math

import numpy as np
import torch
import torch.nn.functional as F

# ITU T.81 Annex K, tables K.1 (luminance) and K.2 (chrominance), in natural (row-major) order.
LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
CHROMA = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
          24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99] + [99] * 32


def quant_table(base, quality):
    """libjpeg's jpeg_quality_scaling and jpeg_add_quant_table (force_baseline: at most 255)."""
    q = min(100, max(1, int(quality)))
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return torch.tensor([min(255, max(1, (b * scale + 50) // 100)) for b in base],
                        dtype=torch.float32).view(8, 8)


def _dct_matrix():
    d = torch.zeros(8, 8)
    for k in range(8):
        for n in range(8):
            c = math.sqrt(1 / 8) if k == 0 else math.sqrt(2 / 8)
            d[k, n] = c * math.cos(math.pi * (2 * n + 1) * k / 16)
    return d


DCT = _dct_matrix()


def _blocks(x):
    """[B, H, W] -> [B, H/8, W/8, 8, 8]."""
    b, h, w = x.shape
    return x.view(b, h // 8, 8, w // 8, 8).permute(0, 1, 3, 2, 4)


def _unblocks(x):
    b, hb, wb, _, _ = x.shape
    return x.permute(0, 1, 3, 2, 4).reshape(b, hb * 8, wb * 8)


def _quantise(coef, table, mode):
    """coef / table quantised (per `mode`, see the module doc) and multiplied back."""
    t = table.to(coef.device)
    v = coef / t
    if mode == "st":
        v = v + (torch.round(v) - v).detach()
    elif mode == "noise":
        v = v + (torch.rand_like(v) - 0.5)
    elif mode == "cubic":
        r = torch.round(v)
        v = r.detach() + (v - r.detach()) ** 3
    else:
        raise ValueError(f"unknown quantisation mode {mode!r}")
    return v * t


def _code_plane(plane, table, mode):
    """One 8-bit-range plane (level-shifted) through DCT, quantisation and inverse DCT."""
    d = DCT.to(plane.device)
    blocks = _blocks(plane)
    coef = d @ blocks @ d.T
    return _unblocks(d.T @ _quantise(coef, table, mode) @ d)


def jpeg(rgb, quality, mode="st"):
    """rgb [B, 3, H, W] in [0, 1], H and W multiples of 16 -> what a JPEG of it decodes to, in [0, 1].

    `quality` is one libjpeg quality for the batch, or a sequence with one per image."""
    b, _, h, w = rgb.shape
    if h % 16 or w % 16:
        raise ValueError(f"sides must be multiples of 16, got {w}x{h}")
    qs = [quality] * b if isinstance(quality, (int, float)) else list(quality)
    x = rgb * 255.0
    r, g, bl = x[:, 0], x[:, 1], x[:, 2]
    y = 0.299 * r + 0.587 * g + 0.114 * bl - 128.0
    cb = -0.168736 * r - 0.331264 * g + 0.5 * bl
    cr = 0.5 * r - 0.418688 * g - 0.081312 * bl
    chroma = F.avg_pool2d(torch.stack((cb, cr), 1), 2)
    out_y, out_c = [], []
    for i, q in enumerate(qs):
        lt, ct = quant_table(LUMA, q), quant_table(CHROMA, q)
        out_y.append(_code_plane(y[i:i + 1], lt, mode))
        out_c.append(torch.stack((_code_plane(chroma[i:i + 1, 0], ct, mode),
                                  _code_plane(chroma[i:i + 1, 1], ct, mode)), 1))
    y = torch.cat(out_y) + 128.0
    chroma = F.interpolate(torch.cat(out_c), scale_factor=2, mode="bilinear", align_corners=False)
    cb, cr = chroma[:, 0], chroma[:, 1]
    r = y + 1.402 * cr
    g = y - 0.344136 * cb - 0.714136 * cr
    bl = y + 1.772 * cb
    return torch.clamp(torch.stack((r, g, bl), 1) / 255.0, 0.0, 1.0)


def pillow_jpeg(u8, quality, fmt="JPEG"):
    """The real codec modelled here: an HxWx3 uint8 image as Pillow's libjpeg writes it (4:2:0) at `quality`;
    `fmt` names another of Pillow's lossy encoders (WEBP: its own 4:2:0) for measuring what iris serves."""
    from PIL import Image
    buf = io.BytesIO()
    extra = {"subsampling": "4:2:0"} if fmt == "JPEG" else {}
    Image.fromarray(u8).save(buf, fmt, quality=int(quality), **extra)
    return buf.getvalue()


def pillow_round_trip(u8, quality, fmt="JPEG"):
    """`u8` through Pillow's encoder (`fmt`, JPEG by default) at `quality` and back: the pixels it decodes to."""
    from PIL import Image
    return np.array(Image.open(io.BytesIO(pillow_jpeg(u8, quality, fmt))).convert("RGB"))
