"""Draw models/iarn-curves.png: the arbitrary-scale runs' validation PSNR-Y against training steps.

    models/train/.venv/bin/python -m models.train.plot_iarn_curves

Each run's steps are counted from the IRN weights the family started from: a run initialised from
another iarn run starts where that run's checkpoint was (config.json's init_from / init_from_step).
Reads only the runs' config.json and val.log.
"""
import csv
import glob
import json
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.path.join(HERE, "runs")
OUT = os.path.join(os.path.dirname(HERE), "iarn-curves.png")
SCALES = [("2.5x2.5", "x2.5"), ("3.0x1.5", "(3, 1.5)"), ("4.0x4.0", "x4")]


def offset(run, configs):
    """Steps before this run's step 0, following init_from back through the iarn runs."""
    c = configs[run]
    parent = c.get("init_from")
    if parent not in configs:
        return 0
    return offset(parent, configs) + c.get("init_from_step", 0)


def main():
    configs = {}
    for path in sorted(glob.glob(os.path.join(RUNS, "iarn-r*", "config.json"))):
        configs[os.path.basename(os.path.dirname(path))] = json.load(open(path))
    fig, axes = plt.subplots(1, len(SCALES), figsize=(13, 4), dpi=110)
    for ax, (key, label) in zip(axes, SCALES):
        for run in configs:
            with open(os.path.join(RUNS, run, "val.log")) as f:
                rows = list(csv.DictReader(f, delimiter="\t"))
            base = offset(run, configs)
            c = configs[run]
            fit = c.get("loss_weights", {}).get("fit", 1.0)
            ax.plot([base + int(r["step"]) for r in rows], [float(r["psnr_y_" + key]) for r in rows],
                    marker="o", ms=2, label=f"{run} (patch {c.get('lr_patch')}, lr {c.get('lr'):g}"
                    + (f", LR weight {fit:g})" if fit != 1.0 else ")"))
        ax.set_title(f"validation PSNR-Y at {label}")
        ax.set_xlabel("training steps from the IRN x4 weights")
        ax.set_ylabel("dB")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
