"""ONNX export of an IARN net to the iris "iarn" contract, its graph checks and the Java fixtures.

Contract (model.json `architecture.family` = "iarn", core_scale C = 4, resample "bicubic"):
  down.onnx: hr    float32 [1,3,C*h,C*w] RGB in [0,1] (the 8-bit HR resized to the core size / 255)
             scale float32 [1,2] = (s_y, s_x) = (H/h, W/w), each in [1.1, 4]
          -> lr    float32 [1,3,h,w], not clamped or rounded
  up.onnx:   lr    float32 [1,3,h,w] = 8-bit LR / 255
             scale float32 [1,2] as above
          -> hr    float32 [1,3,C*h,C*w], z = 0, not clamped
h and w are dynamic (any positive size); the scale enters only as spatially uniform maps.
"""
import json
import os

import numpy as np
import onnx
import onnxruntime
import torch
from PIL import Image

from . import export, iarn, metrics, onnx_eval

OPSET = export.OPSET
TOL = export.TOL
C = iarn.CORE_SCALE

# (s_y, s_x, lr_h, lr_w) of the graph checks: symmetric, asymmetric both ways, the range ends,
# LR sizes that are multiples of nothing
CHECK_CASES = [(1.1, 1.1, 7, 11), (2.5, 2.5, 13, 9), (1.5, 3.0, 10, 17), (3.5, 2.0, 11, 6),
               (4.0, 4.0, 5, 8), (2.48, 1.5, 25, 19)]

DOWN_INPUT = ("hr [1,3,4h,4w] float32 RGB in [0,1]: the 8-bit HR (W x H) resized by the host with "
              "architecture.resample to the core size 4w x 4h, rounded to 8 bits, / 255; "
              "scale [1,2] float32 = (H/h, W/w), each in [1.1, 4]")
DOWN_OUTPUT = "lr [1,3,h,w] float32, not clamped or rounded"
UP_INPUT = "lr [1,3,h,w] float32 = 8-bit LR / 255; scale [1,2] float32 = (H/h, W/w) as for down"
UP_OUTPUT = ("hr [1,3,4h,4w] float32 (core size), z = 0, not clamped; the host rounds it to 8 bits and "
             "resizes it with architecture.resample to the size asked (W x H for the original)")


def _export(module, args, in_names, out_name, path):
    module.eval()
    tmp = path + ".tmp"
    dyn = {in_names[0]: {2: "height", 3: "width"}, out_name: {2: "height_out", 3: "width_out"}}
    with torch.no_grad(), export.no_nnpack():
        torch.onnx.export(module, args, tmp, input_names=list(in_names), output_names=[out_name],
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True, dynamo=False)
    m = onnx.load(tmp)
    onnx.checker.check_model(m, full_check=True)
    os.replace(tmp, path)
    return m


def export_onnx(net, out_dir):
    """down.onnx and up.onnx, traced at one size and scale, then checked against PyTorch at every
    CHECK_CASES scale and size by ONNX Runtime and by onnx_eval.py. Returns the check record."""
    os.makedirs(out_dir, exist_ok=True)
    net = net.eval()
    down, up = iarn.Down(net).eval(), iarn.Up(net).eval()
    g = torch.Generator().manual_seed(0)
    sc = torch.tensor([[2.0, 3.0]])
    m_down = _export(down, (torch.rand(1, 3, 64, 96, generator=g), sc), ("hr", "scale"), "lr",
                     os.path.join(out_dir, "down.onnx"))
    m_up = _export(up, (torch.rand(1, 3, 16, 24, generator=g), sc), ("lr", "scale"), "hr",
                   os.path.join(out_dir, "up.onnx"))
    checks = {"cases": [], "onnxruntime": onnxruntime.__version__,
              "ops": {"down": sorted({n.op_type for n in m_down.graph.node}),
                      "up": sorted({n.op_type for n in m_up.graph.node})}}
    worst = {"down": [0.0, 0.0], "up": [0.0, 0.0]}
    for sy, sx, h, w in CHECK_CASES:
        scale = torch.tensor([[sy, sx]], dtype=torch.float32)
        case = {"scale": [sy, sx], "lr_hw": [h, w]}
        for name, model, mod, x in (("down", m_down, down, torch.rand(1, 3, C * h, C * w, generator=g)),
                                    ("up", m_up, up, torch.rand(1, 3, h, w, generator=g))):
            with torch.no_grad(), export.no_nnpack():
                ref = mod(x, scale).numpy()
            feeds = {model.graph.input[0].name: x.numpy(), "scale": scale.numpy()}
            got_ort = export.ort_run(model, feeds)[0]
            got_ev = onnx_eval.run(model, feeds)[0]
            assert got_ort.shape == ref.shape == got_ev.shape, (name, got_ort.shape, ref.shape)
            e_ort = float(np.abs(got_ort - ref).max())
            e_ev = float(np.abs(got_ev - ref).max())
            assert e_ort < TOL and e_ev < TOL, (name, sy, sx, h, w, e_ort, e_ev)
            case[name] = {"input_shape": list(x.shape), "max_abs_err_onnxruntime_vs_pytorch": e_ort,
                          "max_abs_err_onnx_eval_vs_pytorch": e_ev}
            worst[name] = [max(worst[name][0], e_ort), max(worst[name][1], e_ev)]
        checks["cases"].append(case)
    checks["max_abs_err_onnxruntime_vs_pytorch"] = {k: v[0] for k, v in worst.items()}
    checks["max_abs_err_onnx_eval_vs_pytorch"] = {k: v[1] for k, v in worst.items()}
    checks["tolerance"] = TOL
    return checks


def to_nchw(img_u8):
    return (np.asarray(img_u8, np.float32) / np.float32(255)).transpose(2, 0, 1)[None].copy()


def to_u8(nchw):
    """round(clamp(x, 0, 1) * 255), the host's 8-bit quantisation of a graph output."""
    return np.round(np.clip(nchw[0].transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)


def pipeline(hr8, s_y, s_x, down, up):
    """The host's whole cycle for a requested scale, with `down`/`up` callables (lr/hr arrays in,
    arrays out): returns dict of every intermediate (uint8 HxWx3 images, float32 NCHW tensors)."""
    H, W, _ = hr8.shape
    h, w = iarn.lr_size(H, W, s_y, s_x)
    scale = np.array([[H / h, W / w]], np.float32)
    core8 = iarn.resize_u8(hr8, C * w, C * h)
    lr = down(to_nchw(core8), scale)
    lr8 = to_u8(lr)
    rec = up(to_nchw(lr8), scale)
    rec_core8 = to_u8(rec)
    restored8 = iarn.resize_u8(rec_core8, W, H)
    return {"scale": scale, "lr_hw": (h, w), "core8": core8, "lr": lr, "lr8": lr8, "rec": rec,
            "rec_core8": rec_core8, "restored8": restored8}


def ort_callables(out_dir):
    so = onnxruntime.SessionOptions()
    so.intra_op_num_threads = torch.get_num_threads()
    so.inter_op_num_threads = 1
    sd = onnxruntime.InferenceSession(os.path.join(out_dir, "down.onnx"), so, providers=["CPUExecutionProvider"])
    su = onnxruntime.InferenceSession(os.path.join(out_dir, "up.onnx"), so, providers=["CPUExecutionProvider"])
    return (lambda x, s: sd.run(None, {"hr": x, "scale": s})[0],
            lambda x, s: su.run(None, {"lr": x, "scale": s})[0])


def torch_callables(net):
    down, up = iarn.Down(net).eval(), iarn.Up(net).eval()

    device = next(net.parameters()).device  # validation during GPU training runs there too

    def run(mod):
        def f(x, s):
            with torch.no_grad(), export.no_nnpack():
                return mod(torch.from_numpy(x).to(device), torch.from_numpy(s).to(device)).cpu().numpy()
        return f
    return run(down), run(up)


def write_raw(path, arr):
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


def save_png(path, img):
    Image.fromarray(img).save(path)


# Fixture cases: (name, crop top-left fraction, HR w x h, requested (s_x, s_y) as iris's --scale x,y)
FIXTURES = [("asym", (0.5, 0.5), (75, 62), (1.5, 2.5)),
            ("sym", (0.3, 0.6), (83, 59), (3.3, 3.3))]


def write_check(net, out_dir, src_png):
    """check/<case>/: the Java side's fixture for its resampler port and for our ONNX binding.
      hr.png            the 8-bit HR (W x H, sizes multiples of nothing)
      core.png          iris bicubic of hr.png to the core size (4w x 4h), this file's bit-exact port of
                        Resampler.resize; core_float.f32 the same before rounding (HxWx3, 0..255)
      down_in_hr.f32    core.png / 255, NCHW        scale.f32  (H/h, W/w) [1,2]
      down_out_lr.f32   down(core, scale) by PyTorch (the graph must match within the tolerance)
      lr.png, lr.f32    the 8-bit LR and LR / 255 (up's input)
      up_out_hr.f32     up(lr, scale) by PyTorch, core size
      restored_core.png the 8-bit core restore; restored.png iris bicubic of it to W x H
    Raw files are little-endian float32."""
    os.makedirs(out_dir, exist_ok=True)
    im = np.array(Image.open(src_png).convert("RGB"))
    d, u = torch_callables(net)
    cases = {}
    for name, (fy, fx), (W, H), (sx, sy) in FIXTURES:
        y0, x0 = int(im.shape[0] * fy), int(im.shape[1] * fx)
        hr8 = np.ascontiguousarray(im[y0:y0 + H, x0:x0 + W])
        p = pipeline(hr8, sy, sx, d, u)
        cd = os.path.join(out_dir, name)
        os.makedirs(cd, exist_ok=True)
        save_png(os.path.join(cd, "hr.png"), hr8)
        save_png(os.path.join(cd, "core.png"), p["core8"])
        write_raw(os.path.join(cd, "core_float.f32"), iarn.resize_u8_float(hr8, p["core8"].shape[1], p["core8"].shape[0]))
        write_raw(os.path.join(cd, "down_in_hr.f32"), to_nchw(p["core8"]))
        write_raw(os.path.join(cd, "scale.f32"), p["scale"])
        write_raw(os.path.join(cd, "down_out_lr.f32"), p["lr"])
        save_png(os.path.join(cd, "lr.png"), p["lr8"])
        write_raw(os.path.join(cd, "lr.f32"), to_nchw(p["lr8"]))
        write_raw(os.path.join(cd, "up_out_hr.f32"), p["rec"])
        save_png(os.path.join(cd, "restored_core.png"), p["rec_core8"])
        save_png(os.path.join(cd, "restored.png"), p["restored8"])
        h, w = p["lr_hw"]
        cases[name] = {
            "hr_size_wh": [W, H], "requested_scale_xy": [sx, sy], "lr_size_wh": [w, h],
            "core_size_wh": [C * w, C * h],
            "scale_input": [float(v) for v in p["scale"][0]],
            "scale_input_note": "float32 (H/h, W/w) = (s_y, s_x)",
            "down": {"inputs": {"hr": ["down_in_hr.f32", [1, 3, C * h, C * w]], "scale": ["scale.f32", [1, 2]]},
                     "expected": ["down_out_lr.f32", [1, 3, h, w]], "output_name": "lr"},
            "up": {"inputs": {"lr": ["lr.f32", [1, 3, h, w]], "scale": ["scale.f32", [1, 2]]},
                   "expected": ["up_out_hr.f32", [1, 3, C * h, C * w]], "output_name": "hr"},
            "restored_psnr_y": round(metrics.psnr_y(hr8, p["restored8"], int(np.ceil(max(sx, sy)))), 4),
        }
    meta = {"format": "raw little-endian float32 (NCHW for tensors; core_float.f32 is HxWx3 in 0..255); "
                      "png 8-bit RGB",
            "source": f"crops of {os.path.relpath(src_png, os.path.dirname(os.path.dirname(out_dir)))}",
            "tolerance_max_abs": TOL,
            "resize": "iris bicubic, dev.iris.image.Resampler.resize(img, w, h, Filter.BICUBIC); core.png, "
                      "restored.png are bit-exact ports (models/train/iarn.py resize_u8)",
            "quantise": "8-bit = round(clamp(x, 0, 1) * 255)",
            "cases": cases}
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def check_fixture(check_dir, graph_dir):
    """Re-run check/ from its files with ONNX Runtime: graph outputs within the tolerance, the 8-bit
    images and the resizes reproduced. Returns {case/down: err, ...}."""
    meta = json.load(open(os.path.join(check_dir, "meta.json")))
    d, u = ort_callables(graph_dir)
    errs = {}
    for name, c in meta["cases"].items():
        cd = os.path.join(check_dir, name)
        rd = lambda f, shape: np.fromfile(os.path.join(cd, f), "<f4").reshape(shape)
        hr8 = np.array(Image.open(os.path.join(cd, "hr.png")))
        core8 = np.array(Image.open(os.path.join(cd, "core.png")))
        assert np.array_equal(iarn.resize_u8(hr8, *c["core_size_wh"]), core8), (name, "core resize")
        scale = rd("scale.f32", [1, 2])
        for k, run in (("down", d), ("up", u)):
            m = c[k]
            (f0, s0), _ = m["inputs"].values()
            got = run(rd(f0, s0), scale)
            err = float(np.abs(got - rd(*m["expected"])).max())
            assert err < meta["tolerance_max_abs"], (name, k, err)
            errs[f"{name}/{k}"] = err
        rc = np.array(Image.open(os.path.join(cd, "restored_core.png")))
        assert np.array_equal(iarn.resize_u8(rc, *c["hr_size_wh"]),
                              np.array(Image.open(os.path.join(cd, "restored.png")))), (name, "restore resize")
    return errs


def java_check(out_dir, image, scales=((2.5, 2.5), (1.5, 3.0))):
    """The model card's quality check of one committed image through the shipped graphs (ONNX Runtime)
    and the host's cycle (iris bicubic ports), for the Java ModelCardQualityTest to reproduce."""
    hr8 = np.array(Image.open(image).convert("RGB"))
    d, u = ort_callables(out_dir)
    rows = []
    for sx, sy in scales:
        p = pipeline(hr8, sy, sx, d, u)
        b = int(np.ceil(max(sx, sy)))
        h, w = p["lr_hw"]
        bic = iarn.resize_u8(iarn.resize_u8(hr8, w, h), hr8.shape[1], hr8.shape[0])
        rows.append({"requested_scale_xy": [sx, sy], "lr_size_wh": [w, h],
                     "psnr_y": round(metrics.psnr_y(hr8, p["restored8"], b), 4),
                     "psnr_rgb": round(metrics.psnr_rgb(hr8, p["restored8"], b), 4),
                     "bicubic_bicubic_psnr_y": round(metrics.psnr_y(hr8, bic, b), 4)})
    return {"image": os.path.relpath(image, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
            "cases": rows,
            "how": "hr -> iris bicubic to 4w x 4h, 8 bits -> down.onnx -> 8-bit LR -> up.onnx (z = 0) -> 8 bits "
                   "-> iris bicubic to W x H; ONNX Runtime; PSNR with a border of ceil(max(s_x, s_y))"}
