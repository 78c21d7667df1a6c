"""Test convert_irn.py without the real checkpoints, and check (or rewrite) the Java fixture.

    models/train/.venv/bin/python -m models.train.test_convert [--write-fixture]

(also part of `python -m models.train.checks`). From the repository root:
* builds InvRescaleNet with the official names and shapes (x2: [8], x4: [8,8], gc 32),
  randomises every conv including conv5 (so the couplings are not identities),
* saves it as a .pth in the official layout with a 'module.' prefix (as DataParallel would),
* runs `python -m models.train.convert_irn` on it, checks strict loading, the exported graphs
  vs PyTorch (onnx_eval and ONNX Runtime, a size different from the trace size) and the
  down/up round trip,
* checks the committed Java fixture src/test/resources/irn-convert/x2/ (sha256 of both graphs
  as in its meta.json; both graphs run on its inputs by onnx_eval and ONNX Runtime reproduce
  its expected outputs within its tolerance),
* --write-fixture: rewrites that fixture from the x2 conversion (down.onnx, up.onnx, raw
  float32 inputs/expected outputs for both directions, meta.json). x4 is checked in Python
  only (its official-size ONNX is over the 10 MB fixture budget).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch

from . import export, irn, onnx_eval

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(ROOT, "src", "test", "resources", "irn-convert")
TOL = 1e-4


def random_official(scale, seed):
    torch.manual_seed(seed)
    net = irn.build({"scale": scale, "blocks": {2: [8], 4: [8, 8]}[scale], "gc": 32})
    for m in net.modules():
        if isinstance(m, irn.DenseBlock):
            for conv in (m.conv1, m.conv2, m.conv3, m.conv4, m.conv5):
                torch.nn.init.normal_(conv.weight, std=0.02)
                torch.nn.init.normal_(conv.bias, std=0.01)
    return net.eval()


def write_fixture(dst, out, n_params, mj, hr, lr, lr8, rec, scale, H, W):
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    for f in ("down.onnx", "up.onnx"):
        shutil.copy(os.path.join(out, f), os.path.join(dst, f))
    export.write_raw(os.path.join(dst, "down_in_hr.f32"), hr.numpy())
    export.write_raw(os.path.join(dst, "down_out_lr.f32"), lr.numpy())
    export.write_raw(os.path.join(dst, "up_in_lr.f32"), lr8.numpy())
    export.write_raw(os.path.join(dst, "up_out_hr.f32"), rec.numpy())
    meta = {
        "what": "random-weight IRN x2 at the official size (block_num [8], gc 32), saved "
                "in the official checkpoint layout and converted by "
                "models/train/convert_irn.py; written by models/train/test_convert.py",
        "format": "raw little-endian float32, NCHW, batch 1",
        "scale": scale, "params": n_params, "opset": mj["onnx"]["opset"],
        "down": {"model": "down.onnx", "input_name": "hr", "input": "down_in_hr.f32",
                 "input_shape": [1, 3, H, W], "output_name": "lr",
                 "expected": "down_out_lr.f32", "expected_shape": [1, 3, H // 2, W // 2]},
        "up": {"model": "up.onnx", "input_name": "lr", "input": "up_in_lr.f32",
               "input_shape": [1, 3, H // 2, W // 2], "output_name": "hr",
               "expected": "up_out_hr.f32", "expected_shape": [1, 3, H, W]},
        "tolerance_max_abs": TOL,
        "sha256": {f: export.sha256(os.path.join(dst, f)) for f in ("down.onnx", "up.onnx")},
        "note": "expected outputs from PyTorch; up_in_lr = round(clamp(down_out_lr,0,1)*255)/255",
    }
    with open(os.path.join(dst, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def run(fixture_out=None):
    """All checks; with fixture_out, also rewrite the x2 Java fixture there."""
    tmp = tempfile.mkdtemp(prefix="irn-convert-")
    try:
        with export.no_nnpack():
            _run(tmp, fixture_out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("test_convert: OK", flush=True)


def _run(tmp, fixture_out):
    for scale in (2, 4):
        net = random_official(scale, 1234 + scale)
        sd = {"module." + k: v for k, v in net.state_dict().items()}
        # sanity: the names are the official ones
        assert "module.operations.0.haar_weights" in sd
        assert "module.operations.1.F.conv1.weight" in sd
        assert sd["module.operations.1.F.conv5.weight"].abs().sum() > 0
        pth = os.path.join(tmp, f"IRN_x{scale}.pth")
        torch.save(sd, pth)
        out = os.path.join(tmp, f"irn-x{scale}-official")
        subprocess.check_call([sys.executable, "-m", "models.train.convert_irn", pth,
                               "--scale", str(scale), "--out", out,
                               "--threads", str(torch.get_num_threads())], cwd=ROOT)
        mj = json.load(open(os.path.join(out, "model.json")))
        assert mj["scale"] == scale and mj["onnx"]["opset"] <= 17
        n_params = mj["architecture"]["params"]
        down_m = onnx.load(os.path.join(out, "down.onnx"))
        up_m = onnx.load(os.path.join(out, "up.onnx"))
        H, W = 32, 32
        g = torch.Generator().manual_seed(7)
        hr = torch.rand(1, 3, H, W, generator=g)
        with torch.no_grad():
            lr = irn.Down(net)(hr)
            lr8 = torch.round(torch.clamp(lr, 0, 1) * 255) / 255
            rec = irn.Up(net)(lr8)
        errs = {}
        for name, run_graph in (("onnx_eval", onnx_eval.run), ("onnxruntime", export.ort_run)):
            got_lr = run_graph(down_m, {"hr": hr.numpy()})[0]
            got_hr = run_graph(up_m, {"lr": lr8.numpy()})[0]
            e_down = float(np.abs(got_lr - lr.numpy()).max())
            e_up = float(np.abs(got_hr - rec.numpy()).max())
            assert got_lr.shape == (1, 3, H // scale, W // scale) and e_down < TOL, (name, e_down)
            assert got_hr.shape == (1, 3, H, W) and e_up < TOL, (name, e_up)
            errs[name] = f"down {e_down:.2e} up {e_up:.2e}"
        # the couplings are really active (not the identity of zero-initialised conv5)
        haar_only = irn.HaarDownsampling(3)(hr)
        if scale == 2:
            assert float((lr - haar_only[:, :3]).abs().max()) > 1e-3
        sizes = {f: os.path.getsize(os.path.join(out, f)) for f in ("down.onnx", "up.onnx")}
        print(f"x{scale}: params {n_params}, onnx sizes {sizes}, max err vs PyTorch: "
              + ", ".join(f"{k} {v}" for k, v in errs.items()), flush=True)
        if scale == 2 and fixture_out:
            write_fixture(fixture_out, out, n_params, mj, hr, lr, lr8, rec, scale, H, W)
            print(f"wrote fixture {fixture_out}", flush=True)
    d = fixture_out or os.path.join(FIXTURE, "x2")
    errs = export.check_fixture(d, tol=TOL)
    print(f"fixture {os.path.relpath(d, ROOT)}: sha256 as in meta.json; max err vs expected "
          + ", ".join(f"{k} {v:.2e}" for k, v in errs.items()), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write-fixture", nargs="?", const=os.path.join(FIXTURE, "x2"), default=None,
                    metavar="DIR", help="rewrite the x2 Java fixture (default dir: %(const)s)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    run(a.write_fixture)


if __name__ == "__main__":
    main()
