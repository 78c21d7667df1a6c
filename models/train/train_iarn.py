"""Train an IARN net (iarn.py) from the IRN x4 weights, checkpointing atomically; start == resume. On the CPU here,
or on a lent GPU through models/train/gpu.py (--trainer iarn), which passes --device cuda and --max-seconds.

    nohup models/train/.venv/bin/python -m models.train.train_iarn --run iarn-r1 --init-from irn-x4-r3 \
        --threads 2 >> models/train/runs/iarn-r1/stdout.log 2>&1 &

runs/<run>/: config.json, last.pt (model, Adam, scheduler, step, config), train.log and val.log (TSV).
A restart with the same command resumes at the stored step; the stored config wins (only --threads,
--max-steps, --ckpt-every, --val-every, --log-every, --device and --max-seconds may change). Stop gracefully with kill -TERM <pid>.

One step: B HR patches, each at its own scale (s_y, s_x) drawn by iarn.sample_scales, of size
(round(s_y*p), round(s_x*p)) for a fixed LR patch p x p, so every sample costs the same (core 4p x 4p);
then iarn.cycle and the IRN x4 losses (mean-reduced weights fit 1, rec 1, ce 0.9375).
"""
import argparse
import json
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import iarn, irn, metrics
from .train import atomic_save, load_dir, make_scheduler

HERE = os.path.dirname(os.path.abspath(__file__))
TUNABLE = {"threads", "max_steps", "ckpt_every", "val_every", "log_every", "device", "max_seconds"}
LOSS_W = dict(fit=1.0, rec=1.0, ce=0.9375)
VAL_SCALES = [(2.5, 2.5), (3.0, 1.5), (4.0, 4.0)]  # (s_y, s_x)


def sample_patches(rng, imgs, scales, p):
    """One HR patch per scale (s_y, s_x): crop, random flips and 180-degree turns (a 90-degree turn
    would swap the axes of an asymmetric pair, so it is applied by cropping transposed)."""
    out = []
    for sy, sx in scales:
        H, W = iarn.hr_size_for(sy, p), iarn.hr_size_for(sx, p)
        im = imgs[rng.integers(len(imgs))]
        rot = rng.integers(2)
        ch, cw = (W, H) if rot else (H, W)
        h, w, _ = im.shape
        y, x = rng.integers(h - ch + 1), rng.integers(w - cw + 1)
        q = im[y:y + ch, x:x + cw]
        if rot:
            q = np.rot90(q)
        if rng.integers(2):
            q = q[:, ::-1]
        if rng.integers(2):
            q = q[::-1]
        out.append(torch.from_numpy(np.ascontiguousarray(q)).permute(2, 0, 1).float() / 255.0)
    return out


def val_crops(imgs, size):
    out = []
    for im in imgs:
        h, w, _ = im.shape
        y0, x0 = (h - size) // 2, (w - size) // 2
        out.append(np.ascontiguousarray(im[y0:y0 + size, x0:x0 + size]))
    return out


@torch.backends.nnpack.flags(enabled=False)
@torch.no_grad()
@irn.float32()
def validate(net, crops):
    """Mean PSNR-Y (host cycle, 8-bit everywhere, border ceil(s)) and LR PSNR-Y vs iris bicubic LR
    per VAL_SCALES entry, float32 as the graphs run."""
    from . import iarn_export
    net.eval()
    d, u = iarn_export.torch_callables(net)
    res = []
    for sy, sx in VAL_SCALES:
        ph, pl = [], []
        for c in crops:
            p = iarn_export.pipeline(c, sy, sx, d, u)
            ph.append(metrics.psnr_y(c, p["restored8"], int(np.ceil(max(sy, sx)))))
            h, w = p["lr_hw"]
            pl.append(metrics.psnr_y(iarn.resize_u8(c, w, h), p["lr8"], 0))
        res.append((float(np.mean(ph)), float(np.mean(pl))))
    net.train()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--init-from", default="irn-x4-r3",
                    help="run whose last.pt seeds the net: an IRN x4 run (scale maps start at zero) or an iarn run")
    ap.add_argument("--model-id", default="iarn-small")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr-patch", type=int, default=24, help="LR patch side; the core is 4x that")
    ap.add_argument("--asym", type=float, default=0.5, help="fraction of samples with s_x != s_y drawn")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--weight-decay", type=float, default=1e-5)
    ap.add_argument("--clip", type=float, default=10.0)
    ap.add_argument("--total-steps", type=int, default=600)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--fit-weight", type=float, default=LOSS_W["fit"],
                    help="weight of the LR's MSE to the bicubic LR: lower lets the LR carry more detail")
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--val-size", type=int, default=160)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--ckpt-every", type=float, default=240.0, help="seconds between checkpoints")
    ap.add_argument("--val-every", type=int, default=100)
    ap.add_argument("--log-every", type=int, default=5)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda where a GPU is lent (models/train/gpu.py)")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop (checkpointing) once this much wall time has passed: one GPU call's budget")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    run_dir = os.path.join(HERE, "runs", a.run)
    os.makedirs(run_dir, exist_ok=True)
    ckpt_path = os.path.join(run_dir, "last.pt")
    cfg = {k: v for k, v in vars(a).items() if k not in TUNABLE and k not in ("run", "model_id", "fit_weight")}
    cfg.update(id=a.model_id, sched="cosine", loss_weights=dict(LOSS_W, fit=a.fit_weight), family="iarn")

    ckpt = None
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        old = ckpt["config"]
        diff = {k: (old.get(k), v) for k, v in cfg.items() if old.get(k) != v}
        if diff:
            print("note: resuming with the stored config; ignoring command-line differences:", diff, flush=True)
        cfg = old

    torch.manual_seed(cfg["seed"])
    irn.set_bf16(cfg.get("bf16", False), a.device)
    if ckpt is not None:
        net = iarn.IARN(cfg["blocks"], cfg["gc"])
        net.load_state_dict(ckpt["model"], strict=True)
    else:
        src = torch.load(os.path.join(HERE, "runs", cfg["init_from"], "last.pt"), map_location="cpu",
                         weights_only=False)
        cfg["blocks"], cfg["gc"] = list(src["config"]["blocks"]), src["config"]["gc"]
        cfg["init_from_step"] = src["step"]
        if src["config"].get("family") == "iarn":  # continue from an earlier iarn run's weights
            net = iarn.IARN(cfg["blocks"], cfg["gc"])
            net.load_state_dict(src["model"], strict=True)
            cfg["init_from_family"] = "iarn"
        else:
            assert src["config"]["scale"] == 4, "the core is an IRN x4"
            net = iarn.from_irn(src["model"], cfg["blocks"], cfg["gc"])
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        print(f"initialised from {cfg['init_from']} at its step {src['step']}", flush=True)
    net.to(a.device)  # before the optimiser, whose state load_state_dict then puts on the same device
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"], betas=(0.9, 0.999), weight_decay=cfg["weight_decay"])
    sched = make_scheduler(opt, cfg)
    step = 0
    if ckpt is not None:
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        step = ckpt["step"]
        print(f"resumed {ckpt_path} at step {step}", flush=True)
    nparams = sum(p.numel() for p in net.parameters())

    train_imgs, _ = load_dir(os.path.join(HERE, "data", "train"))
    val_imgs, _ = load_dir(os.path.join(HERE, "data", "val"))
    if not train_imgs or not val_imgs:
        sys.exit("no data: run models/train/.venv/bin/python -m models.train.prepare_data first")
    crops = val_crops(val_imgs, cfg["val_size"])
    w = cfg["loss_weights"]
    p = cfg["lr_patch"]

    tlog_path = os.path.join(run_dir, "train.log")
    vlog_path = os.path.join(run_dir, "val.log")
    if not os.path.exists(tlog_path):
        with open(tlog_path, "w") as f:
            f.write("step\tloss\tl_fit\tl_rec_l1\tl_z\tlr\tsec_per_step\twall\n")
    if not os.path.exists(vlog_path):
        with open(vlog_path, "w") as f:
            f.write("step\t" + "\t".join(f"psnr_y_{sy}x{sx}\tlr_psnr_y_{sy}x{sx}" for sy, sx in VAL_SCALES)
                    + "\twall\n")
    print(f"run {a.run}: iarn blocks {cfg['blocks']} gc {cfg['gc']} params {nparams} batch {cfg['batch']} "
          f"lr patch {p} (core {4 * p}) threads {a.threads}; {len(train_imgs)} train / {len(val_imgs)} val",
          flush=True)

    def log_val():
        res = validate(net, crops)
        with open(vlog_path, "a") as f:
            f.write(f"{step}\t" + "\t".join(f"{ph:.3f}\t{pl:.3f}" for ph, pl in res) + f"\t{time.time():.0f}\n")
        print(f"step {step}: val " + ", ".join(f"{sy}x{sx}: {ph:.2f} dB (LR {pl:.2f})"
                                              for (sy, sx), (ph, pl) in zip(VAL_SCALES, res)), flush=True)

    def save():
        atomic_save({"model": net.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                     "step": step, "config": cfg, "params": nparams}, ckpt_path)

    stop = {"flag": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(flag=True))

    if step == 0:
        save()
        log_val()  # r0 = the no-training baseline, for the curve
    rng = np.random.default_rng([cfg["seed"], step])
    max_steps = a.max_steps or cfg["total_steps"]
    last_ckpt = time.time()
    acc, acc_n, t_acc = np.zeros(4), 0, 0.0
    net.train()
    started = time.time()
    while step < max_steps and not stop["flag"] and (a.max_seconds is None or time.time() - started < a.max_seconds):
        t0 = time.time()
        scales = iarn.sample_scales(rng, cfg["batch"], asym=cfg["asym"])
        hrs = [h.to(a.device) for h in sample_patches(rng, train_imgs, scales, p)]
        lr, target, z, recs, _ = iarn.cycle(net, hrs, p, p)
        l_fit = F.mse_loss(lr, target)
        l_z = torch.mean(z * z)
        l_rec = torch.stack([F.l1_loss(r, h) for r, h in zip(recs, hrs)]).mean()
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
            acc[:], acc_n, t_acc = 0, 0, 0.0
        if time.time() - last_ckpt >= a.ckpt_every:
            save()
            last_ckpt = time.time()
        if step % a.val_every == 0:
            log_val()
    save()
    print(f"saved {ckpt_path} at step {step}", flush=True)


if __name__ == "__main__":
    main()
