"""Regenerate models/README.md from models/<id>/model.json and the runs' val.log files.

    models/train/.venv/bin/python -m models.train.report
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
IDS = ["irn-x2-small-3", "irn-x4-small-3"]  # the current default of each scale

HEAD = """# models — iris IRN models

Each `models/<id>/` holds the ONNX pair the server uses, and its provenance:

| file | what |
|---|---|
| `down.onnx` | input `hr` float32 [1,3,H,W] RGB in [0,1] (H, W multiples of the scale, dynamic) → output `lr` float32 [1,3,H/s,W/s], not clamped or rounded |
| `up.onnx` | input `lr` float32 [1,3,h,w] = 8-bit LR / 255 → output `hr` float32 [1,3,h·s,w·s], restored with z = 0, not clamped |
| `lr_grad.onnx` | the gradient graph of encode-time LR optimisation (HCD, `docs/HCD.md`): inputs `lr` (continuous), `hr`, `lr_ref`, `mask`, `chroma`, `fidelity` → `loss`, `grad` = d loss / d lr (opset 18, h and w dynamic; `models/train/export_grad.py`) |
| `model.json` | id, scale, architecture, params, opset (17), sha256 of every graph, training data/iterations, metrics, ship-criteria status |
| `check/` | Java fixture: `down_in_hr.f32` → `down_out_lr.f32` and `lr.f32` → `hr.f32` (raw little-endian float32 NCHW, PyTorch outputs), `meta.json` with shapes, names and tolerance 1e-4; `check/lr_grad/`: every input of `lr_grad.onnx` and PyTorch autograd's loss and gradient |
| `comparison.png` | HR crop · bicubic down+up · iris restore · iris LR (nearest-upscaled), 2x zoom, PSNR-Y in the labels |
| `eval.json` | per-photo metrics |

Produced by `models/train/release.sh <run>` from `models/train/runs/<run>/last.pt` into
`models/<model id>/` (export + evaluation in one command; re-run it after more training).
The shipped pair comes from runs `irn-x2-r2` and `irn-x4-r2`, warm-started from the
first-session runs `irn-x2-small` and `irn-x4-small` (`model.json` → `training`). Training, resuming
and the environment are described in `models/train/README.md`. Converted official IRN
checkpoints go to `models/irn-x2-official/` etc. via `models/train/convert_irn.py`.

## Model choice

The network is IRN exactly (Haar level + affine-coupling InvBlockExp with DenseBlock
subnets, clamp 1), only smaller than the published x2 ([8] blocks, gc 32, 1.67M params)
and x4 ([8,8], 4.36M), because all training happens on 2 shared CPU cores. Measured at the
start (1 torch thread, both trainings running side by side, one training step = forward +
inverse + backward):

| candidate | params | batch × patch | s/step |
|---|---|---|---|
| x2 [4] gc 16 | 252,600 | 16 × 96² | 1.67 |
| x2 [5] gc 24 | 627,270 | 16 × 96² | 3.32 |
| x2 [5] gc 24 | 627,270 | 8 × 96² | 1.66 |
| x4 [3,3] gc 16 | 574,488 | 16 × 128² | 2.71 |
| x4 [3,3] gc 16 | 574,488 | 8 × 128² | ~1.4 (measured in the run) |
| x4 [4,4] gc 16 | 765,984 | 8 × 128² | 1.84 |

Chosen: **irn-x2-small** = x2, 4 blocks, gc 16, batch 16, 96 px; **irn-x4-small** = x4,
two levels of 3 blocks, gc 16, batch 8, 128 px. Within a ~2-hour session the small
models see far more samples per minute, and IRN's early gains come from getting the
Haar detail channels right, which a small coupling net already does; a bigger model is
worth it only with many hours of training. Both runs train at the same time with 1 thread
each instead of one after the other: on 2 cores two 1-thread processes get more total work
done than one 2-thread process (small convolutions scale poorly across threads), and it is
the only way x4 gets trained at all in one session. Measured in the runs: ~1.5 s/step
each when nothing else runs, ~2–2.5 s/step while the Java build or an export/evaluation
shares the cores; with the sub-networks under bfloat16 autocast (`--bf16`, second runs)
0.95–1.05 s/step.

## Evaluation protocol

On the 5 held-out val photos (centre crop ≤ 1024×1024 of the ÷2 box-downscaled photo):
PSNR on Y (BT.601, MATLAB rgb2ycbcr: Y = 16 + 65.481 R + 128.553 G + 24.966 B, RGB in
[0,1]), `scale` border pixels cropped, restored image rounded to 8 bits, LR rounded to 8
bits before restoring (the IRN protocol); PSNR on RGB; SSIM on Y (Gaussian 11×11,
σ 1.5, K 0.01/0.03, 'valid' window); the 8-bit LR against the bicubic LR (PyTorch bicubic
antialias=True, the training target) as PSNR-Y. Baselines: PIL `BICUBIC` down then PIL
`BICUBIC` up, and PIL `BICUBIC` down then PIL `LANCZOS` up. "z ~ N(0,1)" restores with a
standard-normal z instead of 0 (mean PSNR-Y over 3 fixed-seed draws).

Ship criteria: restored PSNR-Y ≥ 5 dB (x2) / ≥ 3 dB (x4) above bicubic→bicubic, and the LR
close to a bicubic LR, which we measure as LR-vs-bicubic-LR PSNR-Y ≥ 35 dB (the IRN paper
reports ~40 dB-class LR fidelity for its models).
"""


def fmt(x, n=2):
    return "—" if x is None else f"{x:.{n}f}"


def _steps_before(cfg):
    """Steps the run's lineage trained before it started: its source's own earlier steps plus the step it copied."""
    if not cfg.get("init_from"):
        return 0
    src = json.load(open(os.path.join(HERE, "runs", cfg["init_from"], "config.json")))
    return _steps_before(src) + cfg["init_from_step"]


def val_rows(run, upto=None):
    """(run, cumulative step, PSNR-Y, bicubic PSNR-Y, LR PSNR-Y) for a run and, when it was
    started with --init-from, the runs it started from (each up to the step it copied)."""
    d = os.path.join(HERE, "runs", run)
    cfg = json.load(open(os.path.join(d, "config.json")))
    rows = val_rows(cfg["init_from"], cfg["init_from_step"]) if cfg.get("init_from") else []
    offset = _steps_before(cfg)
    vp = os.path.join(d, "val.log")
    if os.path.exists(vp):
        for line in open(vp).read().strip().split("\n")[1:]:
            f = line.split("\t")
            st = int(f[0])
            if upto is None or st <= upto:
                rows.append((run, offset + st, float(f[1]), float(f[2]), float(f[3])))
    return rows


def main():
    out = [HEAD, "## Results\n"]
    rows = []
    for mid in IDS:
        p = os.path.join(MODELS, mid, "model.json")
        if not os.path.exists(p):
            continue
        m = json.load(open(p))
        mt = m["metrics"]
        sc = m["ship_criteria"]
        rows.append(
            f"| {mid} | x{m['scale']} | {m['architecture']['params']:,} | {m['training']['iterations']} | "
            f"{fmt(mt['iris']['psnr_y'])} / {fmt(mt['iris']['psnr_rgb'])} / {fmt(mt['iris']['ssim_y'], 4)} | "
            f"{fmt(mt['bicubic_bicubic']['psnr_y'])} / {fmt(mt['bicubic_bicubic']['psnr_rgb'])} / {fmt(mt['bicubic_bicubic']['ssim_y'], 4)} | "
            f"{fmt(mt['bicubic_lanczos']['psnr_y'])} / {fmt(mt['bicubic_lanczos']['psnr_rgb'])} / {fmt(mt['bicubic_lanczos']['ssim_y'], 4)} | "
            f"{fmt(mt['gain_psnr_y_over_bicubic_db'])} (need {sc['required_gain_psnr_y_db']:.0f}) | "
            f"{fmt(mt['lr_psnr_y_vs_bicubic_lr'])} | {fmt(mt['iris_z_sampled_psnr_y'])} | "
            f"{'**met**' if sc['met'] else 'not met'} |")
    out.append("PSNR-Y / PSNR-RGB (dB) / SSIM-Y, mean over the val photos.\n")
    out.append("| model | scale | params | steps | iris (z = 0) | bicubic→bicubic | bicubic→Lanczos | "
               "gain Y vs bicubic | LR vs bicubic LR (Y) | iris, z ~ N(0,1) | ship criteria |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    out += rows
    out.append("")
    out.append("### Validation curve during training\n")
    out.append("![validation curves](training-curves.png)\n")
    out.append("From `models/train/runs/<run>/val.log` (steps counted across a warm start): PSNR-Y of the z = 0 restore on 320×320 "
               "centre crops of the val photos (a smaller, faster set than the table above, so "
               "the absolute numbers differ), vs bicubic→bicubic on the same crops.\n")
    for mid in IDS:
        p = os.path.join(MODELS, mid, "model.json")
        if not os.path.exists(p):
            continue
        run = os.path.basename(json.load(open(p))["training"]["run"])
        rows = val_rows(run)
        if not rows:
            continue
        out.append(f"**{mid}** (bicubic→bicubic {rows[0][3]:.2f} dB)\n")
        out.append("| run | step | PSNR-Y | gain vs bicubic | LR vs bicubic LR |")
        out.append("|---|---|---|---|---|")
        for r, st, p_hr, p_bic, p_lr in rows:
            out.append(f"| {r} | {st} | {p_hr:.2f} | {p_hr - p_bic:+.2f} | {p_lr:.2f} |")
        out.append("")
    status = os.path.join(MODELS, "STATUS.md")
    if os.path.exists(status):
        out.append(open(status).read())
    with open(os.path.join(MODELS, "README.md"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
