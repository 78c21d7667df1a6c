"""iris models; the Python pipeline is the package models.train (see models/train/README.md)."""
