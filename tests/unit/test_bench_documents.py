"""The documents bench counts only real renders: one failure fails the run."""
import pytest

from bench.documents import rendered
from casework.documents import Failed


def test_a_failed_render_fails_the_bench():
    with pytest.raises(SystemExit, match=r"1 of 2 renders failed \(pool\): font cache corrupted"):
        rendered([b"%PDF-1.7", Failed(1, "font cache corrupted")], "pool")


def test_all_rendered_pass_through():
    assert rendered([b"%PDF-1.7", b"%PDF-1.7"], "single") == [b"%PDF-1.7", b"%PDF-1.7"]
