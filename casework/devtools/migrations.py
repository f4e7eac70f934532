"""Compare the migrated schema with the models: `python -m casework.devtools.migrations URL`."""
from __future__ import annotations

import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from casework.storage.db import make_engine
from casework.models.base import Base
from casework.install.schema import load_all_models


def schema_drift(engine) -> list:
    """Differences between the database at `engine` and Base.metadata (empty: none)."""
    load_all_models()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


if __name__ == "__main__":
    diffs = schema_drift(make_engine(sys.argv[1]))
    for d in diffs:
        print(d)
    sys.exit(1 if diffs else 0)
