"""What flows run with: the container a door installed (else `bootstrap()` from the
environment), and the system account they act as (CASEWORK_SYSTEM_ACCOUNT)."""
from __future__ import annotations

import os
import threading

from casework.bootstrap import Container, bootstrap
from casework.cli.login import SYSTEM_ACCOUNT
from casework.cli.operator import SYSTEM_ACCOUNT_ENV, system_actor as account_actor
from casework.errors import PermissionDenied
from casework.services.actor import Actor

NO_ACCOUNT = (f"夜间流程须以系统账户运行，请设置 {SYSTEM_ACCOUNT_ENV}={SYSTEM_ACCOUNT}（由 `casework init` 创建）"
              f" / the night's flows act as a system account: set {SYSTEM_ACCOUNT_ENV}={SYSTEM_ACCOUNT} "
              "(made by `casework init`)")

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


def account() -> str:
    """The system account named in the environment; refused clearly when none is."""
    name = os.environ.get(SYSTEM_ACCOUNT_ENV, "").strip()
    if not name:
        raise PermissionDenied(NO_ACCOUNT)
    return name


def system_actor(app: Container) -> Actor:
    """The system account this process acts as (the rule of every scheduled command: a user with
    the scheduler role and no password, used only by the OS user owning the chain key)."""
    return account_actor(app, account())
