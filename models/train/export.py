"""ONNX export of an InvRescaleNet to the iris contract, plus the Java check fixtures.

Contract (see models/README.md):
  down.onnx: input 'hr' float32 [1,3,H,W] in [0,1] (H, W multiples of the scale, dynamic)
             -> output 'lr' float32 [1,3,H/s,W/s], not clamped or rounded
  up.onnx:   input 'lr' float32 [1,3,h,w] (8-bit LR / 255)
             -> output 'hr' float32 [1,3,h*s,w*s], z = 0, not clamped
"""
import hashlib
import json
import os

import numpy as np
import onnx
import onnxruntime
import torch

from . import irn, onnx_eval

OPSET = 17
TOL = 1e-4  # max abs error of an exported graph vs PyTorch (the Java fixtures' tolerance too)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def no_nnpack():
    """Context for batch-1 PyTorch convolutions: NNPACK cannot initialise on CPUs it does not
    know and then warns on every convolution; without it PyTorch uses its native kernel, which
    is what runs anyway."""
    return torch.backends.nnpack.flags(enabled=False)


def ort_run(model, feeds):
    """Run an ONNX graph (a ModelProto or a path) in ONNX Runtime on the CPU, with as many
    intra-op threads as torch uses; returns the list of outputs."""
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = torch.get_num_threads()
    so.inter_op_num_threads = 1
    src = model if isinstance(model, str) else model.SerializeToString()
    sess = onnxruntime.InferenceSession(src, so, providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def _export(module, example, in_name, out_name, path):
    module.eval()
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(module, (example,), tmp, input_names=[in_name], output_names=[out_name],
                          dynamic_axes={in_name: {2: "height", 3: "width"},
                                        out_name: {2: "height_out", 3: "width_out"}},
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    m = onnx.load(tmp)
    onnx.checker.check_model(m, full_check=True)
    os.replace(tmp, path)
    return m


def export_onnx(net, scale, out_dir, trace_hw=(64, 96)):
    """Export down.onnx and up.onnx; verify each against PyTorch on a size other than the
    trace size (proves the H/W axes are really dynamic), once with onnx_eval.py and once
    with ONNX Runtime. Returns a dict of check results."""
    with no_nnpack():
        return _export_onnx(net, scale, out_dir, trace_hw)


def _export_onnx(net, scale, out_dir, trace_hw):
    os.makedirs(out_dir, exist_ok=True)
    net = net.eval()
    down, up = irn.Down(net).eval(), irn.Up(net).eval()
    H, W = trace_hw
    g = torch.Generator().manual_seed(0)
    m_down = _export(down, torch.rand(1, 3, H, W, generator=g), "hr", "lr",
                     os.path.join(out_dir, "down.onnx"))
    m_up = _export(up, torch.rand(1, 3, H // scale, W // scale, generator=g), "lr", "hr",
                   os.path.join(out_dir, "up.onnx"))
    checks = {}
    for name, model, mod, shape in (("down", m_down, down, (1, 3, 8 * scale, 12 * scale)),
                                    ("up", m_up, up, (1, 3, 10, 6))):
        x = torch.rand(*shape, generator=g)
        with torch.no_grad():
            ref = mod(x).numpy()
        feeds = {model.graph.input[0].name: x.numpy()}
        got = onnx_eval.run(model, feeds)[0]
        assert got.shape == ref.shape, (name, got.shape, ref.shape)
        err = float(np.abs(got - ref).max())
        assert err < TOL, (name, "onnx_eval", err)
        got_ort = ort_run(model, feeds)[0]
        assert got_ort.shape == ref.shape, (name, got_ort.shape, ref.shape)
        err_ort = float(np.abs(got_ort - ref).max())
        assert err_ort < TOL, (name, "onnxruntime", err_ort)
        checks[name] = {"input_shape": list(shape), "max_abs_err_vs_pytorch": err,
                        "max_abs_err_onnxruntime_vs_pytorch": err_ort,
                        "onnxruntime": onnxruntime.__version__,
                        "ops": sorted({n.op_type for n in model.graph.node})}
    return checks


def write_raw(path, arr):
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


def write_check(net, scale, out_dir, hr_crop_u8):
    """Java fixture: hr crop (HxWx3 uint8) -> hr.f32 input/lr_expected.f32 and
    lr.f32 (8-bit LR / 255) -> hr_expected.f32, all raw little-endian float32 NCHW."""
    os.makedirs(out_dir, exist_ok=True)
    net = net.eval()
    hr = torch.from_numpy(np.ascontiguousarray(hr_crop_u8)).permute(2, 0, 1)[None].float() / 255.0
    with torch.no_grad(), no_nnpack():
        lr = irn.Down(net)(hr)
        lr8 = torch.round(torch.clamp(lr, 0, 1) * 255) / 255
        rec = irn.Up(net)(lr8)
    write_raw(os.path.join(out_dir, "down_in_hr.f32"), hr.numpy())
    write_raw(os.path.join(out_dir, "down_out_lr.f32"), lr.numpy())
    write_raw(os.path.join(out_dir, "lr.f32"), lr8.numpy())
    write_raw(os.path.join(out_dir, "hr.f32"), rec.numpy())
    meta = {
        "format": "raw little-endian float32, NCHW, batch 1",
        "scale": scale,
        "down": {"model": "down.onnx", "input": "down_in_hr.f32", "input_name": "hr",
                 "input_shape": list(hr.shape), "expected": "down_out_lr.f32",
                 "output_name": "lr", "expected_shape": list(lr.shape)},
        "up": {"model": "up.onnx", "input": "lr.f32", "input_name": "lr",
               "input_shape": list(lr8.shape), "expected": "hr.f32", "output_name": "hr",
               "expected_shape": list(rec.shape)},
        "tolerance_max_abs": TOL,
        "note": "expected outputs computed by PyTorch; lr.f32 is round(clamp(down(hr),0,1)*255)/255",
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def check_fixture(fixture_dir, graph_dir=None, tol=TOL):
    """Re-run a check fixture (write_check's, or test_convert's Java fixture) from its files,
    as the Java side does: for down and up, the graph (in graph_dir, default the fixture dir)
    on the stored input must give the stored PyTorch output within min(tol, the fixture's
    tolerance), in onnx_eval and in ONNX Runtime. Graph hashes are checked when meta.json
    records them. Returns {"down/onnx_eval": max abs err, ...}."""
    graph_dir = graph_dir or fixture_dir
    meta = json.load(open(os.path.join(fixture_dir, "meta.json")))
    for f, h in meta.get("sha256", {}).items():
        assert sha256(os.path.join(graph_dir, f)) == h, (graph_dir, f, "sha256 differs from meta.json")
    tol = min(tol, meta["tolerance_max_abs"])
    errs = {}
    for k in ("down", "up"):
        m = meta[k]
        x = np.fromfile(os.path.join(fixture_dir, m["input"]), "<f4").reshape(m["input_shape"])
        ref = np.fromfile(os.path.join(fixture_dir, m["expected"]), "<f4").reshape(m["expected_shape"])
        model = onnx.load(os.path.join(graph_dir, m["model"]))
        for name, run in (("onnx_eval", onnx_eval.run), ("onnxruntime", ort_run)):
            got = run(model, {m["input_name"]: x})[0]
            assert got.shape == ref.shape, (fixture_dir, k, name, got.shape, ref.shape)
            err = float(np.abs(got - ref).max())
            assert err < tol, (fixture_dir, k, name, err, tol)
            errs[f"{k}/{name}"] = err
    return errs
