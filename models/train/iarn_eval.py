"""Evaluate arbitrary-scale rescaling over a table of scales (issue 13), writing docs/eval/iarn-scales.{md,json}.

    models/train/.venv/bin/python -m models.train.iarn_eval --pack models/iarn-small [--crop 384] [--threads 2]

Images: models/eval (the five held-out photos), centre crops of --crop x --crop (CPU time; 0 = whole).
For each requested scale (s_x, s_y) the LR is (w, h) = (round(W/s_x), round(H/s_y)), the same for
every method, and every method runs the host's cycle with 8-bit images in between:
  * bicubic->bicubic: iris bicubic HR -> w x h (8-bit) -> W x H;
  * no-training baseline (= the r0 pack): iris bicubic HR -> 4w x 4h (8-bit), models/irn-x4-small
    down -> 8-bit LR -> up -> 8-bit -> iris bicubic back to W x H;
  * nearest fixed-scale IRN + bicubic: the same with models/irn-x2-small at 2w x 2h when the geometric
    mean scale is below 2*sqrt(2), else x4 (then it is the baseline itself); at exactly x2 the resizes
    are identities and this is the dedicated x2 model;
  * each --pack (family iarn) through ONNX Runtime with its scale input (H/h, W/w).
PSNR-Y (BT.601, restore rounded to 8 bits, border ceil(max(s_x, s_y)) cropped) and the LR's PSNR-Y
against the iris bicubic LR of the same size (no border).
"""
import argparse
import glob
import json
import math
import os
import time

import numpy as np
import onnxruntime
import torch
from PIL import Image

from . import iarn, iarn_export, metrics

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCALES = [(1.5, 1.5), (2, 2), (2.5, 2.5), (3, 3), (3.5, 3.5), (4, 4), (1.5, 3), (2, 4), (3.5, 2)]  # (s_x, s_y)


def sessions(path, names):
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = torch.get_num_threads()
    so.inter_op_num_threads = 1
    return [onnxruntime.InferenceSession(os.path.join(path, n), so, providers=["CPUExecutionProvider"])
            for n in names]


def irn_cycle(hr8, k, w, h, sd, su):
    """Fixed-scale IRN x k at the LR size w x h: bicubic to k*w x k*h, down, 8-bit, up, 8-bit, bicubic back."""
    H, W, _ = hr8.shape
    core8 = iarn.resize_u8(hr8, k * w, k * h)
    lr8 = iarn_export.to_u8(sd.run(None, {"hr": iarn_export.to_nchw(core8)})[0])
    rec8 = iarn_export.to_u8(su.run(None, {"lr": iarn_export.to_nchw(lr8)})[0])
    return lr8, iarn.resize_u8(rec8, W, H)


def load_images(d, crop):
    out = []
    for f in sorted(glob.glob(os.path.join(d, "*.png"))):
        im = np.array(Image.open(f).convert("RGB"))
        if crop:
            h, w, _ = im.shape
            y0, x0 = (h - min(crop, h)) // 2, (w - min(crop, w)) // 2
            im = np.ascontiguousarray(im[y0:y0 + crop, x0:x0 + crop])
        out.append((os.path.basename(f)[:-4], im))
    return out


def _finite(value):
    """value with every non-finite float replaced by None (JSON null)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", action="append", default=[], help="models/<id> of family iarn (repeatable)")
    ap.add_argument("--label", action="append", default=[], help="label per --pack (default: its id)")
    ap.add_argument("--images", default=os.path.join(ROOT, "models", "eval"))
    ap.add_argument("--crop", type=int, default=384)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "eval", "iarn-scales"))
    ap.add_argument("--command", default=None, help="command line to record in the table")
    ap.add_argument("--write-card", action="store_true",
                    help="store each pack's rows (and the baselines') as `metrics` in its model.json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    x2 = sessions(os.path.join(ROOT, "models", "irn-x2-small"), ["down.onnx", "up.onnx"])
    x4 = sessions(os.path.join(ROOT, "models", "irn-x4-small"), ["down.onnx", "up.onnx"])
    packs = []
    for i, p in enumerate(a.pack):
        card = json.load(open(os.path.join(p, "model.json")))
        assert card["architecture"]["family"] == "iarn", p
        label = a.label[i] if i < len(a.label) else card["id"]
        packs.append((label, iarn_export.ort_callables(p), card))
    images = load_images(a.images, a.crop)
    t0 = time.time()
    rows = []  # (scale, image, method, psnr_y, lr_psnr_y)
    for sx, sy in SCALES:
        b = int(math.ceil(max(sx, sy)))
        for name, hr8 in images:
            H, W, _ = hr8.shape
            h, w = iarn.lr_size(H, W, sy, sx)
            bic_lr = iarn.resize_u8(hr8, w, h)

            def add(method, lr8, rest8):
                rows.append(((sx, sy), name, method, metrics.psnr_y(hr8, rest8, b),
                             metrics.psnr_y(bic_lr, lr8, 0)))
            add("bicubic→bicubic", bic_lr, iarn.resize_u8(bic_lr, W, H))
            lr8, rest8 = irn_cycle(hr8, 4, w, h, *x4)
            add("no-training baseline (r0)", lr8, rest8)
            if math.sqrt(sx * sy) < 2 * math.sqrt(2):
                lr8, rest8 = irn_cycle(hr8, 2, w, h, *x2)
                add("nearest IRN (x2) + bicubic", lr8, rest8)
            else:
                add("nearest IRN (x4) + bicubic", lr8, rest8)
            for label, (d, u), _ in packs:
                p = iarn_export.pipeline(hr8, sy, sx, d, u)
                add(label, p["lr8"], p["restored8"])
        print(f"scale {sx},{sy} done at {time.time() - t0:.0f} s", flush=True)

    methods = []
    for r in rows:
        m = r[2] if not r[2].startswith("nearest IRN") else "nearest IRN + bicubic"
        if m not in methods:
            methods.append(m)

    def mean(scale, method, idx):
        v = [r[idx] for r in rows if r[0] == scale and (r[2] == method or
                                                         (method == "nearest IRN + bicubic" and r[2].startswith("nearest IRN")))]
        return float(np.mean(v))

    summary = {}
    for m in methods:
        summary[m] = {f"{sx},{sy}": {"psnr_y": round(mean((sx, sy), m, 3), 3),
                                     "lr_psnr_y_vs_bicubic_lr": round(mean((sx, sy), m, 4), 3)}
                      for sx, sy in SCALES}
    cmd = a.command or "models/train/.venv/bin/python -m models.train.iarn_eval " + " ".join(
        [f"--pack {p}" for p in a.pack] + [f"--label '{l}'" for l in a.label] + [f"--crop {a.crop}"])
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out + ".json", "w") as f:
        json.dump({"command": cmd, "images": [n for n, _ in images], "crop": a.crop,
                   "scales_xy": SCALES, "methods": summary,
                   "per_image": [{"scale_xy": list(r[0]), "image": r[1], "method": r[2],
                                  "psnr_y": round(r[3], 3), "lr_psnr_y": round(r[4], 3)} for r in rows]},
                  f, indent=1)
    hdr = [f"x{sx}" if sx == sy else f"({sx}, {sy})" for sx, sy in SCALES]
    lines = [f"# Arbitrary-scale rescaling over scales (issue 13), models/eval",
             "", f"Command: `{cmd}`. Date: {time.strftime('%Y-%m-%d', time.gmtime())}. "
             f"{len(images)} held-out photos, centre crops {a.crop}x{a.crop}"
             if a.crop else f"{len(images)} held-out photos, whole", "",
             "Scales as (s_x, s_y); LR size (round(W/s_x), round(H/s_y)), the same for every method. Restores "
             "rounded to 8 bits; PSNR-Y (BT.601) with a border of ceil(max(s)) cropped. The host's resizes are "
             "iris bicubic (dev.iris.image.Resampler, bit-exact port). The no-training baseline is bicubic to "
             "4x the LR size, irn-x4-small down and up, bicubic back (the r0 pack computes exactly this).", "",
             "## Restored PSNR-Y (dB), mean", "",
             "| method | " + " | ".join(hdr) + " |", "|---|" + "---:|" * len(hdr)]
    for m in methods:
        lines.append(f"| {m} | " + " | ".join(f"{summary[m][f'{sx},{sy}']['psnr_y']:.2f}" for sx, sy in SCALES) + " |")
    lines += ["", "## Gain over bicubic→bicubic (dB)", "", "| method | " + " | ".join(hdr) + " |",
              "|---|" + "---:|" * len(hdr)]
    for m in methods[1:]:
        lines.append(f"| {m} | " + " | ".join(
            f"{summary[m][f'{sx},{sy}']['psnr_y'] - summary[methods[0]][f'{sx},{sy}']['psnr_y']:+.2f}"
            for sx, sy in SCALES) + " |")
    lines += ["", "## LR PSNR-Y vs the iris bicubic LR of the same size (dB), mean", "",
              "| method | " + " | ".join(hdr) + " |", "|---|" + "---:|" * len(hdr)]
    for m in methods[1:]:
        lines.append(f"| {m} | " + " | ".join(f"{summary[m][f'{sx},{sy}']['lr_psnr_y_vs_bicubic_lr']:.2f}"
                                               for sx, sy in SCALES) + " |")
    lines += ["", "## Per image, restored PSNR-Y (dB)", "", "| scale | image | " + " | ".join(methods) + " |",
              "|---|---|" + "---:|" * len(methods)]
    for sx, sy in SCALES:
        for name, _ in images:
            vals = {("nearest IRN + bicubic" if r[2].startswith("nearest IRN") else r[2]): r[3]
                    for r in rows if r[0] == (sx, sy) and r[1] == name}
            lines.append(f"| ({sx}, {sy}) | {name} | " + " | ".join(f"{vals[m]:.2f}" for m in methods) + " |")
    lines.append("")
    with open(a.out + ".md", "w") as f:
        f.write("\n".join(lines))
    if a.write_card:
        for (label, _, card), path in zip(packs, a.pack):
            base = {"bicubic_bicubic": summary["bicubic→bicubic"],
                    "no_training_baseline": summary["no-training baseline (r0)"],
                    "nearest_irn_bicubic": summary["nearest IRN + bicubic"]}
            card["metrics"] = {"source": os.path.relpath(a.out, ROOT) + ".md", "command": cmd,
                               "images": [n for n, _ in images], "crop": a.crop,
                               "psnr_y_border": "ceil(max(s_x, s_y))", "scales_xy_keys": "s_x,s_y",
                               "iarn": summary[label], **base}
            with open(os.path.join(path, "model.json"), "w") as f:
                # strict JSON (the server's parser rejects Infinity): a bicubic LR against itself has no finite PSNR
                json.dump(_finite(card), f, indent=1, allow_nan=False)
    print("\n".join(lines[:12 + 3 * len(methods) + 10]))
    print(f"wrote {a.out}.md/.json in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
