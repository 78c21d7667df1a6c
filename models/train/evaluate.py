"""Evaluate a trained IRN checkpoint on the held-out val photos (IRN protocol).

    models/train/.venv/bin/python -m models.train.evaluate models/train/runs/<id>/last.pt \
        [--out metrics.json] [--comparison comparison.png] [--z-samples 3] [--max-side 1024]

Metrics (mean over the val photos; each photo is centre-cropped to at most --max-side on each
side and to a multiple of the scale, so CPU evaluation stays quick):
  * psnr_y:   restored (z = 0) vs HR, Y of BT.601 (MATLAB rgb2ycbcr), restored rounded to
              8 bits, border of `scale` pixels cropped;
  * psnr_rgb: same on RGB;  * ssim_y: Gaussian 11x11, sigma 1.5 SSIM on Y;
  * lr_psnr_y_vs_bicubic: the 8-bit LR vs the bicubic LR (PyTorch bicubic, antialias=True,
              the training target), Y, no border;
  * baselines: PIL BICUBIC down then PIL BICUBIC up, and PIL BICUBIC down then PIL LANCZOS up;
  * z ~ N(0,1): psnr_y with sampled z, mean over --z-samples draws (fixed seeds);
  * served: psnr_y and psnr_rgb of the restore (of bicubic->bicubic; of the LR against the bicubic LR) after
              the lossy codecs iris serves with, at its default quality (serving.defaultQuality 85; JPEG with
              4:2:0 chroma as Java's writer makes it, WebP always 4:2:0): those discard most fine chroma, so a
              restore's chroma error counts for less there than in psnr_rgb of the PNG.
"""
import argparse
import glob
import json
import os

import numpy as np
import torch
from PIL import Image, ImageDraw

from . import irn, jpeg_sim, metrics
from .train import bicubic_down

HERE = os.path.dirname(os.path.abspath(__file__))


def to_u8(t):
    return (torch.clamp(t, 0, 1) * 255).round().byte()[0].permute(1, 2, 0).numpy()


def load_val(max_side, s):
    out = []
    for f in sorted(glob.glob(os.path.join(HERE, "data", "val", "*.png"))):
        im = np.array(Image.open(f).convert("RGB"))
        h, w, _ = im.shape
        ch, cw = min(h, max_side), min(w, max_side)
        ch -= ch % (2 * s)
        cw -= cw % (2 * s)
        y0, x0 = (h - ch) // 2, (w - cw) // 2
        out.append((os.path.basename(f)[:-4], np.ascontiguousarray(im[y0:y0 + ch, x0:x0 + cw])))
    return out


SERVED = (("JPEG", 85), ("WEBP", 85))


def served_metrics(ref, test, s):
    out = {}
    for fmt, q in SERVED:
        dec = jpeg_sim.pillow_round_trip(test, q, fmt)
        out[f"{fmt.lower()}{q}"] = {"psnr_y": metrics.psnr_y(ref, dec, s), "psnr_rgb": metrics.psnr_rgb(ref, dec, s)}
    return out


def all_metrics(ref, test, s):
    return {"psnr_y": metrics.psnr_y(ref, test, s), "psnr_rgb": metrics.psnr_rgb(ref, test, s),
            "ssim_y": metrics.ssim_y(ref, test, s)}


# batch-1 convolutions: NNPACK cannot initialise on CPUs it does not know and would warn on
# every call (PyTorch's native kernel runs either way)
@torch.backends.nnpack.flags(enabled=False)
@torch.no_grad()
def evaluate(net, s, max_side=1024, z_samples=3):
    net.eval()
    rows = []
    for name, hr8 in load_val(max_side, s):
        hr = torch.from_numpy(hr8).permute(2, 0, 1)[None].float() / 255.0
        out = net(hr)
        lr = torch.round(torch.clamp(out[:, :3], 0, 1) * 255) / 255
        zshape = out[:, 3:].shape
        rec8 = to_u8(net(torch.cat((lr, torch.zeros(zshape)), 1), rev=True))
        r = {"name": name, "size": list(hr8.shape[:2])}
        r["iris"] = all_metrics(hr8, rec8, s)
        r["iris_served"] = served_metrics(hr8, rec8, s)
        zs = []
        for k in range(z_samples):
            g = torch.Generator().manual_seed(1000 + k)
            z = torch.randn(zshape, generator=g)
            zs.append(metrics.psnr_y(hr8, to_u8(net(torch.cat((lr, z), 1), rev=True)), s))
        r["iris_z_sampled_psnr_y"] = float(np.mean(zs)) if zs else None
        bic_lr8 = to_u8(bicubic_down(hr, s))
        r["lr_psnr_y_vs_bicubic"] = metrics.psnr_y(bic_lr8, to_u8(lr), 0)
        r["lr_psnr_rgb_vs_bicubic"] = metrics.psnr_rgb(bic_lr8, to_u8(lr), 0)
        r["lr_served"] = served_metrics(bic_lr8, to_u8(lr), 0)  # the LR served as a thumbnail, vs the bicubic LR
        pil = Image.fromarray(hr8)
        w, h = pil.size
        small = pil.resize((w // s, h // s), Image.BICUBIC)
        bicubic8 = np.asarray(small.resize((w, h), Image.BICUBIC))
        r["bicubic"] = all_metrics(hr8, bicubic8, s)
        r["bicubic_served"] = served_metrics(hr8, bicubic8, s)
        r["lanczos"] = all_metrics(hr8, np.asarray(small.resize((w, h), Image.LANCZOS)), s)
        rows.append(r)
        print(f"{name:34s} iris {r['iris']['psnr_y']:.2f}  bicubic {r['bicubic']['psnr_y']:.2f}  "
              f"lanczos {r['lanczos']['psnr_y']:.2f}  z~N {r['iris_z_sampled_psnr_y']:.2f}  "
              f"LR {r['lr_psnr_y_vs_bicubic']:.2f}", flush=True)

    def mean(path):
        vals = []
        for r in rows:
            v = r
            for p in path:
                v = v[p]
            vals.append(v)
        return round(float(np.mean(vals)), 4)

    summary = {
        "val_photos": [r["name"] for r in rows],
        "crop": f"centre crop, at most {max_side}x{max_side}",
        "iris": {k: mean(["iris", k]) for k in ("psnr_y", "psnr_rgb", "ssim_y")},
        "iris_z_sampled_psnr_y": mean(["iris_z_sampled_psnr_y"]),
        "z_samples": z_samples,
        "lr_psnr_y_vs_bicubic_lr": mean(["lr_psnr_y_vs_bicubic"]),
        "lr_psnr_rgb_vs_bicubic_lr": mean(["lr_psnr_rgb_vs_bicubic"]),
        "bicubic_bicubic": {k: mean(["bicubic", k]) for k in ("psnr_y", "psnr_rgb", "ssim_y")},
        "bicubic_lanczos": {k: mean(["lanczos", k]) for k in ("psnr_y", "psnr_rgb", "ssim_y")},
        **{f"{who}_served": {c: {k: mean([f"{who}_served", c, k]) for k in ("psnr_y", "psnr_rgb")}
                             for c in rows[0][f"{who}_served"]} for who in ("iris", "bicubic", "lr")},
        "per_photo": rows,
    }
    summary["gain_psnr_y_over_bicubic_db"] = round(
        summary["iris"]["psnr_y"] - summary["bicubic_bicubic"]["psnr_y"], 4)
    return summary


@torch.backends.nnpack.flags(enabled=False)
@torch.no_grad()
def comparison(net, s, out_path, crop=192):
    """HR crop | bicubic restore | iris restore | LR (nearest-upscaled), labelled."""
    # deterministic pick: the crop (on a coarse grid over all val photos) with the most
    # high-frequency detail, where restoration quality differs most visibly
    best = None
    for name_k, im_k in load_val(4096, s):
        g = im_k.astype(np.float32).mean(2)
        h, w = g.shape
        for y in range(0, h - crop, crop // 2):
            for x in range(0, w - crop, crop // 2):
                t = g[y:y + crop, x:x + crop]
                e = float(np.abs(np.diff(t, axis=0)).mean() + np.abs(np.diff(t, axis=1)).mean())
                if best is None or e > best[0]:
                    best = (e, name_k, y - y % s, x - x % s)
    _, name, y0, x0 = best
    im = dict(load_val(4096, s))[name]
    hr8 = np.ascontiguousarray(im[y0:y0 + crop, x0:x0 + crop])
    hr = torch.from_numpy(hr8).permute(2, 0, 1)[None].float() / 255.0
    out = net.eval()(hr)
    lr = torch.round(torch.clamp(out[:, :3], 0, 1) * 255) / 255
    rec8 = to_u8(net(torch.cat((lr, torch.zeros_like(out[:, 3:])), 1), rev=True))
    pil = Image.fromarray(hr8)
    bic8 = np.asarray(pil.resize((crop // s, crop // s), Image.BICUBIC).resize((crop, crop),
                                                                               Image.BICUBIC))
    lr_big = Image.fromarray(to_u8(lr)).resize((crop, crop), Image.NEAREST)
    zoom = 2
    tiles = [("HR (original)", Image.fromarray(hr8)),
             (f"bicubic x{s} down+up {metrics.psnr_y(hr8, bic8, s):.2f} dB", Image.fromarray(bic8)),
             (f"iris restore {metrics.psnr_y(hr8, rec8, s):.2f} dB", Image.fromarray(rec8)),
             (f"iris LR (nearest x{s})", lr_big)]
    T = crop * zoom
    sheet = Image.new("RGB", (4 * T + 3 * 4, T + 18), "white")
    d = ImageDraw.Draw(sheet)
    for k, (label, t) in enumerate(tiles):
        sheet.paste(t.resize((T, T), Image.NEAREST), (k * (T + 4), 18))
        d.text((k * (T + 4) + 3, 3), label, fill="black")
    sheet.save(out_path)
    return {"photo": name, "crop": [y0, x0, crop, crop], "zoom": zoom}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--out")
    ap.add_argument("--comparison")
    ap.add_argument("--z-samples", type=int, default=3)
    ap.add_argument("--max-side", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = torch.load(a.checkpoint, map_location="cpu", weights_only=False)
    net = irn.build(ck["config"])
    net.load_state_dict(ck["model"], strict=True)
    s = ck["config"]["scale"]
    res = evaluate(net, s, a.max_side, a.z_samples)
    res["step"] = ck["step"]
    if a.comparison:
        res["comparison"] = comparison(net, s, a.comparison)
    print(json.dumps({k: v for k, v in res.items() if k != "per_photo"}, indent=1))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
