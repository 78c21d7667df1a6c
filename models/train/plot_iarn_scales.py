"""Quality against scale for the arbitrary-scale family, from iarn_eval's JSON:
    models/train/.venv/bin/python -m models.train.plot_iarn_scales docs/eval/iarn-scales.json
writes docs/eval/iarn-scales.png beside it (restored PSNR-Y per method over the uniform scales, the asymmetric
pairs as separate points)."""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    path = sys.argv[1]
    with open(path) as f:
        data = json.load(f)  # iarn_eval writes Infinity for the bicubic LR against itself: Python reads it
    uniform = [s for s in data["scales_xy"] if s[0] == s[1]]
    pairs = [s for s in data["scales_xy"] if s[0] != s[1]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 1.4]})
    for i, (method, results) in enumerate(data["methods"].items()):
        key = lambda s: f"{s[0]:g},{s[1]:g}"
        left.plot([s[0] for s in uniform], [results[key(s)]["psnr_y"] for s in uniform], marker="o", label=method)
        right.plot(range(len(pairs)), [results[key(s)]["psnr_y"] for s in pairs], marker="o", linestyle="none",
                   label=method)
    left.set_xlabel("scale (both axes)")
    left.set_ylabel("restored PSNR-Y (dB), mean of the held-out photos")
    left.set_title("uniform scales")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    right.set_xticks(range(len(pairs)), [f"({s[0]:g}, {s[1]:g})" for s in pairs])
    right.set_xlabel("(s_x, s_y)")
    right.set_title("asymmetric scales")
    right.grid(alpha=0.3)
    fig.suptitle(f"arbitrary-scale rescaling, {len(data['images'])} photos, {data['crop']} px centre crops")
    fig.tight_layout()
    out = os.path.splitext(path)[0] + ".png"
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    main()
