"""The model card's `java_check`: PSNR of one committed test image, restored by the shipped ONNX graphs.

    models/train/.venv/bin/python -m models.train.java_check models/<id>     # adds java_check to model.json

The Java test ModelCardQualityTest runs the same image through the same graphs with ONNX Runtime (through
iris's FFM binding) and iris's own metric code, and must land within 0.3 dB of these numbers. Here the graphs
are evaluated by onnx_eval.py (numpy + PyTorch kernels), and the metrics by metrics.py, so the two sides share
nothing but the .onnx files and the image.
"""
import json
import os
import sys

import numpy as np
import onnx
from PIL import Image

from . import jpeg_sim, metrics, onnx_eval

HERE = os.path.dirname(os.path.abspath(__file__))

ROOT = os.path.dirname(os.path.dirname(HERE))
IMAGE = "src/test/resources/fixtures/photo.png"  # 256x192: a multiple of 2 and 4, so no padding is involved


def java_check(model_dir, scale, codec=None):
    """`codec` ("jpeg", quality): a compression-aware pack's LR passes that codec (Pillow's libjpeg, 4:2:0) before
    the restore, as iris stores it (the Java side encodes with its own JPEG writer)."""
    hr8 = np.array(Image.open(os.path.join(ROOT, IMAGE)).convert("RGB"))
    h, w, _ = hr8.shape
    assert h % scale == 0 and w % scale == 0, (h, w, scale)
    hr = (hr8.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
    down = onnx.load(os.path.join(model_dir, "down.onnx"))
    up = onnx.load(os.path.join(model_dir, "up.onnx"))
    lr = onnx_eval.run(down, {"hr": hr})[0]
    lr8 = np.round(np.clip(lr, 0, 1) * 255) / 255  # the stored 8-bit LR, as iris quantises it
    if codec is not None:
        u8 = (lr8[0].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        lr8 = jpeg_sim.pillow_round_trip(u8, codec[1]).transpose(2, 0, 1)[None] / 255.0
    rec = onnx_eval.run(up, {"lr": lr8.astype(np.float32)})[0]
    rec8 = np.round(np.clip(rec[0].transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)
    return {
        "image": IMAGE,
        "psnr_y": round(metrics.psnr_y(hr8, rec8, scale), 4),
        "psnr_rgb": round(metrics.psnr_rgb(hr8, rec8, scale), 4),
        "how": "down.onnx -> 8-bit LR -> " + ("JPEG q%d and back -> " % codec[1] if codec else "")
               + "up.onnx (z = 0) -> 8 bits, graphs run by onnx_eval.py; PSNR-Y with a border of `scale` pixels",
    }


def main():
    model_dir = sys.argv[1]
    card_path = os.path.join(model_dir, "model.json")
    card = json.load(open(card_path))
    card["java_check"] = java_check(model_dir, card["scale"])
    with open(card_path, "w") as fh:
        json.dump(card, fh, indent=1)
    print(json.dumps(card["java_check"], indent=1))


if __name__ == "__main__":
    main()
