"""Does a run fit its training photos better than unseen ones? The restore's gain over bicubic->bicubic (PSNR-Y)
on the centre crop of every training photo against every validation photo. A train gain well above the val gain
says more photos would help; equal gains say capacity and steps limit (models/train/DATA-candidates.md).

    models/train/.venv/bin/python -m models.train.fit_gap irn-x2-r5 irn-x4-r3
"""
import argparse
import os

import numpy as np
import torch

from . import irn
from .train import HERE, bicubic_baseline_psnr, load_dir, val_crops, validate


def gains(net, scale, split, size):
    imgs, _ = load_dir(os.path.join(HERE, "data", split))
    return [validate(net, [c], scale)[0] - bicubic_baseline_psnr([c], scale) for c in val_crops(imgs, size)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--crop", type=int, default=320)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for run in a.runs:
        ckpt = torch.load(os.path.join(HERE, "runs", run, "last.pt"), map_location="cpu", weights_only=False)
        net = irn.build(ckpt["config"])
        net.load_state_dict(ckpt["model"])
        for split in ("train", "val"):
            g = gains(net, ckpt["config"]["scale"], split, a.crop)
            print(f"{run}\t{split}\t{len(g)} photos\tgain over bicubic {np.mean(g):.2f} dB "
                  f"(median {np.median(g):.2f})", flush=True)


if __name__ == "__main__":
    main()
