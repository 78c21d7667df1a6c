"""Gradient graphs for encode-time optimisation (HCD, see hcd.py), exported beside a pack's
down.onnx and up.onnx and listed, hashed, in its model.json:

    models/train/.venv/bin/python -m models.train.export_grad models/irn-x2-small [...]

(release.py calls export_graphs for every new release, so this command is for packs released
before it existed; --only hr_grad adds the HR stage's graph to a pack that has lr_grad.onnx). The
server runs the HR stage (hr_grad.onnx) when asked, then the LR stage (lr_grad.onnx). The network is rebuilt from the pack's own up.onnx weights (hcd.load_pack),
so no training checkpoint is needed and the graphs differentiate exactly the network that serves.

lr_grad.onnx (opset 18; h, w dynamic):
  inputs  lr [1,3,h,w] float32 continuous LR in [0,1] (rounded to 8 bits inside, straight-through)
          hr [1,3,h*s,w*s] the target HR
          lr_ref [1,3,h,w] the LR the fidelity term holds lr to (iris: the model's 8-bit LR)
          mask [1,1,h*s,w*s] 1 where an HR pixel counts, 0 where not (a tile's margins)
          chroma [1] weight of colour (Cb, Cr) against luma (Y) errors
          fidelity [1] weight of the fidelity term
  outputs loss [1] = E(up(ste(clamp(lr))) - hr) + fidelity sum((lr - lr_ref)^2), with
          E(d) = sum(mask (Y(d)^2 + chroma (Cb(d)^2 + Cr(d)^2))) / s^2 (hcd.py)
          grad [1,3,h,w] d loss / d lr
hr_grad.onnx (the HR stage: the HR fed to down.onnx, through 8-bit rounding and up.onnx):
  inputs  x [1,3,H,W] the HR fed to the downscaler, hr [1,3,H,W] the target, mask [1,1,H,W],
          chroma [1]
  outputs loss [1] = E(up(ste(clamp(down(x)))) - hr), grad [1,3,H,W] d loss / d x

How: torch.onnx cannot export torch.autograd.grad itself, so the gradient function is traced to
plain aten ops with make_fx (symbolic shapes), with aten.convolution_backward rewritten as the
transposed convolution of the same weights (its input gradient; the weights are frozen, so their
gradient is never asked for), and that graph is exported by the dynamo exporter.
"""
import argparse
import json
import os
import time

import numpy as np
import onnx
import torch
from torch.export import Dim
from torch.fx.experimental.proxy_tensor import make_fx

from . import export, hcd, irn

OPSET = 18  # the dynamo exporter's lowest
LR_INPUTS = ("lr", "hr", "lr_ref", "mask", "chroma", "fidelity")
HR_INPUTS = ("x", "hr", "mask", "chroma")
OUTPUTS = ("loss", "grad")
# Relative tolerance of a gradient against PyTorch autograd: |got - want| <= GRAD_RTOL * max |want|.
GRAD_RTOL = 1e-4
aten = torch.ops.aten


def _convolution_backward(grad_out, inp, weight, bias_sizes, stride, padding, dilation, transposed,
                          output_padding, groups, output_mask):
    """aten.convolution_backward for frozen weights (their gradient is never asked for). The input
    gradient of a stride-1 convolution is the convolution of the output gradient with the kernel
    flipped and its in/out channels swapped, padded by k - 1 - p: written as a Conv, not as the
    equivalent ConvTranspose, because ONNX Runtime's CPU Conv is much faster: with ConvTranspose a
    run of irn-x2-small's graph took 3.6x a restore's time (ConvTranspose 48% of it), with Conv 1.8x
    (docs/HCD.md). Exact for the strides IRN uses: the Haar transforms have a
    kernel-sized stride and no padding, so no output padding is needed; the input gradient of the
    inverse (a transposed convolution) is the plain convolution with the same weights, and the
    other way round."""
    assert not output_mask[1] and not output_mask[2], "weights are frozen: no weight or bias gradient"
    if not output_mask[0]:
        return None, None, None
    k = weight.shape[2:]
    if transposed:
        for st, kk, p in zip(stride, k, padding):
            assert kk == st and p == 0, ("transposed convolution other than the Haar's", stride, k, padding)
        return aten.convolution(grad_out, weight, None, stride, padding, dilation, False, [0, 0], groups), None, None
    if any(st != 1 for st in stride):  # the Haar transform in down.onnx (HR stage only): kernel-sized stride
        for st, kk, p in zip(stride, k, padding):
            assert kk == st and p == 0, ("strided convolution other than the Haar's", stride, k, padding)
        return aten.convolution(grad_out, weight, None, stride, padding, dilation, True, [0, 0], groups), None, None
    assert all(d == 1 for d in dilation) and groups == 1, ("dilated or grouped convolution", dilation, groups)
    flipped = aten.flip(aten.transpose(weight, 0, 1), [2, 3])
    pad = [kk - 1 - p for kk, p in zip(k, padding)]
    return aten.convolution(grad_out, flipped, None, [1, 1], pad, [1, 1], False, [0, 0], 1), None, None


DECOMPOSITIONS = {aten.convolution_backward.default: _convolution_backward}


def _trace(fn, example):
    with export.no_nnpack():
        return make_fx(fn, decomposition_table=DECOMPOSITIONS, tracing_mode="symbolic",
                       _allow_non_fake_inputs=True)(*example)


def _export(gm, example, input_names, dynamic, path):
    tmp = path + ".tmp"
    torch.onnx.export(gm, example, tmp, input_names=list(input_names), output_names=list(OUTPUTS),
                      dynamic_shapes=dynamic, dynamo=True, opset_version=OPSET, external_data=False,
                      verbose=False)
    m = onnx.load(tmp)
    onnx.checker.check_model(m, full_check=True)
    os.replace(tmp, path)
    return m


def lr_example(scale, h, w, g):
    """Inputs for lr_grad at LR size h x w. The LR sits a quarter of a level from its 8-bit value,
    so no implementation rounds it the other way; the reference is what the LR would round to."""
    lr = (torch.randint(0, 255, (1, 3, h, w), generator=g) + 0.25 + 0.5 * torch.rand(1, 3, h, w, generator=g)) / 255
    hr = torch.rand(1, 3, h * scale, w * scale, generator=g)
    ref = torch.round(lr * 255) / 255 + (torch.rand(1, 3, h, w, generator=g) - 0.5) / 255
    mask = (torch.rand(1, 1, h * scale, w * scale, generator=g) > 0.2).float()
    return lr, hr, ref, mask, torch.tensor([0.4]), torch.tensor([0.7])


def hr_example(net, scale, h, w, g):
    """Random inputs for hr_grad at HR size h x w (multiples of the scale); check_hr moves x so that
    its LR stays clear of 8-bit rounding boundaries."""
    x = 0.2 + 0.6 * torch.rand(1, 3, h, w, generator=g)  # clear of the clamp at 0 and 1
    hr = torch.rand(1, 3, h, w, generator=g)
    mask = (torch.rand(1, 1, h, w, generator=g) > 0.2).float()
    return x, hr, mask, torch.tensor([0.4])


def export_lr_grad(net, scale, path, trace_lr=(12, 10)):
    up = irn.Up(net).eval()
    g = torch.Generator().manual_seed(1)
    example = lr_example(scale, *trace_lr, g)
    gm = _trace(hcd.lr_grad(up, scale), example)
    h, w = Dim("h", min=2, max=16384), Dim("w", min=2, max=16384)
    dyn = ({2: h, 3: w}, {2: scale * h, 3: scale * w}, {2: h, 3: w}, {2: scale * h, 3: scale * w}, None, None)
    return _export(gm, example, LR_INPUTS, dyn, path)


def export_hr_grad(net, scale, path, trace_lr=(12, 10)):
    down, up = irn.Down(net).eval(), irn.Up(net).eval()
    g = torch.Generator().manual_seed(2)
    example = hr_example(net, scale, trace_lr[0] * scale, trace_lr[1] * scale, g)
    gm = _trace(hcd.hr_grad(down, up, scale), example)
    # H and W are multiples of the scale: the export sees them as scale * (LR size)
    h, w = Dim("h", min=2, max=16384), Dim("w", min=2, max=16384)
    dyn = ({2: scale * h, 3: scale * w},) * 3 + (None,)
    return _export(gm, example, HR_INPUTS, dyn, path)


def _autograd(fn, example):
    with export.no_nnpack():
        loss, grad = fn(*example)
    return loss.detach().numpy(), grad.numpy()


def _compare(what, want, got):
    (wl, wg), (gl, gg) = want, got
    assert gg.shape == wg.shape, (what, gg.shape, wg.shape)
    err = float(np.abs(gg - wg).max())
    scale = float(np.abs(wg).max())
    assert scale > 0, (what, "zero gradient: the check would prove nothing")
    assert err <= GRAD_RTOL * scale, (what, "grad", err, scale)
    lerr = abs(float(gl[0]) - float(wl[0]))
    assert lerr <= GRAD_RTOL * abs(float(wl[0])), (what, "loss", float(gl[0]), float(wl[0]))
    return {"max_abs_err": err, "max_abs_grad": scale, "loss_rel_err": lerr / abs(float(wl[0]))}


def check_lr(net, scale, model, sizes=((9, 14), (16, 7))):
    """lr_grad.onnx in ONNX Runtime against PyTorch autograd of hcd.lr_loss, at sizes other than
    the trace size (so the axes are really dynamic). Returns the errors."""
    fn = hcd.lr_grad(irn.Up(net).eval(), scale)
    out = {}
    for h, w in sizes:
        g = torch.Generator().manual_seed(10 * h + w)
        example = lr_example(scale, h, w, g)
        want = _autograd(fn, example)
        got = export.ort_run(model, {k: v.numpy() for k, v in zip(LR_INPUTS, example)})
        out[f"{h}x{w}"] = _compare(f"lr_grad {h}x{w}", want, got)
    return out


def check_hr(net, scale, model, sizes=((9, 14), (16, 7))):
    """hr_grad.onnx in ONNX Runtime against PyTorch autograd of hcd.hr_loss. The LR inside is
    rounded to 8 bits, and a value at a rounding boundary could round the other way in ONNX Runtime
    than in PyTorch, so x is first moved until its LR is clear of every boundary."""
    down, up = irn.Down(net).eval(), irn.Up(net).eval()
    fn = hcd.hr_grad(down, up, scale)
    out = {}
    for h, w in sizes:
        g = torch.Generator().manual_seed(10 * h + w + 1)
        x, hr, mask, chroma = hr_example(net, scale, h * scale, w * scale, g)
        with torch.no_grad(), export.no_nnpack():
            lr = down(x)
        # move x so that its LR is at lattice point + 1/4 level, away from every rounding boundary
        x = _nudge_to_lattice(down, x, lr, scale)
        example = (x, hr, mask, chroma)
        want = _autograd(fn, example)
        got = export.ort_run(model, {k: v.numpy() for k, v in zip(HR_INPUTS, example)})
        out[f"{h * scale}x{w * scale}"] = _compare(f"hr_grad {h * scale}x{w * scale}", want, got)
    return out


def _nudge_to_lattice(down, x, lr, scale):
    """x shifted so that down(x) sits clear of 8-bit rounding boundaries: IRN's LR is nearly the
    Haar low band of x plus a coupling term, and adding a constant c to every HR pixel of a cell
    adds about c to its LR pixel; fixed-point steps towards floor(255 v) / 255 + 0.25 / 255, keeping
    the step whose LR is farthest from any boundary. At least 0.005 of a level (2e-5) is required:
    ONNX Runtime's down.onnx differs from PyTorch's by under 1e-6 (model.json), 20x less."""
    best, margin = x, 0.0
    with torch.no_grad(), export.no_nnpack():
        for _ in range(10):
            lr = down(x)
            target = (torch.floor(lr * 255) + 0.25) / 255
            x = torch.clamp(x + torch.repeat_interleave(torch.repeat_interleave(target - lr, scale, 2), scale, 3),
                            0.02, 0.98)
            m = float(torch.min(torch.abs(torch.frac(down(x) * 255) - 0.5)))
            if m > margin:
                best, margin = x, m
    assert margin > 0.005, ("could not move the LR off rounding boundaries", margin)
    return best


def write_check(net, scale, check_dir, lr_hw=(10, 13)):
    """Java fixture for lr_grad.onnx: check_dir/lr_grad/ holds every input and PyTorch's loss and
    gradient as raw little-endian float32 (NCHW), described by meta.json; the Java test runs the
    graph through iris's binding on these inputs and compares."""
    g = torch.Generator().manual_seed(7)
    example = lr_example(scale, *lr_hw, g)
    _write_fixture(os.path.join(check_dir, "lr_grad"), "lr_grad.onnx", LR_INPUTS, example,
                   _autograd(hcd.lr_grad(irn.Up(net).eval(), scale), example), "lr_loss")


def write_hr_check(net, scale, check_dir, lr_hw=(10, 13)):
    """Java fixture for hr_grad.onnx in check_dir/hr_grad/, as write_check's; x is moved off the
    8-bit rounding boundaries of its LR (check_hr) so that ONNX Runtime rounds as PyTorch does."""
    down, up = irn.Down(net).eval(), irn.Up(net).eval()
    g = torch.Generator().manual_seed(8)
    x, hr, mask, chroma = hr_example(net, scale, lr_hw[0] * scale, lr_hw[1] * scale, g)
    with torch.no_grad(), export.no_nnpack():
        x = _nudge_to_lattice(down, x, down(x), scale)
    example = (x, hr, mask, chroma)
    _write_fixture(os.path.join(check_dir, "hr_grad"), "hr_grad.onnx", HR_INPUTS, example,
                   _autograd(hcd.hr_grad(down, up, scale), example), "hr_loss")


def _write_fixture(out, model, input_names, example, expected, loss_name):
    os.makedirs(out, exist_ok=True)
    loss, grad = expected
    meta = {"format": "raw little-endian float32, NCHW", "model": model, "inputs": {},
            "expected": {}, "tolerance_relative": GRAD_RTOL,
            "note": f"expected outputs computed by PyTorch autograd of models/train/hcd.py {loss_name}"}
    for name, value in zip(input_names, example):
        export.write_raw(os.path.join(out, name + ".f32"), value.numpy())
        meta["inputs"][name] = {"file": name + ".f32", "shape": list(value.shape)}
    for name, value in (("loss", loss), ("grad", grad)):
        export.write_raw(os.path.join(out, name + ".f32"), value)
        meta["expected"][name] = {"file": name + ".f32", "shape": list(value.shape)}
    with open(os.path.join(out, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    return meta


def export_graphs(net, scale, out_dir, hr_stage=True, lr_stage=True):
    """Export lr_grad.onnx and hr_grad.onnx (each unless told not to) into out_dir, check each
    against PyTorch autograd in ONNX Runtime, write the Java fixtures into out_dir/check/, and
    return the model.json entries (file, sha256, contract, checks) by key."""
    for p in net.parameters():  # frozen: only the input's gradient is traced
        p.requires_grad_(False)
    entries = {}
    if lr_stage:
        entries.update(_export_lr_stage(net, scale, out_dir))
    if hr_stage:
        entries.update(_export_hr_stage(net, scale, out_dir))
    for e in entries.values():
        e["python_graph_check"]["onnxruntime"] = __import__("onnxruntime").__version__
    return entries


def _export_lr_stage(net, scale, out_dir):
    write_check(net, scale, os.path.join(out_dir, "check"))
    entries = {}
    t0 = time.time()
    m = export_lr_grad(net, scale, os.path.join(out_dir, "lr_grad.onnx"))
    entries["lr_grad"] = {
        "file": "lr_grad.onnx", "sha256": export.sha256(os.path.join(out_dir, "lr_grad.onnx")),
        # the network it differentiates: the server refuses the pair when up.onnx has changed since
        "up_sha256": export.sha256(os.path.join(out_dir, "up.onnx")),
        "inputs": "lr [1,3,h,w] continuous LR in [0,1]; hr [1,3,h*s,w*s] target; lr_ref [1,3,h,w]; "
                  "mask [1,1,h*s,w*s]; chroma [1]; fidelity [1]",
        "outputs": "loss [1]; grad [1,3,h,w] = d loss / d lr",
        "loss": "E(up(ste(clamp(lr,0,1))) - hr) + fidelity sum((lr - lr_ref)^2), "
                "E(d) = sum(mask (Y(d)^2 + chroma (Cb(d)^2 + Cr(d)^2))) / s^2 (BT.601); "
                "ste(v) = round(255 v) / 255 forward, identity backward",
        "python_graph_check": check_lr(net, scale, m),
        "ops": sorted({n.op_type for n in m.graph.node}),
    }
    print(f"lr_grad.onnx: {time.time() - t0:.0f} s", flush=True)
    return entries


def _export_hr_stage(net, scale, out_dir):
    write_hr_check(net, scale, os.path.join(out_dir, "check"))
    t0 = time.time()
    m = export_hr_grad(net, scale, os.path.join(out_dir, "hr_grad.onnx"))
    entry = {
        "file": "hr_grad.onnx", "sha256": export.sha256(os.path.join(out_dir, "hr_grad.onnx")),
        # the networks it differentiates: the server refuses the pack when either has changed since
        "down_sha256": export.sha256(os.path.join(out_dir, "down.onnx")),
        "up_sha256": export.sha256(os.path.join(out_dir, "up.onnx")),
        "inputs": "x [1,3,H,W] HR fed to the downscaler; hr [1,3,H,W] target; mask [1,1,H,W]; chroma [1]",
        "outputs": "loss [1]; grad [1,3,H,W] = d loss / d x",
        "loss": "E(up(ste(clamp(down(x),0,1))) - hr), E as for lr_grad",
        "python_graph_check": check_hr(net, scale, m),
        "ops": sorted({n.op_type for n in m.graph.node}),
    }
    print(f"hr_grad.onnx: {time.time() - t0:.0f} s", flush=True)
    return {"hr_grad": entry}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("packs", nargs="+", help="model directories, e.g. models/irn-x2-small")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", choices=("lr_grad", "hr_grad"),
                    help="export only this graph (default: both)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for pack in a.packs:
        net, scale = hcd.load_pack(pack)
        entries = export_graphs(net, scale, pack, hr_stage=a.only != "lr_grad", lr_stage=a.only != "hr_grad")
        card_path = os.path.join(pack, "model.json")
        card = json.load(open(card_path))
        card["onnx"].update(entries)
        with open(card_path, "w") as fh:
            json.dump(card, fh, indent=1)
        print(json.dumps({pack: {k: v["sha256"] for k, v in entries.items()}}), flush=True)


if __name__ == "__main__":
    main()
