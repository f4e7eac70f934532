"""Import every model module so Base.metadata is complete (core and recorder)."""
from __future__ import annotations

import importlib

MODEL_MODULES = ("casework.models", "recorder.models")


def load_all_models() -> None:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
