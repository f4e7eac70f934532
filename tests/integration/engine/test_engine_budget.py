"""Issue 11 §1-2 probes: diagrams that used to hang or blow up fail cleanly, within the step budget."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from casework.engine import DiagramInvalid, deploy, start
from casework.engine.budget import Limits
from casework.engine.errors import BudgetExceeded, ExpressionFailed, ExpressionRejected
from casework.engine.run.incidents import list_incidents
from casework.errors import CaseworkError, InvalidInput
from casework.models.audit import AuditEvent
from casework.models.engine import ProcessInstance

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
        '20100524/MODEL" id="d" targetNamespace="http://casework.local/bpmn/test">')


def diagram(body: str, pid: str = "probe", extra: str = "") -> str:
    return f'{HEAD}<bpmn:process id="{pid}" isExecutable="true">{body}</bpmn:process>{extra}</bpmn:definitions>'


def chain(*nodes: str) -> str:
    """start -> nodes... -> end, each node an XML element with id n0, n1, ..."""
    ids = ["start", *[f"n{i}" for i in range(len(nodes))], "end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(ids, ids[1:])))
    return '<bpmn:startEvent id="start"/>' + "".join(nodes) + '<bpmn:endEvent id="end"/>' + flows


def script(i: int, text: str) -> str:
    return f'<bpmn:scriptTask id="n{i}"><bpmn:script>{text}</bpmn:script></bpmn:scriptTask>'


def timer_event(i: int, kind: str, text: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="n{i}"><bpmn:timerEventDefinition>'
            f'<bpmn:{kind}>{text}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def _deploy(uow, xml, key="probe"):
    with uow:
        deploy(uow.session, key, xml, actor="tester")
        uow.commit()


def _start(container, data=None, limits=None, key="probe"):
    with container.uow() as uow:
        resources = {"limits": limits} if limits else None
        inst = start(uow.session, key, data=data or {}, actor="tester", resources=resources)
        uow.commit()
        return inst


def _instances(container) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(ProcessInstance))


LOOP = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="merge"/>'
        '<bpmn:exclusiveGateway id="merge"/><bpmn:sequenceFlow id="f1" sourceRef="merge" targetRef="tick"/>'
        '<bpmn:scriptTask id="tick"><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f2" sourceRef="tick" targetRef="again"/>'
        '<bpmn:exclusiveGateway id="again" default="f4"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="again" targetRef="merge">'
        '<bpmn:conditionExpression>True</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="f4" sourceRef="again" targetRef="end"/><bpmn:endEvent id="end"/>')


@pytest.mark.parametrize("where", ["script", "gateway", "timer"])
def test_round_with_huge_digits_is_refused_before_it_runs(container, where):
    expr = "round(1, -1000000000)"
    if where == "script":
        body = chain(script(0, f"x = {expr}"))
    elif where == "timer":
        body = chain(timer_event(0, "timeDate", expr))
    else:
        body = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="g"/>'
                '<bpmn:exclusiveGateway id="g" default="f2"/>'
                f'<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="end"><bpmn:conditionExpression>{expr} == 0'
                '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="end"/>'
                '<bpmn:endEvent id="end"/>')
    _deploy(container.uow(), diagram(body))
    with pytest.raises(ExpressionRejected, match="round"):
        _start(container)
    assert _instances(container) == 0


def test_endless_gateway_loop_stops_at_the_task_budget_with_an_incident(container):
    _deploy(container.uow(), diagram(LOOP))
    with pytest.raises(BudgetExceeded, match="engine tasks") as caught:
        _start(container, {"n": 0}, Limits(tasks=300))
    assert caught.value.element_id in {"merge", "tick", "again"}
    assert _instances(container) == 0  # rolled back
    with container.uow() as uow:
        [incident] = list_incidents(uow.session)
        assert (incident.key, incident.limit, incident.instance_id) == ("probe", "tasks", None)
        assert uow.session.scalar(select(func.count()).where(AuditEvent.action == "engine.incident")) == 1


def test_endless_loop_stops_at_the_time_budget(container):
    _deploy(container.uow(), diagram(LOOP))
    with pytest.raises(BudgetExceeded, match="more than"):
        _start(container, {"n": 0}, Limits(seconds=-1))


def test_default_budget_stops_an_endless_loop(container):
    _deploy(container.uow(), diagram(LOOP))
    with pytest.raises(BudgetExceeded):
        _start(container, {"n": 0})


def test_sqlite_stays_usable_while_and_after_a_runaway_step(container):
    """Another writer waits at most the step budget, then gets the database (no 'locked')."""
    _deploy(container.uow(), diagram(LOOP))
    started, outcome = threading.Event(), {}

    def runaway():
        try:
            with container.uow() as uow:
                uow.session.execute(select(func.count()).select_from(ProcessInstance))  # takes the lock
                started.set()
                start(uow.session, "probe", data={"n": 0}, actor="t",
                      resources={"limits": Limits(seconds=2, tasks=10**9)})
        except CaseworkError as exc:
            outcome["error"] = exc
        finally:
            started.set()
    thread = threading.Thread(target=runaway)
    thread.start()
    assert started.wait(60)
    _deploy(container.uow(), diagram(chain(script(0, "x = 1")), pid="other"), key="other")
    thread.join(60)
    assert isinstance(outcome.get("error"), BudgetExceeded)
    assert _start(container, key="other").status == "completed"


def test_self_recursive_call_activity_is_refused(container):
    body = chain('<bpmn:callActivity id="n0" calledElement="probe"/>')
    with pytest.raises(DiagramInvalid, match="recursive") as caught:
        _deploy(container.uow(), diagram(body))
    assert caught.value.element_id == "n0"
    sub = diagram(chain('<bpmn:callActivity id="n0" calledElement="sub"/>'),
                  extra='<bpmn:process id="sub" isExecutable="true"><bpmn:startEvent id="s2"/>'
                        '<bpmn:callActivity id="back" calledElement="probe"/><bpmn:endEvent id="e2"/>'
                        '<bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="back"/>'
                        '<bpmn:sequenceFlow id="g2" sourceRef="back" targetRef="e2"/></bpmn:process>')
    with pytest.raises(DiagramInvalid, match="recursive") as caught:
        _deploy(container.uow(), sub)
    assert caught.value.element_id == "back"


def _multi(cardinality: str) -> str:
    return (f'<bpmn:scriptTask id="n0"><bpmn:multiInstanceLoopCharacteristics>'
            f'<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
            '<bpmn:script>y = 1</bpmn:script></bpmn:scriptTask>')


@pytest.mark.parametrize("cardinality", ["1000000", "10**9"])
def test_literal_cardinality_over_the_limit_is_refused_at_deploy(container, cardinality):
    with pytest.raises(DiagramInvalid, match="loopCardinality") as caught:
        _deploy(container.uow(), diagram(chain(_multi(cardinality))))
    assert caught.value.element_id == "n0"


def test_cardinality_from_data_is_bounded_before_children_exist(container):
    _deploy(container.uow(), diagram(chain(_multi("count"))))
    with pytest.raises(BudgetExceeded, match="multi-instance"):
        _start(container, {"count": 10**9})
    assert _start(container, {"count": 3}).status == "completed"


@pytest.mark.parametrize("kind,text,match", [
    ("timeDuration", "P99999999Y", "100 years"),
    ("timeDuration", "P" + "1" * 13 + "D", "100 years"),
    ("timeCycle", "R/PT0S", "unbounded"),
    ("timeCycle", "R5/PT0S", "zero-length"),
    ("timeCycle", "R99999/P1D", "count"),
    ("timeDate", "0001-01-01T00:00:00+14:00", "outside"),
    ("timeDate", "9999-12-31T23:59:59-14:00", "outside"),
])
def test_timer_texts_beyond_limits_are_refused_at_deploy(container, kind, text, match):
    with pytest.raises(DiagramInvalid, match=match) as caught:
        _deploy(container.uow(), diagram(chain(timer_event(0, kind, text))))
    assert caught.value.element_id == "n0"


@pytest.mark.parametrize("kind,value", [
    ("timeDuration", "P99999999Y"), ("timeCycle", "R/PT0S"), ("timeDate", "0001-01-01T00:00:00+14:00"),
    ("timeDate", "9999-12-31T23:59:59-14:00"), ("timeDuration", "P" + "1" * 13 + "D"),
])
def test_timer_values_from_data_beyond_limits_fail_cleanly(container, kind, value):
    _deploy(container.uow(), diagram(chain(timer_event(0, kind, "when"))))
    with pytest.raises(CaseworkError, match="n0"):
        _start(container, {"when": value})
    assert _instances(container) == 0


def test_many_large_strings_stop_at_the_data_budget(container):
    body = chain(*[script(i, f"v{i} = 'x' * 100000") for i in range(20)])
    _deploy(container.uow(), diagram(body))
    with pytest.raises(BudgetExceeded, match="produced") as caught:
        _start(container)
    assert caught.value.element_id == "n4"
    assert _instances(container) == 0


def test_f_string_over_a_huge_list_is_refused(container):
    _deploy(container.uow(), diagram(chain(script(0, "big = [0] * 99999"), script(1, "s = f'{big}'"))))
    with pytest.raises(ExpressionRejected, match="too large"):
        _start(container)


@pytest.mark.parametrize("expr,error", [
    ("(-8) ** 0.5", ExpressionFailed), ("float('inf')", ExpressionFailed), ("float('nan')", ExpressionFailed),
    ("1e308 * 10", ExpressionFailed), ("1e309", ExpressionRejected), ("'a\\x00b'", ExpressionRejected),
])
def test_complex_and_non_finite_results_are_refused(container, expr, error):
    if error is ExpressionRejected:
        with pytest.raises(DiagramInvalid):
            _deploy(container.uow(), diagram(chain(script(0, f"x = {expr}"))))
        return
    _deploy(container.uow(), diagram(chain(script(0, f"x = {expr}"))))
    with pytest.raises(error, match="n0"):
        _start(container)


def test_manager_lists_incidents(container):
    from casework.services.processes import admin as process_admin
    from casework.services.actor import Actor

    _deploy(container.uow(), diagram(LOOP))
    with pytest.raises(BudgetExceeded):
        _start(container, {"n": 0}, Limits(tasks=50))
    [row] = process_admin.list_incidents(container.uow(), actor=Actor("m", frozenset({"manager"})))
    assert (row["key"], row["limit"], row["instance"]) == ("probe", "tasks", None)
    assert row["element"] in {"merge", "tick", "again"} and "engine tasks" in row["message"]


@pytest.mark.parametrize("text,match", [
    ("[" * 5000 + "]" * 5000, "nested"), ('{"n": ' + "9" * 5000 + "}", "digits|integer"),
    ('{"x": NaN}', "NaN"), ('{"x": Infinity}', "Infinity"),
])
def test_submitted_json_is_refused_in_one_line(text, match):
    from casework.engine.values import parse_json
    from casework.errors import InvalidInput

    with pytest.raises(InvalidInput, match=match):
        parse_json(text, "--data")


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("value,match", [
    ("a\ud800", "surrogate"), ("a\x00b", "NUL"), (float("inf"), "NaN and infinity"), (10 ** 1200, "integer"),
    ({"a": _nested(40)}, "nested"),
])
def test_values_entering_the_engine_are_refused_alike_on_both_databases(container, value, match):
    from casework.errors import InvalidInput

    _deploy(container.uow(), diagram(chain(script(0, "y = 1"))))
    with pytest.raises(InvalidInput, match=match):
        _start(container, {"x": value})
    assert _instances(container) == 0
