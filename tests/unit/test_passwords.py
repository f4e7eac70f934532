import pytest

from casework.errors import InvalidInput
from casework.passwords import hash_password, verify_password


def test_hashes_are_salted_and_only_the_right_password_verifies():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and "correct horse" not in first
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsf", first)
    assert not verify_password("correct horse", "garbage") and not verify_password("x", "")


def test_short_passwords_are_refused():
    with pytest.raises(InvalidInput, match="8"):
        hash_password("short")
