"""统一社会信用代码 (GB 32100-2015): format and check digit."""
from __future__ import annotations

from casework.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_digit(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code: str) -> str:
    """Return the normalised code or raise InvalidInput saying what is wrong."""
    code = (code or "").strip().upper()
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        raise InvalidInput("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）"
                           " / the credit code must be 18 characters of 0-9 and A-Y without I O S V Z")
    if check_digit(code[:17]) != code[17]:
        raise InvalidInput("统一社会信用代码校验位错误 / the credit code's check digit is wrong")
    return code


def make(seed: str) -> str:
    """A valid code from 17 characters (demo and tests)."""
    return seed + check_digit(seed)
