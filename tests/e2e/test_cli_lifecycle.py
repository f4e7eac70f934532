"""The operator's CLI drives a case in fresh processes, as a terminal user would."""
import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sqlite_only


def casework(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "casework", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def initialised(tmp_path) -> dict:
    """`casework init` with a first admin, who adds a Taiyuan clerk; the clerk signs in."""
    env = {**os.environ, "CASEWORK_DATA_DIR": str(tmp_path),
           "CASEWORK_SESSION_FILE": str(tmp_path / "home" / "session")}
    env.pop("CASEWORK_DATABASE_URL", None)
    env.pop("CASEWORK_SYSTEM_ACCOUNT", None)
    out = casework(env, "init", "--admin", "boss", "--password-stdin", stdin="boss-password\n")
    assert out.returncode == 0, out.stderr
    assert casework(env, "login", "boss", "--password-stdin", stdin="boss-password\n").returncode == 0
    out = casework(env, "user", "add", "clerk1", "--role", "clerk", "--jurisdiction", "taiyuan",
                   "--password-stdin", stdin="clerk-password\n")
    assert out.returncode == 0, out.stderr
    assert casework(env, "login", "clerk1", "--password-stdin",
                    stdin="clerk-password\n").returncode == 0
    return env


def test_register_complete_and_list_through_the_cli(tmp_path):
    env = initialised(tmp_path)
    out = casework(env, "unit", "register", "--credit-code", "91350100M000100Y43",
                   "--name", "测试商场", "--address", "太原市迎泽大街1号",
                   "--legal-representative", "张三", "--site-category", "commercial",
                   "--jurisdiction", "taiyuan")
    assert out.returncode == 0, out.stderr
    case_ref = json.loads(out.stdout)["case_ref"]
    listed = casework(env, "case", "list")
    assert case_ref in listed.stdout
    bad = casework(env, "task", "complete", "1", "--data", "{not json")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "JSON" in bad.stderr
    duplicate = casework(env, "unit", "register", "--credit-code", "91350100M000100Y43",
                          "--name", "x", "--address", "y", "--legal-representative", "z",
                          "--site-category", "commercial", "--jurisdiction", "taiyuan")
    assert duplicate.returncode == 1 and "already registered" in duplicate.stderr
    refused = casework(env, "system", "add-camera", "1", "--name", "卫生间", "--location", "一楼",
                       "--place-kind", "toilet")
    assert refused.returncode == 1 and "第十条" in refused.stderr
    opened = casework(env, "violation", "report", "--unit-id", "1", "--code", "obstructed",
                      "--facts", "广告牌遮挡摄像机", "--act-key", "visit-1")
    assert opened.returncode == 0 and opened.stdout.startswith("TA-")
    assert "拟制责令限期改正通知" in casework(env, "task", "list", "--role", "clerk").stdout
    deadline = casework(env, "deadline", "30d", "--from", "2026-09-05")
    assert deadline.stdout.splitlines()[0] == "2026-10-08"


def test_audit_verify_names_the_first_tampered_event(tmp_path):
    import sqlite3

    env = initialised(tmp_path)
    ok = casework(env, "audit", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    with sqlite3.connect(tmp_path / "casework.db") as db:  # an attacker with DDL rights
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_event SET actor = 'mallory' WHERE seq = 2")
    broken = casework(env, "audit", "verify")
    assert broken.returncode == 1 and "broken at event 2" in broken.stderr
