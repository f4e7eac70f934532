"""Pure formatting for official documents: numbers, Chinese dates, amounts in capitals."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

DIGITS = "〇一二三四五六七八九"
CAPITALS = "零壹贰叁肆伍陆柒捌玖"


def format_number(prefix: str, code: str, year: int, seq: int) -> str:
    """太公(视) + 限改 + 2026 + 1 -> 太公(视)限改字〔2026〕第0001号."""
    if seq < 1:
        raise ValueError("sequence starts at 1")
    return f"{prefix}{code}字〔{year}〕第{seq:04d}号"


def number_key(number: str) -> str:
    """A file-name-safe form of a document number (keeps CJK, drops brackets)."""
    safe = re.sub(r"[〔〕()（）]", "-", number)
    safe = re.sub(r"[^\w-]", "", safe)
    return re.sub(r"-+", "-", safe).strip("-")


def cn_small_number(n: int) -> str:
    """1..99 in Chinese numerals as used in dates: 二, 十, 十六, 二十, 三十一."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return head + "十" + (DIGITS[ones] if ones else "")


def cn_date(day: date | datetime) -> str:
    """2026-03-02 -> 二〇二六年三月二日 (the style of a signed official document)."""
    year = "".join(DIGITS[int(c)] for c in f"{day.year:04d}")
    return f"{year}年{cn_small_number(day.month)}月{cn_small_number(day.day)}日"


def en_date(day: date | datetime) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def cn_datetime(moment: datetime) -> str:
    """A local time for hearings: 二〇二六年三月二十日上午九时三十分."""
    hour = moment.hour
    part = "上午" if hour < 12 else "下午"
    h12 = hour if hour <= 12 else hour - 12
    text = f"{cn_date(moment)}{part}{cn_small_number(h12) if h12 else '〇'}时"
    if moment.minute:
        text += f"{cn_small_number(moment.minute)}分"
    return text


def yuan(amount: Decimal) -> str:
    """Arabic yuan with thousands separators: 5000 -> 5,000元; 12.5 -> 12.50元."""
    q = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{q:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{text}元"


def _four(n: int) -> str:
    """0..9999 in capital numerals, with 零 where a place is skipped."""
    units = ["仟", "佰", "拾", ""]
    digits = f"{n:04d}"
    out, zero = "", False
    for d, u in zip(digits, units):
        if d == "0":
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += CAPITALS[int(d)] + u
    return out


def capital_yuan(amount: Decimal) -> str:
    """Amounts in capitals as on a decision: 5000 -> 伍仟元整; 1203.5 -> 壹仟贰佰零叁元伍角."""
    q = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if q < 0 or q >= Decimal("1000000000000"):
        raise ValueError(f"amount out of range: {amount}")
    whole = int(q)
    jiao, fen = divmod(int((q - whole) * 100), 10)
    groups = []
    for unit in ("亿", "万", ""):
        size = {"亿": 100_000_000, "万": 10_000, "": 1}[unit]
        part, whole = divmod(whole, size)
        groups.append((part, unit))
    text, pending_zero = "", False
    for part, unit in groups:
        if part == 0:
            pending_zero = bool(text)
            continue
        chunk = _four(part)
        if text and (pending_zero or part < 1000):
            chunk = "零" + chunk
        text += chunk + unit
        pending_zero = False
    if jiao == 0 and fen == 0:
        return (text or "零") + "元整"
    text += "元" if text else ""
    if jiao:
        text += CAPITALS[jiao] + "角"
    elif fen and text:
        text += "零"
    if fen:
        text += CAPITALS[fen] + "分"
    return text


def to_decimal(value: object, field: str) -> Decimal:
    """Amounts arrive as int, Decimal or a decimal string (never float: 0.1 + 0.2)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{field}: give amounts as integers or decimal strings, not {value!r}")
    try:
        result = Decimal(str(value))
    except Exception as exc:  # decimal.InvalidOperation and friends
        raise ValueError(f"{field}: not an amount: {value!r}") from exc
    if not result.is_finite() or result < 0:
        raise ValueError(f"{field}: not a valid amount: {value!r}")
    return result
