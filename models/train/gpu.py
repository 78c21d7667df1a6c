"""Train on a lent GPU machine (the `device` tool), a few minutes per call, resuming from call to call.

The machine reaches no registry and receives only the working tree (at most 64 MiB, carried paths included), so:

1. Here, before a call:  models/train/.venv/bin/python -m models.train.gpu prepare --run RUN [--init-from SRC]
   moves every tracked file the training does not read (other runs' checkpoints, model packs, test resources,
   pictures) to /tmp/iris-gpu-stash (best with no other training running here: a run that writes while its files
   are stashed gets its logs merged back and its newer checkpoint kept) (`git checkout -- .` brings them back too), copies as many training photos
   as the budget leaves (all 5 validation photos first) into models/train/gpu-data/, which .gitignore keeps out
   of git, and prints the device call to make.
2. On the machine (what that call runs; the machine's own PyTorch, no venv):
       python3 -m models.train.gpu train --run RUN --seconds 420 [--trainer iarn] -- <trainer options>
   trains on CUDA for at most that long (train.py: the IRN packs, also the compression-aware one with --codec
   jpeg --freeze-down; --trainer iarn: train_iarn.py, the arbitrary-scale family), checkpointing at the end,
   and writes the run's logs and its checkpoint (split into parts under the 16 MiB a returned file may have) to
   $OUT.
3. Here, after it:  models/train/.venv/bin/python -m models.train.gpu collect --run RUN --from FILES_AT
   joins the parts into models/train/runs/RUN/last.pt, takes the logs, and puts the stashed files back.
   Commit the run; the next call resumes from that checkpoint (the same three steps).

Sizes: a checkpoint holds the weights and Adam's two moments, 12 bytes per parameter. The published x2 IRN (8 blocks,
growth 32: 1.67M parameters) is 20 MB and fits beside a 38 MB photo subset; the published x4 (two levels of 8: 4.4M)
is 53 MB, which with any useful data exceeds the 64 MiB a call may carry: x4 at that size would need its optimiser
state dropped between calls (not built) or a smaller x4. `unstash` puts the stashed files back without collecting.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STASH = "/tmp/iris-gpu-stash"
GPU_DATA = os.path.join(HERE, "gpu-data")
PART = 15 * 1024 * 1024  # under the 16 MiB one returned file may have
TREE_LIMIT = 64 * 1024 * 1024
MARGIN = 3 * 1024 * 1024  # what the tree's small files and the transfer's bookkeeping may take


def tracked():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [f for f in out.decode().split("\0") if f]


def needed(path, runs):
    """Files the training reads: the trainers' code and the runs it resumes or starts from."""
    if path.startswith("models/train/runs/"):
        return path.split("/")[3] in runs
    return path.startswith("models/train/") or path.startswith("models/__init__") or not (
        path.startswith("models/") or path.startswith("src/test/resources/") or path.endswith(".png"))


def prepare(a):
    if os.path.exists(STASH):
        sys.exit(STASH + " exists: collect (or move it back) first")
    runs = {a.run} | ({a.init_from} if a.init_from else set())
    moved = []
    for f in tracked():
        src = os.path.join(ROOT, f)
        if not needed(f, runs) and os.path.isfile(src):
            dst = os.path.join(STASH, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.move(src, dst)
            moved.append(f)
    tree = sum(os.path.getsize(os.path.join(ROOT, f)) for f in tracked() if os.path.isfile(os.path.join(ROOT, f)))
    budget = TREE_LIMIT - MARGIN - tree
    shutil.rmtree(GPU_DATA, ignore_errors=True)
    used, kept = 0, {"train": 0, "val": 0}
    for split in ("val", "train"):
        os.makedirs(os.path.join(GPU_DATA, split))
        for f in sorted(glob.glob(os.path.join(HERE, "data", split, "*.png")), key=os.path.getsize):
            if used + os.path.getsize(f) > budget:
                break
            shutil.copy(f, os.path.join(GPU_DATA, split))
            used += os.path.getsize(f)
            kept[split] += 1
    print(f"stashed {len(moved)} files in {STASH}; tree {tree / 2**20:.1f} MiB, photos {used / 2**20:.1f} MiB "
          f"({kept['train']} train, {kept['val']} val)")
    if kept["val"] == 0 or kept["train"] < 8:
        print("warning: too few photos fit beside this run's checkpoints")
    extra = " ".join(a.train_args)
    trainer = "" if a.trainer == "irn" else f" --trainer {a.trainer}"
    print("device run: carry [\"models/train/gpu-data\"], command:\n"
          f"  PYTHONUNBUFFERED=1 python3 -m models.train.gpu train --run {a.run} --seconds {a.seconds}{trainer} "
          f"-- {extra}")


def train(a):
    import torch
    if not torch.cuda.is_available():
        sys.exit("no CUDA device here")
    data = os.path.join(HERE, "data")
    if not os.path.isdir(data):
        os.symlink(GPU_DATA, data)
    out = os.environ.get("OUT", "/tmp/out")
    module = {"irn": "models.train.train", "iarn": "models.train.train_iarn"}[a.trainer]
    cmd = [sys.executable, "-m", module, "--run", a.run, "--device", "cuda", "--threads", "8",
           "--max-seconds", str(a.seconds), "--ckpt-every", "1e9"] + a.train_args
    print(" ".join(cmd), flush=True)
    rc = subprocess.call(cmd, cwd=ROOT)
    run_dir = os.path.join(HERE, "runs", a.run)
    os.makedirs(out, exist_ok=True)
    for log in ("config.json", "train.log", "val.log"):
        if os.path.exists(os.path.join(run_dir, log)):
            shutil.copy(os.path.join(run_dir, log), out)
    with open(os.path.join(run_dir, "last.pt"), "rb") as f:
        i = 0
        while chunk := f.read(PART):
            with open(os.path.join(out, f"last.pt.part{i}"), "wb") as p:
                p.write(chunk)
            i += 1
    with open(os.path.join(out, "gpu.json"), "w") as f:
        json.dump({"rc": rc, "parts": i, "device": torch.cuda.get_device_name(0), "torch": torch.__version__}, f)
    sys.exit(rc)


def collect(a):
    src = a.from_dir
    meta = json.load(open(os.path.join(src, "gpu.json")))
    run_dir = os.path.join(HERE, "runs", a.run)
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, "last.pt.tmp"), "wb") as out:
        for i in range(meta["parts"]):
            with open(os.path.join(src, f"last.pt.part{i}"), "rb") as p:
                out.write(p.read())
    os.replace(os.path.join(run_dir, "last.pt.tmp"), os.path.join(run_dir, "last.pt"))
    for log in ("config.json", "train.log", "val.log"):
        if os.path.exists(os.path.join(src, log)):
            shutil.copy(os.path.join(src, log), run_dir)
    unstash()
    print(f"run {a.run}: checkpoint and logs from {meta['device']} (torch {meta['torch']}, rc {meta['rc']})")


def unstash():
    if not os.path.isdir(STASH):
        return
    for dirpath, _, files in os.walk(STASH):
        for name in files:
            f = os.path.join(dirpath, name)
            dst = os.path.join(ROOT, os.path.relpath(f, STASH))
            if os.path.exists(dst):  # written again meanwhile, by a run still training here
                if name.endswith(".log"):  # append-only: the stashed lines, then the new ones
                    with open(f) as old, open(dst) as new:
                        merged = old.read() + new.read()
                    with open(dst, "w") as out:
                        out.write(merged)
                    print("merged", os.path.relpath(dst, ROOT))
                else:
                    print("kept the newer", os.path.relpath(dst, ROOT))
                continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.move(f, dst)
    shutil.rmtree(STASH)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--run", required=True)
    p.add_argument("--init-from", default=None)
    p.add_argument("--seconds", type=int, default=420)
    p.add_argument("--trainer", choices=["irn", "iarn"], default="irn")
    p.add_argument("train_args", nargs="*")
    t = sub.add_parser("train")
    t.add_argument("--run", required=True)
    t.add_argument("--seconds", type=int, default=420)
    t.add_argument("--trainer", choices=["irn", "iarn"], default="irn")
    t.add_argument("train_args", nargs="*")
    c = sub.add_parser("collect")
    c.add_argument("--run", required=True)
    c.add_argument("--from", dest="from_dir", required=True)
    sub.add_parser("unstash")
    a = ap.parse_args()
    {"prepare": prepare, "train": train, "collect": collect, "unstash": lambda _: unstash()}[a.what](a)


if __name__ == "__main__":
    main()
