"""Helpers shared by the tests: test data locations, waiting on a condition, reading rows."""
from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Callable

import pytest
from pypdf import PdfReader

from casework.documents.samples import kind_context
from casework.documents.service import DocumentIntegrityError, download, issue, issue_service_receipt, serve

DATA = Path(__file__).resolve().parent / "data"
TEST_BPMN = DATA / "bpmn"    # the engine's own test diagrams
TEST_FORMS = DATA / "forms"  # the forms those diagrams name (test_*)


def wait_for(predicate: Callable[[], object], timeout: float = 60.0, interval: float = 0.05):
    """Poll `predicate` until it returns something true (returned); fail after `timeout` seconds.

    The timeout is generous on purpose: it bounds a hang on a busy machine, it is not a
    measurement, and a passing test returns as soon as the condition holds.
    """
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= end:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {getattr(predicate, '__name__', predicate)}")
        time.sleep(interval)


def issue_one(container, ids, kind: str = "rectification_order", commit: bool = True, **kw):
    """Issue one sample document of `kind` for the `ids` fixture's unit (case:1)."""
    with container.uow() as uow:
        doc = issue(uow.session, container.files, kind=kind, jurisdiction_id=ids[0],
                    unit_id=ids[1], case_ref="case:1", context=kind_context(kind),
                    actor="officer:zhang", **kw)
        if commit:
            uow.commit()
        return doc


def served_with_receipt(container, ids, *, place: str, lang: str = "zh"):
    """Issue a penalty decision, serve it directly with its receipt: (receipt, receipt text)."""
    doc = issue_one(container, ids, kind="penalty_decision")
    with container.uow() as uow:
        serve(uow.session, doc.id, actor="officer:zhang", method="direct")
        receipt = issue_service_receipt(uow.session, container.files, document_id=doc.id,
                                        actor="officer:zhang", method="direct", place=place,
                                        servers=["张伟", "刘洋"], lang=lang)
        uow.commit()
    with container.uow() as uow:
        return receipt, pdf_text(download(uow.session, container.files, receipt.id))


def pdf_text(data: bytes) -> str:
    """A PDF's text without white space or page footers, for `in` checks."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))


def assert_download_refused(container, document_id: int, match: str) -> None:
    """Downloading the document fails its integrity check with a message matching `match`."""
    with container.uow() as uow, pytest.raises(DocumentIntegrityError, match=match):
        download(uow.session, container.files, document_id)
