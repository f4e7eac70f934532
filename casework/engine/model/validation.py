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
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
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
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask, ManualTask, ScriptTask, ServiceTask, UserTask
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from casework.engine.budget import LIMITS
from casework.engine.errors import DiagramInvalid, ExpressionFailed, ExpressionRejected
from casework.engine.expressions.actions import Actions, check_parameters
from casework.engine.expressions.evaluator import compile_expression, evaluate, parse_script
from casework.engine.expressions.functions import DEFAULT_FUNCTIONS, NAMES
from casework.engine.model.limits import check_instant, parse_cycle_text, parse_duration, parse_iso_instant
from casework.engine.model.specs import is_iso_literal
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


def refuse(element_id: str | None, message_zh: str, message_en: str) -> DiagramInvalid:
    where = element_id or "?"
    return DiagramInvalid(f"元素 {where}：{message_zh} / element {where}: {message_en}", element_id)


def parse_xml(bpmn_xml: str | bytes) -> etree._Element:
    """Parse without entities, network or DTDs; refuse anything else."""
    raw = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bytes(bpmn_xml)
    if len(raw) > MAX_XML_BYTES:
        raise refuse("definitions", "文件过大", f"diagram larger than {MAX_XML_BYTES} bytes")
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise refuse("definitions", "不允许 DTD 或实体声明", "DTDs and entity declarations are not allowed")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_pis=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise refuse("definitions", f"XML 无法解析（第 {exc.lineno} 行）：{exc.msg}",
                     f"XML does not parse (line {exc.lineno}): {exc.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise refuse("definitions", "不允许 DTD", "DTDs are not allowed")
    if etree.QName(root).namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        raise refuse("definitions", "根元素须为 bpmn:definitions", "root element must be bpmn:definitions")
    return root


def validate(key: str, bpmn_xml: str | bytes, forms_dir: Path, actions: Actions | None = None) -> Validated:
    """Validate fully (fresh parser every time) or raise one DiagramInvalid naming the element."""
    root = parse_xml(bpmn_xml)
    check_xml(root, refuse)
    _check_lanes(root)
    process_id = _pick_process(key, root)
    _check_calls(root, process_id)
    parser = SpiffBpmnParser()  # fresh: a failed get_spec leaves a half-built spec cached
    try:
        parser.add_bpmn_xml(root, filename=f"{key}.bpmn")
        spec = parser.get_spec(process_id)
        subs = parser.get_subprocess_specs(process_id)
    except DiagramInvalid:
        raise
    except ValidationException as exc:
        raise _from_spiff(exc, process_id) from None
    except Exception as exc:  # the parser raises TypeError/KeyError/... on some malformed input
        raise refuse(process_id, f"无法解析：{_clean(repr(exc))}",
                     f"cannot be parsed: {_clean(repr(exc))}") from None
    forms: dict[str, Any] = {}
    for proc in [spec, *subs.values()]:
        for task_spec in proc.task_specs.values():
            _check_task_spec(task_spec, forms_dir, forms, actions)
    return Validated(process_id, spec, subs, forms)


def _from_spiff(exc: ValidationException, fallback: str) -> DiagramInvalid:
    element = getattr(exc, "id", "") or fallback
    message = _clean(str(exc.args[0]) if exc.args else str(exc))
    tag = getattr(exc, "tag", "")
    return refuse(element, f"{message}（{tag}）" if tag else message, f"{message} ({tag})" if tag else message)


def _clean(message: str) -> str:
    """Replace lxml object reprs (`<Element {ns}sourceRef at 0x..>`) with the tag name."""
    return re.sub(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>", r"\1", message)


def _check_lanes(root: etree._Element) -> None:
    for lane in root.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if name not in ROLES:
            raise refuse(lane.get("id"), f"泳道名 {name!r} 不是已知角色（{', '.join(ROLES)}）",
                         f"lane name {name!r} is not a known role ({', '.join(ROLES)})")


def _pick_process(key: str, root: etree._Element) -> str:
    processes = root.findall(".//bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
    if not executable:
        pid = processes[0].get("id") if processes else "definitions"
        raise refuse(pid, "没有可执行的流程（isExecutable=\"true\"）",
                     "no executable process (set isExecutable=\"true\")")
    called = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}
    by_id = {p.get("id"): p for p in executable}
    if key in by_id:
        return key
    top = [pid for pid in by_id if pid not in called]
    if len(top) != 1:
        raise refuse(",".join(by_id), f"应只有一个顶层可执行流程，或流程 id 等于 {key!r}",
                     f"expected one top-level executable process, or one whose id is {key!r}")
    return top[0]


def _props(task_spec: Any) -> dict[str, str]:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}) or {}


def _bpmn_id(task_spec: Any) -> str:
    return getattr(task_spec, "bpmn_id", None) or task_spec.name


def _expr(element_id: str, text: str | None, what: str) -> None:
    if text is None:
        return
    try:
        compile_expression(text, NAMES)
    except ExpressionRejected as exc:
        detail = getattr(exc, "detail", str(exc))
        raise refuse(element_id, f"{what}不安全或超出限制：{detail}",
                     f"{what}refused: {detail}") from None


def _check_task_spec(task_spec: Any, forms_dir: Path, forms: dict[str, Any], actions: Actions | None) -> None:
    element = _bpmn_id(task_spec)
    if isinstance(task_spec, BusinessRuleTask):
        raise refuse(element, "不支持业务规则任务（DMN）", "business rule tasks (DMN) are not supported")
    if isinstance(task_spec, HUMAN_TASKS):
        _check_human_task(task_spec, element, forms_dir, forms)
    for attr in ("prescript", "postscript"):
        _script(element, getattr(task_spec, attr, None))
    if isinstance(task_spec, ScriptTask):
        _script(element, task_spec.script)
    if isinstance(task_spec, ServiceTask):
        check_parameters(task_spec.operation_name, set(task_spec.operation_params), element, actions)
        for name, param in task_spec.operation_params.items():
            _expr(element, param.get("value"), f"参数 {name} 的表达式 / parameter {name} expression ")
    if isinstance(task_spec, MultiChoice):
        _check_gateway(task_spec, element)
    if isinstance(task_spec, LoopTask):
        for attr in ("condition", "cardinality"):
            _expr(element, getattr(task_spec, attr, None), "循环条件 / loop expression ")
        _check_cardinality(element, getattr(task_spec, "cardinality", None))
    definition = getattr(task_spec, "event_definition", None)
    if definition is not None:
        for single in _definitions(definition):
            _check_event(single, element)


def _check_human_task(task_spec: Any, element: str, forms_dir: Path, forms: dict[str, Any]) -> None:
    lane = task_spec.lane
    if lane is None:
        raise refuse(element, "人工任务须位于泳道（角色）中", "human task must be in a lane naming a role")
    props = _props(task_spec)
    form_key = props.get("formKey")
    if not form_key:
        raise refuse(element, "缺少 formKey 属性", "missing the formKey property")
    if not FORM_KEY.match(form_key):
        raise refuse(element, f"formKey {form_key!r} 不合法", f"formKey {form_key!r} is not a valid name")
    due = props.get("dueVariable")
    if due is not None and (not due.isidentifier() or due.startswith("_")):
        raise refuse(element, f"dueVariable {due!r} 不合法", f"dueVariable {due!r} is not a variable name")
    if form_key not in forms:
        forms[form_key] = load_form(form_key, forms_dir, element)


def load_form(form_key: str, forms_dir: Path, element: str | None = None) -> dict[str, Any]:
    """Read forms/<formKey>.json and check its JSON Schema."""
    path = Path(forms_dir) / f"{form_key}.json"
    if not path.is_file():
        raise refuse(element, f"表单文件缺失：forms/{form_key}.json", f"form file missing: forms/{form_key}.json")
    try:
        form = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(form["schema"])
    except (ValueError, KeyError, TypeError, SchemaError) as exc:
        raise refuse(element, f"表单 {form_key} 无效：{exc.__class__.__name__}",
                     f"form {form_key} is invalid: {exc.__class__.__name__}: {str(exc)[:200]}") from None
    return form


def _script(element: str, script: str | None) -> None:
    if not script:
        return
    try:
        parse_script(script, NAMES)
    except ExpressionRejected as exc:
        detail = getattr(exc, "detail", str(exc))
        raise refuse(element, f"脚本只能是 `变量 = 表达式`，且在安全范围内：{detail}",
                     f"scripts may only hold safe `name = expression` lines: {detail}") from None


def _check_gateway(task_spec: MultiChoice, element: str) -> None:
    default = getattr(task_spec, "default_task_spec", None)
    for condition, target in task_spec.cond_task_specs:
        if condition is None and target != default:
            raise refuse(element, f"分支 {target} 既无条件也非默认", f"branch to {target} has no condition and is not the default")
        if condition is not None:
            _expr(element, getattr(condition, "args", [condition])[0], "网关条件 / gateway condition ")
    if isinstance(task_spec, ExclusiveChoice) and len(task_spec.outputs) > 1:
        unconditioned = [t.name for t in task_spec.outputs
                         if t.name != default and t.name not in {n for c, n in task_spec.cond_task_specs if c is not None}]
        if unconditioned:
            raise refuse(element, f"分支 {unconditioned} 缺少条件且非默认",
                         f"branches {unconditioned} have no condition and are not the default")


def _definitions(definition: Any) -> Iterable[Any]:
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def _check_event(definition: Any, element: str) -> None:
    if isinstance(definition, TimerEventDefinition):
        text = (definition.expression or "").strip()
        if not text:
            raise refuse(element, "定时器缺少表达式", "timer has no expression")
        if is_iso_literal(text):
            _check_literal(definition, text, element)
        else:
            _expr(element, text, "定时器表达式 / timer expression ")
    elif isinstance(definition, ConditionalEventDefinition):
        _expr(element, definition.expression, "条件事件 / conditional event ")
    elif isinstance(definition, MessageEventDefinition):
        _expr(element, getattr(definition, "expression", None), "消息内容 / message payload ")
        for prop in [*definition.correlation_properties, *getattr(definition, "process_correlations", [])]:
            _expr(element, prop.retrieval_expression, "关联表达式 / correlation expression ")


def _check_literal(definition: TimerEventDefinition, text: str, element: str) -> None:
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
        raise refuse(element, f"定时器：{zh}", f"timer: {en or zh}") from None


def _check_calls(root: etree._Element, process_id: str) -> None:
    """A call activity may not call its own process, directly or through others."""
    calls = {p.get("id"): [(c.get("id"), c.get("calledElement")) for c in p.iterfind(".//bpmn:callActivity", NS)]
             for p in root.iterfind(".//bpmn:process", NS)}

    def visit(pid: str, path: tuple[str, ...]) -> None:
        for call_id, called in calls.get(pid, []):
            if called in path or called == pid:
                raise refuse(call_id, f"调用活动递归调用流程 {called}（{' → '.join([*path, pid, called])}）",
                             f"call activity calls process {called} recursively ({' -> '.join([*path, pid, called])})")
            visit(called, (*path, pid))
    visit(process_id, ())


def _check_cardinality(element: str, text: str | None) -> None:
    """A loop cardinality that needs no data is computed now and bounded."""
    if not text:
        return
    try:
        value = evaluate(text, {}, DEFAULT_FUNCTIONS)
    except (ExpressionFailed, ExpressionRejected):
        return  # depends on the data: bounded when it runs
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= LIMITS.instances:
        raise refuse(element, f"多实例数 {text} 须为 0 到 {LIMITS.instances} 的整数",
                     f"loopCardinality {text} must be an integer from 0 to {LIMITS.instances}")
