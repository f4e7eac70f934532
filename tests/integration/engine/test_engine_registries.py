"""Issue 10: the helpers and actions a diagram may call are values the container owns and passes
to each step; two containers side by side do not re-point each other."""
from __future__ import annotations

import pytest

from casework.bootstrap import bootstrap
from casework.engine import DiagramInvalid, deploy, start
from casework.engine.expressions.actions import Action, Actions
from casework.engine.expressions.functions import make_functions
from tests.integration.engine.test_engine_budget import chain, diagram, script

SERVICE = ('<bpmn:serviceTask id="n0"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="only_here">'
           '</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>')


def _xml(body: str) -> str:
    return diagram(body).replace('<bpmn:definitions ', '<bpmn:definitions xmlns:spiffworkflow='
                                 '"http://spiffworkflow.org/bpmn/schema/1.0/core" ', 1)


def test_a_step_calls_the_actions_it_is_given(container):
    mine = Actions([Action("only_here", lambda ctx: {"done": True}, {}, {"done": bool})])
    with container.uow() as uow:
        with pytest.raises(DiagramInvalid, match="unknown action 'only_here'"):
            deploy(uow.session, "probe", _xml(chain(SERVICE)), actor="t")
        deploy(uow.session, "probe", _xml(chain(SERVICE)), actor="t", actions=mine)
        inst = start(uow.session, "probe", data={}, actor="t", resources={"actions": mine})
        assert inst.data["done"] is True
        uow.rollback()


def test_two_containers_keep_their_own_helpers(container, database_url, tmp_path):
    other = bootstrap(database_url=database_url, data_dir=tmp_path / "other")
    try:
        assert other.functions is not container.functions and other.actions is not container.actions
        container.functions = make_functions(deadline_iso=lambda start_iso, period: f"first {period}")
        other.functions = make_functions(deadline_iso=lambda start_iso, period: f"second {period}")
        with container.uow() as uow:
            deploy(uow.session, "probe", diagram(chain(script(0, "due = deadline_iso('2026-09-05', '30d')"))),
                   actor="t")
            uow.commit()
        for app, expected in ((other, "second 30d"), (container, "first 30d")):
            with app.uow() as uow:
                assert start(uow.session, "probe", data={}, actor="t", resources=uow.resources).data["due"] == expected
    finally:
        other.dispose()
