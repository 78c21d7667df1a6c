"""Export + evaluate one training run into models/<id>/ (see release.sh)."""
import argparse
import json
import os
import shutil

import numpy as np
import torch
from PIL import Image

from . import evaluate, export, export_grad, irn, java_check

HERE = os.path.dirname(os.path.abspath(__file__))

CRITERIA = {2: 5.0, 4: 3.0}  # required restored PSNR-Y gain over bicubic->bicubic (dB)
LR_MIN_DB = 35.0  # LR vs bicubic LR, PSNR-Y floor we use as "LR looks like a bicubic LR"


def check_crop(s):
    """Deterministic 48x64 HR crop (x4: 64x64) of the first val photo for the Java fixture."""
    f = sorted(os.listdir(os.path.join(HERE, "data", "val")))[0]
    im = np.array(Image.open(os.path.join(HERE, "data", "val", f)).convert("RGB"))
    hh, ww = (48, 64) if s == 2 else (64, 64)
    h, w, _ = im.shape
    y0, x0 = (h // 2) - (h // 2) % s, (w // 2) - (w // 2) % s
    return f, im[y0:y0 + hh, x0:x0 + ww]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-side", type=int, default=1024)
    ap.add_argument("--z-samples", type=int, default=3)
    ap.add_argument("--id", default=None,
                    help="pack id to write (default: the run's model id); a successor ships under a new id "
                         "so that the assets the old pack made keep their graphs")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    run_dir = os.path.join(HERE, "runs", a.run)
    ck = torch.load(os.path.join(run_dir, "last.pt"), map_location="cpu", weights_only=False)
    cfg = ck["config"]
    if a.id:
        cfg["id"] = a.id
    s = cfg["scale"]
    net = irn.build(cfg)
    net.load_state_dict(ck["model"], strict=True)
    net.eval()
    nparams = sum(p.numel() for p in net.parameters())  # before export_grad, which freezes them
    out_dir = os.path.join(os.path.dirname(HERE), cfg["id"])
    os.makedirs(out_dir, exist_ok=True)

    checks = export.export_onnx(net, s, out_dir)
    f, crop = check_crop(s)
    chk_dir = os.path.join(out_dir, "check")
    if os.path.isdir(chk_dir):
        shutil.rmtree(chk_dir)
    meta = export.write_check(net, s, chk_dir, crop)
    meta["source"] = f"centre crop of val photo {f}"
    with open(os.path.join(chk_dir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    # the gradient graphs of encode-time optimisation (HCD), from the same weights, with their fixture
    grads = export_grad.export_graphs(net, s, out_dir)

    res = evaluate.evaluate(net, s, a.max_side, a.z_samples)
    res["comparison"] = evaluate.comparison(net, s, os.path.join(out_dir, "comparison.png"))
    with open(os.path.join(out_dir, "eval.json"), "w") as fh:
        json.dump(res, fh, indent=1)

    gain = res["gain_psnr_y_over_bicubic_db"]
    ds = json.load(open(os.path.join(HERE, "dataset.json")))
    n_train = sum(e["split"] == "train" for e in ds["files"])
    model = {
        "id": cfg["id"],
        "scale": s,
        "architecture": {
            "family": "IRN (Invertible Rescaling Net, Xiao et al. ECCV 2020)",
            "levels": len(cfg["blocks"]), "blocks_per_level": cfg["blocks"], "gc": cfg["gc"],
            "subnet": "DenseBlock (5 conv3x3, dense, LeakyReLU 0.2)", "clamp": 1.0,
            "params": nparams, "z_channels": net.channel_total - 3,
        },
        "onnx": {
            "opset": export.OPSET,
            "down": {"file": "down.onnx", "sha256": export.sha256(os.path.join(out_dir, "down.onnx")),
                     "input": "hr [1,3,H,W] float32 RGB in [0,1], H and W multiples of scale",
                     "output": "lr [1,3,H/s,W/s] float32, not clamped or rounded"},
            "up": {"file": "up.onnx", "sha256": export.sha256(os.path.join(out_dir, "up.onnx")),
                   "input": "lr [1,3,h,w] float32 = 8-bit LR / 255",
                   "output": "hr [1,3,h*s,w*s] float32, z = 0, not clamped"},
            "python_graph_check": checks,
            **grads,
        },
        "training": {
            "data": f"{n_train} photos from Debian wallpaper packages, box-downscaled by 2 "
                    "(models/train/DATA.md, models/train/dataset.json)",
            "iterations": ck["step"], "batch": cfg["batch"], "patch": cfg["patch"],
            "optimizer": f"Adam lr {cfg['lr']} betas (0.9,0.999) wd {cfg['weight_decay']} clip {cfg['clip']}",
            "schedule": cfg["sched"] + (f" milestones {cfg['milestones']}" if cfg["sched"] == "multistep"
                                        else f" over {cfg['total_steps']} steps, warm-up {cfg.get('warmup', 0)}"),
            "init_from": (f"models/train/runs/{cfg['init_from']} step {cfg.get('init_from_step')}"
                          if cfg.get("init_from") else None),
            "subnet_precision": "bfloat16 autocast" if cfg.get("bf16") else "float32",
            "loss_weights_mean_reduced": cfg["loss_weights"],
            "restore_loss": ("L1 over RGB" if cfg.get("chroma_weight") is None else
                             f"L1 over BT.601 luma plus {cfg['chroma_weight']} x chroma (train.rec_loss)"),
            "lr_target": "PyTorch bicubic (a=-0.75) with antialias=True",
            "run": f"models/train/runs/{a.run}",
        },
        "metrics": {k: v for k, v in res.items() if k not in ("per_photo", "comparison")},
        "ship_criteria": {
            "required_gain_psnr_y_db": CRITERIA[s], "measured_gain_psnr_y_db": gain,
            "gain_met": gain >= CRITERIA[s],
            "lr_psnr_y_vs_bicubic_required_db": LR_MIN_DB,
            "lr_met": res["lr_psnr_y_vs_bicubic_lr"] >= LR_MIN_DB,
        },
        "check_fixture": "check/meta.json",
    }
    model["ship_criteria"]["met"] = model["ship_criteria"]["gain_met"] and model["ship_criteria"]["lr_met"]
    model["java_check"] = java_check.java_check(out_dir, s)
    with open(os.path.join(out_dir, "model.json"), "w") as fh:
        json.dump(model, fh, indent=1)
    print(json.dumps({"id": cfg["id"], "step": ck["step"], "metrics": {
        k: model["metrics"][k] for k in ("iris", "bicubic_bicubic", "bicubic_lanczos",
                                         "iris_z_sampled_psnr_y", "lr_psnr_y_vs_bicubic_lr",
                                         "gain_psnr_y_over_bicubic_db")},
        "ship": model["ship_criteria"]}, indent=1))


if __name__ == "__main__":
    main()
