"""Spec stored once per model version; instance state stored without it."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter

from casework.engine.model.specs import TIMER_CLASSES, ActionServiceTask

Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]


class StatelessSpecWorkflowConverter(BpmnWorkflowConverter):
    """Writes a workflow without its spec; restores it onto a spec given by the caller."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None, script_engine=None):
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def make_registry():
    """The spiff registry, with our timer/service-task classes under the stock type names."""
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    ServiceTaskConverter(ActionServiceTask, registry, typename="ServiceTask")
    for stock, ours in TIMER_CLASSES.items():
        TimerConditionalEventDefinitionConverter(ours, registry, typename=stock.__name__)
    StatelessSpecWorkflowConverter(BpmnWorkflow, registry)
    registry.json_encoder = create_encoder(registry)
    return registry


_local = threading.local()


def registry():
    """This thread's registry (its encoder-mode flag is per registry, so not shared)."""
    found = getattr(_local, "registry", None)
    if found is None:
        found = _local.registry = make_registry()
    return found


def spec_to_json(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """The parsed spec and its subprocess specs as one JSON document (stored on the version)."""
    return json.dumps({
        "spec": registry().convert(spec),
        "subprocess_specs": {k: registry().convert(v) for k, v in subprocess_specs.items()},
        "serializer_version": VERSION,
    }, ensure_ascii=False)


def spec_from_json(text: str) -> Specs:
    dct = json.loads(text)
    spec = registry().restore(dct["spec"])
    subs = {k: registry().restore(v) for k, v in dct["subprocess_specs"].items()}
    return spec, subs


class VersionEntry:
    """A deployed version as the runtime uses it: restored specs, forms, compiled validators."""

    def __init__(self, specs: Specs, forms: dict[str, Any]) -> None:
        self.specs = specs
        self.forms = forms
        self.validators: dict[str, Any] = {}


class SpecCache:
    """Restored versions by (id, sha256): versions are immutable, so entries never go stale.

    The sha is part of the key because tests (and restores) reuse ids for other content.
    """

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[int, str], VersionEntry] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str], load) -> VersionEntry:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        spec_json, forms = load()
        entry = VersionEntry(spec_from_json(spec_json), forms or {})
        with self._lock:
            self._items[key] = entry
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return entry


SPECS = SpecCache()


def dump_state(workflow: BpmnWorkflow) -> str:
    """The instance state as JSON, without the spec."""
    reg = registry()
    reg._encoder_mode = True  # shallow convert; the encoder handles nested objects
    try:
        dct = reg.convert(workflow)
        dct["serializer_version"] = VERSION
        return json.dumps(dct, cls=reg.json_encoder, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    finally:
        reg._encoder_mode = False


def load_workflow(state: str, specs: Specs, script_engine: Any) -> BpmnWorkflow:
    """Rebuild a workflow from stored state onto the (shared, cached) spec objects."""
    dct = json.loads(state)
    dct.pop("serializer_version", None)
    spec, subs = specs
    return registry().restore(dct, spec=spec, subprocess_specs=subs, script_engine=script_engine)


def new_workflow(specs: Specs, script_engine: Any) -> BpmnWorkflow:
    spec, subs = specs
    return BpmnWorkflow(spec, subs, script_engine=script_engine)
