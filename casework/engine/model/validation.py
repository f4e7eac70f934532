"""Deploy-time validation: safe XML, a fresh parser, and every check that names the element."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask, ManualTask, ScriptTask, ServiceTask, UserTask
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from casework.engine.budget import LIMITS
from casework.engine.errors import DiagramInvalid, ExpressionFailed, ExpressionRejected
from casework.engine.expressions.actions import Actions, check_parameters
from casework.engine.expressions.evaluator import compile_expression, evaluate, parse_script
from casework.engine.expressions.functions import DEFAULT_FUNCTIONS, NAMES
from casework.engine.model.limits import check_instant, parse_cycle_text, parse_duration, parse_iso_instant
from casework.engine.model.problems import Problems, problems_of, stop
from casework.engine.model.specs import is_iso_literal
from casework.engine.model.spiffparse import parse_specs
from casework.engine.model.xmlchecks import check_xml
from casework.models.identity import ROLES

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
HUMAN_TASKS = (UserTask, ManualTask)
FORM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
MAX_XML_BYTES = 2_000_000


@dataclass
class Validated:
    """A diagram that passed every check, ready to store as a model version."""

    process_id: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, Any] = field(default_factory=dict)


def parse_xml(bpmn_xml: str | bytes) -> etree._Element:
    """Parse without entities, network or DTDs; refuse anything else (nothing more is checked then)."""
    raw = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bytes(bpmn_xml)
    if len(raw) > MAX_XML_BYTES:
        raise stop("definitions", "too_large", limit=MAX_XML_BYTES)
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise stop("definitions", "dtd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_pis=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise stop("definitions", "xml_syntax", line=exc.lineno, detail=exc.msg) from None
    if root.getroottree().docinfo.doctype:
        raise stop("definitions", "dtd")
    if etree.QName(root).namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        raise stop("definitions", "not_definitions")
    return root


def validate(key: str, bpmn_xml: str | bytes, forms_dir: Path, actions: Actions | None = None) -> Validated:
    """Validate fully (fresh parser every time); refused: one DiagramInvalid listing every problem.

    Checks go on past each problem; only a document that does not parse, has no process to run
    or that SpiffWorkflow's parser cannot read stops them (that problem named with the others).
    """
    root = parse_xml(bpmn_xml)
    problems = Problems()
    problems.index(root)
    check_xml(root, problems)
    _check_lanes(root, problems)
    process_ids = _pick_processes(key, root, problems)
    forms: dict[str, Any] = {}
    for process_id in process_ids:
        _check_calls(root, process_id, problems)
        parsed = parse_specs(root, key, process_id, problems)
        if parsed is None:  # that problem is listed; the other candidates are still checked
            continue
        for proc in [parsed[0], *parsed[1].values()]:
            for task_spec in proc.task_specs.values():
                _check_task_spec(task_spec, forms_dir, forms, actions, problems)
    if problems.found or parsed is None:
        raise problems.refusal()
    return Validated(process_ids[0], parsed[0], parsed[1], forms)


def _check_lanes(root: etree._Element, problems: Problems) -> None:
    for lane in root.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if name not in ROLES:
            problems.add(lane.get("id"), "lane_role", name=name, roles=", ".join(ROLES))


def _pick_processes(key: str, root: etree._Element, problems: Problems) -> list[str]:
    """The process to run. None marked executable, or several candidates, are problems, but
    the checks go on with the candidates (each pool of a collaboration)."""
    processes = root.findall(".//bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
    if not executable:
        problems.add(processes[0].get("id") if processes else "definitions", "no_executable")
        if not processes:
            raise problems.refusal()
    called = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}
    by_id = {p.get("id"): p for p in executable or processes}
    if key in by_id:
        return [key]
    top = [pid for pid in by_id if pid not in called]
    if len(top) != 1:
        problems.add(",".join(by_id), "one_top_level", key=key)
    return top or list(by_id)[:1]


def _props(task_spec: Any) -> dict[str, str]:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}) or {}


def _bpmn_id(task_spec: Any) -> str:
    return getattr(task_spec, "bpmn_id", None) or task_spec.name


def _expr(problems: Problems, element_id: str, text: str | None, key: str, **params: Any) -> None:
    if text is None:
        return
    try:
        compile_expression(text, NAMES)
    except ExpressionRejected as exc:
        problems.add(element_id, key, detail=getattr(exc, "detail", str(exc)), **params)


def _check_task_spec(task_spec: Any, forms_dir: Path, forms: dict[str, Any], actions: Actions | None,
                     problems: Problems) -> None:
    element = _bpmn_id(task_spec)
    if isinstance(task_spec, BusinessRuleTask):
        problems.add(element, "business_rule")
    if isinstance(task_spec, HUMAN_TASKS) and not problems.has(element, "plain_task", "service_operator",
                                                                "call_missing", "business_rule"):
        _check_human_task(task_spec, element, forms_dir, forms, problems)
    for script in (getattr(task_spec, "prescript", None), getattr(task_spec, "postscript", None),
                   task_spec.script if isinstance(task_spec, ScriptTask) else None):
        _script(problems, element, script)
    if isinstance(task_spec, ServiceTask):
        try:
            check_parameters(task_spec.operation_name, set(task_spec.operation_params), element, actions)
        except DiagramInvalid as exc:
            problems.found.extend(p for p in problems_of(exc) if p not in problems.found)
        for name, param in task_spec.operation_params.items():
            _expr(problems, element, param.get("value"), "parameter_expression", param=name)
    if isinstance(task_spec, MultiChoice) and not problems.has_flow_problem(element):
        _check_gateway(task_spec, element, problems)
    if isinstance(task_spec, LoopTask):
        for attr in ("condition", "cardinality"):
            _expr(problems, element, getattr(task_spec, attr, None), "loop_expression")
        _check_cardinality(element, getattr(task_spec, "cardinality", None), problems)
    definition = getattr(task_spec, "event_definition", None)
    if definition is not None:
        for single in _definitions(definition):
            _check_event(single, element, problems)


def _check_human_task(task_spec: Any, element: str, forms_dir: Path, forms: dict[str, Any],
                      problems: Problems) -> None:
    if task_spec.lane is None:
        problems.add(element, "human_lane")
    props = _props(task_spec)
    form_key = props.get("formKey")
    due = props.get("dueVariable")
    if due is not None and (not due.isidentifier() or due.startswith("_")):
        problems.add(element, "due_variable", due=due)
    if not form_key:
        problems.add(element, "form_key_missing")
    elif not FORM_KEY.match(form_key):
        problems.add(element, "form_key_invalid", form_key=form_key)
    elif form_key not in forms:
        try:
            forms[form_key] = load_form(form_key, forms_dir, element)
        except DiagramInvalid as exc:
            problems.found.extend(p for p in exc.problems if p not in problems.found)


def load_form(form_key: str, forms_dir: Path, element: str | None = None) -> dict[str, Any]:
    """Read forms/<formKey>.json and check its JSON Schema."""
    path = Path(forms_dir) / f"{form_key}.json"
    if not path.is_file():
        raise stop(element, "form_missing", form_key=form_key)
    try:
        form = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(form["schema"])
    except (ValueError, KeyError, TypeError, SchemaError) as exc:
        raise stop(element, "form_invalid", form_key=form_key, error=exc.__class__.__name__,
                   detail=str(exc)[:200]) from None
    return form


def _script(problems: Problems, element: str, script: str | None) -> None:
    if not script:
        return
    try:
        parse_script(script, NAMES)
    except ExpressionRejected as exc:
        problems.add(element, "script", detail=getattr(exc, "detail", str(exc)))


def _check_gateway(task_spec: MultiChoice, element: str, problems: Problems) -> None:
    default = getattr(task_spec, "default_task_spec", None)
    conditioned = set()
    for condition, target in task_spec.cond_task_specs:
        if condition is None and target != default:
            problems.add(element, "branch_condition", targets=[target])
        if condition is not None:
            conditioned.add(target)
            _expr(problems, element, getattr(condition, "args", [condition])[0], "gateway_condition")
    if isinstance(task_spec, ExclusiveChoice) and len(task_spec.outputs) > 1:
        unconditioned = [t.name for t in task_spec.outputs if t.name != default and t.name not in conditioned]
        if unconditioned:
            problems.add(element, "branch_condition", targets=unconditioned)


def _definitions(definition: Any) -> Iterable[Any]:
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def _check_event(definition: Any, element: str, problems: Problems) -> None:
    if isinstance(definition, TimerEventDefinition):
        text = (definition.expression or "").strip()
        if not text:
            problems.add(element, "timer_missing")
        elif is_iso_literal(text):
            _check_literal(definition, text, element, problems)
        else:
            _expr(problems, element, text, "timer_expression")
    elif isinstance(definition, ConditionalEventDefinition):
        _expr(problems, element, definition.expression, "conditional_event")
    elif isinstance(definition, MessageEventDefinition):
        _expr(problems, element, getattr(definition, "expression", None), "message_payload")
        for prop in [*definition.correlation_properties, *getattr(definition, "process_correlations", [])]:
            _expr(problems, element, prop.retrieval_expression, "correlation")


def _check_literal(definition: TimerEventDefinition, text: str, element: str, problems: Problems) -> None:
    """Parsed by our bounded parsers first: the library's own loop on P99999999Y never ends."""
    try:
        if isinstance(definition, DurationTimerEventDefinition):
            parse_duration(text)
        elif isinstance(definition, CycleTimerEventDefinition):
            parse_cycle_text(text)
        elif text.upper().startswith("P"):
            parse_duration(text)
        else:
            check_instant(parse_iso_instant(text))
    except ExpressionFailed as exc:
        zh, _, en = str(exc).partition(" / ")
        problems.add(element, "timer_limit", detail_zh=zh, detail_en=en or zh)


def _check_calls(root: etree._Element, process_id: str, problems: Problems) -> None:
    """A call activity may not call its own process, directly or through others."""
    calls = {p.get("id"): [(c.get("id"), c.get("calledElement")) for c in p.iterfind(".//bpmn:callActivity", NS)]
             for p in root.iterfind(".//bpmn:process", NS)}

    def visit(pid: str, path: tuple[str, ...]) -> None:
        for call_id, called in calls.get(pid, []):
            if called in path or called == pid:
                problems.add(call_id, "recursive_call", called=called, path=" -> ".join([*path, pid, called]))
            elif called not in seen:
                seen.add(called)
                visit(called, (*path, pid))
    seen = {process_id}
    visit(process_id, ())


def _check_cardinality(element: str, text: str | None, problems: Problems) -> None:
    """A loop cardinality that needs no data is computed now and bounded."""
    if not text:
        return
    try:
        value = evaluate(text, {}, DEFAULT_FUNCTIONS)
    except (ExpressionFailed, ExpressionRejected):
        return  # depends on the data: bounded when it runs
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= LIMITS.instances:
        problems.add(element, "cardinality", text=text, limit=LIMITS.instances)
