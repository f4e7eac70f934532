"""What the modeler's properties panel offers and checks: the pick lists (roles for lanes, forms,
registered service-task actions with their inputs, due-date variables in use) and timer texts.

A timer text is an ISO literal (bounded as at deploy) or a safe expression; a legal-calendar
call `deadline_iso(start, "15d")` with a literal period is read as the calendar reads it.
"""
from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from casework.engine.errors import ExpressionFailed, ExpressionRejected
from casework.engine.expressions.evaluator import compile_expression
from casework.engine.expressions.functions import NAMES
from casework.engine.model.limits import check_instant, parse_cycle_text, parse_duration, parse_iso_instant
from casework.engine.model.specs import is_iso_literal
from casework.errors import CaseworkError, InvalidInput
from casework.legal_calendar.periods import LegalPeriod
from casework.models.engine import ModelVersion
from casework.models.identity import ROLES
from casework.services.modeling.forms import current_forms
from casework.services.modeling.xml import parse

if TYPE_CHECKING:
    from casework.engine.expressions.actions import Actions
    from casework.services.actor import Actor
    from casework.storage.unit_of_work import UnitOfWork

#: lane names are role codes; these are their labels in the panel
ROLE_LABELS = {
    "clerk": ("办事员", "Clerk"), "inspector": ("检查员", "Inspector"),
    "legal_reviewer": ("法制审核员", "Legal reviewer"), "bureau_head": ("负责人", "Bureau head"),
    "unit": ("单位（门户）", "Unit (portal)"), "manager": ("流程管理员", "Process manager"),
    "scheduler": ("调度员", "Scheduler"), "auditor": ("审计员", "Auditor"), "admin": ("管理员", "Administrator"),
}
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
DUE_VARIABLE = re.compile(r'name="dueVariable"\s+value="([A-Za-z][A-Za-z0-9_]*)"')
TIME_DATE = re.compile(r"<(?:\w+:)?timeDate[^>]*>\s*([A-Za-z][A-Za-z0-9_]*)\s*<")
MAX_TIMER_TEXT = 2000


def palette(uow: UnitOfWork, *, actor: Actor, actions: Actions) -> dict[str, Any]:
    """The pick lists: roles, forms (with their titles), actions (inputs, outputs), due variables."""
    actor.require("manager", "admin")
    with uow:
        session = uow.session
        forms = current_forms(session)
        latest = select(ModelVersion.key, func.max(ModelVersion.version).label("v")).group_by(ModelVersion.key).subquery()
        xmls = session.scalars(select(ModelVersion.bpmn_xml).join(
            latest, (latest.c.key == ModelVersion.key) & (latest.c.v == ModelVersion.version)))
        variables: set[str] = set()
        for xml in xmls:
            variables.update(DUE_VARIABLE.findall(xml))
            variables.update(TIME_DATE.findall(xml))
    return {
        "roles": [{"code": r, "zh": ROLE_LABELS.get(r, (r, r))[0], "en": ROLE_LABELS.get(r, (r, r))[1]} for r in ROLES],
        "forms": [{"key": k, "zh": f.get("title", {}).get("zh", ""), "en": f.get("title", {}).get("en", "")}
                  for k, f in sorted(forms.items())],
        "actions": [_action(actions.get(name)) for name in actions.names()],
        "due_variables": sorted(variables),
        "timer_kinds": list(TIMER_KINDS),
    }


def _action(found) -> dict[str, Any]:
    def kind(t: Any) -> str:
        return getattr(t, "__name__", str(t))
    return {"name": found.name,
            "inputs": [{"name": n, "type": kind(t), "optional": n in found.optional} for n, t in found.inputs.items()],
            "outputs": [{"name": n, "type": kind(t)} for n, t in found.outputs.items()]}


def check_timer(kind: str, text: str) -> dict[str, Any]:
    """{"ok", "message", "reads", "explain"} for one timer text of `kind` (timeDate, ...)."""
    if kind not in TIMER_KINDS:
        raise InvalidInput(f"定时器类型须为 {', '.join(TIMER_KINDS)} / timer kind must be one of {', '.join(TIMER_KINDS)}")
    text = (text or "").strip()
    if not text:
        return _answer(False, "定时器不能为空", "a timer needs a text")
    if len(text) > MAX_TIMER_TEXT:
        return _answer(False, "定时器文字过长", f"timer text longer than {MAX_TIMER_TEXT} characters")
    try:
        if is_iso_literal(text):
            return _literal(kind, text)
        return _expression(text)
    except ExpressionRejected as exc:
        detail = getattr(exc, "detail", None) or str(exc)
        return _answer(False, f"表达式不在安全范围内：{detail}", f"expression refused: {detail}")
    except (ExpressionFailed, CaseworkError) as exc:
        zh, _, en = str(exc).partition(" / ")
        return _answer(False, zh, en or zh)


def _answer(ok: bool, zh: str, en: str, reads: list[str] | None = None) -> dict[str, Any]:
    return {"ok": ok, "message": f"{zh} / {en}", "reads": reads or []}


def _literal(kind: str, text: str) -> dict[str, Any]:
    if kind == "timeCycle":
        count, _start, _every = parse_cycle_text(text)
        return _answer(True, f"固定循环：{count} 次", f"a fixed cycle: {count} times")
    if kind == "timeDuration" or text.upper().startswith("P"):
        parse_duration(text)
        return _answer(True, "固定时长（日历时间，不顺延节假日）", "a fixed duration (calendar time, no holiday rollover)")
    instant = check_instant(parse_iso_instant(text))
    return _answer(True, f"固定时间 {instant.isoformat()}（无时区按 UTC）", f"a fixed instant {instant.isoformat()} (naive: UTC)")


def _expression(text: str) -> dict[str, Any]:
    tree = compile_expression(text, NAMES)
    reads = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in NAMES})
    periods = _legal_periods(tree)
    if not reads and not periods:
        return _answer(True, "表达式不读取流程数据", "the expression reads no process data")
    zh = "；".join([f"读取 {', '.join(reads)}"] * bool(reads) + [f"法定期间 {p.label_zh}（遇节假日顺延）" for p in periods])
    en = "; ".join([f"reads {', '.join(reads)}"] * bool(reads) + [f"legal period of {p.label_en} (rolled past rest days)"
                                                               for p in periods])
    return _answer(True, zh, en, reads)


def _legal_periods(tree: ast.AST) -> list[LegalPeriod]:
    """The literal periods of `deadline_iso(start, "15d")` calls, read as the legal calendar reads them."""
    periods = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "deadline_iso":
            if len(node.args) != 2 or node.keywords:
                raise InvalidInput("deadline_iso 需要两个参数：起算时间与期间 / deadline_iso takes a start and a period")
            period = node.args[1]
            if isinstance(period, ast.Constant) and isinstance(period.value, str):
                periods.append(LegalPeriod.parse(period.value))
    return periods


def timer_problems(xml: str) -> list[dict]:
    """Timer expressions the deploy check lets pass but the legal calendar would refuse when they run."""
    try:
        root = parse(xml)
    except CaseworkError:
        return []  # the deploy validation names it
    problems = []
    for definition in root.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        for child in definition:
            text = (child.text or "").strip() if isinstance(child.tag, str) else ""
            if not text or is_iso_literal(text):
                continue
            try:
                _legal_periods(compile_expression(text, NAMES))
            except ExpressionRejected:
                continue  # the deploy validation names it
            except InvalidInput as exc:
                owner = definition.getparent().get("id")
                zh, _, en = str(exc).partition(" / ")
                problems.append({"element": owner, "message": f"元素 {owner}：定时器：{zh} / element {owner}: timer: {en}"})
    return problems
