"""The PyTorch measurements behind the HCD defaults (docs/HCD.md): the reference optimiser of
hcd.py on centre crops of the held-out photos (models/eval), per setting, with the gain in PSNR-Y
and PSNR-RGB over the plain LR, the LR's PSNR-Y against a bicubic LR and against the plain LR.

    models/train/.venv/bin/python -m models.train.hcd_explore models/irn-x2-small \\
        '[{"it": 30, "bound": 4, "marks": [5, 10, 15, 20, 30]}]' --crop 192

Each setting is a JSON object: it (LR-stage iterations), step (Adam, default 2e-3), y (chroma
weight, default 0.5; "rgb": true for a plain RGB squared error instead), fid (fidelity weight),
bound (levels), hr_it / hr_step (HR stage first), marks (iteration counts to report). One thread;
minutes per setting on a busy core.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from . import hcd, irn

RESTORE_ERROR = hcd.restore_error


def rgb_error(rec, hr, mask, chroma, scale):
    """The plain RGB squared error, for comparison with hcd's luma/chroma one."""
    return (mask * (rec - hr) ** 2).sum() / (scale * scale)


def psnr_rgb(a, b, border):
    qa = torch.round(torch.clamp(a, 0, 1) * 255).double()[..., border:-border, border:-border]
    qb = torch.round(torch.clamp(b, 0, 1) * 255).double()[..., border:-border, border:-border]
    return 10 * np.log10(255 ** 2 / torch.mean((qa - qb) ** 2).item())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pack")
    ap.add_argument("settings", help="JSON list of settings")
    ap.add_argument("--crop", type=int, default=192, help="side of the centre crop of each photo, HR pixels")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.backends.nnpack.set_flags(False)
    net, s = hcd.load_pack(a.pack)
    down, up = irn.Down(net), irn.Up(net)
    photos = sorted(f for f in os.listdir("models/eval") if f.endswith(".png"))
    res = {}
    for f in photos:
        im = np.array(Image.open(os.path.join("models/eval", f)).convert("RGB"))
        h, w, _ = im.shape
        y0, x0 = (h - a.crop) // 2, (w - a.crop) // 2
        hr = torch.from_numpy(im[y0:y0 + a.crop, x0:x0 + a.crop].copy()).permute(2, 0, 1)[None].float() / 255
        with torch.no_grad():
            lr0 = torch.round(torch.clamp(down(hr), 0, 1) * 255) / 255
            base, base_rgb = hcd.psnr_y(up(lr0), hr, s), psnr_rgb(up(lr0), hr, s)
            bic = F.interpolate(hr, scale_factor=1 / s, mode="bicubic", antialias=True, align_corners=False)
        print(f, "plain PSNR-Y", round(base, 3), "LR vs bicubic", round(hcd.psnr_y(lr0, bic, 0), 3), flush=True)
        res.setdefault("plain", []).append(({0: (base, hcd.psnr_y(lr0, bic, 0), float("inf"), base_rgb)}, 0))
        for cfg in json.loads(a.settings):
            hcd.restore_error = rgb_error if cfg.get("rgb") else RESTORE_ERROR
            marks = {}

            def seen(i, lr8):
                if i in cfg.get("marks", [cfg["it"]]):
                    with torch.no_grad():
                        r = up(lr8)
                        marks[i] = (hcd.psnr_y(r, hr, s) - base, hcd.psnr_y(lr8, bic, 0), hcd.psnr_y(lr8, lr0, 0),
                                    psnr_rgb(r, hr, s) - base_rgb)
            t = time.time()
            start = lr0
            if cfg.get("hr_it"):
                start = hcd.optimise_hr(down, up, s, hr, cfg["hr_it"], cfg.get("hr_step", 1e-3),
                                        cfg.get("y", 0.5)).clamp(0, 1)
            hcd.optimise_lr(up, s, start, hr, cfg["it"], cfg.get("step", 2e-3), cfg.get("y", 0.5), cfg.get("fid", 0.0),
                            cfg.get("bound") and cfg["bound"] / 255, callback=seen)
            res.setdefault(json.dumps(cfg), []).append((marks, time.time() - t))
            print(f, json.dumps(cfg), {k: tuple(round(float(x), 3) for x in v) for k, v in marks.items()},
                  round(time.time() - t, 1), flush=True)
    print("== mean: {iterations: (gain PSNR-Y, LR vs bicubic LR, LR vs plain LR, gain PSNR-RGB)}, seconds")
    for key, rows in res.items():
        print(key, {k: tuple(round(float(np.mean([r[0][k][j] for r in rows])), 3) for j in range(4))
                    for k in rows[0][0]}, "s", round(float(np.mean([r[1] for r in rows])), 1))


if __name__ == "__main__":
    main()
