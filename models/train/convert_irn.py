"""Convert a published IRN checkpoint (authors' release) to the iris ONNX contract.

    models/train/.venv/bin/python -m models.train.convert_irn IRN_x2.pth --scale 2 \
        --out models/irn-x2-official/ [--evaluate]

Official layout: x2 = one Haar level + 8 InvBlockExp, x4 = two levels of 8, DenseBlock gc 32.
Keys may carry a 'module.' prefix (DataParallel); it is stripped. Loading is strict.
Writes down.onnx, up.onnx and model.json (and, with --evaluate and the val data present,
the same metrics as our own models).
"""
import argparse
import json
import os

import torch

from . import export, irn

OFFICIAL = {2: [8], 4: [8, 8]}


def load_official(path, scale, gc=32, blocks=None):
    sd = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("state_dict", "params", "model"):  # tolerate wrapped dicts
        if isinstance(sd, dict) and key in sd and isinstance(sd[key], dict):
            sd = sd[key]
    sd = irn.strip_module_prefix(sd)
    blocks = blocks or OFFICIAL[scale]
    net = irn.build({"scale": scale, "blocks": blocks, "gc": gc})
    ref_haar = {k: v.clone() for k, v in net.state_dict().items() if k.endswith("haar_weights")}
    net.load_state_dict(sd, strict=True)
    for k, v in ref_haar.items():
        if not torch.equal(net.state_dict()[k], v):
            print(f"warning: {k} differs from our Haar filters; using the checkpoint's", flush=True)
    return net.eval(), blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--scale", type=int, required=True, choices=[2, 4])
    ap.add_argument("--out", required=True)
    ap.add_argument("--id", help="model id (default: the --out folder name)")
    ap.add_argument("--gc", type=int, default=32)
    ap.add_argument("--blocks", type=int, nargs="+")
    ap.add_argument("--evaluate", action="store_true", help="also measure on our val photos")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    net, blocks = load_official(a.checkpoint, a.scale, a.gc, a.blocks)
    os.makedirs(a.out, exist_ok=True)
    checks = export.export_onnx(net, a.scale, a.out)
    mid = a.id or os.path.basename(os.path.normpath(a.out))
    model = {
        "id": mid,
        "scale": a.scale,
        "architecture": {
            "family": "IRN (Invertible Rescaling Net, Xiao et al. ECCV 2020)",
            "levels": len(blocks), "blocks_per_level": blocks, "gc": a.gc,
            "subnet": "DenseBlock (5 conv3x3, dense, LeakyReLU 0.2)", "clamp": 1.0,
            "params": sum(p.numel() for p in net.parameters() if p.requires_grad),
            "z_channels": net.channel_total - 3,
        },
        "onnx": {
            "opset": export.OPSET,
            "down": {"file": "down.onnx", "sha256": export.sha256(os.path.join(a.out, "down.onnx"))},
            "up": {"file": "up.onnx", "sha256": export.sha256(os.path.join(a.out, "up.onnx"))},
            "python_graph_check": checks,
        },
        "training": {"data": "published checkpoint by the IRN authors (trained on DIV2K)",
                     "source_file": os.path.basename(a.checkpoint)},
    }
    if a.evaluate:
        from . import evaluate
        res = evaluate.evaluate(net, a.scale)
        model["metrics"] = {k: v for k, v in res.items() if k != "per_photo"}
    with open(os.path.join(a.out, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
    print(f"wrote {a.out}: down.onnx, up.onnx, model.json "
          f"(graph vs PyTorch max err down {checks['down']['max_abs_err_vs_pytorch']:.2e}, "
          f"up {checks['up']['max_abs_err_vs_pytorch']:.2e})")


if __name__ == "__main__":
    main()
