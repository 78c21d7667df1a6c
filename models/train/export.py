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
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import irn  # noqa: E402
import onnx_eval  # noqa: E402

OPSET = 17


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
    trace size (proves the H/W axes are really dynamic). Returns a dict of check results."""
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
        got = onnx_eval.run(model, {model.graph.input[0].name: x.numpy()})[0]
        assert got.shape == ref.shape, (name, got.shape, ref.shape)
        err = float(np.abs(got - ref).max())
        assert err < 1e-4, (name, err)
        checks[name] = {"input_shape": list(shape), "max_abs_err_vs_pytorch": err,
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
    with torch.no_grad():
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
        "tolerance_max_abs": 1e-4,
        "note": "expected outputs computed by PyTorch; lr.f32 is round(clamp(down(hr),0,1)*255)/255",
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta
