"""All Python checks of the pipeline, one command (what CI runs), from the repository root:

    models/train/.venv/bin/python -m models.train.checks [--threads N]

* test_convert: convert_irn.py on random official-size x2/x4 checkpoints, graphs vs PyTorch
  (onnx_eval and ONNX Runtime), and the committed Java fixture src/test/resources/irn-convert/x2/;
* export_check: the export path on small random x2/x4 nets (onnx.checker, onnx_eval, ONNX
  Runtime, dynamic sizes, round trip, check fixture) and the shipped models/<id>/ graphs
  against their model.json hashes and check/ fixtures;
* grad_check: the gradient graphs of encode-time optimisation (export_grad.py) on small random
  nets and the shipped ones, against PyTorch autograd, in ONNX Runtime.
Writes nothing in the tree. Exits 1 if any check fails (each runs even when another failed).
About 30 s on one busy core without grad_check; its dynamo export of a small gradient graph adds
1-2 min of CPU (several minutes of wall time on a shared machine).
"""
import argparse
import sys
import time
import traceback

import torch

from . import export_check, grad_check, test_convert

CHECKS = (("test_convert", test_convert.run), ("export_check", export_check.run),
          ("grad_check", grad_check.run))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2, help="torch / ONNX Runtime intra-op threads")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    results = []
    for name, run in CHECKS:
        print(f"== {name}", flush=True)
        t0 = time.time()
        try:
            run()
            ok = True
        except Exception:  # report and go on with the next check
            traceback.print_exc()
            ok = False
        results.append((name, ok, time.time() - t0))
    print("== summary")
    for name, ok, dt in results:
        print(f"{name}: {'OK' if ok else 'FAILED'} ({dt:.1f} s)")
    failed = [n for n, ok, _ in results if not ok]
    print("python checks: " + ("FAILED: " + ", ".join(failed) if failed else "all passed"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
