"""Helpers shared by the tests: test data locations, waiting on a condition, reading rows."""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TEST_BPMN = DATA / "bpmn"    # the engine's own test diagrams
TEST_FORMS = DATA / "forms"  # the forms those diagrams name (test_*)
