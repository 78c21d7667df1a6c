"""Rate-distortion baselines at x2: bits per original pixel against PSNR-Y on the held-out photos.

    models/train/.venv/bin/python -m models.train.rd_baselines \
        [--images models/eval] [--model models/irn-x2-small] [--out docs/eval] \
        [--add-model DIR[:CODEC[:Q,Q,...]]]... [--add-points FILE.csv]... [--threads 2]

Series (each point is the mean over the images of bits per pixel and of PSNR-Y):
  * iris lossless: the shipped model's LR (down.onnx in ONNX Runtime, rounded to 8 bits) stored
    as PNG and as lossless WebP (iris's setting: method 4, effort 50), restored by up.onnx (z = 0);
  * iris LR + lossy JPEG / WebP, restored by up.onnx: what storing the plain model's LR lossily
    costs (the reason part 2 of issue 15 wants a compression-aware model);
  * bicubic x2 LR (PyTorch bicubic, a = -0.75, antialiased: the LR the model is trained to look
    like) + JPEG / WebP, enlarged with the same bicubic;
  * JPEG and WebP of the HR itself.
Codecs are Pillow's (libjpeg-turbo with 4:2:0 chroma, libwebp); sizes are the encoded files
only, no container or metadata beyond what the codec writes. PSNR-Y follows the IRN protocol
(BT.601 Y, 8-bit outputs, a border of `scale` pixels cropped), as `./iris eval` does.

Hooks for models to come (a compression-aware model whose LR is meant to be stored lossily):
  * --add-model DIR[:CODEC[:Q,...]] evaluates another model pack (down.onnx, up.onnx): its LR
    is stored with CODEC (png, webp-lossless, webp or jpeg; default: the "lr_codec" object of
    its model.json, {"format": "webp", "quality": 90}, when present, else png) at each quality;
  * --add-points FILE.csv adds precomputed points (columns: series,quality,bpp,psnr_y), e.g.
    from a training run's own evaluation;
  * in Python, `evaluate_model(pack_dir, images, codec, qualities)` returns the same rows.

Writes rd-baselines-x2.md (table and crossovers), rd-baselines-x2.csv (per image) and
rd-baselines-x2.png (the plot).
"""
import argparse
import csv
import glob
import io
import json
import math
import os
from collections import OrderedDict

import numpy as np
import onnxruntime as ort
import torch
import torch.nn.functional as F
from PIL import Image, features

from . import jpeg_sim, metrics

SCALE = 2
HR_QUALITIES = (5, 10, 20, 30, 50, 70, 80, 90, 95)  # low ones too, so the curves overlap the LR ones
LR_QUALITIES = (30, 50, 70, 80, 90, 95)
IRIS_WEBP = {"method": 4, "quality": 50}  # WebpLrCodec.METHOD and EFFORT


def encode(u8, codec, quality=None):
    """Encoded bytes of an HxWx3 uint8 image; codec png, webp-lossless, webp or jpeg."""
    buf = io.BytesIO()
    im = Image.fromarray(u8)
    if codec == "png":
        im.save(buf, "PNG", compress_level=9)
    elif codec == "webp-lossless":
        im.save(buf, "WEBP", lossless=True, exact=True, **IRIS_WEBP)
    elif codec == "webp":
        im.save(buf, "WEBP", quality=quality, method=4)
    elif codec == "jpeg":
        return jpeg_sim.pillow_jpeg(u8, quality)
    else:
        raise ValueError("unknown codec " + codec)
    return buf.getvalue()


def decode(data):
    return np.array(Image.open(io.BytesIO(data)).convert("RGB"))


def to_tensor(u8):
    return torch.from_numpy(u8).permute(2, 0, 1).unsqueeze(0).float() / 255.0


def to_u8(t):
    return (torch.clamp(t, 0, 1) * 255).round().byte()[0].permute(1, 2, 0).numpy()


def bicubic(u8, size):
    """PyTorch bicubic (a = -0.75), antialiased when shrinking; size is (h, w)."""
    with torch.no_grad():
        t = F.interpolate(to_tensor(u8), size=size, mode="bicubic", align_corners=False,
                          antialias=size[0] < u8.shape[0])
    return to_u8(t)


class Pack:
    """A model pack's two graphs in ONNX Runtime (CPU)."""

    def __init__(self, pack_dir, threads):
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.dir = pack_dir
        card = os.path.join(pack_dir, "model.json")  # absent while a release is still writing the pack
        self.card = json.load(open(card)) if os.path.exists(card) else {}
        self.id = self.card.get("id", os.path.basename(pack_dir.rstrip("/")))
        self.down = ort.InferenceSession(os.path.join(pack_dir, "down.onnx"), opts,
                                         providers=["CPUExecutionProvider"])
        self.up = ort.InferenceSession(os.path.join(pack_dir, "up.onnx"), opts,
                                       providers=["CPUExecutionProvider"])

    def downscale(self, hr_u8):
        x = to_tensor(hr_u8).numpy()
        lr = self.down.run(None, {self.down.get_inputs()[0].name: x})[0]
        return to_u8(torch.from_numpy(lr))

    def restore(self, lr_u8):
        x = to_tensor(lr_u8).numpy()
        hr = self.up.run(None, {self.up.get_inputs()[0].name: x})[0]
        return to_u8(torch.from_numpy(hr))

    def lr_codec(self):
        """The codec and quality model.json says the LR was trained for, else lossless PNG."""
        c = self.card.get("lr_codec")
        if not c:
            return "png", [None]
        return c["format"], [c.get("quality")]


def load_images(d):
    out = []
    for f in sorted(glob.glob(os.path.join(d, "*.png"))):
        im = np.array(Image.open(f).convert("RGB"))
        h, w, _ = im.shape
        out.append((os.path.splitext(os.path.basename(f))[0], im[:h // SCALE * SCALE, :w // SCALE * SCALE]))
    if not out:
        raise SystemExit("no PNG images in " + d)
    return out


def row(series, quality, image, hr, nbytes, test):
    return {"series": series, "quality": "" if quality is None else quality, "image": image,
            "bytes": nbytes, "bpp": 8.0 * nbytes / (hr.shape[0] * hr.shape[1]),
            "psnr_y": metrics.psnr_y(hr, test, SCALE)}


def evaluate_model(pack, images, codec, qualities, name=None):
    """Rows for one model pack: its LR stored with codec at each quality, restored by up.onnx."""
    series = name or ("iris %s, LR as %s" % (pack.id, codec))
    rows = []
    for image, hr in images:
        lr = pack.downscale(hr)
        for q in qualities:
            data = encode(lr, codec, q)
            rows.append(row(series, q, image, hr, len(data), pack.restore(decode(data))))
    return rows


def evaluate_baselines(images):
    rows = []
    for image, hr in images:
        h, w, _ = hr.shape
        lr = bicubic(hr, (h // SCALE, w // SCALE))
        for codec, label in (("jpeg", "JPEG"), ("webp", "WebP")):
            for q in LR_QUALITIES:
                data = encode(lr, codec, q)
                rows.append(row("bicubic LR + %s + bicubic up" % label, q, image, hr, len(data),
                                bicubic(decode(data), (h, w))))
            for q in HR_QUALITIES:
                data = encode(hr, codec, q)
                rows.append(row("%s of the HR" % label, q, image, hr, len(data), decode(data)))
    return rows


def mean_points(rows):
    """Mean bpp and PSNR-Y per (series, quality), in first-seen order."""
    groups = OrderedDict()
    for r in rows:
        groups.setdefault((r["series"], r["quality"]), []).append(r)
    out = []
    for (series, q), rs in groups.items():
        psnrs = [r["psnr_y"] for r in rs]
        out.append({"series": series, "quality": q, "bpp": float(np.mean([r["bpp"] for r in rs])),
                    "psnr_y": float(np.mean(psnrs)) if all(math.isfinite(p) for p in psnrs) else math.inf,
                    "images": len(rs)})
    return out


def by_series(points):
    s = OrderedDict()
    for p in points:
        s.setdefault(p["series"], []).append(p)
    return OrderedDict((k, sorted(v, key=lambda p: p["bpp"])) for k, v in s.items())


def crossovers(a, b):
    """Where curve a's PSNR-Y crosses b's (linear in log bpp) on their common range: (range, crossings in bpp,
    whether a is the better one at the low end of the range); None without a common range."""
    if len(a) < 2 or len(b) < 2:
        return None
    lo, hi = max(a[0]["bpp"], b[0]["bpp"]), min(a[-1]["bpp"], b[-1]["bpp"])
    if lo >= hi:
        return None
    grid = np.exp(np.linspace(math.log(lo), math.log(hi), 400))

    def at(c):
        return np.interp(np.log(grid), [math.log(p["bpp"]) for p in c], [p["psnr_y"] for p in c])

    d = at(a) - at(b)
    return ((lo, hi), [float(grid[i + 1]) for i in range(len(d) - 1) if (d[i] > 0) != (d[i + 1] > 0)],
            bool(d[0] > 0))


def read_points(path):
    with open(path) as f:
        return [{"series": r["series"], "quality": r.get("quality", ""), "bpp": float(r["bpp"]),
                 "psnr_y": float(r["psnr_y"]), "images": 0} for r in csv.DictReader(f)]


def plot(points, title, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(10, 6.2), dpi=110)
    for series, ps in by_series(points).items():
        ps = [p for p in ps if math.isfinite(p["psnr_y"])]
        if not ps:
            continue
        style = "o-" if len(ps) > 1 else "*"
        size = 6 if len(ps) > 1 else 16
        ax.plot([p["bpp"] for p in ps], [p["psnr_y"] for p in ps], style, markersize=size, label=series)
        for p in ps:
            if p["quality"] not in ("", None):
                ax.annotate(str(p["quality"]), (p["bpp"], p["psnr_y"]), textcoords="offset points",
                            xytext=(3, 3), fontsize=7, alpha=0.7)
    ax.set_xscale("log")
    ax.set_xlabel("bits stored per original pixel (log scale)")
    ax.set_ylabel("PSNR-Y (dB)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def markdown(points, crossings, command, images_dir, names, pack):
    lines = ["# Rate–distortion at x2: iris lossless against lossy codecs", "",
             "Command: `%s`. Images: %s (%d held-out photos: %s). Model: %s. Pillow %s, libwebp %s, "
             "libjpeg %s. Mean over the images per point; PSNR-Y in the IRN protocol (border 2)."
             % (command, images_dir, len(names), ", ".join(names), pack.id, Image.__version__,
                features.version("webp"), features.version("jpg")), "",
             "![rate-distortion](rd-baselines-x2.png)", "",
             "| series | quality | bits/pixel | PSNR-Y dB |", "|---|---:|---:|---:|"]
    for p in points:
        lines.append("| %s | %s | %.3f | %s |" % (p["series"], p["quality"], p["bpp"],
                                                   "∞" if math.isinf(p["psnr_y"]) else "%.2f" % p["psnr_y"]))
    lines += ["", "## Where the curves cross", "",
              "Bits per pixel at which the first series' PSNR-Y crosses the second's (interpolated "
              "linearly in log bits per pixel between measured points; only inside the range both cover).", ""]
    for (a, b), c in crossings.items():
        lines.append("- " + describe_crossing(a, b, c))
    return "\n".join(lines) + "\n"


def describe_crossing(a, b, c):
    if c is None:
        return "%s vs %s: no common range of bits per pixel" % (a, b)
    (lo, hi), xs, a_low = c
    first, second = (a, b) if a_low else (b, a)
    if not xs:
        return "%s is better than %s over all of %.3f–%.3f bpp (the range both cover)" % (first, second, lo, hi)
    return "%s is better than %s from %.3f bpp up to %s; the other way round above (common range %.3f–%.3f bpp)" % (
        first, second, lo, ", then ".join("%.3f bpp" % x for x in xs), lo, hi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", default="models/eval")
    ap.add_argument("--model", default="models/irn-x2-small")
    ap.add_argument("--out", default="docs/eval")
    ap.add_argument("--add-model", action="append", default=[],
                    help="DIR[:CODEC[:Q,Q,...]] another model pack to evaluate (e.g. compression-aware)")
    ap.add_argument("--add-points", action="append", default=[],
                    help="CSV with series,quality,bpp,psnr_y to add to the table and plot")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    images = load_images(args.images)
    pack = Pack(args.model, args.threads)
    if pack.card.get("scale", SCALE) != SCALE:
        raise SystemExit("--model must be an x2 pack")
    rows = []
    rows += evaluate_model(pack, images, "png", [None], "iris %s, lossless LR as PNG" % pack.id)
    rows += evaluate_model(pack, images, "webp-lossless", [None], "iris %s, lossless LR as WebP" % pack.id)
    rows += evaluate_model(pack, images, "jpeg", LR_QUALITIES, "iris %s, LR as JPEG" % pack.id)
    rows += evaluate_model(pack, images, "webp", LR_QUALITIES, "iris %s, LR as WebP" % pack.id)
    rows += evaluate_baselines(images)
    for spec in args.add_model:
        parts = spec.split(":")
        extra = Pack(parts[0], args.threads)
        codec, qualities = extra.lr_codec()
        if len(parts) > 1:
            codec = parts[1]
        if len(parts) > 2:
            qualities = [int(q) for q in parts[2].split(",")]
        rows += evaluate_model(extra, images, codec, qualities)
    points = mean_points(rows)
    for f in args.add_points:
        points += read_points(f)

    series = by_series(points)
    pairs = [("bicubic LR + JPEG + bicubic up", "JPEG of the HR"),
             ("bicubic LR + WebP + bicubic up", "WebP of the HR"),
             ("iris %s, LR as WebP" % pack.id, "WebP of the HR"),
             ("iris %s, LR as JPEG" % pack.id, "JPEG of the HR")]
    extra = [s for s in series if s not in {a for a, _ in pairs} | {b for _, b in pairs}
             and len(series[s]) > 1 and not s.startswith("bicubic")]
    pairs += [(s, hr) for s in extra for hr in ("WebP of the HR", "JPEG of the HR")]
    crossings = OrderedDict(((a, b), crossovers(series[a], series[b])) for a, b in pairs
                            if a in series and b in series)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "rd-baselines-x2.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["series", "quality", "image", "bytes", "bpp", "psnr_y"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "bpp": "%.5f" % r["bpp"], "psnr_y": "%.4f" % r["psnr_y"]})
    command = "models/train/.venv/bin/python -m models.train.rd_baselines --images %s --model %s" % (
        args.images, args.model) + "".join(" --add-model " + m for m in args.add_model) + "".join(
        " --add-points " + p for p in args.add_points)
    with open(os.path.join(args.out, "rd-baselines-x2.md"), "w") as f:
        f.write(markdown(points, crossings, command, args.images, [n for n, _ in images], pack))
    plot(points, "x2 rate–distortion, %d held-out photos (%s)" % (len(images), args.images),
         os.path.join(args.out, "rd-baselines-x2.png"))
    for p in points:
        print("%-45s %4s %7.3f bpp %6.2f dB" % (p["series"], p["quality"], p["bpp"], p["psnr_y"]))
    for (a, b), c in crossings.items():
        print(describe_crossing(a, b, c))


if __name__ == "__main__":
    main()
