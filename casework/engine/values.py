"""Plain values where they enter the engine: JSON-like, finite, bounded, storable on both databases.

One rule for SQLite and PostgreSQL: a value the engine accepts can be written as JSON by
either (no NaN/Infinity, no lone surrogates, no NUL, no complex numbers, no objects).
"""
from __future__ import annotations

import json
import math
from typing import Any

from casework.errors import InvalidInput

MAX_DEPTH = 32  # nesting of lists/objects
MAX_INT_DIGITS = 1000  # decimal digits of one integer (also the JSON parser's limit)
MAX_WEIGHT = 1_000_000  # characters plus elements of one submitted value


def _where(where: str, path: list[Any]) -> str:
    return where + "".join(f"[{p!r}]" for p in path)


def check_plain(value: Any, where: str = "data", *, max_weight: int = MAX_WEIGHT) -> None:
    """Refuse anything that is not plain, finite, bounded JSON data, naming where it is."""
    weight = 0
    stack: list[tuple[Any, list[Any]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise InvalidInput(f"{_where(where, path[:3])}…：嵌套超过 {MAX_DEPTH} 层 / "
                               f"{_where(where, path[:3])}…: nested deeper than {MAX_DEPTH} levels")
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if item.bit_length() > MAX_INT_DIGITS * 3.33:
                raise InvalidInput(f"{_where(where, path)}：整数超过 {MAX_INT_DIGITS} 位 / "
                                   f"{_where(where, path)}: integer longer than {MAX_INT_DIGITS} digits")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidInput(f"{_where(where, path)}：不接受 NaN 或无穷大 / "
                                   f"{_where(where, path)}: NaN and infinity are not accepted")
        elif isinstance(item, str):
            weight += len(item)
            _check_text(item, _where(where, path))
        elif isinstance(item, (list, tuple)):
            weight += len(item)
            stack.extend((v, [*path, i]) for i, v in enumerate(item))
        elif isinstance(item, dict):
            weight += len(item)
            for k, v in item.items():
                if not isinstance(k, str):
                    raise InvalidInput(f"{_where(where, path)}：键须为字符串 / {_where(where, path)}: keys must be strings")
                _check_text(k, _where(where, path))
                weight += len(k)
                stack.append((v, [*path, k]))
        else:
            raise InvalidInput(f"{_where(where, path)}：不支持的值类型 {type(item).__name__} / "
                               f"{_where(where, path)}: values of type {type(item).__name__} are not accepted")
        if weight > max_weight:
            raise InvalidInput(f"{where}：数据过大（超过 {max_weight} 个字符或元素） / "
                               f"{where}: data larger than {max_weight} characters and elements")


def _check_text(text: str, where: str) -> None:
    if "\x00" in text:
        raise InvalidInput(f"{where}：文本含 NUL 字符 / {where}: text contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{where}：文本含无效的 Unicode（孤立代理项） / "
                           f"{where}: text contains invalid Unicode (a lone surrogate)") from None


def _no_constant(name: str) -> Any:
    raise InvalidInput(f"不接受 {name} / {name} is not accepted (numbers must be finite)")


def parse_json(text: str, where: str = "data") -> Any:
    """json.loads that fails in one line: no NaN/Infinity, bounded depth and integer size."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except InvalidInput:
        raise
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where} 不是合法的 JSON：{exc.msg}（位置 {exc.pos}） / "
                           f"{where} is not valid JSON: {exc.msg} at {exc.pos}") from None
    except RecursionError:
        raise InvalidInput(f"{where}：嵌套过深 / {where}: nested too deeply") from None
    except ValueError as exc:  # an integer beyond the interpreter's digit limit
        raise InvalidInput(f"{where}：{exc} / {where}: {str(exc)[:120]}") from None
    check_plain(value, where)
    return value


def dumps(value: Any, where: str = "data") -> str:
    """JSON text both databases store the same way (refuses NaN/Infinity)."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        check_plain(value, where)
        raise
