"""Registers the core command groups on `main`."""
from __future__ import annotations

import importlib

from casework.cli import main

# Each module defines a click command or group named `command`.
CORE_COMMAND_MODULES = (
    "casework.cli.demo",
    "casework.cli.deadline",
    "casework.cli.calendar",
)

for _name in CORE_COMMAND_MODULES:
    main.add_command(importlib.import_module(_name).command)
