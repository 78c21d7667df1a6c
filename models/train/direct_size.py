"""Restore straight to the requested size, or to the original and resample? (issue 13, serving)

    models/train/.venv/bin/python -m models.train.direct_size [--pack models/iarn-small] [--crop 384]

An arbitrary-scale asset's restore is the network's core output (4x the LR size) resampled to the
original's size. A request for a smaller size, still larger than the LR, can resample the core output
straight to that size (one resample) instead of resampling the original-size restore (two). Both run the
network on the same core, so only quality can differ; this measures it. Reference: the original resized
to the requested size. All resizes are iris's bicubic (the Java resampler's port), 8-bit in between.
"""
import argparse
import math
import os
import time

import numpy as np
import torch

from . import iarn, iarn_export, iarn_eval, metrics

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCALES = [(2.5, 2.5), (3, 3), (1.5, 3)]
FRACTIONS = [0.9, 0.7, 0.5]  # of the original's size: larger than the LR on at least one axis at these scales


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default=os.path.join(ROOT, "models", "iarn-small"))
    ap.add_argument("--images", default=os.path.join(ROOT, "models", "eval"))
    ap.add_argument("--crop", type=int, default=384)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "eval", "iarn-direct-size.md"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    down, up = iarn_export.ort_callables(a.pack)
    images = iarn_eval.load_images(a.images, a.crop)
    lines = ["| scale | size asked | via the original (dB) | straight (dB) | straight - via |",
             "|---|---|---:|---:|---:|"]
    print("\n".join(lines))
    for sx, sy in SCALES:
        runs = [(hr8, iarn_export.pipeline(hr8, sy, sx, down, up)) for _, hr8 in images]
        for f in FRACTIONS:
            via, direct = [], []
            for hr8, p in runs:
                H, W, _ = hr8.shape
                tw, th = round(W * f), round(H * f)
                h, w = p["lr_hw"]
                assert tw > w or th > h, (tw, th, w, h)  # else the LR itself serves it
                ref = iarn.resize_u8(hr8, tw, th)
                b = int(math.ceil(max(sx, sy) * f))
                via.append(metrics.psnr_y(ref, iarn.resize_u8(p["restored8"], tw, th), b))
                direct.append(metrics.psnr_y(ref, iarn.resize_u8(p["rec_core8"], tw, th), b))
            v, d = float(np.mean(via)), float(np.mean(direct))
            label = f"x{sx:g}" if sx == sy else f"({sx:g}, {sy:g})"
            lines.append(f"| {label} | {f:g} of the original | {v:.2f} | {d:.2f} | {d - v:+.2f} |")
            print(lines[-1], flush=True)
    pack = os.path.basename(os.path.normpath(a.pack))
    with open(a.out, "w") as out:
        out.write(f"# {pack}: restore straight to the size asked, or to the original and resample\n\n"
                  f"Command: `models/train/.venv/bin/python -m models.train.direct_size --crop {a.crop}`, "
                  f"{len(images)} held-out photos (models/eval, centre crops of {a.crop}). "
                  "PSNR-Y against the original resized to the size asked (iris's bicubic), border "
                  "ceil(max(s) x fraction) cropped. *Via the original*: the core output resized to the "
                  "original's size (8-bit), then to the size asked, as iris serves (whose last resample is Lanczos-3; bicubic for both here). *Straight*: the core "
                  "output resized to the size asked at once. Both run the network on the same core "
                  "(4x the LR size), so the model's cost is the same; the straight restore is one resample "
                  "(and one 8-bit rounding) shorter, but serves one size only, where the cached original "
                  "serves every size for a resample.\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
