"""Turn an IARN checkpoint (or, for r0, the IRN x4 run it warm-starts from) into a pack models/<id>/.

    # r0: the untrained net = the no-training baseline, from the IRN x4 run behind models/irn-x4-small
    models/train/.venv/bin/python -m models.train.iarn_release --from-irn irn-x4-r3 --id iarn-small
    # a trained run (its config names the pack id)
    models/train/.venv/bin/python -m models.train.iarn_release --run iarn-r1 [--eval docs/eval/iarn-scales.json]

Writes down.onnx, up.onnx (opset 17, dynamic h/w), check/ (Java fixtures, iarn_export.write_check)
and model.json (contract, hashes, graph checks, java_check; metrics from --eval when given).
"""
import argparse
import json
import os
import shutil

import torch

from . import export, iarn, iarn_export

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECK_IMAGE = os.path.join(HERE, "data", "val", "ColorfulCups.png")
JAVA_IMAGE = os.path.join(ROOT, "src", "test", "resources", "fixtures", "photo.png")


def load_net(run=None, from_irn=None):
    """(net, training record) from runs/<run>/last.pt (IARN) or runs/<from_irn>/last.pt (IRN x4)."""
    if from_irn:
        ck = torch.load(os.path.join(HERE, "runs", from_irn, "last.pt"), map_location="cpu", weights_only=False)
        cfg = ck["config"]
        assert cfg["scale"] == 4, "IARN's core is an IRN x4"
        net = iarn.from_irn(ck["model"], cfg["blocks"], cfg["gc"])
        return net, {"iterations": 0, "note": "untrained: the IRN x4 weights with the scale maps' weights at "
                                              "zero, i.e. the no-training baseline (bicubic to 4x the LR size, "
                                              "IRN x4 down and up, bicubic back)",
                     "init_from": f"models/train/runs/{from_irn} step {ck['step']}"}
    ck = torch.load(os.path.join(HERE, "runs", run, "last.pt"), map_location="cpu", weights_only=False)
    cfg = ck["config"]
    net = iarn.IARN(cfg["blocks"], cfg["gc"])
    net.load_state_dict(ck["model"], strict=True)
    rec = {"iterations": ck["step"], "run": f"models/train/runs/{run}",
           "init_from": f"models/train/runs/{cfg['init_from']} step {cfg.get('init_from_step')}"
                        + (" (iarn)" if cfg.get("init_from_family") == "iarn" else " (IRN x4, scale-map weights at zero)"),
           "batch": cfg["batch"], "lr_patch": cfg["lr_patch"],
           "optimizer": f"Adam lr {cfg['lr']} betas (0.9,0.999) wd {cfg['weight_decay']} clip {cfg['clip']}",
           "schedule": f"cosine over {cfg['total_steps']} steps, warm-up {cfg['warmup']}",
           "scales": "s = 1.1 + 2.9*sqrt(u) per axis (AIDN-like, more weight on large scales); "
                     f"{cfg['asym']:.0%} of samples with s_x, s_y drawn independently",
           "subnet_precision": "bfloat16 autocast" if cfg.get("bf16") else "float32",
           "loss_weights_mean_reduced": cfg["loss_weights"],
           "losses": "fit: MSE(LR, iris bicubic of HR to the LR size); rec: L1(iris bicubic of the 8-bit "
                     "core restore to the HR size, HR); ce: mean z^2"}
    return net, rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default=None)
    ap.add_argument("--from-irn", default=None)
    ap.add_argument("--id", default=None, help="pack id (default: the run's config id)")
    ap.add_argument("--eval", default=None, help="json written by iarn_eval (metrics for the card)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    assert bool(a.run) != bool(a.from_irn), "give --run or --from-irn"
    torch.set_num_threads(a.threads)
    net, training = load_net(a.run, a.from_irn)
    net.eval()
    pid = a.id
    if pid is None and a.run:
        pid = torch.load(os.path.join(HERE, "runs", a.run, "last.pt"), map_location="cpu",
                         weights_only=False)["config"]["id"]
    out_dir = os.path.join(ROOT, "models", pid)
    os.makedirs(out_dir, exist_ok=True)
    checks = iarn_export.export_onnx(net, out_dir)
    chk = os.path.join(out_dir, "check")
    if os.path.isdir(chk):
        shutil.rmtree(chk)
    iarn_export.write_check(net, chk, CHECK_IMAGE)
    fixture_errs = iarn_export.check_fixture(chk, out_dir)
    nparams = sum(p.numel() for p in net.parameters())
    card = {
        "id": pid,
        "architecture": {
            "family": "iarn",
            "description": "IARN-style arbitrary-scale invertible rescaling (Pan et al. WACV 2023), small: an IRN "
                           "x4 core (2 Haar levels) whose coupling sub-networks see uniform maps of "
                           "(1/s_y, 1/s_x); the non-integer part is a fixed bicubic resize done by the host",
            "core_scale": iarn.CORE_SCALE,
            "resample": "bicubic",
            "resample_note": "dev.iris.image.Resampler.resize with Filter.BICUBIC (Keys a = -0.5, antialiased "
                             "when shrinking, edge-clamped, separable horizontal then vertical, rounded to 8 bits)",
            "scale_range": [iarn.SCALE_MIN, iarn.SCALE_MAX],
            "scale_conditioning": "maps of 1/s_y and 1/s_x concatenated into the input of every conv of every "
                                  "coupling sub-network (F, G, H); spatially uniform, so tiling is as for IRN x4",
            "levels": 2, "blocks_per_level": net.blocks, "gc": net.gc,
            "subnet": "DenseBlock (5 conv3x3, dense, LeakyReLU 0.2) with 2 extra input channels",
            "clamp": 1.0, "params": nparams, "z_channels": net.channel_total - 3,
        },
        "onnx": {
            "opset": iarn_export.OPSET,
            "down": {"file": "down.onnx", "sha256": export.sha256(os.path.join(out_dir, "down.onnx")),
                     "input_names": ["hr", "scale"], "output_name": "lr",
                     "input": iarn_export.DOWN_INPUT, "output": iarn_export.DOWN_OUTPUT},
            "up": {"file": "up.onnx", "sha256": export.sha256(os.path.join(out_dir, "up.onnx")),
                   "input_names": ["lr", "scale"], "output_name": "hr",
                   "input": iarn_export.UP_INPUT, "output": iarn_export.UP_OUTPUT},
            "scale": "float32 [1,2] = (s_y, s_x) = (H/h, W/w): HR height over LR height, HR width over LR width",
            "python_graph_check": checks,
        },
        "training": training,
        "check_fixture": "check/meta.json",
        "check_fixture_python_rerun_max_abs_err": fixture_errs,
        "java_check": iarn_export.java_check(out_dir, JAVA_IMAGE),
    }
    if a.eval:
        ev = json.load(open(a.eval))
        card["metrics"] = ev["methods"].get(pid) or ev
        card["metrics_source"] = os.path.relpath(a.eval, ROOT)
    with open(os.path.join(out_dir, "model.json"), "w") as fh:
        json.dump(card, fh, indent=1)
    print(json.dumps({"id": pid, "graph_check": checks["max_abs_err_onnxruntime_vs_pytorch"],
                      "fixture": fixture_errs, "java_check": card["java_check"]["cases"]}, indent=1))


if __name__ == "__main__":
    main()
