"""`casework` command line (the group itself lives in `casework.cli.app`).

Modules of this package import their siblings directly, never this face.
"""
from __future__ import annotations

from casework.cli.app import main

__all__ = ["main"]
