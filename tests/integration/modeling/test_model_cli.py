"""Issue 16: `casework model deploy` from a terminal. After a plain `casework init` it says to create
the first admin (no raw "no such active user", no "sign in" with no account to sign in with); a file name such as A.1.0.bpmn gets the `--key` hint; a
refused diagram is listed problem by problem, one line each; a good one deploys."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.engine.test_engine_budget import chain, diagram, script

pytestmark = pytest.mark.sqlite_only
A_1_0 = Path(__file__).resolve().parents[2] / "data" / "miwg" / "A.1.0.bpmn"


def casework(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "casework", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=180)


def test_model_deploy_from_a_plain_init_to_a_deployed_version(tmp_path):
    env = {**os.environ, "CASEWORK_DATA_DIR": str(tmp_path), "CASEWORK_SESSION_FILE": str(tmp_path / "home" / "s")}
    for name in ("CASEWORK_DATABASE_URL", "CASEWORK_SYSTEM_ACCOUNT"):
        env.pop(name, None)
    assert casework(env, "init").returncode == 0
    out = casework(env, "model", "deploy", str(A_1_0))
    assert out.returncode == 1 and "Traceback" not in out.stderr and "no such active user" not in out.stderr
    assert "casework init --admin" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert casework(env, "init", "--admin", "boss", "--password-stdin", stdin="boss-password\n").returncode == 0
    assert casework(env, "login", "boss", "--password-stdin", stdin="boss-password\n").returncode == 0

    out = casework(env, "model", "deploy", str(A_1_0))
    assert out.returncode == 1 and "--key a_1_0" in out.stderr and len(out.stderr.strip().splitlines()) == 1

    out = casework(env, "model", "deploy", "--key", "a_1_0", str(A_1_0))
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "4 problem(s)" in lines[0] and len(lines) == 5
    assert sum("plain task" in line for line in lines) == 3 and "Task 1" in lines[1]
    assert any("no executable process" in line for line in lines)

    good = tmp_path / "probe.bpmn"
    good.write_text(diagram(chain(script(0, "x = 1"))), encoding="utf-8")
    out = casework(env, "model", "deploy", str(good))
    assert out.returncode == 0 and out.stdout.startswith("probe v1 "), out.stderr
