"""Draw models/training-curves.png: validation gain over bicubic vs training step.

    models/train/.venv/bin/python -m models.train.plot_curves

Reads only the models' model.json and the runs' TSV logs (no torch needed, but it runs in the
same venv as everything else).
"""
import json
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .report import IDS, val_rows

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)

TARGET = {2: 5.0, 4: 3.0}


def main():
    fig, axes = plt.subplots(1, len(IDS), figsize=(11, 4), dpi=110)
    for ax, mid in zip(axes, IDS):
        m = json.load(open(os.path.join(MODELS, mid, "model.json")))
        rows = val_rows(os.path.basename(m["training"]["run"]))
        for run in dict.fromkeys(r[0] for r in rows):
            pts = [(st, hr - bic) for r, st, hr, bic, _ in rows if r == run]
            ax.plot(*zip(*pts), marker="o", ms=3, label=run)
        ax.axhline(TARGET[m["scale"]], color="grey", ls="--", lw=1,
                   label=f"ship minimum +{TARGET[m['scale']]:.0f} dB")
        ax.set_title(f"{mid} (x{m['scale']})")
        ax.set_xlabel("training step (batch {}, {} px)".format(m["training"]["batch"], m["training"]["patch"]))
        ax.set_ylabel("val PSNR-Y gain over bicubic→bicubic (dB)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    out = os.path.join(MODELS, "training-curves.png")
    fig.savefig(out)
    print("wrote", out)


if __name__ == "__main__":
    main()
