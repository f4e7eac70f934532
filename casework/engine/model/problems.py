"""Deploy-validation problems: every one names its element, a message key and its parameters.

`MESSAGES[key] = (zh, en)` are `%(name)s` templates; the English one is also the msgid in
web/translations, so the web can show a problem in the page's language (except PER_LANGUAGE
keys, whose parameters hold the text in each language: use `message_zh` / `message_en`). `Problems` collects
them while validation goes on; `DiagramInvalid.problems` carries the list when it refuses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from casework.engine.errors import DiagramInvalid

DI_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DI",
                 "http://www.omg.org/spec/DD/20100524/DC")
USE_INSTEAD_ZH = "请改用位于泳道并带表单的用户任务、脚本任务或服务任务"
PER_LANGUAGE = frozenset({"timer_limit", "refused"})
MESSAGES: dict[str, tuple[str, str]] = {
    "too_large": ("文件过大（上限 %(limit)s 字节）", "diagram larger than %(limit)s bytes"),
    "dtd": ("不允许 DTD 或实体声明", "DTDs and entity declarations are not allowed"),
    "xml_syntax": ("XML 无法解析（第 %(line)s 行）：%(detail)s", "XML does not parse (line %(line)s): %(detail)s"),
    "not_definitions": ("根元素须为 bpmn:definitions", "root element must be bpmn:definitions"),
    "plain_task": (f"普通任务（bpmn:task）会永远等待：{USE_INSTEAD_ZH}",
                   "a plain task (bpmn:task) would wait for ever: use a userTask in a lane with a form, "
                   "a scriptTask or a serviceTask"),
    "business_rule": ("不支持业务规则任务（DMN）：请改用脚本任务或服务任务",
                      "business rule tasks (DMN) are not supported: use a scriptTask or a serviceTask"),
    "data_store": ("不支持数据存储：流程数据保存在实例中",
                   "data stores are not supported: process data lives in the instance"),
    "timer_text": ("定时器须有且只有一个 timeDate、timeDuration 或 timeCycle（且不为空）",
                   "a timer needs exactly one non-empty timeDate, timeDuration or timeCycle"),
    "message_ref": ("messageRef '%(ref)s' 未指向任何 bpmn:message", "messageRef '%(ref)s' names no bpmn:message"),
    "several_messages": ("一个事件只能等待一个消息（send_message 无法恢复多消息事件）",
                         "an event may wait for one message only (send_message cannot resume several)"),
    "multi_instance_input": ("多实例任务须有 loopCardinality 或输入集合（loopDataInputRef）",
                             "a multi-instance task needs a loopCardinality or an input collection "
                             "(loopDataInputRef)"),
    "flow_condition": ("分支既无条件也非网关 %(gateway)s 的默认分支", "flow from gateway %(gateway)s has no "
                       "condition and is not its default"),
    "service_operator": ("服务任务须以 spiffworkflow:serviceTaskOperator 指定已注册的动作",
                         "a serviceTask needs a spiffworkflow:serviceTaskOperator naming a registered action"),
    "call_missing": ("调用活动调用的流程 '%(called)s' 不在此文件中", "call activity calls process '%(called)s', "
                     "which is not in this file"),
    "lane_role": ("泳道名 '%(name)s' 不是已知角色（%(roles)s）", "lane name '%(name)s' is not a known role (%(roles)s)"),
    "no_executable": ("没有可执行的流程（isExecutable=\"true\"）", "no executable process (set isExecutable=\"true\")"),
    "one_top_level": ("应只有一个顶层可执行流程，或流程 id 等于 '%(key)s'",
                      "expected one top-level executable process, or one whose id is '%(key)s'"),
    "recursive_call": ("调用活动递归调用流程 %(called)s（%(path)s）",
                       "call activity calls process %(called)s recursively (%(path)s)"),
    "parser": ("SpiffWorkflow 拒绝：%(detail)s", "SpiffWorkflow refuses it: %(detail)s"),
    "unparsable": ("无法解析：%(detail)s", "cannot be parsed: %(detail)s"),
    "human_lane": ("人工任务须位于泳道（角色）中", "human task must be in a lane naming a role"),
    "form_key_missing": ("缺少 formKey 属性", "missing the formKey property"),
    "form_key_invalid": ("formKey '%(form_key)s' 不合法", "formKey '%(form_key)s' is not a valid name"),
    "due_variable": ("dueVariable '%(due)s' 不合法", "dueVariable '%(due)s' is not a variable name"),
    "form_missing": ("表单文件缺失：forms/%(form_key)s.json", "form file missing: forms/%(form_key)s.json"),
    "form_invalid": ("表单 %(form_key)s 无效：%(error)s", "form %(form_key)s is invalid: %(error)s: %(detail)s"),
    "script": ("脚本只能是 `变量 = 表达式`，且在安全范围内：%(detail)s",
               "scripts may only hold safe `name = expression` lines: %(detail)s"),
    "parameter_expression": ("参数 %(param)s 的表达式不安全或超出限制：%(detail)s",
                             "parameter %(param)s expression refused: %(detail)s"),
    "loop_expression": ("循环表达式不安全或超出限制：%(detail)s", "loop expression refused: %(detail)s"),
    "gateway_condition": ("网关条件不安全或超出限制：%(detail)s", "gateway condition refused: %(detail)s"),
    "timer_expression": ("定时器表达式不安全或超出限制：%(detail)s", "timer expression refused: %(detail)s"),
    "conditional_event": ("条件事件不安全或超出限制：%(detail)s", "conditional event refused: %(detail)s"),
    "message_payload": ("消息内容不安全或超出限制：%(detail)s", "message payload refused: %(detail)s"),
    "correlation": ("关联表达式不安全或超出限制：%(detail)s", "correlation expression refused: %(detail)s"),
    "branch_condition": ("分支 %(targets)s 缺少条件且非默认", "branches %(targets)s have no condition and are not the default"),
    "timer_missing": ("定时器缺少表达式", "timer has no expression"),
    "timer_limit": ("定时器：%(detail_zh)s", "timer: %(detail_en)s"),
    "cardinality": ("多实例数 %(text)s 须为 0 到 %(limit)s 的整数",
                    "loopCardinality %(text)s must be an integer from 0 to %(limit)s"),
    "refused": ("%(detail_zh)s", "%(detail_en)s"),
}


@dataclass(frozen=True)
class Problem:
    """One reason the diagram cannot be deployed, about one element."""

    element: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    type: str = ""
    name: str = ""

    def text(self, lang: str) -> str:
        """The message without the element, in `lang` ("zh" or "en")."""
        return MESSAGES[self.key][0 if lang == "zh" else 1] % self.params

    def line(self, lang: str) -> str:
        """One line about the element in `lang`: `element X (task "Name"): ...`."""
        if lang == "zh":
            what = f"（{self.type}{f'「{self.name}」' if self.name else ''}）" if self.type else ""
            return f"元素 {self.element}{what}：{self.text('zh')}"
        what = f" ({self.type}{f' {self.name!r}' if self.name else ''})" if self.type else ""
        return f"element {self.element}{what}: {self.text('en')}"

    @property
    def message(self) -> str:
        """Both languages on one line, as the CLI prints it."""
        return f"{self.line('zh')} / {self.line('en')}"

    def as_dict(self) -> dict[str, Any]:
        return {"element": self.element, "message": self.message, "type": self.type, "name": self.name,
                "key": self.key, "params": dict(self.params),
                "message_zh": self.line("zh"), "message_en": self.line("en")}


class Problems:
    """The problems found so far; element types and names come from the document's ids."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self._elements: dict[str, etree._Element] = {}

    def index(self, root: etree._Element) -> None:
        for element in root.iter():
            if not isinstance(element.tag, str) or etree.QName(element).namespace in DI_NAMESPACES:
                continue
            ident = element.get("id")
            if ident and ident not in self._elements and not _in_di(element):
                self._elements[ident] = element
        self._elements.setdefault("definitions", root)

    def add(self, element: str | None, key: str, /, **params: Any) -> None:
        ident = element or "definitions"
        node = self._elements.get(ident)
        kind = etree.QName(node).localname if node is not None else ""
        name = " ".join((node.get("name") or "").split())[:80] if node is not None else ""
        problem = Problem(ident, key, {k: _plain(v) for k, v in params.items()}, kind, name)
        if problem not in self.found:
            self.found.append(problem)

    def has(self, element: str, *keys: str) -> bool:
        return any(p.element == element and p.key in keys for p in self.found)

    def has_flow_problem(self, gateway: str) -> bool:
        return any(p.key == "flow_condition" and p.params.get("gateway") == gateway for p in self.found)

    def refusal(self) -> DiagramInvalid:
        return refusal(self.found)


def refusal(problems: list[Problem]) -> DiagramInvalid:
    """One DiagramInvalid for all problems: the first one's line (and how many more), `.problems`."""
    first = problems[0]
    more = f" [另有 {len(problems) - 1} 个问题 / {len(problems) - 1} more problems]" if len(problems) > 1 else ""
    return DiagramInvalid(first.message + more, first.element, problems)


def stop(element: str | None, key: str, /, **params: Any) -> DiagramInvalid:
    """A problem after which nothing else can be checked (the document does not parse...)."""
    problems = Problems()
    problems.add(element, key, **params)
    return problems.refusal()


def problems_of(error: DiagramInvalid) -> list[Problem]:
    """The problems of a refusal; one raised outside validation (a bad key...) becomes one problem."""
    if error.problems:
        return list(error.problems)
    text = str(error)
    zh, _, en = text.partition(" / ")
    prefix_zh, prefix_en = f"元素 {error.element_id}：", f"element {error.element_id}: "
    return [Problem(error.element_id or "definitions", "refused",
                    {"detail_zh": zh.removeprefix(prefix_zh), "detail_en": (en or zh).removeprefix(prefix_en)})]


def _in_di(element: etree._Element) -> bool:
    return any(isinstance(a.tag, str) and etree.QName(a).namespace in DI_NAMESPACES for a in element.iterancestors())


def _plain(value: Any) -> Any:
    """Parameters shown as text: names quoted as the old messages did, lists joined."""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return value
