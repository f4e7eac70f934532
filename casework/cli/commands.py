"""Registers the core command groups on `main`."""
from __future__ import annotations

import importlib

from casework.cli import main

# Each module defines a click command or group named `command`, or several as `commands`.
CORE_COMMAND_MODULES = (
    "casework.cli.demo",
    "casework.cli.deadline",
    "casework.cli.calendar",
    "casework.cli.rulebook",
    "casework.cli.lifecycle",
    "casework.cli.audit",
    "casework.cli.models",
    "casework.cli.documents",
    "casework.cli.footage",
    "casework.cli.login",
)

for _name in CORE_COMMAND_MODULES:
    _module = importlib.import_module(_name)
    for _command in getattr(_module, "commands", None) or (_module.command,):
        main.add_command(_command)
