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


def _legacy_scrypt(password: str) -> str:
    import base64
    import hashlib
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return "scrypt$16384$8$1$%s$%s" % (base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def test_new_hashes_are_argon2id_and_legacy_scrypt_still_verifies_but_needs_rehash():
    from casework.passwords import needs_rehash

    fresh = hash_password("correct horse")
    assert fresh.startswith("$argon2id$") and not needs_rehash(fresh)
    legacy = _legacy_scrypt("correct horse")
    assert verify_password("correct horse", legacy) and not verify_password("wrong horse", legacy)
    assert needs_rehash(legacy)
