"""Check of the gradient graphs of encode-time optimisation (export_grad.py, hcd.py):

    models/train/.venv/bin/python -m models.train.grad_check

(also part of `python -m models.train.checks`). From the repository root:
* a small random x4 IRN (two Haar levels) exported by export_grad: ONNX Runtime's run of its
  lr_grad.onnx against PyTorch autograd of hcd.lr_loss, at sizes other than the trace size
  (with --hr-stage also a small x2 hr_grad.onnx against hcd.hr_loss: the exporter of the HR
  stage; left out of `checks` for time, the dynamo export takes
  a few minutes of CPU per graph);
* the traced (make_fx) graph against autograd, and the loss as it claims: a zero mask leaves
  only the fidelity gradient 2 fidelity (lr - lr_ref);
* every shipped models/<id>/ whose model.json lists lr_grad / hr_grad: the graph's sha256 as
  listed, hcd.load_pack's network restores exactly what up.onnx does (the gradients are of the
  serving network), the graph in ONNX Runtime against PyTorch autograd, and the check/lr_grad/
  fixture (the Java side's) reproduced.
"""
import json
import os
import tempfile
import time

import numpy as np
import torch

from . import export, export_grad, export_check, hcd, irn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)


def check_small(tmp, hr_stage=False):
    for scale, stage in ((4, "lr"),) + (((2, "hr"),) if hr_stage else ()):
        net = export_check.random_net(scale, 200 + scale)
        for p in net.parameters():
            p.requires_grad_(False)
        path = os.path.join(tmp, f"x{scale}-{stage}_grad.onnx")
        t0 = time.time()
        if stage == "lr":
            model = export_grad.export_lr_grad(net, scale, path)
            errs = export_grad.check_lr(net, scale, model)
        else:
            model = export_grad.export_hr_grad(net, scale, path)
            errs = export_grad.check_hr(net, scale, model)
        worst = max(e["max_abs_err"] / e["max_abs_grad"] for e in errs.values())
        print(f"x{scale} small {stage}_grad: exported in {time.time() - t0:.0f} s, ONNX Runtime vs autograd "
              f"at {sorted(errs)}: max rel err {worst:.1e}", flush=True)


def check_traced_and_loss():
    """The make_fx graph against autograd, and the loss's gradient against its own definition."""
    scale = 2
    net = export_check.random_net(scale, 300)
    for p in net.parameters():
        p.requires_grad_(False)
    up = irn.Up(net).eval()
    fn = hcd.lr_grad(up, scale)
    g = torch.Generator().manual_seed(3)
    gm = export_grad._trace(fn, export_grad.lr_example(scale, 6, 5, g))
    example = export_grad.lr_example(scale, 7, 9, g)  # another size: the trace is symbolic
    want = export_grad._autograd(fn, example)
    with export.no_nnpack():
        got = tuple(t.detach().numpy() for t in gm(*example))
    export_grad._compare("make_fx graph", want, got)
    # zero mask: only the fidelity term is left, whose gradient is 2 fidelity (lr - lr_ref)
    lr, hr, ref, mask, chroma, fid = example
    _, grad = export_grad._autograd(fn, (lr, hr, ref, torch.zeros_like(mask), chroma, fid))
    expect = (2 * fid[0] * (lr - ref)).numpy()
    assert np.abs(grad - expect).max() < 1e-6 * max(1.0, np.abs(expect).max()), "fidelity gradient"
    # and with the mask on, the restore term is there too (the check above would not see a graph
    # that dropped it)
    _, full = export_grad._autograd(fn, example)
    assert np.abs(full - expect).max() > 1e-3, "the restore error adds nothing to the gradient"
    print("make_fx graph vs autograd ok; zero-mask gradient = 2 fidelity (lr - lr_ref)", flush=True)


def check_shipped():
    found = 0
    for card_path in sorted(os.path.join(MODELS, d, "model.json") for d in os.listdir(MODELS)):
        if not os.path.isfile(card_path):
            continue
        pack = os.path.dirname(card_path)
        card = json.load(open(card_path))
        grads = {k: v for k, v in card["onnx"].items() if k in ("lr_grad", "hr_grad")}
        if not grads:
            continue
        found += 1
        net, scale = hcd.load_pack(pack)
        g = torch.Generator().manual_seed(5)
        lr = torch.rand(1, 3, 11, 9, generator=g)
        with torch.no_grad(), export.no_nnpack():
            mine = irn.Up(net)(lr).numpy()
        served = export.ort_run(os.path.join(pack, "up.onnx"), {"lr": lr.numpy()})[0]
        assert np.abs(mine - served).max() < export.TOL, (pack, "load_pack's network is not up.onnx's")
        line = []
        for key, entry in grads.items():
            path = os.path.join(pack, entry["file"])
            assert export.sha256(path) == entry["sha256"], (path, "sha256 differs from model.json")
            errs = (export_grad.check_lr if key == "lr_grad" else export_grad.check_hr)(net, scale, path)
            line.append(f"{key} max rel err {max(e['max_abs_err'] / e['max_abs_grad'] for e in errs.values()):.1e}")
        for key in grads:  # each graph's Java fixture, run by ONNX Runtime here
            fixture = os.path.join(pack, "check", key, "meta.json")
            meta = json.load(open(fixture))
            feeds = {n: np.fromfile(os.path.join(os.path.dirname(fixture), m["file"]), "<f4").reshape(m["shape"])
                     for n, m in meta["inputs"].items()}
            got = export.ort_run(os.path.join(pack, key + ".onnx"), feeds)
            want = [np.fromfile(os.path.join(os.path.dirname(fixture), meta["expected"][n]["file"]), "<f4")
                    .reshape(meta["expected"][n]["shape"]) for n in ("loss", "grad")]
            export_grad._compare(fixture, want, got)
            line.append(f"{key} fixture ok")
        print(f"{os.path.basename(pack)}: " + ", ".join(line), flush=True)
    print(f"shipped packs with gradient graphs: {found}", flush=True)


def run(hr_stage=False):
    check_traced_and_loss()
    with tempfile.TemporaryDirectory() as tmp:
        check_small(tmp, hr_stage)
    check_shipped()


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hr-stage", action="store_true", help="also export and check a small hr_grad.onnx")
    torch.set_num_threads(1)
    run(ap.parse_args().hr_stage)
