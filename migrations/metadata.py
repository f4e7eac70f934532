"""Import every model module so Base.metadata is complete (core and recorder)."""
from __future__ import annotations


def load_all_models() -> None:
    import casework.models  # noqa: F401
    import recorder.health.models  # noqa: F401
    import recorder.models  # noqa: F401
