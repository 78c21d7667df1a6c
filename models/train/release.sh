#!/bin/sh
# Export + evaluate a training run into models/<id>/ from its latest checkpoint:
#   models/train/release.sh irn-x2-small [--threads 1]
# Writes down.onnx, up.onnx, the gradient graphs lr_grad.onnx and hr_grad.onnx (export_grad.py),
# check/, comparison.png, eval.json and model.json.
# Same as `models/train/.venv/bin/python -m models.train.release <run> ...` from the repository
# root; this wrapper works from any directory.
set -e
here=$(cd "$(dirname "$0")" && pwd)
run=$1; shift
cd "$here/../.."
exec "$here/.venv/bin/python" -m models.train.release "$run" "$@"
