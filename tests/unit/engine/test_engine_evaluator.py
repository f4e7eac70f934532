"""The safe evaluator: hostile expressions are refused, ordinary ones work."""
from __future__ import annotations

import pytest

from casework.engine.errors import ExpressionFailed, ExpressionRejected
from casework.engine.expressions import evaluator
from casework.engine.expressions.functions import DEFAULT_FUNCTIONS, NAMES, make_functions


def evaluate(text, names, functions=DEFAULT_FUNCTIONS):
    return evaluator.evaluate(text, names, functions)


def run_script(script, data):
    return evaluator.run_script(script, data, DEFAULT_FUNCTIONS)


def parse_script(script):
    return evaluator.parse_script(script, NAMES)

DATA = {"x": 3, "name": "abc", "items": [1, 2, 3], "d": {"k": 1, "_secret": 2},
        "approved": True, "deadline_at": "2026-03-05T01:00:00+00:00"}

HOSTILE = [
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__=='_wrap_close'][0]"
    ".__init__.__globals__['getpid']()",
    "__import__('os').system('id')",
    "__import__",
    "getattr(x, '__class__')",
    "getattr",
    "'{0.__class__}'.format(x)",
    "'{0.__class__.__mro__}'.format(name)",
    "name.format(x)",
    "'%s' % name",
    "f'{x:>1000000000}'",
    "f'{x!r:{name}}'",
    "9**9**9",
    "2**100000",
    "10**10000",
    "'a'*10**9",
    "[0]*10**9",
    "'a'*10**5*10**5",
    "[[0]*100000]*100000",
    "str([[0]*10000]*10000)",
    "[x for x in items]",
    "[y for x in items for y in items]",
    "{x: 1 for x in items}",
    "(x for x in items)",
    "{1 for x in items}",
    "lambda: 1",
    "(lambda f: f(f))(lambda f: f(f))",
    "eval('1')",
    "exec('x=1')",
    "open('/etc/passwd')",
    "compile('1', 'f', 'eval')",
    "globals()",
    "locals()",
    "vars()",
    "dir()",
    "type(x)",
    "x.__class__",
    "name.upper()",
    "items.append(1)",
    "d['__class__']",
    "d['_secret']",
    "_private",
    "__builtins__",
    "len(*items)",
    "max(**d)",
    "(y := 1)",
    "x if True else __import__('os')",
    "{**d}",
    "b'bytes'",
    "sum([[1]] * 10, [])",
    "'x' * (2**62)",
    "(" * 500 + "1" + ")" * 500,
    "1 +" * 1000 + "1",
    "x; import os",
    "import os",
    "breakpoint()",
]


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_expressions_are_refused(expression):
    with pytest.raises(ExpressionRejected):
        evaluate(expression, DATA)


@pytest.mark.parametrize("expression, expected", [
    ("x + 1", 4),
    ("x * 2 - 1 > 4 and approved", True),
    ("not approved or x == 3", True),
    ("items[0] + items[-1]", 4),
    ("items[1:]", [2, 3]),
    ("d['k']", 1),
    ("'yes' if approved else 'no'", "yes"),
    ("len(items) >= 3", True),
    ("min(items) + max(items)", 4),
    ("round(2.675, 2)", 2.67),
    ("str(x) + 'd'", "3d"),
    ("int('12') + float('1.5')", 13.5),
    ("sorted([3, 1, 2])", [1, 2, 3]),
    ("sum(items)", 6),
    ("x in items and 'a' in name", True),
    ("f'{name}-{x}'", "abc-3"),
    ("2 ** 10", 1024),
    ("'ab' * 3", "ababab"),
    ("{'a': x, 'b': [1, 2]}", {"a": 3, "b": [1, 2]}),
    ("add_days_iso(deadline_at, 2)", "2026-03-07T01:00:00+00:00"),
    ("abs(-x)", 3),
    ("None is None", True),
    ("-x // 2", -2),
    ("x % 2 == 1", True),
])
def test_ordinary_expressions(expression, expected):
    assert evaluate(expression, DATA) == expected


def test_missing_name_fails_cleanly():
    with pytest.raises(ExpressionFailed, match="missing_var"):
        evaluate("missing_var + 1", DATA)


def test_type_errors_fail_cleanly():
    with pytest.raises(ExpressionFailed):
        evaluate("name + 1", DATA)
    with pytest.raises(ExpressionFailed):
        evaluate("1 / 0", DATA)


def test_now_iso_reads_the_travel_clock(clock):
    assert evaluate("now_iso()", {}) == "2026-03-02T01:00:00+00:00"


def test_scripts_are_assignments_only():
    data = {"x": 1}
    run_script("y = x + 1\nz = y * 2\n# comment\n", data)
    assert data == {"x": 1, "y": 2, "z": 4}
    for bad in ["import os", "x += 1", "a, b = 1, 2", "x.y = 1", "d['k'] = 1", "for i in items: pass",
                "def f(): pass", "_x = 1", "y = __import__('os')", "print(x)", "while True: pass"]:
        with pytest.raises(ExpressionRejected):
            parse_script(bad)


def test_functions_are_a_value_each_container_owns():
    """Two sets side by side: each answers with its own calendar; nothing is registered globally."""
    one = make_functions(deadline_iso=lambda start, period: f"one:{start}:{period}")
    two = make_functions(deadline_iso=lambda start, period: f"two:{start}:{period}")
    assert evaluate("deadline_iso('2026-01-01', '3d')", {}, one) == "one:2026-01-01:3d"
    assert evaluate("deadline_iso('2026-01-01', '3d')", {}, two) == "two:2026-01-01:3d"
    with pytest.raises(ExpressionFailed, match="legal calendar"):
        evaluate("deadline_iso('2026-01-01', '3d')", {})
    with pytest.raises(ExpressionRejected, match="call of now_iso"):
        evaluate("now_iso()", {}, {"len": len})


@pytest.mark.parametrize("expression", [
    "round(1, -1000000000)", "round(1.5, 10**6)", "int('9' * 5000)", "float('1' * 1000)",
    "str([0] * 99999)", "f'{[0] * 99999}'",
])
def test_allowed_functions_are_bounded_before_they_run(expression):
    with pytest.raises(ExpressionRejected):
        evaluate(expression, {})
