"""The container flows use: the one a door installed, else `bootstrap()` from the environment."""
from __future__ import annotations

import threading

from casework.bootstrap import Container, bootstrap

_lock = threading.Lock()
_installed: Container | None = None


def install(container: Container | None) -> Container | None:
    """Use `container` in this process's flows (tests, `casework demo`); returns the previous one."""
    global _installed
    with _lock:
        previous, _installed = _installed, container
    return previous


def container() -> Container:
    """The installed container, or one built once from CASEWORK_* settings (a worker process)."""
    global _installed
    with _lock:
        if _installed is None:
            _installed = bootstrap()
        return _installed
