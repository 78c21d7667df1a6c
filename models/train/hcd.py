"""HCD (hierarchical collaborative downscaling, Xu et al. ICCV 2023) for iris's IRN packs: the losses
whose gradients the Java ingest follows, the PyTorch network rebuilt from a shipped pack's ONNX
weights, and a PyTorch reference of the optimisation (for measurements and tests).

The LR stage, what iris ships: the LR the server stores is optimised so that the frozen up.onnx
restores the original better. The LR is kept continuous (float, in [0, 1]) and rounded to 8 bits
inside the loss by a straight-through estimator (forward: round(255 x) / 255; backward: identity),
so the loss sees the LR that will be stored while its gradient stays usable.

    d = up(ste(clamp(lr, 0, 1))) - hr                      (restore error, RGB)
    loss = sum(mask * (Y(d)^2 + chroma * (Cb(d)^2 + Cr(d)^2))) / s^2 + fidelity * sum((lr - lr_ref)^2)

with Y, Cb, Cr the BT.601 luma and colour differences (Y = 0.299 R + 0.587 G + 0.114 B,
Cb = 0.564 (B - Y), Cr = 0.713 (R - Y)). Weighting colour below luma (chroma < 1) is what image
codecs do; measured here (docs/HCD.md), an RGB-MSE loss gains +0.3 dB PSNR-Y and PSNR-RGB alike,
a luma-only loss +1.7 dB PSNR-Y but loses 1.3 dB PSNR-RGB, and chroma 0.5 gains about +0.9 dB
PSNR-Y with PSNR-RGB unchanged. Sums, not means, and the reconstruction sum divided by s^2 (HR
pixels per LR pixel), so that the gradient at one LR pixel does not depend on the size of the tile
it was computed in; ``mask`` (HR-sized, one channel) picks the HR pixels that count (a tile's own
pixels, not its margins); ``lr_ref`` is the LR the fidelity term holds the result to (iris: the
model's own 8-bit LR). ``chroma`` and ``fidelity`` are [1] tensors, graph inputs, so the server
can change them without a new graph.
"""
import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import irn


def ste_round(x):
    """8-bit rounding with the straight-through gradient: the value of round(255 x) / 255, the
    gradient of the identity."""
    return x + (torch.round(x * 255) / 255 - x).detach()


def restore_error(rec, hr, mask, chroma, scale):
    """sum(mask (Y^2 + chroma (Cb^2 + Cr^2))) / s^2 of the error rec - hr (module docstring)."""
    d = rec - hr
    y = 0.299 * d[:, 0:1] + 0.587 * d[:, 1:2] + 0.114 * d[:, 2:3]
    cb = 0.564 * (d[:, 2:3] - y)
    cr = 0.713 * (d[:, 0:1] - y)
    return (mask * (y * y + chroma[0] * (cb * cb + cr * cr))).sum() / (scale * scale)


def lr_loss(up, lr, hr, lr_ref, mask, chroma, fidelity, scale):
    """The LR stage's loss (module docstring) as a [1] tensor."""
    rec = up(ste_round(torch.clamp(lr, 0, 1)))
    err = restore_error(rec, hr, mask, chroma, scale)
    return (err + fidelity[0] * ((lr - lr_ref) ** 2).sum()).reshape(1)


def hr_loss(down, up, x, hr, mask, chroma, scale):
    """The HR stage's loss: the HR ``x`` fed to the downscaler, through down -> 8-bit (STE) -> up,
    against the original ``hr``; the same error as lr_loss (no fidelity term: the LR stage that
    follows holds the LR to what this stage made)."""
    rec = up(ste_round(torch.clamp(down(x), 0, 1)))
    return restore_error(rec, hr, mask, chroma, scale).reshape(1)


def lr_grad(up, scale):
    """(lr, hr, lr_ref, mask, chroma, fidelity) -> (loss, d loss / d lr), for make_fx."""
    def fn(lr, hr, lr_ref, mask, chroma, fidelity):
        lr = lr.detach().requires_grad_(True)
        with torch.enable_grad():
            loss = lr_loss(up, lr, hr, lr_ref, mask, chroma, fidelity, scale)
            (g,) = torch.autograd.grad(loss, lr)
        return loss.detach(), g
    return fn


def hr_grad(down, up, scale):
    """(x, hr, mask, chroma) -> (loss, d loss / d x), for make_fx."""
    def fn(x, hr, mask, chroma):
        x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            loss = hr_loss(down, up, x, hr, mask, chroma, scale)
            (g,) = torch.autograd.grad(loss, x)
        return loss.detach(), g
    return fn


def _unpadded(key, w, want):
    """A weight of a graph re-laid out by pad_channels.py back in the network's own shape: the zero output channels
    appended to a block's last convolution dropped, and the zero input channels inserted after a dense block's input
    (its first c0 channels, c0 being what the block's conv1 reads) removed. Asserts that what is dropped is zero."""
    shape = want[key].shape
    if w.shape == shape:
        return w
    if w.shape[0] > shape[0]:
        assert not w[shape[0]:].abs().max() > 0, (key, "padding")
    kept = w[:shape[0]]
    if w.dim() == 4 and kept.shape[1] != shape[1]:
        c0 = want[key.rsplit(".", 2)[0] + ".conv1.weight"].shape[1]
        extra = kept.shape[1] - shape[1]
        assert not kept[:, c0:c0 + extra].abs().max() > 0, (key, "padding")
        kept = torch.cat((kept[:, :c0], kept[:, c0 + extra:]), 1)
    assert kept.shape == shape, (key, tuple(w.shape), tuple(shape))
    return kept.contiguous()


def load_pack(model_dir):
    """The InvRescaleNet of a shipped pack, its weights read from up.onnx (so no training
    checkpoint is needed, and the gradient graphs are made from exactly the network that serves);
    down.onnx must hold the same weights. Returns (net, scale)."""
    card = json.load(open(os.path.join(model_dir, "model.json")))
    arch = card["architecture"]
    net = irn.build({"scale": card["scale"], "blocks": arch["blocks_per_level"], "gc": arch["gc"]})
    want = net.state_dict()
    for graph in ("up.onnx", "down.onnx"):
        found = {}
        for init in onnx.load(os.path.join(model_dir, graph)).graph.initializer:
            key = init.name[4:] if init.name.startswith("net.") else init.name
            if key in want:
                found[key] = _unpadded(key, torch.from_numpy(numpy_helper.to_array(init).copy()), want)
        missing = sorted(set(want) - set(found))
        assert not missing, (model_dir, graph, "weights not found by name", missing[:5])
        if graph == "up.onnx":
            net.load_state_dict(found, strict=True)
        else:
            for k, v in found.items():
                assert torch.equal(v, net.state_dict()[k]), (model_dir, "down.onnx and up.onnx differ at", k)
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net, card["scale"]


def psnr_y(a, b, border):
    """PSNR-Y (BT.601, [16, 235]) of two [1,3,H,W] tensors in [0,1] quantised to 8 bits."""
    def y(t):
        t = torch.round(torch.clamp(t, 0, 1) * 255).double() / 255
        if border:
            t = t[..., border:-border, border:-border]
        return 16 + 65.481 * t[:, 0] + 128.553 * t[:, 1] + 24.966 * t[:, 2]
    mse = torch.mean((y(a) - y(b)) ** 2).item()
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def optimise_lr(up, scale, lr0, hr, iterations, step=2e-3, chroma=0.5, fidelity=0.0, bound=None, lr_ref=None,
                callback=None):
    """Reference LR stage, as the Java ingest runs it: Adam (betas 0.9, 0.999, eps 1e-8) on the
    continuous LR from lr0, each step projected into [0, 1] and, with ``bound``, into lr_ref +- bound;
    the loss is evaluated at every iterate (iterations + 1 evaluations) and the 8-bit LR of the
    lowest one is returned, so the result is never worse than lr0 by the loss. ``callback(i, best)``
    sees the best 8-bit LR after the i-th iterate's evaluation."""
    lr_ref = lr0 if lr_ref is None else lr_ref
    lr = lr0.clone().requires_grad_(True)
    opt = torch.optim.Adam([lr], lr=step)
    mask = torch.ones(1, 1, hr.shape[2], hr.shape[3])
    fid = torch.tensor([fidelity])
    chr_ = torch.tensor([chroma])
    best, best_lr = float("inf"), None
    for i in range(iterations + 1):
        opt.zero_grad()
        loss = lr_loss(up, lr, hr, lr_ref, mask, chr_, fid, scale)
        if loss.item() < best:
            best, best_lr = loss.item(), torch.round(torch.clamp(lr.detach(), 0, 1) * 255) / 255
        if callback:
            callback(i, best_lr)
        if i == iterations:
            break
        loss.backward()
        opt.step()
        with torch.no_grad():
            if bound is not None:
                lr.copy_(torch.minimum(torch.maximum(lr, lr_ref - bound), lr_ref + bound))
            lr.clamp_(0, 1)
    return best_lr


def optimise_hr(down, up, scale, hr, iterations, step=1e-3, chroma=0.5):
    """Reference HR stage: Adam on the HR fed to down from the original, projected into [0, 1].
    Returns the continuous LR down makes of the optimised HR."""
    x = hr.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=step)
    mask = torch.ones(1, 1, hr.shape[2], hr.shape[3])
    for _ in range(iterations):
        opt.zero_grad()
        hr_loss(down, up, x, hr, mask, torch.tensor([chroma]), scale).backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(0, 1)
    with torch.no_grad():
        return down(x)
