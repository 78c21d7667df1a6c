"""IRN training and export pipeline for iris.

A package: run its scripts as modules from the repository root with the one venv,
    models/train/.venv/bin/python -m models.train.<script> ...
(e.g. models.train.train, models.train.release, models.train.checks); see README.md.
"""
