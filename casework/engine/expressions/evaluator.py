"""The safe evaluator: an AST allow-list interpreter for diagram expressions (no eval/exec)."""
from __future__ import annotations

import ast
import math
from functools import lru_cache
from typing import Any, Callable, Mapping

from casework.engine.errors import ExpressionFailed, ExpressionRejected

MAX_LENGTH = 2000  # characters of one expression
MAX_NODES = 300  # AST nodes of one expression
MAX_INT_BITS = 4096  # largest integer an operation may produce
MAX_SIZE = 100_000  # longest string/list an operation may produce
MAX_SCRIPT_LINES = 50

Functions = Mapping[str, Callable[..., Any]]  # name -> helper; the container owns one (functions.py)
# Names never looked up, even as data: a diagram naming them is probing for an escape.
FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "compile", "getattr", "setattr", "delattr", "hasattr", "globals", "locals",
    "vars", "dir", "open", "breakpoint", "input", "help", "exit", "quit", "memoryview", "super",
    "classmethod", "staticmethod", "print", "import", "builtins",
})
SAFE_TYPES = (type(None), bool, int, float, str, list, tuple, dict)

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.Pow: lambda a, b: a ** b,
}
_CMPOPS = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}
_UNARY = {ast.Not: lambda a: not a, ast.USub: lambda a: -a, ast.UAdd: lambda a: +a}
_ALLOWED = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BoolOp, ast.And, ast.Or,
    ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice,
    ast.List, ast.Tuple, ast.Dict, ast.Call, ast.keyword, ast.JoinedStr, ast.FormattedValue,
    *_BINOPS, *_CMPOPS, *_UNARY,
)


def reject(message: str) -> ExpressionRejected:
    error = ExpressionRejected(f"表达式不安全或超出限制：{message} / expression refused: {message}")
    error.detail = message
    return error


@lru_cache(maxsize=4096)
def compile_expression(text: str, allowed: frozenset[str]) -> ast.Expression:
    """Parse and check one expression calling only `allowed` functions; cached by both."""
    if not isinstance(text, str):
        raise reject("not a string")
    if len(text) > MAX_LENGTH:
        raise reject(f"longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise reject(f"cannot parse {text!r}: {exc.__class__.__name__}") from None
    _check(tree, allowed)
    return tree


def _check(tree: ast.AST, allowed: frozenset[str]) -> None:
    count = 0
    for node in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise reject(f"more than {MAX_NODES} syntax nodes")
        if not isinstance(node, _ALLOWED):
            raise reject(f"{node.__class__.__name__} is not allowed")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise reject(f"name {node.id!r} starts with '_'")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise reject(f"name {node.id!r} is forbidden")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (str, int, float, bool, type(None))):
            raise reject(f"constant of type {type(node.value).__name__}")
        if isinstance(node, ast.Constant) and isinstance(node.value, float) and not math.isfinite(node.value):
            raise reject(f"constant {ast.unparse(node)[:20]} is not a finite number")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
            raise reject(f"string {node.value!r} looks like a dunder name")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and not _storable(node.value):
            raise reject("string with a NUL character or invalid Unicode")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in allowed:
                name = node.func.id if isinstance(node.func, ast.Name) else (
                    ast.unparse(node.func)[:40])
                raise reject(f"call of {name} (allowed: {', '.join(sorted(allowed))})")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise reject("star arguments")
            if any(k.arg is None for k in node.keywords):
                raise reject("** arguments")
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            raise reject("format specifications in f-strings")
        if isinstance(node, ast.Dict) and any(k is None for k in node.keys):
            raise reject("** in dict displays")


def evaluate(text: str, names: Mapping[str, Any], functions: Functions, budget: Any = None) -> Any:
    """Evaluate `text` against `names` (task data), calling only `functions`.

    `budget` (a step's StepBudget) is ticked on every node, so a slow expression stops
    while it runs.
    """
    tree = compile_expression(text, frozenset(functions))
    try:
        return _Interpreter(names, functions, budget).run(tree.body)
    except (ExpressionRejected, ExpressionFailed):
        raise
    except RecursionError:
        raise reject("nesting too deep") from None
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise ExpressionFailed(
            f"表达式求值失败：{text!r}：{exc.__class__.__name__}: {exc} / "
            f"expression {text!r} failed: {exc.__class__.__name__}: {exc}") from None


@lru_cache(maxsize=1024)
def parse_script(script: str, allowed: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Split a script task into `name = expression` pairs; anything else is refused."""
    pairs: list[tuple[str, str]] = []
    lines = [ln for ln in (script or "").splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) > MAX_SCRIPT_LINES:
        raise reject(f"script longer than {MAX_SCRIPT_LINES} lines")
    for line in lines:
        try:
            stmt = ast.parse(line.strip(), mode="exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise reject(f"script line is not `name = expression`: {line.strip()!r}") from None
        body = stmt.body
        if (len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1
                or not isinstance(body[0].targets[0], ast.Name)):
            raise reject(f"script line is not `name = expression`: {line.strip()!r}")
        name = body[0].targets[0].id
        if name.startswith("_"):
            raise reject(f"name {name!r} starts with '_'")
        expr = ast.get_source_segment(line.strip(), body[0].value)
        compile_expression(expr, allowed)
        pairs.append((name, expr))
    return tuple(pairs)


def run_script(script: str, data: dict[str, Any], functions: Functions, budget: Any = None) -> None:
    """Run `name = expression` lines in order, assigning into `data` (counted in the budget)."""
    for name, expr in parse_script(script, frozenset(functions)):
        value = evaluate(expr, data, functions, budget)
        if budget is not None:
            budget.produce(_weight(value, budget.limits.produced) + 1)
        data[name] = value


class _Interpreter:
    """Walks a checked tree; every operation is bounded in the size it can produce."""

    def __init__(self, names: Mapping[str, Any], functions: Functions, budget: Any = None) -> None:
        self.names = names
        self.functions = functions
        self.budget = budget

    def run(self, node: ast.AST) -> Any:
        if self.budget is not None:
            self.budget.tick()
        method = getattr(self, "_" + node.__class__.__name__)
        return method(node)

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id in self.names:
            return _safe_value(self.names[node.id])
        raise ExpressionFailed(f"未定义的变量：{node.id} / name {node.id!r} is not defined")

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for operand in node.values:
            value = self.run(operand)
            if is_and and not value or not is_and and value:
                return value
        return value

    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.run(node.left), self.run(node.right)
        _check_binop(node.op, left, right)
        return bounded(_BINOPS[type(node.op)](left, right))

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        return bounded(_UNARY[type(node.op)](self.run(node.operand)))

    def _Compare(self, node: ast.Compare) -> bool:
        left = self.run(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.run(comparator)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.run(node.body) if self.run(node.test) else self.run(node.orelse)

    def _Subscript(self, node: ast.Subscript) -> Any:
        container = self.run(node.value)
        if not isinstance(container, (dict, list, tuple, str)):
            raise ExpressionFailed(f"cannot index a {type(container).__name__}")
        if isinstance(node.slice, ast.Slice):
            parts = [None if p is None else self.run(p) for p in (node.slice.lower, node.slice.upper, node.slice.step)]
            if not all(p is None or isinstance(p, int) for p in parts):
                raise ExpressionFailed("slice bounds must be integers")
            return container[slice(*parts)]
        key = self.run(node.slice)
        if isinstance(key, str) and key.startswith("_"):
            raise reject(f"key {key!r} starts with '_'")
        return _safe_value(container[key])

    def _Slice(self, node: ast.Slice) -> Any:  # pragma: no cover - handled in _Subscript
        raise reject("bare slice")

    def _List(self, node: ast.List) -> list:
        return bounded([self.run(e) for e in node.elts])

    def _Tuple(self, node: ast.Tuple) -> tuple:
        return bounded(tuple(self.run(e) for e in node.elts))

    def _Dict(self, node: ast.Dict) -> dict:
        return bounded({self.run(k): self.run(v) for k, v in zip(node.keys, node.values)})

    def _Call(self, node: ast.Call) -> Any:
        func = self.functions[node.func.id]
        args = [self.run(a) for a in node.args]
        kwargs = {k.arg: self.run(k.value) for k in node.keywords}
        return _safe_value(bounded(func(*args, **kwargs)))

    def _JoinedStr(self, node: ast.JoinedStr) -> str:
        parts = []
        for value in node.values:
            parts.append(self.run(value) if isinstance(value, ast.Constant) else self._FormattedValue(value))
        return bounded("".join(parts))

    def _FormattedValue(self, node: ast.FormattedValue) -> str:
        return format_bounded(self.run(node.value), node.conversion == ord("r"))


def format_bounded(value: Any, as_repr: bool = False) -> str:
    """str()/repr() of a value whose printed length is bounded before it is printed."""
    if _weight(value, printed=True) > MAX_SIZE:
        raise reject("value too large to format")
    text = repr(value) if as_repr else str(value)
    if len(text) > MAX_SIZE:
        raise reject("value too large to format")
    return text


def _storable(text: str) -> bool:
    """No NUL and no lone surrogates: text both databases store alike."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple, dict)) else 0


def _weight(value: Any, budget: int = MAX_SIZE, printed: bool = False) -> int:
    """Characters and elements of a nested value, counted up to just past `budget`; `printed`
    also counts numbers' digits and separators (about the length of its str())."""
    total, stack = 0, [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2 * printed
        elif isinstance(item, (list, tuple)):
            total += len(item) * (1 + printed)
            stack.extend(item)
        elif isinstance(item, dict):
            total += len(item) * (1 + 2 * printed)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif printed and isinstance(item, (int, float)):
            total += 24 if isinstance(item, float) else item.bit_length() * 3 // 10 + 2
    return total


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _check_binop(op: ast.operator, left: Any, right: Any) -> None:
    """Refuse operations whose result would be huge before computing them."""
    if isinstance(op, ast.Pow):
        if isinstance(left, int) and isinstance(right, int) and right > 0:
            if abs(left) > 1 and max(1, _bits(left)) * right > MAX_INT_BITS:
                raise reject(f"power result over {MAX_INT_BITS} bits")
        elif isinstance(right, (int, float)) and isinstance(left, (int, float)) and abs(right) > 10_000:
            raise reject("exponent too large")
    elif isinstance(op, ast.Mult):
        if isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple)):
            seq, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
            if not isinstance(times, int) or _size(seq) * max(times, 0) > MAX_SIZE:
                raise reject(f"repetition longer than {MAX_SIZE}")
        elif _bits(left) + _bits(right) > MAX_INT_BITS:
            raise reject(f"product over {MAX_INT_BITS} bits")
    elif isinstance(op, ast.Mod) and not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
        raise reject("% is only for numbers (no %-formatting)")
    elif isinstance(op, ast.Add) and _size(left) + _size(right) > MAX_SIZE:
        raise reject(f"concatenation longer than {MAX_SIZE}")


def bounded(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionFailed(f"结果不是有限数（{value}） / the result is not a finite number ({value})")
        return value
    if isinstance(value, complex):
        raise ExpressionFailed("结果是复数 / the result is a complex number (e.g. a fractional power of a negative)")
    if _bits(value) > MAX_INT_BITS or _weight(value) > MAX_SIZE:
        raise reject("result too large")
    return value


def _safe_value(value: Any) -> Any:
    """Only plain data flows through expressions: no objects, no callables."""
    if not isinstance(value, SAFE_TYPES):
        raise reject(f"value of type {type(value).__name__} is not plain data")
    return value
