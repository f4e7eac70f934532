"""Create or drop a PostgreSQL database: `python -m casework.devtools.pg create|drop URL NAME`."""
from __future__ import annotations

import re
import sys

import psycopg


def main(argv: list[str]) -> int:
    action, server_url, name = argv
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        print(f"bad database name: {name}", file=sys.stderr)
        return 2
    try:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5) as conn:
            if action == "create":
                conn.execute(f'CREATE DATABASE "{name}"')
            else:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as exc:
        print(f"postgres: {exc}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
