"""Release a compression-aware run (train.py --codec jpeg --freeze-down) as a model pack, with its eval.

    models/train/.venv/bin/python -m models.train.release_lossy irn-x2-jpeg-r3 [--source models/irn-x2-small]

The run trained only the restore: its checkpoint holds the frozen downscale ("down_model", the source run's
weights) beside the trained network. down.onnx is exported from the first and up.onnx from the second, so the pack
makes the same LRs as the source pack (checked: same 8-bit LRs on the held-out photos) and restores them as they
decode from JPEG at the card's quality. Writes models/<id>/: down.onnx, up.onnx, check/, comparison.png,
eval.json, model.json (lr_codec, metrics, java_check through the codec). No gradient graphs: HCD optimises the LR
for a lossless restore, which is not what such a pack serves.
"""
import argparse
import json
import os
import shutil

import numpy as np
import torch
import torch.nn as nn
from PIL import Image, ImageDraw

from . import export, irn, java_check, metrics, rd_baselines, release

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
QUALITIES = [50, 70, 80, 90, 95]


class Split(nn.Module):
    """One IRN interface over two networks: the frozen downscale forward, the trained restore in reverse."""

    def __init__(self, down, up):
        super().__init__()
        self.down, self.up = down, up
        self.channel_total = up.channel_total

    def forward(self, x, rev=False):
        return self.up(x, rev=True) if rev else self.down(x)


def mean_by_quality(rows):
    out = {}
    for q in sorted({r["quality"] for r in rows}):
        sel = [r for r in rows if r["quality"] == q]
        out[q] = {"bpp": float(np.mean([r["bpp"] for r in sel])), "psnr_y": float(np.mean([r["psnr_y"] for r in sel]))}
    return out


def comparison(new, source, images, quality, path, crop=160):
    """HR | bicubic LR + JPEG + bicubic | source model, LR as JPEG | this model, LR as JPEG; the most detailed crop."""
    name, hr = max(images, key=lambda im: float(np.abs(np.diff(im[1].astype(np.float32), axis=1)).mean()))
    h, w, _ = hr.shape
    g = hr.astype(np.float32).mean(2)
    best = max(((y, x) for y in range(0, h - crop, crop // 2) for x in range(0, w - crop, crop // 2)),
               key=lambda p: float(np.abs(np.diff(g[p[0]:p[0] + crop, p[1]:p[1] + crop], axis=1)).mean()))
    y, x = best
    y, x = y - y % 16, x - x % 16
    ref = hr[y:y + crop, x:x + crop]
    lr_bic = rd_baselines.bicubic(ref, (crop // 2, crop // 2))
    tiles = [("original", ref),
             (f"bicubic LR, JPEG q{quality}, bicubic", rd_baselines.bicubic(
                 rd_baselines.decode(rd_baselines.encode(lr_bic, "jpeg", quality)), (crop, crop)))]
    for label, pack in ((f"{source.id}, LR as JPEG q{quality}", source), (f"{new.id}, LR as JPEG q{quality}", new)):
        lr = rd_baselines.decode(rd_baselines.encode(pack.downscale(ref), "jpeg", quality))
        tiles.append((label, pack.restore(lr)))
    scale = 2
    canvas = Image.new("RGB", (len(tiles) * crop * scale, crop * scale + 18), "white")
    draw = ImageDraw.Draw(canvas)
    for i, (label, t) in enumerate(tiles):
        canvas.paste(Image.fromarray(t).resize((crop * scale, crop * scale), Image.NEAREST), (i * crop * scale, 18))
        psnr = "" if i == 0 else f"  {metrics.psnr_y(ref, t, 2):.2f} dB"
        draw.text((i * crop * scale + 4, 3), label + psnr, fill="black")
    canvas.save(path)
    return {"image": name, "crop_xy": [x, y], "size": crop, "quality": quality}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--source", default=os.path.join(MODELS, "irn-x2-small"),
                    help="the pack whose LRs the frozen downscale makes (checked)")
    ap.add_argument("--images", default=os.path.join(MODELS, "eval"))
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = torch.load(os.path.join(HERE, "runs", a.run, "last.pt"), map_location="cpu", weights_only=False)
    cfg = ck["config"]
    if not cfg.get("freeze_down") or cfg.get("codec") != "jpeg":
        raise SystemExit(a.run + " is not a compression-aware run with a frozen downscale")
    s = cfg["scale"]
    up, down = irn.build(cfg), irn.build(cfg)
    up.load_state_dict(ck["model"], strict=True)
    down.load_state_dict(ck["down_model"], strict=True)
    irn.DenseBlock.bf16 = False
    net = Split(down.eval(), up.eval())
    out_dir = os.path.join(MODELS, cfg["id"])
    os.makedirs(out_dir, exist_ok=True)
    checks = export.export_onnx(net, s, out_dir)
    _, crop = release.check_crop(s)
    chk_dir = os.path.join(out_dir, "check")
    if os.path.isdir(chk_dir):
        shutil.rmtree(chk_dir)
    meta = export.write_check(net, s, chk_dir, crop)
    meta["source"] = "centre crop of the first val photo"
    with open(os.path.join(chk_dir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)

    images = rd_baselines.load_images(a.images)
    new, source = rd_baselines.Pack(out_dir, a.threads), rd_baselines.Pack(a.source, a.threads)
    same_lr = all(np.array_equal(new.downscale(hr), source.downscale(hr)) for _, hr in images)
    if not same_lr:
        raise SystemExit("the frozen downscale does not make the source pack's LRs")
    ours = mean_by_quality(rd_baselines.evaluate_model(new, images, "jpeg", QUALITIES))
    theirs = mean_by_quality(rd_baselines.evaluate_model(source, images, "jpeg", QUALITIES))
    quality = cfg["card_quality"]
    thumb = []
    for _, hr in images:
        h, w, _ = hr.shape
        stored = rd_baselines.decode(rd_baselines.encode(source.downscale(hr), "jpeg", quality))
        thumb.append(metrics.psnr_y(rd_baselines.bicubic(hr, (h // s, w // s)), stored, 0))
    res = {
        "images": sorted(n for n, _ in images),
        "protocol": "PSNR-Y (BT.601, border 2) of the 8-bit restore against the original; LR stored as JPEG "
                    "(Pillow, libjpeg-turbo, 4:2:0) at each quality; bits per original pixel of the JPEG",
        "by_quality": {str(q): {"bpp": ours[q]["bpp"], "psnr_y": ours[q]["psnr_y"],
                                "source_model_psnr_y": theirs[q]["psnr_y"],
                                "gain_over_source_model_db": ours[q]["psnr_y"] - theirs[q]["psnr_y"]}
                       for q in QUALITIES},
        "stored_lr_psnr_y_vs_bicubic_lr": float(np.mean(thumb)),
    }
    res["comparison"] = comparison(new, source, images, quality, os.path.join(out_dir, "comparison.png"))
    with open(os.path.join(out_dir, "eval.json"), "w") as fh:
        json.dump(res, fh, indent=1)

    source_card = json.load(open(os.path.join(a.source, "model.json")))
    card_q = res["by_quality"][str(quality)]
    model = {
        "id": cfg["id"],
        "scale": s,
        "architecture": source_card["architecture"],
        "onnx": {
            "opset": export.OPSET,
            "down": {"file": "down.onnx", "sha256": export.sha256(os.path.join(out_dir, "down.onnx")),
                     "input": "hr [1,3,H,W] float32 RGB in [0,1], H and W multiples of scale",
                     "output": "lr [1,3,H/s,W/s] float32, not clamped or rounded; the LRs of "
                               + source_card["id"] + " (the same weights)"},
            "up": {"file": "up.onnx", "sha256": export.sha256(os.path.join(out_dir, "up.onnx")),
                   "input": "lr [1,3,h,w] float32 = the 8-bit LR as decoded from its JPEG / 255",
                   "output": "hr [1,3,h*s,w*s] float32, z = 0, not clamped"},
            "python_graph_check": checks,
        },
        "lr_codec": {"format": "jpeg", "quality": quality,
                     "trained_for": {"qualities": cfg["codec_quality"], "quantisation": cfg["quant"],
                                     "model": "models/train/jpeg_sim.py (baseline JPEG, 4:2:0, libjpeg tables)"}},
        "training": {
            "what": "the restore only: " + source_card["id"] + "'s downscale frozen, its inverse fine-tuned on "
                    "LRs passed through the JPEG model at qualities drawn per sample",
            "iterations": ck["step"], "batch": cfg["batch"], "patch": cfg["patch"],
            "optimizer": f"Adam lr {cfg['lr']} betas (0.9,0.999) wd {cfg['weight_decay']} clip {cfg['clip']}",
            "schedule": f"{cfg['sched']} over {cfg['total_steps']} steps, warm-up {cfg.get('warmup', 0)}",
            "init_from": f"models/train/runs/{cfg['init_from']} step {cfg.get('init_from_step')}",
            "run": f"models/train/runs/{a.run}",
        },
        "metrics": {"psnr_y_at_card_quality": card_q["psnr_y"], "bpp_at_card_quality": card_q["bpp"],
                    "gain_over_source_model_at_card_quality_db": card_q["gain_over_source_model_db"],
                    "stored_lr_psnr_y_vs_bicubic_lr": res["stored_lr_psnr_y_vs_bicubic_lr"],
                    "eval": "eval.json"},
        "check_fixture": "check/meta.json",
    }
    model["java_check"] = java_check.java_check(out_dir, s, ("jpeg", quality))
    with open(os.path.join(out_dir, "model.json"), "w") as fh:
        json.dump(model, fh, indent=1)
    print(json.dumps({"id": cfg["id"], "step": ck["step"], "by_quality": res["by_quality"],
                      "thumbnail": res["stored_lr_psnr_y_vs_bicubic_lr"], "java_check": model["java_check"]},
                     indent=1))


if __name__ == "__main__":
    main()
