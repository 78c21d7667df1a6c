"""Fast check of the ONNX export path and of the shipped graphs (about 10 s on one core).

    models/train/.venv/bin/python -m models.train.export_check

(also part of `python -m models.train.checks`). From the repository root:
* small random IRNs, x2 ([2] blocks, gc 8) and x4 ([1, 1], gc 8), every conv randomised
  (so the couplings are not the identity of a zero-initialised conv5), exported by
  export.export_onnx: onnx.checker full check, then onnx_eval and ONNX Runtime against
  PyTorch at a size other than the trace size;
* ONNX Runtime at a third, non-square size, and the server's round trip
  down -> 8-bit LR -> up (z = 0) against the same round trip in PyTorch;
* export.write_check's fixture for that net, re-run from its files (as the Java test does);
* every shipped models/<id>/ with a check/ fixture: the graphs' sha256 as in model.json, and
  the fixture reproduced by onnx_eval and ONNX Runtime within its tolerance.
"""
import argparse
import glob
import json
import os
import shutil
import tempfile

import numpy as np
import torch

from . import export, iarn_export, irn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
SMALL = {2: [2], 4: [1, 1]}


def random_net(scale, seed, gc=8):
    torch.manual_seed(seed)
    net = irn.build({"scale": scale, "blocks": SMALL[scale], "gc": gc})
    for m in net.modules():
        if isinstance(m, irn.DenseBlock):
            for conv in (m.conv1, m.conv2, m.conv3, m.conv4, m.conv5):
                torch.nn.init.normal_(conv.weight, std=0.05)
                torch.nn.init.normal_(conv.bias, std=0.01)
    return net.eval()


def check_small(scale, tmp):
    net = random_net(scale, 100 + scale)
    out = os.path.join(tmp, f"x{scale}")
    checks = export.export_onnx(net, scale, out)
    g = torch.Generator().manual_seed(scale)
    hr = torch.rand(1, 3, 5 * 2 * scale, 3 * 2 * scale, generator=g)  # non-square, odd LR sides
    with torch.no_grad():
        lr = irn.Down(net)(hr)
        lr8 = torch.round(torch.clamp(lr, 0, 1) * 255) / 255
        rec = irn.Up(net)(lr8)
    if scale == 2:  # the couplings are active: the LR is not just the Haar low band
        assert float((lr - irn.HaarDownsampling(3)(hr)[:, :3]).abs().max()) > 1e-3
    got_lr = export.ort_run(os.path.join(out, "down.onnx"), {"hr": hr.numpy()})[0]
    got_lr8 = np.round(np.clip(got_lr, 0, 1) * 255) / 255
    got_rec = export.ort_run(os.path.join(out, "up.onnx"), {"lr": got_lr8.astype(np.float32)})[0]
    e_lr = float(np.abs(got_lr - lr.numpy()).max())
    assert got_lr.shape == tuple(lr.shape) and e_lr < export.TOL, ("down", e_lr)
    # a LR value right at a rounding boundary may round the other way in ONNX Runtime; compare
    # the round trip from PyTorch's own 8-bit LR as well as the end-to-end one
    e_up = float(np.abs(export.ort_run(os.path.join(out, "up.onnx"), {"lr": lr8.numpy()})[0]
                        - rec.numpy()).max())
    assert e_up < export.TOL, ("up", e_up)
    same_lr8 = np.array_equal(got_lr8.astype(np.float32), lr8.numpy())
    e_trip = float(np.abs(got_rec - rec.numpy()).max())
    assert got_rec.shape == tuple(hr.shape) and (e_trip < export.TOL or not same_lr8), ("trip", e_trip)
    crop = (np.random.default_rng(scale).random((8 * scale, 12 * scale, 3)) * 255).astype(np.uint8)
    export.write_check(net, scale, os.path.join(out, "check"), crop)
    fx = export.check_fixture(os.path.join(out, "check"), out)
    print(f"x{scale} small export ({sum(p.numel() for p in net.parameters())} params, "
          f"ops {len(checks['down']['ops'])}/{len(checks['up']['ops'])}): vs PyTorch "
          f"onnx_eval down {checks['down']['max_abs_err_vs_pytorch']:.1e} "
          f"up {checks['up']['max_abs_err_vs_pytorch']:.1e}, onnxruntime "
          f"down {checks['down']['max_abs_err_onnxruntime_vs_pytorch']:.1e} "
          f"up {checks['up']['max_abs_err_onnxruntime_vs_pytorch']:.1e}; "
          f"{tuple(hr.shape[2:])} round trip {e_trip:.1e}; fixture max err {max(fx.values()):.1e}",
          flush=True)


def check_shipped():
    dirs = sorted(os.path.dirname(os.path.dirname(p))
                  for p in glob.glob(os.path.join(MODELS, "*", "check", "meta.json")))
    for d in dirs:
        card = json.load(open(os.path.join(d, "model.json")))
        for k in ("down", "up"):
            f = card["onnx"][k]["file"]
            assert export.sha256(os.path.join(d, f)) == card["onnx"][k]["sha256"], \
                (d, f, "sha256 differs from model.json")
        if card["architecture"]["family"] == "iarn":  # two graph inputs, per-case fixtures
            errs = iarn_export.check_fixture(os.path.join(d, "check"), d)
        else:
            errs = export.check_fixture(os.path.join(d, "check"), d)
        print(f"{os.path.basename(d)}: sha256 as in model.json; check/ reproduced, max err "
              + ", ".join(f"{k} {v:.1e}" for k, v in errs.items()), flush=True)
    return dirs


def run():
    tmp = tempfile.mkdtemp(prefix="irn-export-check-")
    try:
        with export.no_nnpack():
            for scale in (2, 4):
                check_small(scale, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check_shipped()
    print("export_check: OK", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    run()


if __name__ == "__main__":
    main()
