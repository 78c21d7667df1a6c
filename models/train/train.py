"""Train an IRN model on CPU, checkpointing atomically and resuming exactly.

Start or resume (the same command does both), from the repository root:
    models/train/.venv/bin/python -m models.train.train --run irn-x2-small --scale 2 \
        --blocks 4 --gc 16 --batch 16 --patch 96 --threads 1

Everything lives in models/train/runs/<run>/: config.json, last.pt (model, optimizer,
scheduler, step), train.log (TSV) and val.log (TSV). When last.pt exists the run resumes
from it and the architecture/optimisation settings stored there win over the command line
(only --threads, --max-steps, --ckpt-every, --val-every, --log-every, --device and --max-seconds may change
between starts).

Compression-aware runs (--codec jpeg): the LR passes a differentiable model of JPEG (jpeg_sim.py) before the restore;
with --freeze-down the source run's downscale is kept (a frozen copy makes the LRs) and the network trains as the
restore only. Release those with release_lossy.py. On a lent GPU: gpu.py.
"""
import argparse
import glob
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from . import irn, jpeg_sim, metrics

HERE = os.path.dirname(os.path.abspath(__file__))

# Loss weights for mean reductions, equivalent (up to one global factor 3*H*W) to IRN's
# per-image sums with lambda_fit / lambda_rec / lambda_ce = 4/1/1 (x2) and 16/1/1 (x4):
#   x2: LR has 3HW/4 values, z 9HW/4, HR 3HW -> fit 1, rec 1, ce 0.75
#   x4: LR has 3HW/16, z 45HW/16, HR 3HW   -> fit 1, rec 1, ce 0.9375
LOSS_W = {2: dict(fit=1.0, rec=1.0, ce=0.75), 4: dict(fit=1.0, rec=1.0, ce=0.9375)}
TUNABLE = {"threads", "max_steps", "ckpt_every", "val_every", "log_every", "device", "max_seconds"}
# Options added after older runs were made: absent from their stored config, which means their default.
LATER = ("codec", "codec_quality", "card_quality", "quant", "fit_weight", "freeze_down", "chroma_weight")


def bicubic_down(hr, s):
    """Bicubic (a=-0.75, as PyTorch) with antialias=True: the target for the LR image."""
    return F.interpolate(hr, scale_factor=1.0 / s, mode="bicubic", align_corners=False,
                         antialias=True, recompute_scale_factor=False)


def quantize_st(x):
    """8-bit rounding with a straight-through gradient."""
    q = torch.round(torch.clamp(x, 0, 1) * 255.0) / 255.0
    return x + (q - x).detach()


def load_dir(d):
    files = sorted(glob.glob(os.path.join(d, "*.png")))
    return [np.array(Image.open(f).convert("RGB")) for f in files], files


def val_crops(imgs, size):
    out = []
    for im in imgs:
        h, w, _ = im.shape
        y0, x0 = (h - size) // 2, (w - size) // 2
        out.append(np.ascontiguousarray(im[y0:y0 + size, x0:x0 + size]))
    return out


def bicubic_baseline_psnr(crops, s):
    vals = []
    for c in crops:
        pil = Image.fromarray(c)
        w, h = pil.size
        up = pil.resize((w // s, h // s), Image.BICUBIC).resize((w, h), Image.BICUBIC)
        vals.append(metrics.psnr_y(c, np.asarray(up), s))
    return float(np.mean(vals))


# metrics' BT.601 matrix (the luma PSNR-Y scores) in [0, 1] units, for an RGB difference; rows Y, Cb, Cr.
YCBCR = torch.tensor(metrics.YCBCR_BT601 / 255.0, dtype=torch.float32)


def rec_loss(rec, hr, chroma_weight):
    """The restore's L1: over RGB (IRN's), or with `chroma_weight` over luma plus that weight on the chroma, the
    two scaled so that a grey error costs what it costs over RGB (luma's weights sum to 0.859). Restores are scored
    on luma (PSNR-Y), and viewers see luma detail far better than chroma detail (why JPEG halves chroma)."""
    if chroma_weight is None:
        return F.l1_loss(rec, hr)
    d = torch.einsum("kc,nchw->nkhw", YCBCR.to(rec), rec - hr).abs().mean((0, 2, 3))
    return (d[0] + chroma_weight * 0.5 * (d[1] + d[2])) / YCBCR[0].sum().item()


def real_jpeg(lr8, quality):
    """An 8-bit LR [1, 3, h, w] in [0, 1] through Pillow's libjpeg (4:2:0) and back."""
    dec = jpeg_sim.pillow_round_trip((lr8 * 255).round().byte()[0].permute(1, 2, 0).cpu().numpy(), quality)
    return torch.from_numpy(dec).permute(2, 0, 1)[None].float().to(lr8.device) / 255.0


def device(net):
    return next(net.parameters()).device


def codec_pass(lr8, cfg, rng):
    """The stored LR as the restore will see it: unchanged for a lossless model; for a compression-aware one,
    through the differentiable JPEG at a quality drawn per sample from cfg["codec_quality"] ([lo, hi]), with the
    batch split between the quantisation proxies in cfg["quant"] (see jpeg_sim)."""
    if not cfg.get("codec"):
        return lr8
    lo, hi = cfg["codec_quality"]
    qs = rng.integers(lo, hi + 1, size=lr8.shape[0]).tolist()
    modes = cfg["quant"]
    parts = torch.tensor_split(torch.arange(lr8.shape[0]), len(modes))
    return torch.cat([jpeg_sim.jpeg(lr8[p], [qs[i] for i in p.tolist()], m) for p, m in zip(parts, modes)])


@torch.backends.nnpack.flags(enabled=False)  # batch 1: NNPACK would warn on every conv here
@torch.no_grad()
@irn.float32()
def validate(net, crops, s, jpeg_quality=None, down_net=None):
    """PSNR-Y of the z=0 restore and of the LR, in float32 as the exported graphs run; with `jpeg_quality`, the
    LR goes through the real codec at that quality before the restore, as a compression-aware asset is stored; with
    `down_net`, that network makes the LR (a run whose downscale is frozen)."""
    net.eval()
    p_hr, p_lr = [], []
    for c in crops:
        hr = torch.from_numpy(c).permute(2, 0, 1)[None].float().to(device(net)) / 255.0
        out = (down_net or net)(hr)
        lr = torch.round(torch.clamp(out[:, :3], 0, 1) * 255) / 255
        z = torch.zeros_like(out[:, 3:])
        stored = lr if jpeg_quality is None else real_jpeg(lr, jpeg_quality)
        rec = net(torch.cat((stored, z), 1), rev=True)
        rec8 = (torch.clamp(rec, 0, 1) * 255).round().byte()[0].permute(1, 2, 0).cpu().numpy()
        p_hr.append(metrics.psnr_y(c, rec8, s))
        bic = bicubic_down(hr, s).clamp(0, 1)
        bic8 = (bic * 255).round().byte()[0].permute(1, 2, 0).cpu().numpy()
        lr8 = (lr * 255).round().byte()[0].permute(1, 2, 0).cpu().numpy()
        p_lr.append(metrics.psnr_y(bic8, lr8, 0))
    net.train()
    return float(np.mean(p_hr)), float(np.mean(p_lr))


def sample_batch(rng, imgs, batch, patch):
    out = np.empty((batch, patch, patch, 3), np.uint8)
    for i in range(batch):
        im = imgs[rng.integers(len(imgs))]
        h, w, _ = im.shape
        y, x = rng.integers(h - patch + 1), rng.integers(w - patch + 1)
        p = im[y:y + patch, x:x + patch]
        if rng.integers(2):
            p = p[:, ::-1]
        if rng.integers(2):
            p = p[::-1]
        p = np.rot90(p, rng.integers(4))
        out[i] = p
    return torch.from_numpy(out).permute(0, 3, 1, 2).float() / 255.0


def atomic_save(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def make_scheduler(opt, cfg):
    if cfg["sched"] == "cosine":
        # linear warm-up (a warm start jumps to a higher rate than its source run used),
        # then cosine decay to 1% over the fixed budget of total_steps
        warm, total = max(1, cfg.get("warmup", 0)), cfg["total_steps"]

        def factor(i):
            if i < warm:
                return (i + 1) / warm
            t = min(1.0, (i - warm) / max(1, total - warm))
            return 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * t))
        return torch.optim.lr_scheduler.LambdaLR(opt, factor)
    return torch.optim.lr_scheduler.MultiStepLR(opt, milestones=cfg["milestones"], gamma=0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--scale", type=int, default=2, choices=[2, 4])
    ap.add_argument("--blocks", type=int, nargs="+", default=[4])
    ap.add_argument("--gc", type=int, default=16)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=96)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--weight-decay", type=float, default=1e-5)
    ap.add_argument("--clip", type=float, default=10.0)
    ap.add_argument("--sched", choices=["multistep", "cosine"], default="multistep")
    ap.add_argument("--total-steps", type=int, default=100000)
    ap.add_argument("--milestones", type=int, nargs="*", default=[20000, 40000, 60000, 80000])
    ap.add_argument("--warmup", type=int, default=0, help="linear warm-up steps (cosine only)")
    ap.add_argument("--bf16", action="store_true",
                    help="run the dense sub-networks under bfloat16 autocast (about 1.5x faster "
                         "on CPUs with AVX512-BF16 or AMX; where the device would only emulate bfloat16, "
                         "float32, saying so); Haar and coupling arithmetic stay float32")
    ap.add_argument("--init-from", default=None,
                    help="start a new run from the weights of runs/<RUN>/last.pt (fresh optimizer)")
    ap.add_argument("--codec", choices=["jpeg"], default=None,
                    help="train compression-aware: the LR passes a differentiable JPEG before the restore")
    ap.add_argument("--codec-quality", type=int, nargs=2, default=[50, 95], metavar=("LO", "HI"),
                    help="JPEG qualities drawn uniformly per sample (--codec)")
    ap.add_argument("--card-quality", type=int, default=80,
                    help="the quality the model is released for and validated at (--codec)")
    ap.add_argument("--quant", nargs="+", choices=["st", "noise", "cubic"], default=["st", "noise"],
                    help="quantisation proxies, splitting each batch between them (--codec; see jpeg_sim)")
    ap.add_argument("--fit-weight", type=float, default=None,
                    help="weight of the LR's MSE against the bicubic LR (default: IRN's, see LOSS_W); a "
                         "compression-aware run needs more, or the LR drifts to survive the codec")
    ap.add_argument("--chroma-weight", type=float, default=None,
                    help="restore loss over luma plus this weight on chroma (default: L1 over RGB, IRN's)")
    ap.add_argument("--freeze-down", action="store_true",
                    help="keep the downscale of --init-from as it is (a frozen copy makes every LR) and train the "
                         "network only as the restore: the LRs stay the source model's, thumbnails and all")
    ap.add_argument("--model-id", default=None, help="id of the released model (default: --run)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--val-size", type=int, default=320, help="centre crop of each val photo")
    # tunable between restarts
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-steps", type=int, default=None, help="stop at this step (default total)")
    ap.add_argument("--ckpt-every", type=float, default=300.0, help="seconds between checkpoints")
    ap.add_argument("--val-every", type=int, default=250, help="steps between validations")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda where a GPU is lent (models/train/gpu.py)")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop (saving) after this many seconds of training in this start")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    run_dir = os.path.join(HERE, "runs", a.run)
    os.makedirs(run_dir, exist_ok=True)
    ckpt_path = os.path.join(run_dir, "last.pt")
    cfg = {k: v for k, v in vars(a).items() if k not in TUNABLE and k not in ("run", "model_id")}
    cfg["blocks"] = list(a.blocks)
    cfg["loss_weights"] = dict(LOSS_W[a.scale])
    if a.fit_weight is not None:
        cfg["loss_weights"]["fit"] = a.fit_weight
    cfg["id"] = a.model_id or a.run

    ckpt = None
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        old = ckpt["config"]
        stored = {**{k: ap.get_default(k) for k in LATER}, **old}
        diff = {k: (stored.get(k), v) for k, v in cfg.items() if stored.get(k) != v}
        if diff:
            print("note: resuming with the stored config; ignoring command-line differences:",
                  diff, flush=True)
        cfg = old
    else:
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)

    s = cfg["scale"]
    torch.manual_seed(cfg["seed"])
    irn.set_bf16(cfg.get("bf16", False), a.device)
    net = irn.build(cfg).to(a.device)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=cfg["lr"],
                           betas=(0.9, 0.999), weight_decay=cfg["weight_decay"])
    sched = make_scheduler(opt, cfg)
    step = 0
    src = None  # the checkpoint initialised from, if any
    if ckpt is not None:
        net.load_state_dict(ckpt["model"], strict=True)
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        step = ckpt["step"]
        print(f"resumed {ckpt_path} at step {step}", flush=True)
    elif cfg.get("init_from"):
        src = torch.load(os.path.join(HERE, "runs", cfg["init_from"], "last.pt"),
                         map_location="cpu", weights_only=False)
        src_blocks = src["config"]["blocks"] if "config" in src else cfg["blocks"]
        if list(src_blocks) != list(cfg["blocks"]):
            irn.grow_state_dict(src["model"], src_blocks, net, cfg["blocks"])
            print(f"grown from blocks {src_blocks} to {cfg['blocks']} (new blocks start as identity)", flush=True)
        else:
            net.load_state_dict(src["model"], strict=True)
        cfg["init_from_step"] = src["step"]
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        print(f"initialised from {cfg['init_from']} at its step {src['step']}", flush=True)
    down_net = None
    if cfg.get("freeze_down"):
        down_net = irn.build(cfg)
        if ckpt is not None:
            down_net.load_state_dict(ckpt["down_model"], strict=True)
        elif src is not None and "down_model" in src:
            # a frozen-down run continued: its own net was trained for the restore only (the invertible blocks
            # serve both directions), so the downscaler to keep is the one it froze, not its net's forward
            down_net.load_state_dict(src["down_model"], strict=True)
        else:
            down_net.load_state_dict(net.state_dict(), strict=True)  # the weights just initialised from
        down_net.to(a.device).eval()
        for p in down_net.parameters():
            p.requires_grad_(False)
    nparams = sum(p.numel() for p in net.parameters() if p.requires_grad)

    train_imgs, _ = load_dir(os.path.join(HERE, "data", "train"))
    val_imgs, _ = load_dir(os.path.join(HERE, "data", "val"))
    if not train_imgs or not val_imgs:
        sys.exit("no data: run models/train/.venv/bin/python -m models.train.prepare_data first")
    crops = val_crops(val_imgs, cfg["val_size"])
    bic_psnr = bicubic_baseline_psnr(crops, s)
    w = cfg["loss_weights"]

    tlog_path = os.path.join(run_dir, "train.log")
    vlog_path = os.path.join(run_dir, "val.log")
    if not os.path.exists(tlog_path):
        with open(tlog_path, "w") as f:
            f.write("step\tloss\tl_fit\tl_rec_l1\tl_z\tlr\tsec_per_step\twall\n")
    if not os.path.exists(vlog_path):
        with open(vlog_path, "w") as f:
            f.write("step\tpsnr_y_restored\tpsnr_y_bicubic_bicubic\tpsnr_y_lr_vs_bicubic_lr\twall\n")
    print(f"run {a.run}: scale {s} blocks {cfg['blocks']} gc {cfg['gc']} params {nparams} "
          f"batch {cfg['batch']} patch {cfg['patch']} threads {a.threads}; "
          f"{len(train_imgs)} train / {len(val_imgs)} val photos; "
          f"val bicubic->bicubic PSNR-Y {bic_psnr:.2f} dB", flush=True)

    def save():
        atomic_save({"model": net.state_dict(), "optimizer": opt.state_dict(),
                     "scheduler": sched.state_dict(), "step": step, "config": cfg,
                     "params": nparams, **({"down_model": down_net.state_dict()} if down_net else {})}, ckpt_path)

    stop = {"flag": False}

    def on_signal(signum, frame):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    # data RNG: a fresh stream per start, derived from the seed and the resume step
    rng = np.random.default_rng([cfg["seed"], step])
    max_steps = a.max_steps or cfg["total_steps"]
    last_ckpt = time.time()
    acc = np.zeros(4)
    acc_n = 0
    t_acc = 0.0
    net.train()
    started = time.time()
    while step < max_steps and not stop["flag"] and (a.max_seconds is None or time.time() - started < a.max_seconds):
        t0 = time.time()
        hr = sample_batch(rng, train_imgs, cfg["batch"], cfg["patch"]).to(a.device)
        if down_net is None:
            out = net(hr)
        else:
            # float32 as the exported down.onnx runs, so the LRs are the ones the source model serves
            with torch.no_grad(), irn.float32():
                out = down_net(hr)
        lr_img, z = out[:, :3], out[:, 3:]
        l_fit = F.mse_loss(lr_img, bicubic_down(hr, s))
        l_z = torch.mean(z * z)
        y = torch.cat((codec_pass(quantize_st(lr_img), cfg, rng), torch.zeros_like(z)), 1)
        rec = net(y, rev=True)
        l_rec = rec_loss(rec, hr, cfg.get("chroma_weight"))
        loss = w["fit"] * l_fit + w["rec"] * l_rec + w["ce"] * l_z
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), cfg["clip"])
        opt.step()
        sched.step()
        step += 1
        dt = time.time() - t0
        acc += [loss.item(), l_fit.item(), l_rec.item(), l_z.item()]
        acc_n += 1
        t_acc += dt
        if step % a.log_every == 0:
            m = acc / acc_n
            with open(tlog_path, "a") as f:
                f.write(f"{step}\t{m[0]:.6f}\t{m[1]:.6f}\t{m[2]:.6f}\t{m[3]:.6f}\t"
                        f"{opt.param_groups[0]['lr']:.3g}\t{t_acc / acc_n:.3f}\t{time.time():.0f}\n")
            acc[:] = 0
            acc_n = 0
            t_acc = 0.0
        if step % a.val_every == 0:
            p_hr, p_lr = validate(net, crops, s, cfg["card_quality"] if cfg.get("codec") else None, down_net)
            with open(vlog_path, "a") as f:
                f.write(f"{step}\t{p_hr:.3f}\t{bic_psnr:.3f}\t{p_lr:.3f}\t{time.time():.0f}\n")
            print(f"step {step}: val PSNR-Y {p_hr:.2f} dB (bicubic {bic_psnr:.2f}), "
                  f"LR vs bicubic LR {p_lr:.2f} dB", flush=True)
        if time.time() - last_ckpt >= a.ckpt_every:
            save()
            last_ckpt = time.time()
    save()
    print(f"saved {ckpt_path} at step {step}", flush=True)


if __name__ == "__main__":
    main()
